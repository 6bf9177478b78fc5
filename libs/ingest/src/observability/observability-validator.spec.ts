import 'reflect-metadata';
import { TidingsError } from '@tidings/common';
import { parseEventTimestamp, toFiniteNumber } from './event-timestamp';
import { ObservabilityKind } from './observability-input';
import { validateObservabilityEvent } from './observability-validator';

const RECEIVED = new Date('2026-11-20T12:00:00.000Z');
const base = { pipeline_key: 'SFTP_to_Tableau', run_key: 'airflow-123' };

function fieldsOf(kind: ObservabilityKind, body: unknown): string[] {
  try {
    validateObservabilityEvent(kind, body, RECEIVED);
  } catch (error) {
    expect(error).toBeInstanceOf(TidingsError);
    expect((error as TidingsError).code).toBe('validation_failed');
    return ((error as TidingsError).details ?? []).map((d) => d.field);
  }
  throw new Error('expected the body to be refused');
}

describe('parseEventTimestamp', () => {
  it.each([
    ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T10:00:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20 10:00:00.123456', '2026-11-20T10:00:00.123Z'],
    ['2026-11-20T10:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T11:30:00+01:30', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T05:00:00-0500', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T12:00:00+02', '2026-11-20T10:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s as %s (naive is UTC)', (text, iso) => {
    expect(parseEventTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-02-29T00:00:00Z',
    '2026-11-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-20T24:00:00Z',
    '2026-11-20T10:60:00Z',
    '2026-11-20',
    'yesterday',
    '1700000000',
    '2026-11-20T10:00:00+25:00',
    '',
  ])('refuses %j', (text) => {
    expect(parseEventTimestamp(text)).toBeNull();
  });

  it.each([1700000000, null, {}, ['2026-11-20T10:00:00Z']])('refuses a non-string %j', (value) => {
    expect(parseEventTimestamp(value)).toBeNull();
  });
});

describe('toFiniteNumber', () => {
  it.each([
    [12, 12],
    [-0.5, -0.5],
    ['20.4', 20.4],
    [' 7 ', 7],
    ['1e3', 1000],
  ])('accepts %j', (value, number) => {
    expect(toFiniteNumber(value)).toBe(number);
  });

  it.each(['NaN', 'Infinity', '-Infinity', '1e400', 'twelve', '', '0x10', true, null, {}, [], Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses %j',
    (value) => {
      expect(toFiniteNumber(value)).toBeNull();
    },
  );
});

describe('validateObservabilityEvent', () => {
  it('normalises a run-status: enums case-insensitive, naive timestamp as UTC, optional fields kept', () => {
    expect(
      validateObservabilityEvent(
        'run-status',
        {
          ...base,
          task_key: 'redshift_load',
          task_name: 'Load',
          status: 'completed_with_warnings',
          event_timestamp: '2026-11-20T10:00:00',
          external_url: 'http://airflow:8080/dags/x',
          metadata: { attempt: 2 },
          component_tool: 'airflow',
          pipeline_name: null,
        },
        RECEIVED,
      ),
    ).toEqual({
      kind: 'run-status',
      at: new Date('2026-11-20T10:00:00Z'),
      target: { pipelineKey: 'SFTP_to_Tableau', runKey: 'airflow-123', taskKey: 'redshift_load', taskName: 'Load' },
      status: 'COMPLETED_WITH_WARNINGS',
      context: { external_url: 'http://airflow:8080/dags/x', component_tool: 'airflow', metadata: { attempt: 2 } },
    });
  });

  it('takes the receive time when event_timestamp is absent', () => {
    expect(validateObservabilityEvent('run-status', { ...base, status: 'RUNNING' }, RECEIVED).at).toEqual(RECEIVED);
  });

  it('parses metric values given as numbers or decimal strings', () => {
    expect(validateObservabilityEvent('metric-log', { ...base, metric_key: 'rows', metric_value: '20.5' }, RECEIVED)).toMatchObject({
      key: 'rows',
      value: 20.5,
    });
  });

  it('normalises test outcomes', () => {
    const input = validateObservabilityEvent(
      'test-outcomes',
      {
        ...base,
        test_outcomes: [
          { name: 'nulls', status: 'failed', min_threshold: '0', end_time: '2026-11-20T10:00:00', dimensions: ['completeness'] },
        ],
      },
      RECEIVED,
    );
    expect(input).toMatchObject({
      outcomes: [{ name: 'nulls', status: 'FAILED', min_threshold: 0, end_time: '2026-11-20T10:00:00.000Z', dimensions: ['completeness'] }],
    });
  });

  it('reads a dataset operation', () => {
    expect(
      validateObservabilityEvent('dataset-operation', { dataset_key: 'orders_raw', operation: 'write', path: 'in/x.csv' }, RECEIVED),
    ).toEqual({
      kind: 'dataset-operation',
      at: RECEIVED,
      dataset: { key: 'orders_raw', operation: 'WRITE', path: 'in/x.csv' },
    });
  });

  const long = 'x'.repeat(256);
  it.each<[string, ObservabilityKind, Record<string, unknown>, string[]]>([
    ['no keys', 'run-status', { status: 'RUNNING' }, ['pipeline_key', 'run_key']],
    ['an empty pipeline_key', 'run-status', { ...base, pipeline_key: '', status: 'RUNNING' }, ['pipeline_key']],
    ['a 256-character run_key', 'run-status', { ...base, run_key: long, status: 'RUNNING' }, ['run_key']],
    ['an empty task_key', 'run-status', { ...base, task_key: '', status: 'RUNNING' }, ['task_key']],
    ['a key that is a number', 'run-status', { ...base, run_key: 123, status: 'RUNNING' }, ['run_key']],
    ['an unknown status', 'run-status', { ...base, status: 'DONE' }, ['status']],
    ['a status that is not a string', 'run-status', { ...base, status: 1 }, ['status']],
    ['an unknown field', 'run-status', { ...base, status: 'RUNNING', colour: 'blue' }, ['colour']],
    ['a bad event_timestamp', 'run-status', { ...base, status: 'RUNNING', event_timestamp: '2026-02-30T10:00:00' }, ['event_timestamp']],
    ['a numeric event_timestamp', 'run-status', { ...base, status: 'RUNNING', event_timestamp: 1700000000 }, ['event_timestamp']],
    ['metadata that is an array', 'run-status', { ...base, status: 'RUNNING', metadata: [1] }, ['metadata']],
    [
      'an external_url that is not a URL',
      'run-status',
      { ...base, status: 'RUNNING', external_url: 'javascript:alert(1)' },
      ['external_url'],
    ],
    ['an unknown log level', 'message-log', { ...base, log_level: 'DEBUG', message: 'x' }, ['log_level']],
    ['an empty message', 'message-log', { ...base, log_level: 'INFO', message: '' }, ['message']],
    ['a huge message', 'message-log', { ...base, log_level: 'INFO', message: 'x'.repeat(65_537) }, ['message']],
    ['no message', 'message-log', { ...base, log_level: 'INFO' }, ['message']],
    ['NaN as a metric value', 'metric-log', { ...base, metric_key: 'rows', metric_value: 'NaN' }, ['metric_value']],
    ['Infinity as a metric value', 'metric-log', { ...base, metric_key: 'rows', metric_value: 'Infinity' }, ['metric_value']],
    ['an overflowing metric value', 'metric-log', { ...base, metric_key: 'rows', metric_value: 1e400 }, ['metric_value']],
    ['no metric value', 'metric-log', { ...base, metric_key: 'rows' }, ['metric_value']],
    ['an empty metric key', 'metric-log', { ...base, metric_key: '', metric_value: 1 }, ['metric_key']],
    ['no test outcomes', 'test-outcomes', { ...base, test_outcomes: [] }, ['test_outcomes']],
    [
      '501 test outcomes',
      'test-outcomes',
      { ...base, test_outcomes: Array.from({ length: 501 }, (_, i) => ({ name: `t${i}`, status: 'PASSED' })) },
      ['test_outcomes'],
    ],
    [
      'test outcomes that are not an array',
      'test-outcomes',
      { ...base, test_outcomes: { name: 't', status: 'PASSED' } },
      ['test_outcomes'],
    ],
    [
      'bad test outcome items',
      'test-outcomes',
      {
        ...base,
        test_outcomes: [
          { name: 't', status: 'SKIPPED' },
          { status: 'PASSED' },
          { name: 'u', status: 'PASSED', metric_value: 'lots', extra: 1 },
        ],
      },
      ['test_outcomes[0].status', 'test_outcomes[1].name', 'test_outcomes[2].metric_value', 'test_outcomes[2].extra'],
    ],
    ['test outcome items that are not objects', 'test-outcomes', { ...base, test_outcomes: [1, 'x', null] }, ['test_outcomes']],
    [
      'pipeline keys on a dataset operation',
      'dataset-operation',
      { ...base, dataset_key: 'd', operation: 'READ' },
      ['pipeline_key', 'run_key'],
    ],
    ['no dataset_key', 'dataset-operation', { operation: 'READ' }, ['dataset_key']],
    ['an unknown operation', 'dataset-operation', { dataset_key: 'd', operation: 'DELETE' }, ['operation']],
  ])('refuses %s', (_label, kind, body, fields) => {
    const got = fieldsOf(kind, body);
    for (const field of fields) expect(got.some((f) => f === field || f.startsWith(`${field}[`) || f.startsWith(`${field}.`))).toBe(true);
    expect(got.every((f) => fields.some((field) => f === field || f.startsWith(`${field}[`) || f.startsWith(`${field}.`)))).toBe(true);
  });

  it.each([null, 'text', 7, [], [{ ...base, status: 'RUNNING' }]])('refuses a body that is not an object: %j', (body) => {
    expect(fieldsOf('run-status', body)).toEqual(['body']);
  });
});
