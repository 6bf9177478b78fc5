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
      context: { external_url: 'http://airflow:8080/dags/x', component_tool: 'AIRFLOW', metadata: { attempt: 2 } },
    });
  });

  describe('DataKitchen v1 parity (common/events/v1 in dataops-observability)', () => {
    it('takes message_details on message-log and payload_keys on every kind', () => {
      expect(
        validateObservabilityEvent(
          'message-log',
          {
            ...base,
            log_level: 'error',
            message: 'COPY failed',
            message_details: 'line 1042',
            payload_keys: ['orders.csv', 'refunds.csv'],
          },
          RECEIVED,
        ),
      ).toMatchObject({ details: 'line 1042', context: { payload_keys: ['orders.csv', 'refunds.csv'] } });
      for (const [kind, body] of [
        ['run-status', { ...base, status: 'RUNNING' }],
        ['metric-log', { ...base, metric_key: 'rows', metric_value: 1 }],
        ['test-outcomes', { ...base, test_outcomes: [{ name: 't', status: 'PASSED' }] }],
        ['dataset-operation', { dataset_key: 'd', operation: 'READ' }],
      ] as const) {
        expect(validateObservabilityEvent(kind, { ...body, payload_keys: ['k'] }, RECEIVED).context).toEqual({ payload_keys: ['k'] });
      }
    });

    it.each([
      ['airflow', 'AIRFLOW'],
      ['  Power BI ', 'POWER_BI'],
      ['dbt_core', 'DBT_CORE'],
      ['Qlik Sense 2', 'QLIK_SENSE_2'],
      ['Café', 'CAFÉ'],
    ])('normalises component_tool %j to %j, as DataKitchen does', (tool, normalised) => {
      expect(validateObservabilityEvent('run-status', { ...base, status: 'RUNNING', component_tool: tool }, RECEIVED).context).toEqual({
        component_tool: normalised,
      });
    });

    it.each(['my-tool', '_airflow', 'airflow_', 'air.flow', 'a/b', '', '   ', 'x'.repeat(256)])(
      'refuses component_tool %j (DataKitchen: "Tool must be alphanumeric including underscore and space")',
      (tool) => {
        expect(fieldsOf('metric-log', { ...base, metric_key: 'rows', metric_value: 1, component_tool: tool })).toEqual(['component_tool']);
      },
    );

    it.each(['stream', 'server'] as const)('reads a %s event: the component, its name, no run', (component) => {
      expect(
        validateObservabilityEvent(
          'metric-log',
          { [`${component}_key`]: 'orders', [`${component}_name`]: 'Orders', metric_key: 'lag_s', metric_value: 3 },
          RECEIVED,
        ),
      ).toEqual({
        kind: 'metric-log',
        at: RECEIVED,
        component: { kind: component, key: 'orders', name: 'Orders' },
        key: 'lag_s',
        value: 3,
      });
    });

    const testgenItem = { table: 'orders', test_suite: 'default', version: 1, test_parameters: [{ name: 'threshold', value: 0.5 }] };
    const testgenDataset = { version: 1, database_name: 'dw', connection_name: 'prod', tables: { include_list: ['orders'] } };

    it('takes testgen integrations when both the items and the event carry them', () => {
      const input = validateObservabilityEvent(
        'test-outcomes',
        {
          ...base,
          test_outcomes: [{ name: 't', status: 'PASSED', integrations: { testgen: testgenItem } }],
          component_integrations: { integrations: { testgen: testgenDataset } },
        },
        RECEIVED,
      );
      expect(input).toMatchObject({ componentIntegrations: { integrations: { testgen: testgenDataset } } });
    });

    it.each<[string, ObservabilityKind, Record<string, unknown>, string[]]>([
      ['no component key', 'message-log', { log_level: 'INFO', message: 'x' }, ['pipeline_key']],
      ['two component keys', 'metric-log', { ...base, stream_key: 's', metric_key: 'm', metric_value: 1 }, ['pipeline_key', 'stream_key']],
      [
        'stream and server keys',
        'message-log',
        { stream_key: 's', server_key: 'v', log_level: 'INFO', message: 'x' },
        ['stream_key', 'server_key'],
      ],
      ['a pipeline_key without run_key', 'message-log', { pipeline_key: 'p', log_level: 'INFO', message: 'x' }, ['run_key']],
      ['a run status for a stream', 'run-status', { stream_key: 's', status: 'RUNNING' }, ['stream_key', 'pipeline_key', 'run_key']],
      ['a dataset_key on a log', 'message-log', { dataset_key: 'd', log_level: 'INFO', message: 'x' }, ['dataset_key', 'pipeline_key']],
      ['an empty stream_key', 'metric-log', { stream_key: '', metric_key: 'm', metric_value: 1 }, ['stream_key']],
      ['a payload key that is empty', 'run-status', { ...base, status: 'RUNNING', payload_keys: [''] }, ['payload_keys[0]']],
      ['payload_keys that are not a list', 'run-status', { ...base, status: 'RUNNING', payload_keys: 'k' }, ['payload_keys']],
      [
        'message_details on a metric',
        'metric-log',
        { ...base, metric_key: 'm', metric_value: 1, message_details: 'x' },
        ['message_details'],
      ],
      [
        'message_details that is not text',
        'message-log',
        { ...base, log_level: 'INFO', message: 'x', message_details: 1 },
        ['message_details'],
      ],
      [
        'item integrations without component_integrations (DataKitchen test_event_schemas expects 400)',
        'test-outcomes',
        { ...base, test_outcomes: [{ name: 't', status: 'PASSED', integrations: { testgen: testgenItem } }] },
        ['component_integrations.integrations.testgen'],
      ],
      [
        "component_integrations without the items' integrations",
        'test-outcomes',
        {
          ...base,
          test_outcomes: [
            { name: 't', status: 'PASSED', integrations: { testgen: testgenItem } },
            { name: 'u', status: 'PASSED' },
          ],
          component_integrations: { integrations: { testgen: testgenDataset } },
        },
        ['test_outcomes[1].integrations.testgen'],
      ],
      [
        'empty dimensions, metric_description and result (DataKitchen: not_empty)',
        'test-outcomes',
        { ...base, test_outcomes: [{ name: 't', status: 'PASSED', dimensions: [], metric_description: '', result: '' }] },
        ['test_outcomes[0].dimensions', 'test_outcomes[0].metric_description', 'test_outcomes[0].result'],
      ],
      [
        'integrations without testgen',
        'test-outcomes',
        { ...base, test_outcomes: [{ name: 't', status: 'PASSED', integrations: {} }] },
        // A missing object is reported as the fields it owes.
        [
          'test_outcomes[0].integrations.testgen.table',
          'test_outcomes[0].integrations.testgen.test_suite',
          'test_outcomes[0].integrations.testgen.version',
        ],
      ],
      [
        'a testgen item without its table',
        'test-outcomes',
        {
          ...base,
          test_outcomes: [{ name: 't', status: 'PASSED', integrations: { testgen: { ...testgenItem, table: undefined } } }],
          component_integrations: { integrations: { testgen: testgenDataset } },
        },
        ['test_outcomes[0].integrations.testgen.table'],
      ],
      [
        'a testgen dataset naming no tables',
        'test-outcomes',
        {
          ...base,
          test_outcomes: [{ name: 't', status: 'PASSED', integrations: { testgen: testgenItem } }],
          component_integrations: { integrations: { testgen: { ...testgenDataset, tables: { include_list: [] } } } },
        },
        [
          'component_integrations.integrations.testgen.tables.include_list',
          'component_integrations.integrations.testgen.tables.include_pattern',
        ],
      ],
      [
        'a testgen version DataKitchen does not know',
        'test-outcomes',
        {
          ...base,
          test_outcomes: [{ name: 't', status: 'PASSED', integrations: { testgen: { ...testgenItem, version: 2 } } }],
          component_integrations: { integrations: { testgen: testgenDataset } },
        },
        ['test_outcomes[0].integrations.testgen.version'],
      ],
    ])('refuses %s', (_label, kind, body, fields) => {
      expect(fieldsOf(kind, body).sort()).toEqual([...fields].sort());
    });
  });

  it('refuses an event_timestamp beyond the bounds of the receive time, with the other problems (OCCURRED_AT_MAX_FUTURE/PAST)', () => {
    const bounds = { maxFutureMs: 5 * 60_000, maxPastMs: 86_400_000 };
    const at = (ms: number) => new Date(RECEIVED.getTime() + ms).toISOString();
    const refused = (body: object) => {
      try {
        validateObservabilityEvent('run-status', { ...base, ...body }, RECEIVED, bounds);
      } catch (error) {
        return (error as TidingsError).details;
      }
      throw new Error('accepted');
    };
    expect(refused({ status: 'RUNNING', event_timestamp: at(10 * 60_000) })).toEqual([
      { field: 'event_timestamp', message: 'event_timestamp must be at most 5m in the future (OCCURRED_AT_MAX_FUTURE)' },
    ]);
    expect(refused({ status: 'NOPE', event_timestamp: '0001-01-01T00:00:00' })!.map((d) => d.field).sort()).toEqual(['event_timestamp', 'status']);
    expect(validateObservabilityEvent('run-status', { ...base, status: 'RUNNING', event_timestamp: at(4 * 60_000) }, RECEIVED, bounds).at).toEqual(
      new Date(RECEIVED.getTime() + 4 * 60_000),
    );
    // Without bounds (a caller that passes none) any readable time is taken.
    expect(validateObservabilityEvent('run-status', { ...base, status: 'RUNNING', event_timestamp: '0001-01-01T00:00:00' }, RECEIVED).at.getUTCFullYear()).toBe(1);
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
