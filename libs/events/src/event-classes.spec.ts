import 'reflect-metadata';
import { EVENT_CATALOGUE_V1 } from '../../../migrations/data/event-catalogue-v1';
import LATEST_CATALOGUE from '../../../migrations/data/event-catalogue-v5.json';
import { EVENT_CLASSES, eventClass, eventClassFor } from './event-classes';
import { EventError } from './event-error';
import { layerScopes, readLayerField } from './registry/layer';
import { EventClass, EventInput, NotificationEvent, SCOPE_COLUMNS } from './tidings-event.entity';

const JobPipelineRunFailed = eventClass('project:one-off-job:pipeline-run:failed');
const CronJobRunPipelineRunFailed = eventClass('project:cron-job:run:pipeline-run:failed');
const InteractivePipelineRunStarted = eventClass('project:pipeline:interactive-session:pipeline-run:started');
const EnvironmentImageBuildSucceeded = eventClass('project:environment:image-build:succeeded');
const JupyterImageBuildFailed = eventClass('jupyter:image-build:failed');
const JobUpdated = eventClass('project:one-off-job:updated');
const ProjectCreated = eventClass('project:created');
const ObservabilityRunFailed = eventClass('observability:run:failed');
const ObservabilityTaskRunning = eventClass('observability:task:running');
const ObservabilityMessageLog = eventClass('observability:message-log');
const ObservabilityMetricLog = eventClass('observability:metric-log');
const ObservabilityTestOutcomes = eventClass('observability:test-outcomes');
const ObservabilityDatasetOperation = eventClass('observability:dataset-operation');
const LineageRunFail = eventClass('lineage:run:fail');
const LineageDataset = eventClass('lineage:dataset');
const Ping = eventClass('ping');

const PROJECT = '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e11';
const PIPELINE = '5d1e1a10-8b1b-4bb4-9e8a-2f6ad5e0c712';
const JOB = 'e4d3c2b1-a0f9-4e8d-9c7b-6a5f4e3d2c17';
const RUN = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c18';
const PIPELINE_RUN = '9a0f7f4e-51a7-4d43-8d0f-7d0f5d8e3c13';
const ENVIRONMENT = '3e9b2c51-0d6a-4f5e-8a7b-1c2d3e4f5a14';
const IMAGE_BUILD = '7f8e9d0c-1b2a-4c3d-8e4f-5a6b7c8d9e15';

/** Runs `fn` and returns the EventError it throws; fails the test if it throws nothing or something else. */
function eventErrorOf(fn: () => unknown): EventError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EventError);
    return error as EventError;
  }
  throw new Error('expected an EventError, but nothing was thrown');
}

const fieldsOf = (error: EventError) => (error.details ?? []).map((d) => d.field);

/** Layer keys from the root down: `event.<k0>.<k1>…` (layers placed on the event itself are not on the path). */
const path = (cls: EventClass) => cls.LAYERS.filter((layer) => (layer.placement ?? 'nest') === 'nest').map((layer) => layer.key);
/** Layers that sit on the event itself (`event.<key>`), beside the nested path. */
const rootLayers = (cls: EventClass) => cls.LAYERS.filter((layer) => layer.placement === 'root').map((layer) => layer.key);

/** Follows `keys` down from `root`, failing if a level is missing. */
function dig(root: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  let node = root;
  for (const key of keys) {
    expect(node).toHaveProperty([key]);
    node = node[key] as Record<string, unknown>;
  }
  return node;
}

// Ping has a single layer whose message sits on the event itself; every other class nests.
const NESTED_CLASSES = [...EVENT_CLASSES.entries()].filter(([type]) => type !== 'ping');

