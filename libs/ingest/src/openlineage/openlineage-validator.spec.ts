import { TidingsError } from '@tidings/common';
import { parseConfig } from '@tidings/config';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenLineageValidator } from './openlineage-validator';

const REPO = join(__dirname, '..', '..', '..', '..');
/** Real Airflow events and the spec's own examples (Apache-2.0), beside the repo as in CI. */
const SHARED = join(REPO, '..', 'shared', 'fixtures', 'openlineage');
const OURS = join(REPO, 'test', 'fixtures', 'openlineage');

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const validator = new OpenLineageValidator();

/** The field pointers of the validation error `body` raises; fails the test if it is accepted. */
function fieldsOf(body: unknown): string[] {
  try {
    validator.validate(body);
  } catch (error) {
    expect(error).toBeInstanceOf(TidingsError);
    expect((error as TidingsError).code).toBe('validation_failed');
    return ((error as TidingsError).details ?? []).map((d) => d.field);
  }
  throw new Error('expected the event to be refused');
}

const facet = (fields: Record<string, unknown> = {}) => ({
  _producer: 'https://example.com/producer',
  _schemaURL: 'https://example.com/schema.json#/$defs/Facet',
  ...fields,
});

function runEvent(): any {
  return structuredClone(read(join(OURS, 'spark-run-fail.json')));
}

