import {
  anonymizeClientProperties,
  applyLayerTelemetry,
  appTelemetry,
  conform,
  integrationFromProducer,
  knownIntegration,
  LayerTelemetry,
  looksLikeEmail,
  looksLikePath,
  looksLikeUrl,
  registerTelemetryEventType,
  telemetryRoot,
  TelemetryTree,
} from './anonymizer';

const UUID = '0B3C6A4E-4F43-4C35-9A4C-6F2F0A1D1E01';
const emptyTree = (): TelemetryTree => ({ event_properties: {}, derived_properties: {}, layers: [] });

describe('telemetry anonymizer', () => {
  describe('conform: a value is kept only if it has the declared kind', () => {
    it.each([
      ['uuid', UUID, UUID.toLowerCase()],
      ['uuid', 'nightly', undefined],
      ['uuid', `${UUID} `, undefined],
      ['uuid', 42, undefined],
      ['status', 'FAILURE', 'FAILURE'],
      ['status', 'COMPLETED_WITH_WARNINGS', 'COMPLETED_WITH_WARNINGS'],
      ['status', 'failure', undefined],
      ['status', 'Nightly run by alice', undefined],
      ['status', 'A'.repeat(65), undefined],
      ['status', 'X'.repeat(2048), undefined],
      ['status', 7, undefined],
      ['integer', 12, 12],
      ['integer', -3, -3],
      ['integer', 1.5, undefined],
      ['integer', '12', undefined],
      ['count', 0, 0],
      ['count', -1, undefined],
      ['count', Number.MAX_SAFE_INTEGER + 1, undefined],
      ['number', 0.25, 0.25],
      ['number', Number.NaN, undefined],
      ['number', Number.POSITIVE_INFINITY, undefined],
      ['number', '0.25', undefined],
      ['timestamp', '2026-11-20T10:00:00+02:00', '2026-11-20T08:00:00.000Z'],
      ['timestamp', new Date('2026-11-20T10:00:00Z'), '2026-11-20T10:00:00.000Z'],
      ['timestamp', '2026 was a good year', undefined],
      ['timestamp', '2026-11-20', undefined],
      ['boolean', false, false],
      ['boolean', 'true', undefined],
      ['version', '0.1.0', '0.1.0'],
      ['version', '1.24.2-rc.1', '1.24.2-rc.1'],
      ['version', 'build of alice', undefined],
    ] as const)('%s %p → %p', (kind, value, expected) => {
      expect(conform(kind, value)).toEqual(expected);
    });

    it('one of a fixed list, case-insensitively, sent as the list spells it', () => {
      const kind = { oneOf: ['READ', 'WRITE'] };
      expect(conform(kind, 'write')).toBe('WRITE');
      expect(conform(kind, 'DELETE')).toBeUndefined();
      expect(conform(kind, 1)).toBeUndefined();
    });

    it('event types only from the catalogue', () => {
      registerTelemetryEventType('test:anonymizer:known');
      expect(conform('event_type', 'test:anonymizer:known')).toBe('test:anonymizer:known');
      expect(conform('event_type', 'test:anonymizer:made-up')).toBeUndefined();
    });

    it('lists keep only the named fields of each item, each of its kind, at most `max` items', () => {
      const kind = { list: { uuid: 'uuid', status: 'status' }, max: 2 } as const;
      const items = [
        { uuid: UUID, status: 'FAILURE', title: 'load orders' },
        { uuid: 'not-a-uuid', status: 'done by bob' },
        { uuid: UUID, status: 'SUCCESS' },
      ];
      expect(conform(kind, items)).toEqual([{ uuid: UUID.toLowerCase(), status: 'FAILURE' }, {}]);
      expect(conform(kind, 'x')).toBeUndefined();
    });
  });

  describe('applyLayerTelemetry', () => {
    const spec: LayerTelemetry = {
      prefix: 'job',
      keep: { uuid: 'uuid', status: 'status', 'run.number': 'count' },
      derive: {
        parameters_count: { kind: 'count', from: (job) => Object.keys(job.parameters ?? {}).length },
        name_length: { kind: 'count', from: (job) => job.name }, // a derivation returning text is dropped too
        broken: {
          kind: 'count',
          from: () => {
            throw new Error('malformed');
          },
        },
      },
    };

    it('keeps allow-listed fields (prefixed, dotted paths flattened) and derived counts; drops everything else', () => {
      const tree = applyLayerTelemetry(
        emptyTree(),
        'job',
        spec,
        {
          uuid: UUID,
          status: 'FAILURE',
          name: 'nightly orders for ACME',
          run: { number: 7, title: 'seventh' },
          parameters: { password: 'hunter2', region: 'eu' },
          added_later: 'someone@example.com',
        },
        {},
      );
      expect(tree).toEqual({
        event_properties: { job_uuid: UUID.toLowerCase(), job_status: 'FAILURE', job_run_number: 7 },
        derived_properties: { job_parameters_count: 2 },
        layers: ['job'],
      });
    });

    it('drops a kept field whose value has another kind', () => {
      const tree = applyLayerTelemetry(emptyTree(), 'job', spec, { uuid: 'nightly', status: 'a status that is a sentence' }, {});
      expect(tree.event_properties).toEqual({});
    });

    it('marks an absent layer as covered without adding anything', () => {
      expect(applyLayerTelemetry(emptyTree(), 'job', spec, undefined, {})).toEqual({ ...emptyTree(), layers: ['job'] });
    });

    it('the event root: id, catalogue type, time and source only', () => {
      registerTelemetryEventType('test:anonymizer:root');
      const tree = telemetryRoot({ id: UUID, type: 'test:anonymizer:root', occurredAt: new Date('2026-11-20T10:00:00Z'), source: 'api' });
      expect(tree.event_properties).toEqual({
        event_id: UUID.toLowerCase(),
        event_type: 'test:anonymizer:root',
        occurred_at: '2026-11-20T10:00:00.000Z',
        source: 'api',
      });
    });

    it('app properties: only known facts of the right kind', () => {
      expect(appTelemetry({ version: '0.1.0', node_version: '20.18.0', os: 'linux' })).toEqual({
        version: '0.1.0',
        node_version: '20.18.0',
        os: 'linux',
      });
      expect(appTelemetry({ version: 'acme internal build', os: 'alice-laptop' } as never)).toEqual({});
    });
  });

  describe('integrations: a known token, never the URI it was read from', () => {
    it.each([
      ['https://github.com/apache/airflow/tree/providers-openlineage/1.14.0', 'airflow'],
      ['https://github.com/OpenLineage/OpenLineage/tree/1.24.2/integration/spark', 'spark'],
      ['https://github.com/OpenLineage/OpenLineage/tree/1.24.2/integration/dbt', 'dbt'],
      ['https://github.com/OpenLineage/OpenLineage', 'openlineage'],
      ['https://git.acme.internal/data/secret-pipeline', undefined],
      ['my-etl', undefined],
      [42, undefined],
    ])('%p → %p', (producer, expected) => {
      expect(integrationFromProducer(producer)).toBe(expected);
    });

    it('declared names are normalised and must be known', () => {
      expect(knownIntegration('SPARK')).toBe('spark');
      expect(knownIntegration('Great-Expectations')).toBe('great_expectations');
      expect(knownIntegration('ACME_LOADER')).toBeUndefined();
    });
  });

  describe('client properties (front end): kept by value', () => {
    it('keeps booleans, finite numbers, UUIDs and short tokens', () => {
      expect(
        anonymizeClientProperties({ view: 'jobs', duration_ms: 412, first_visit: false, job_uuid: UUID, button: 'run-now', step: 'v1.2' }),
      ).toEqual({ view: 'jobs', duration_ms: 412, first_visit: false, job_uuid: UUID.toLowerCase(), button: 'run-now', step: 'v1.2' });
    });

    it('drops emails, URLs, file paths, free text, name-like keys, nesting and odd keys', () => {
      expect(
        anonymizeClientProperties({
          contact: 'alice@example.com',
          mailto: 'mailto:bob',
          target: 'https://acme.example.com/jobs/1',
          host: 'www.acme.com',
          domain: 'acme.com',
          home: '/home/alice/notes.txt',
          win: 'C:\\Users\\alice',
          relative: 'data/orders.csv',
          file: 'orders.csv',
          tilde: '~alice',
          sentence: 'the nightly job of ACME',
          long: 'x'.repeat(65),
          project_name: 'acme',
          title: 'Quarterly',
          nested: { view: 'jobs' },
          list: ['jobs'],
          nothing: null,
          nan: Number.NaN,
          'bad key': 'jobs',
          __proto__: 'x',
        }),
      ).toEqual({});
    });

    it('treats a missing or non-object map as empty, and keeps at most 50 properties', () => {
      expect(anonymizeClientProperties(undefined)).toEqual({});
      expect(anonymizeClientProperties(['a'])).toEqual({});
      const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`p${i}`, i]));
      expect(Object.keys(anonymizeClientProperties(many))).toHaveLength(50);
    });

    it('recognises emails, URLs and paths', () => {
      expect(looksLikeEmail('a@b')).toBe(true);
      expect(looksLikeEmail('jobs')).toBe(false);
      expect(looksLikeUrl('s3://bucket/key')).toBe(true);
      expect(looksLikeUrl('www.x.org')).toBe(true);
      expect(looksLikeUrl('jobs')).toBe(false);
      expect(looksLikePath('./x')).toBe(true);
      expect(looksLikePath('report.xlsx')).toBe(true);
      expect(looksLikePath('1.2.3')).toBe(false);
    });
  });
});