describe('typed event classes', () => {
  it('has a class for every type, named after it', () => {
    expect(EVENT_CLASSES.size).toBeGreaterThan(50);
    for (const [type, cls] of EVENT_CLASSES) expect(cls.TYPE).toBe(type);
  });

  it.each([...EVENT_CLASSES.keys()])('%s: create(exampleInput()) succeeds', (type) => {
    const cls = EVENT_CLASSES.get(type)!;
    const event = cls.create(cls.exampleInput());
    expect(event).toBeInstanceOf(cls);
    expect(event.type).toBe(type);
    expect(event.source).toBe('internal');
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event.occurredAt.toISOString()).toBe('2026-11-20T10:00:00.000Z');
  });

  it.each(NESTED_CLASSES.map(([type]) => type))('%s: the notification nests its layers in LAYERS order', (type) => {
    const cls = EVENT_CLASSES.get(type)!;
    const input = cls.exampleInput();
    const event = cls.create(input);

    // Build the expected tree independently: each layer's input under the previous one.
    const expected: Record<string, unknown> = { id: event.id, type, occurred_at: '2026-11-20T10:00:00.000Z' };
    let leaf = expected;
    for (const key of path(cls)) {
      leaf = leaf[key] = { ...(input[key] as object) };
    }
    for (const key of rootLayers(cls)) expected[key] = input[key];
    expect(event.toNotificationPayload()).toEqual(expected);
  });

  it.each(NESTED_CLASSES.map(([type]) => type))('%s: fills the scope columns from its layers, and only those', (type) => {
    const cls = EVENT_CLASSES.get(type)!;
    const input = cls.exampleInput();
    const event = cls.create(input);
    const expected: Record<string, unknown> = {};
    for (const layer of cls.LAYERS) {
      for (const scope of layerScopes(layer)) expected[scope.column] = readLayerField(input[layer.key], scope.field);
    }
    expect(event.scope).toEqual(expected);
  });

  it('puts ping’s message on the event itself', () => {
    const ping = Ping.create({ ping: { message: 'hello' } });
    expect(ping.toNotificationPayload()).toEqual({ id: ping.id, type: 'ping', occurred_at: ping.occurredAt.toISOString(), message: 'hello' });
  });

  describe('notification nesting, spelled out', () => {
    const base = { occurred_at: '2026-11-20T10:00:00Z' };

    it('project:one-off-job:pipeline-run:failed → event.project.job.pipeline_run', () => {
      const payload = JobPipelineRunFailed.create({
        ...base,
        project: { uuid: PROJECT, name: 'demo' },
        job: { uuid: JOB, name: 'nightly', status: 'FAILURE', total_runs: 12 },
        pipeline_run: { uuid: PIPELINE_RUN, status: 'FAILURE', number: 12, failed_steps: [{ uuid: IMAGE_BUILD, title: 'load' }] },
      }).toNotificationPayload() as any;
      expect(payload.type).toBe('project:one-off-job:pipeline-run:failed');
      expect(payload.project.name).toBe('demo');
      expect(payload.project.job.name).toBe('nightly');
      expect(payload.project.job.pipeline_run).toEqual({
        uuid: PIPELINE_RUN,
        status: 'FAILURE',
        number: 12,
        failed_steps: [{ uuid: IMAGE_BUILD, title: 'load' }],
      });
      expect(Object.keys(payload).sort()).toEqual(['id', 'occurred_at', 'project', 'type']);
    });

    it('project:cron-job:run:pipeline-run:failed → event.project.job.run.pipeline_run', () => {
      const payload = CronJobRunPipelineRunFailed.create({
        ...base,
        project: { uuid: PROJECT },
        job: { uuid: JOB },
        run: { uuid: RUN, number: 7 },
        pipeline_run: { uuid: PIPELINE_RUN },
      }).toNotificationPayload() as any;
      expect(payload.project.job.run.number).toBe(7);
      expect(payload.project.job.run.pipeline_run.uuid).toBe(PIPELINE_RUN);
    });

    it('project:pipeline:interactive-session:pipeline-run:started → event.project.pipeline.interactive_session.pipeline_run', () => {
      const withSession = InteractivePipelineRunStarted.create({
        ...base,
        project: { uuid: PROJECT },
        pipeline: { uuid: PIPELINE, name: 'etl' },
        interactive_session: { status: 'RUNNING' },
        pipeline_run: { uuid: PIPELINE_RUN },
      }).toNotificationPayload() as any;
      expect(withSession.project.pipeline.name).toBe('etl');
      expect(withSession.project.pipeline.interactive_session.status).toBe('RUNNING');
      expect(withSession.project.pipeline.interactive_session.pipeline_run.uuid).toBe(PIPELINE_RUN);
    });

    it('keeps the interactive-session level when the optional session layer is left out', () => {
      const event = InteractivePipelineRunStarted.create({
        ...base,
        project: { uuid: PROJECT },
        pipeline: { uuid: PIPELINE },
        pipeline_run: { uuid: PIPELINE_RUN },
      });
      const payload = event.toNotificationPayload() as any;
      expect(payload.project.pipeline.interactive_session).toEqual({ pipeline_run: { uuid: PIPELINE_RUN } });
      expect(event.scope).toEqual({ project_uuid: PROJECT, pipeline_uuid: PIPELINE, pipeline_run_uuid: PIPELINE_RUN });
    });

    it('project:environment:image-build:succeeded → event.project.environment.image_build', () => {
      const event = EnvironmentImageBuildSucceeded.create({
        ...base,
        project: { uuid: PROJECT },
        environment: { uuid: ENVIRONMENT, language: 'python' },
        image_build: { uuid: IMAGE_BUILD, status: 'SUCCESS' },
      });
      const payload = event.toNotificationPayload() as any;
      expect(payload.project.environment.language).toBe('python');
      expect(payload.project.environment.image_build).toEqual({ uuid: IMAGE_BUILD, status: 'SUCCESS' });
      expect(event.scope).toEqual({ project_uuid: PROJECT, environment_uuid: ENVIRONMENT });
    });

    it('jupyter:image-build:failed → event.image_build, with no project', () => {
      const event = JupyterImageBuildFailed.create({ ...base, image_build: { uuid: IMAGE_BUILD, status: 'FAILURE' } });
      const payload = event.toNotificationPayload() as NotificationEvent;
      expect(payload).toEqual({ id: event.id, type: 'jupyter:image-build:failed', occurred_at: '2026-11-20T10:00:00.000Z', image_build: { uuid: IMAGE_BUILD, status: 'FAILURE' } });
      expect(event.scope).toEqual({});
    });
  });

  describe('observability and lineage payloads (DESIGN §5), spelled out', () => {
    const base = { occurred_at: '2026-11-20T10:00:00Z' };
    const pipeline = { key: 'SFTP_to_Tableau', name: 'SFTP to Tableau' };
    const run = { key: 'airflow-123', status: 'FAILED' };

    it('observability:run:failed → event.pipeline.run, scoped and filterable by pipeline_key', () => {
      const event = ObservabilityRunFailed.create({ ...base, pipeline, run, context: { external_url: 'https://airflow.example.com/x' } });
      expect(event.toNotificationPayload()).toEqual({
        id: event.id,
        type: 'observability:run:failed',
        occurred_at: '2026-11-20T10:00:00.000Z',
        pipeline: { ...pipeline, run },
        context: { external_url: 'https://airflow.example.com/x' },
      });
      expect(event.scope).toEqual({ pipeline_key: 'SFTP_to_Tableau', run_key: 'airflow-123' });
      expect(ObservabilityRunFailed.scopeFilters()).toEqual(['pipeline_key']);
    });

    it('observability:task:* → event.pipeline.run.task', () => {
      const task = { key: 'redshift_load', status: 'RUNNING' };
      const payload = ObservabilityTaskRunning.create({ ...base, pipeline, run: { key: 'r', status: 'RUNNING' }, task }).toNotificationPayload() as any;
      expect(payload.pipeline.run.task).toEqual(task);
      expect(() => ObservabilityTaskRunning.create({ ...base, pipeline, run })).toThrow(EventError);
    });

    it('observability:message-log → the log on the event itself, with or without a task', () => {
      const log = { level: 'ERROR', message: 'COPY failed' };
      const forRun = ObservabilityMessageLog.create({ ...base, pipeline, run, log });
      expect(forRun.toNotificationPayload()).toMatchObject({ pipeline: { ...pipeline, run }, log });
      expect((forRun.toNotificationPayload() as any).pipeline.run.task).toBeUndefined();
      expect(forRun.scope).toEqual({ pipeline_key: 'SFTP_to_Tableau', run_key: 'airflow-123' });
      const forTask = ObservabilityMessageLog.create({ ...base, pipeline, run, task: { key: 't', status: 'RUNNING' }, log });
      expect(forTask.toNotificationPayload()).toMatchObject({ pipeline: { run: { task: { key: 't' } } }, log });
      expect(forTask.task_key).toBe('t');
    });

    it('a metric must be a finite number, a test outcome list 1–500 long', () => {
      expect(() => ObservabilityMetricLog.create({ ...base, pipeline, run, metric: { key: 'rows', value: Number.POSITIVE_INFINITY } })).toThrow(EventError);
      expect(() => ObservabilityTestOutcomes.create({ ...base, pipeline, run, tests: { total: 0, passed: 0, failed: 0, warning: 0, outcomes: [] } })).toThrow(EventError);
    });

    it('observability:dataset-operation → event.dataset, no pipeline scope', () => {
      const event = ObservabilityDatasetOperation.create({ ...base, dataset: { key: 'orders_raw', operation: 'WRITE' } });
      expect(event.toNotificationPayload()).toMatchObject({ dataset: { key: 'orders_raw', operation: 'WRITE' } });
      expect(event.scope).toEqual({});
      expect(ObservabilityDatasetOperation.scopeFilters()).toEqual([]);
    });

    it('lineage:run:fail → event.lineage with job, run (state, parent), datasets and the errorMessage facet; all four lineage scope columns', () => {
      const lineage = {
        event_type: 'FAIL',
        producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.24.2/integration/spark',
        job: { namespace: 'spark', name: 'load' },
        run: { id: RUN, state: 'FAILED', parent: { id: PIPELINE_RUN, job: { namespace: 'airflow', name: 'dag' } } },
        inputs: [{ namespace: 's3://b', name: 'in' }],
        outputs: [],
        error: { message: 'boom', programmingLanguage: 'JAVA' },
      };
      const event = LineageRunFail.create({ ...base, lineage });
      expect(event.toNotificationPayload()).toEqual({ id: event.id, type: 'lineage:run:fail', occurred_at: '2026-11-20T10:00:00.000Z', lineage });
      expect(event.scope).toEqual({ lineage_namespace: 'spark', lineage_job: 'load', lineage_run_id: RUN, lineage_parent_run_id: PIPELINE_RUN });
      const orphan = LineageRunFail.create({ ...base, lineage: { ...lineage, run: { id: RUN, state: 'FAILED' } } });
      expect(orphan.scope).toEqual({ lineage_namespace: 'spark', lineage_job: 'load', lineage_run_id: RUN });
      expect(() => LineageRunFail.create({ ...base, lineage: { ...lineage, run: { id: 'run-1', state: 'DONE' } } })).toThrow(EventError);
    });

    it('lineage:dataset → event.lineage.dataset, scoped by the dataset namespace', () => {
      const event = LineageDataset.create({ ...base, lineage: { producer: 'p', dataset: { namespace: 'bigquery', name: 'proj.ds.table' } } });
      expect((event.toNotificationPayload() as any).lineage.dataset).toEqual({ namespace: 'bigquery', name: 'proj.ds.table' });
      expect(event.scope).toEqual({ lineage_namespace: 'bigquery' });
    });
  });

  describe('*:updated types', () => {
    const updatedTypes = [...EVENT_CLASSES.keys()].filter((type) => type.endsWith(':updated'));
    const change = { type: 'UPDATED', changed_object: 'schedule', old_value: '0 * * * *', new_value: '0 2 * * *' };

    it('are exactly the types whose name ends in :updated, and only they carry the update layer', () => {
      expect(updatedTypes.sort()).toEqual(['project:cron-job:updated', 'project:one-off-job:updated', 'project:pipeline:updated', 'project:updated']);
      for (const [type, cls] of EVENT_CLASSES) expect(cls.LAYERS.some((layer) => layer.key === 'update')).toBe(updatedTypes.includes(type));
    });

    it.each(updatedTypes)('%s requires update.changes', (type) => {
      const cls = EVENT_CLASSES.get(type)!;
      const { update, ...withoutUpdate } = cls.exampleInput();
      expect(update).toBeDefined();
      const error = eventErrorOf(() => cls.create(withoutUpdate));
      expect(error.code).toBe('validation_failed');
      expect(fieldsOf(error)).toContain('update.changes');
      expect(fieldsOf(error).every((f) => f.startsWith('update.'))).toBe(true);
    });

    it('refuses an empty list of changes', () => {
      const error = eventErrorOf(() => JobUpdated.create({ project: { uuid: PROJECT }, job: { uuid: JOB }, update: { changes: [] } }));
      expect(fieldsOf(error)).toEqual(['update.changes']);
    });

    it.each(['CREATED', 'UPDATED', 'DELETED'])('accepts a change of type %s and puts it at event.update', (changeType) => {
      const update = { changes: [{ ...change, type: changeType }] };
      const payload = JobUpdated.create({ project: { uuid: PROJECT }, job: { uuid: JOB }, update }).toNotificationPayload() as any;
      expect(payload.update).toEqual(update);
      expect(payload.project.job.update).toBeUndefined();
    });

    it('refuses any other change type, and a change without changed_object', () => {
      const error = eventErrorOf(() =>
        JobUpdated.create({
          project: { uuid: PROJECT },
          job: { uuid: JOB },
          update: { changes: [{ ...change, type: 'RENAMED' }, { type: 'DELETED' }] },
        }),
      );
      expect(error.code).toBe('validation_failed');
      expect(fieldsOf(error)).toEqual(expect.arrayContaining(['update.changes[0].type', 'update.changes[1].changed_object']));
    });

    it('is not accepted by types that are not :updated', () => {
      const error = eventErrorOf(() => ProjectCreated.create({ project: { uuid: PROJECT }, update: { changes: [change] } }));
      expect(fieldsOf(error)).toEqual(['update']);
    });
  });

  describe('validation', () => {
    it('names every missing identifier of a pipeline-run event at once', () => {
      for (const input of [{}, { project: {}, job: {}, pipeline_run: {} }] as EventInput[]) {
        const error = eventErrorOf(() => JobPipelineRunFailed.create(input));
        expect(error.code).toBe('validation_failed');
        expect(error.status).toBe(400);
        expect(fieldsOf(error)).toEqual(expect.arrayContaining(['project.uuid', 'job.uuid', 'pipeline_run.uuid']));
        for (const field of ['project.uuid', 'job.uuid', 'pipeline_run.uuid']) expect(error.message).toContain(field);
      }
    });

    it('refuses identifiers that are not UUIDs', () => {
      const error = eventErrorOf(() => ProjectCreated.create({ project: { uuid: 'project-1' } }));
      expect(fieldsOf(error)).toEqual(['project.uuid']);
    });

    it('refuses unknown top-level fields', () => {
      const error = eventErrorOf(() => ProjectCreated.create({ project: { uuid: PROJECT }, colour: 'red', job: { uuid: JOB } }));
      expect(error.code).toBe('validation_failed');
      expect(fieldsOf(error).sort()).toEqual(['colour', 'job']);
    });

    it('refuses unknown fields inside a layer, however deep', () => {
      const error = eventErrorOf(() =>
        JobPipelineRunFailed.create({
          project: { uuid: PROJECT, nickname: 'd' },
          job: { uuid: JOB },
          pipeline_run: { uuid: PIPELINE_RUN, failed_steps: [{ uuid: IMAGE_BUILD, colour: 'red' }] },
        }),
      );
      expect(error.code).toBe('validation_failed');
      expect(fieldsOf(error)).toEqual(['project.nickname', 'pipeline_run.failed_steps[0].colour']);
    });

    it('refuses a layer that is not an object', () => {
      const error = eventErrorOf(() => ProjectCreated.create({ project: PROJECT }));
      expect(fieldsOf(error)).toEqual(['project']);
    });

    it.each(['2026-11-20T10:00:00', '2026-11-20', '20 Nov 2026 10:00', 'yesterday', '2026-13-40T10:00:00Z'])(
      'refuses occurred_at %j (a date-time with a time zone is required)',
      (occurredAt) => {
        const error = eventErrorOf(() => ProjectCreated.create({ occurred_at: occurredAt, project: { uuid: PROJECT } }));
        expect(fieldsOf(error)).toEqual(['occurred_at']);
      },
    );

    it('reads occurred_at with any offset as the same instant', () => {
      const utc = ProjectCreated.create({ occurred_at: '2026-11-20T10:00:00Z', project: { uuid: PROJECT } });
      const berlin = ProjectCreated.create({ occurred_at: '2026-11-20T11:00:00+01:00', project: { uuid: PROJECT } });
      expect(berlin.occurredAt.getTime()).toBe(utc.occurredAt.getTime());
      expect(berlin.toNotificationPayload().occurred_at).toBe('2026-11-20T10:00:00.000Z');
    });

    it('takes now as occurred_at when none is given', () => {
      const before = Date.now();
      const event = ProjectCreated.create({ project: { uuid: PROJECT } });
      expect(event.occurredAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(event.occurredAt.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('refuses a bad idempotency key together with everything else wrong', () => {
      const error = eventErrorOf(() => ProjectCreated.create({ idempotency_key: '', occurred_at: 'soon', project: {} }));
      expect(fieldsOf(error).sort()).toEqual(['idempotency_key', 'occurred_at', 'project.uuid']);
    });

    it('keeps a copy of the caller’s layer data, not a reference to it', () => {
      const project = { uuid: PROJECT, name: 'demo' };
      const event = ProjectCreated.create({ project });
      project.name = 'changed afterwards';
      expect((event.toNotificationPayload() as any).project.name).toBe('demo');
    });
  });

  it('fills the scope columns from the layers of a pipeline-run event', () => {
    const event = JobPipelineRunFailed.create({ project: { uuid: PROJECT }, job: { uuid: JOB }, pipeline_run: { uuid: PIPELINE_RUN } });
    expect(event.project_uuid).toBe(PROJECT);
    expect(event.job_uuid).toBe(JOB);
    expect(event.pipeline_run_uuid).toBe(PIPELINE_RUN);
    expect(event.pipeline_uuid).toBeUndefined();
    expect(event.environment_uuid).toBeUndefined();
    expect(SCOPE_COLUMNS.filter((column) => event[column] != null).sort()).toEqual(['job_uuid', 'pipeline_run_uuid', 'project_uuid']);
  });
});

describe('eventClassFor', () => {
  it.each(['project:one-off-job:pipeline-run:failed', 'project:created', 'jupyter:image-build:started'])('gives the API the class of %s', (type) => {
    expect(eventClassFor(type, 'api')).toBe(EVENT_CLASSES.get(type));
  });

  it.each([
    ['ping', 'engine'],
    ['tidings:webhook:disabled', 'engine'],
    ['tidings:delivery:exhausted', 'engine'],
    ['lineage:run:complete', 'lineage'],
    ['observability:run:failed', 'observability'],
    ['client:heartbeat', 'client'],
    ['project:one-off-job:exploded', 'unknown'],
    ['nope', 'unknown'],
  ])('refuses %s (%s) from the API', (type) => {
    const error = eventErrorOf(() => eventClassFor(type, 'api'));
    expect(error.code).toBe('validation_failed');
    expect(fieldsOf(error)).toEqual(['type']);
  });

  it.each([undefined, null, '', 42])('refuses a missing or non-string type (%j)', (type) => {
    const error = eventErrorOf(() => eventClassFor(type, 'api'));
    expect(error.code).toBe('validation_failed');
    expect(fieldsOf(error)).toEqual(['type']);
  });

  it('lets Tidings itself record its engine events', () => {
    expect(eventClassFor('ping', 'internal')).toBe(Ping);
    expect(eventClassFor('tidings:webhook:disabled', 'internal')).toBe(EVENT_CLASSES.get('tidings:webhook:disabled'));
  });
});

describe('the event catalogue and the classes', () => {
  // The first catalogue, and the types added since by the latest snapshot (v5).
  const withClasses = [...new Set([...EVENT_CATALOGUE_V1.map((t) => t.name), ...LATEST_CATALOGUE.map((t) => t.name)])];

  it('has a class for every type in the catalogue (platform, engine, observability, lineage and client)', () => {
    expect(withClasses.filter((name) => !EVENT_CLASSES.has(name))).toEqual([]);
  });

  it('has no class for a type the catalogue does not list', () => {
    expect([...EVENT_CLASSES.keys()].filter((name) => !withClasses.includes(name))).toEqual([]);
  });

  it('lists each type once', () => {
    const names = LATEST_CATALOGUE.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