describe('OpenLineageValidator', () => {
  describe('the shared fixtures (../shared/fixtures/openlineage)', () => {
    const present = existsSync(SHARED);
    if (!present) {
      // CI has ../shared; a checkout without it still runs everything else.
      console.log(`Skipping the shared OpenLineage fixtures: ${SHARED} is absent`);
      it.skip('needs ../shared/fixtures/openlineage', () => undefined);
      return;
    }
    const airflow = readdirSync(join(SHARED, 'airflow')).filter((f) => f.endsWith('.json'));

    it('has the Airflow fixtures', () => {
      expect(airflow.length).toBeGreaterThanOrEqual(30);
    });

    it.each(airflow)('accepts airflow/%s as a RunEvent', (file) => {
      const result = validator.validate(read(join(SHARED, 'airflow', file)));
      expect(result.kind).toBe('RunEvent');
      expect(Number.isNaN(result.eventTime.getTime())).toBe(false);
    });

    it('accepts event_full.json (every standard facet, custom facets)', () => {
      expect(validator.validate(read(join(SHARED, 'event_full.json'))).kind).toBe('RunEvent');
    });

    it('refuses invalid/no_run_id.json at /run/runId only', () => {
      expect(fieldsOf(read(join(SHARED, 'invalid', 'no_run_id.json')))).toEqual(['/run/runId']);
    });

    it('refuses invalid/run_id_not_uuid.json at /run/runId only', () => {
      expect(fieldsOf(read(join(SHARED, 'invalid', 'run_id_not_uuid.json')))).toEqual(['/run/runId']);
    });
  });

  describe('our fixtures', () => {
    it.each([
      ['dataset-event.json', 'DatasetEvent'],
      ['job-event.json', 'JobEvent'],
      ['spark-run-start.json', 'RunEvent'],
      ['spark-run-fail.json', 'RunEvent'],
    ])('accepts %s as a %s', (file, kind) => {
      expect(validator.validate(read(join(OURS, file))).kind).toBe(kind);
    });
  });

  describe('refuses, naming the field by JSON pointer', () => {
    const cases: [string, (e: any) => void, string[]][] = [
      ['no eventTime', (e) => delete e.eventTime, ['/eventTime']],
      ['an eventTime without an offset', (e) => (e.eventTime = '2026-11-20T10:00:00'), ['/eventTime']],
      ['a date for eventTime', (e) => (e.eventTime = '2026-11-20'), ['/eventTime']],
      ['a leap second for eventTime', (e) => (e.eventTime = '2026-06-30T23:59:60Z'), ['/eventTime']],
      ['an unknown eventType', (e) => (e.eventType = 'DONE'), ['/eventType']],
      ['a lower-case eventType', (e) => (e.eventType = 'complete'), ['/eventType']],
      ['no producer', (e) => delete e.producer, ['/producer']],
      ['a producer with spaces', (e) => (e.producer = 'my etl tool'), ['/producer']],
      ['no schemaURL', (e) => delete e.schemaURL, ['/schemaURL']],
      ['a runId that is a number', (e) => (e.run.runId = 42), ['/run/runId']],
      ['no job name', (e) => delete e.job.name, ['/job/name']],
      ['a job namespace that is not a string', (e) => (e.job.namespace = ['a']), ['/job/namespace']],
      ['an input without a namespace', (e) => delete e.inputs[0].namespace, ['/inputs/0/namespace']],
      ['an output name that is a number', (e) => (e.outputs[0].name = 7), ['/outputs/0/name']],
      ['inputs that are not an array', (e) => (e.inputs = { a: 1 }), ['/inputs']],
      ['a parent facet without run.runId', (e) => delete e.run.facets.parent.run.runId, ['/run/facets/parent/run/runId']],
      ['a parent facet whose runId is not a UUID', (e) => (e.run.facets.parent.run.runId = 'dag-run-7'), ['/run/facets/parent/run/runId']],
      ['a parent facet without job.name', (e) => delete e.run.facets.parent.job.name, ['/run/facets/parent/job/name']],
      [
        'an errorMessage facet without programmingLanguage',
        (e) => delete e.run.facets.errorMessage.programmingLanguage,
        ['/run/facets/errorMessage/programmingLanguage'],
      ],
      ['an errorMessage facet without message', (e) => delete e.run.facets.errorMessage.message, ['/run/facets/errorMessage/message']],
      [
        'a nominalTime facet without nominalStartTime',
        (e) => (e.run.facets.nominalTime = facet({ nominalEndTime: '2026-11-20T11:00:00Z' })),
        ['/run/facets/nominalTime/nominalStartTime'],
      ],
      [
        'a nominalTime facet with a bad date-time',
        (e) => (e.run.facets.nominalTime = facet({ nominalStartTime: 'today' })),
        ['/run/facets/nominalTime/nominalStartTime'],
      ],
      ['an sql facet without query', (e) => (e.job.facets = { sql: facet({ dialect: 'spark' }) }), ['/job/facets/sql/query']],
      [
        'a jobType facet without integration',
        (e) => (e.job.facets = { jobType: facet({ processingType: 'BATCH' }) }),
        ['/job/facets/jobType/integration'],
      ],
      [
        'a schema facet field without a name',
        (e) => (e.inputs[0].facets = { schema: facet({ fields: [{ name: 'a' }, { type: 'INT' }] }) }),
        ['/inputs/0/facets/schema/fields/1/name'],
      ],
      [
        'a nested schema field without a name',
        (e) => (e.outputs[0].facets = { schema: facet({ fields: [{ name: 'a', fields: [{ type: 'INT' }] }] }) }),
        ['/outputs/0/facets/schema/fields/0/fields/0/name'],
      ],
      [
        'a dataQualityAssertions facet without assertions',
        (e) => (e.inputs[0].inputFacets = { dataQualityAssertions: facet({}) }),
        ['/inputs/0/inputFacets/dataQualityAssertions/assertions'],
      ],
      [
        'an assertion without success',
        (e) => (e.inputs[0].inputFacets = { dataQualityAssertions: facet({ assertions: [{ assertion: 'not_null' }] }) }),
        ['/inputs/0/inputFacets/dataQualityAssertions/assertions/0/success'],
      ],
      [
        'an outputStatistics rowCount that is not an integer',
        (e) => (e.outputs[0].outputFacets.outputStatistics.rowCount = 'many'),
        ['/outputs/0/outputFacets/outputStatistics/rowCount'],
      ],
      ['a standard facet without _producer', (e) => delete e.run.facets.errorMessage._producer, ['/run/facets/errorMessage/_producer']],
      [
        'a custom facet without _schemaURL',
        (e) => (e.run.facets.custom = { _producer: 'https://example.com', value: 1 }),
        ['/run/facets/custom/_schemaURL'],
      ],
      [
        'a facet name with a slash, escaped',
        (e) => (e.run.facets['a/b~c'] = { value: 1 }),
        ['/run/facets/a~1b~0c/_producer', '/run/facets/a~1b~0c/_schemaURL'],
      ],
    ];

    it.each(cases)('%s', (_label, mutate, expected) => {
      const event = runEvent();
      mutate(event);
      expect(fieldsOf(event).sort()).toEqual([...expected].sort());
    });

    it('lists every problem at once', () => {
      const event = runEvent();
      delete event.eventTime;
      event.run.runId = 'nope';
      delete event.inputs[0].name;
      expect(fieldsOf(event).sort()).toEqual(['/eventTime', '/inputs/0/name', '/run/runId']);
    });

    it('names the required fields of an empty object, checked as a RunEvent', () => {
      expect(fieldsOf({}).sort()).toEqual(['/eventTime', '/job', '/producer', '/run', '/schemaURL']);
    });

    it.each([
      ['null', null],
      ['a string', 'event'],
      ['a number', 42],
      ['an empty array', []],
      ['an array of events', [runEvent()]],
    ])('refuses a body that is %s', (_label, body) => {
      expect(fieldsOf(body)).toEqual(['']);
    });

    it('checks a DatasetEvent’s dataset and its schema facet', () => {
      const event = read(join(OURS, 'dataset-event.json'));
      delete event.dataset.name;
      event.dataset.facets.schema.fields[1].fields[0] = { type: 'BIGINT' };
      expect(fieldsOf(event).sort()).toEqual(['/dataset/facets/schema/fields/1/fields/0/name', '/dataset/name']);
    });

    it('checks a JobEvent’s job and datasets', () => {
      const event = read(join(OURS, 'job-event.json'));
      delete event.job.namespace;
      delete event.outputs[0].namespace;
      expect(fieldsOf(event).sort()).toEqual(['/job/namespace', '/outputs/0/namespace']);
    });

    it('refuses an event that is both a DatasetEvent and a JobEvent (the spec’s oneOf)', () => {
      const event = { ...read(join(OURS, 'dataset-event.json')), job: { namespace: 'n', name: 'j' } };
      expect(fieldsOf(event)).toEqual(['']);
    });
  });

  describe('with the configured bounds on eventTime (OCCURRED_AT_MAX_FUTURE/PAST)', () => {
    const bounded = new OpenLineageValidator(parseConfig({ OCCURRED_AT_MAX_FUTURE: '5m', OCCURRED_AT_MAX_PAST: '7d' }));
    const at = (ms: number) => {
      const event = runEvent();
      event.eventTime = new Date(Date.now() + ms).toISOString();
      return event;
    };

    it('takes an event replayed days later, or a producer clock a little ahead', () => {
      expect(bounded.validate(at(-6 * 86_400_000)).kind).toBe('RunEvent');
      expect(bounded.validate(at(60_000)).kind).toBe('RunEvent');
    });

    it('refuses one beyond either bound as /eventTime', () => {
      for (const [ms, bound] of [[3_600_000, 'OCCURRED_AT_MAX_FUTURE'], [-8 * 86_400_000, 'OCCURRED_AT_MAX_PAST']] as const) {
        const error = (() => {
          try {
            bounded.validate(at(ms));
          } catch (e) {
            return e as TidingsError;
          }
        })();
        expect(error?.details).toEqual([{ field: '/eventTime', message: expect.stringContaining(bound) }]);
      }
    });
  });

  describe('accepts what the spec leaves open', () => {
    it('unknown fields anywhere and custom facets with any content', () => {
      const event = runEvent();
      event.somethingNew = [1, 2, 3];
      event.run.extra = 'x';
      event.job.facets = { ownership: facet({ owners: [{ name: 'data-eng' }] }), myTeamFacet: facet({ anything: { nested: [true] } }) };
      event.inputs[0].inputFacets = { myInputFacet: facet({ bytes: 'lots' }) };
      expect(validator.validate(event).kind).toBe('RunEvent');
    });

    it('a RunEvent without eventType, inputs or outputs', () => {
      const event = runEvent();
      delete event.eventType;
      delete event.inputs;
      delete event.outputs;
      expect(validator.validate(event).kind).toBe('RunEvent');
    });

    it('any UUID version for runId, and any offset for eventTime', () => {
      const event = runEvent();
      event.run.runId = 'EA041791-68BC-4AE1-BD89-4C8106A157E4';
      event.eventTime = '2026-11-20T19:52:00.001234+10:00';
      const result = validator.validate(event);
      expect(result.eventTime.toISOString()).toBe('2026-11-20T09:52:00.001Z');
    });

    it('a producer that is a URI reference rather than an absolute URI', () => {
      const event = runEvent();
      event.producer = 'my-etl-tool';
      expect(validator.validate(event).kind).toBe('RunEvent');
    });
  });
});
