import { isPresent, sizeOf } from '../telemetry/anonymizer';
import { anyValue, integer, list, object, oneOf, openMap, Static, text, uuid } from './json-schema';
import { layer } from './layer';

/*
 * Layers of platform events (`project → pipeline / environment / job → run →
 * pipeline run`). Identifiers are required (they drive scoping and
 * subscription filters); everything a human reads is optional. Telemetry
 * keeps ids, statuses and numbers and derives counts from what it drops
 * (names, titles, paths, parameters, schedules, environment variables).
 */

const NAME = 1024;
const STATUS = 64;

const step = object({ uuid: uuid() }, { title: text(NAME), status: text(STATUS), parameters: openMap() });

/** Per-step telemetry: the step's id and status, and how many parameters it has (never their names or values). */
const stepsTelemetry = (steps: unknown) =>
  Array.isArray(steps)
    ? steps.map((item) => ({ uuid: item?.uuid, status: item?.status, parameters_count: sizeOf(item?.parameters) ?? 0 }))
    : undefined;
const STEPS = { list: { uuid: 'uuid', status: 'status', parameters_count: 'count' } } as const;

export const PROJECT = layer({
  key: 'project',
  schema: object({ uuid: uuid() }, { name: text(NAME) }),
  required: true,
  scope: { column: 'project_uuid', field: 'uuid' },
  identity: ['project.uuid'],
  example: { uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e01', name: 'demo' },
  telemetry: { prefix: 'project', keep: { uuid: 'uuid' }, derive: { has_name: { kind: 'boolean', from: (p) => isPresent(p.name) } } },
});

export const PIPELINE = layer({
  key: 'pipeline',
  schema: object({ uuid: uuid() }, { name: text(NAME), path: text(NAME) }),
  required: true,
  scope: { column: 'pipeline_uuid', field: 'uuid' },
  identity: ['pipeline.uuid'],
  example: { uuid: '5d1e1a10-8b1b-4bb4-9e8a-2f6ad5e0c702', name: 'etl', path: 'etl.orchest' },
  telemetry: { prefix: 'pipeline', keep: { uuid: 'uuid' } },
});

/** Optional: a session has no id of its own; when left out, the notification still has its level. */
export const INTERACTIVE_SESSION = layer({
  key: 'interactive_session',
  schema: object({}, { status: text(STATUS), service_name: text(NAME) }),
  required: false,
  keepLevel: true,
  example: { status: 'RUNNING', service_name: 'jupyter-server' },
  telemetry: { prefix: 'interactive_session', keep: { status: 'status' } },
});

export const PIPELINE_RUN = layer({
  key: 'pipeline_run',
  schema: object(
    { uuid: uuid() },
    {
      status: text(STATUS),
      number: integer(0),
      parameters: openMap(),
      steps: list(step, { maxItems: 1000 }),
      failed_steps: list(step, { maxItems: 1000 }),
    },
  ),
  required: true,
  scope: { column: 'pipeline_run_uuid', field: 'uuid' },
  identity: ['pipeline_run.uuid'],
  example: {
    uuid: '9a0f7f4e-51a7-4d43-8d0f-7d0f5d8e3c03',
    status: 'FAILURE',
    number: 12,
    parameters: { date: '2026-11-19' },
    steps: [
      { uuid: 'b1a2f1e0-6b7d-4c8e-9f00-1a2b3c4d5e05', title: 'extract', status: 'SUCCESS', parameters: { source: 'sftp' } },
      { uuid: 'c2a3f1e0-6b7d-4c8e-9f00-1a2b3c4d5e06', title: 'load', status: 'FAILURE' },
    ],
    failed_steps: [{ uuid: 'c2a3f1e0-6b7d-4c8e-9f00-1a2b3c4d5e06', title: 'load' }],
  },
  telemetry: {
    prefix: 'pipeline_run',
    keep: { uuid: 'uuid', status: 'status', number: 'count' },
    derive: {
      pipeline_parameters_count: { kind: 'count', from: (run) => sizeOf(run.parameters) ?? 0 },
      steps_count: { kind: 'count', from: (run) => sizeOf(run.steps) },
      failed_steps_count: { kind: 'count', from: (run) => sizeOf(run.failed_steps) ?? 0 },
      steps: { kind: STEPS, from: (run) => stepsTelemetry(run.steps) },
      failed_steps: { kind: STEPS, from: (run) => stepsTelemetry(run.failed_steps) },
    },
  },
});
export type PipelineRunLayer = Static<typeof PIPELINE_RUN.schema>;

export const ENVIRONMENT = layer({
  key: 'environment',
  schema: object({ uuid: uuid() }, { name: text(NAME), language: text(STATUS) }),
  required: true,
  scope: { column: 'environment_uuid', field: 'uuid' },
  identity: ['environment.uuid'],
  example: { uuid: '3e9b2c51-0d6a-4f5e-8a7b-1c2d3e4f5a04', name: 'python-3.11', language: 'python' },
  telemetry: {
    prefix: 'environment',
    keep: { uuid: 'uuid', language: { oneOf: ['python', 'r', 'julia', 'javascript', 'bash', 'scala', 'java', 'go'] } },
  },
});

export const IMAGE_BUILD = layer({
  key: 'image_build',
  schema: object({ uuid: uuid() }, { status: text(STATUS), image_tag: text(NAME) }),
  required: true,
  identity: ['image_build.uuid'],
  example: { uuid: '7f8e9d0c-1b2a-4c3d-8e4f-5a6b7c8d9e05', status: 'FAILURE', image_tag: 'etl-env:42' },
  telemetry: {
    prefix: 'image_build',
    keep: { uuid: 'uuid', status: 'status' },
    derive: { has_image_tag: { kind: 'boolean', from: (b) => isPresent(b.image_tag) } },
  },
});

export const JOB = layer({
  key: 'job',
  schema: object(
    { uuid: uuid() },
    {
      name: text(NAME),
      status: text(STATUS),
      pipeline_name: text(NAME),
      pipeline_uuid: uuid(),
      total_runs: integer(0),
      schedule: text(255),
      parameters: openMap(),
      env_variables: openMap(),
    },
  ),
  required: true,
  scope: { column: 'job_uuid', field: 'uuid' },
  identity: ['job.uuid'],
  example: {
    uuid: 'e4d3c2b1-a0f9-4e8d-9c7b-6a5f4e3d2c07',
    name: 'nightly',
    status: 'FAILURE',
    pipeline_name: 'etl',
    pipeline_uuid: '5d1e1a10-8b1b-4bb4-9e8a-2f6ad5e0c702',
    total_runs: 12,
    parameters: { date: '2026-11-19' },
    env_variables: { WAREHOUSE: 'analytics' },
  },
  telemetry: {
    prefix: 'job',
    keep: { uuid: 'uuid', status: 'status', pipeline_uuid: 'uuid', total_runs: 'count' },
    derive: {
      parameters_count: { kind: 'count', from: (job) => sizeOf(job.parameters) ?? 0 },
      env_variables_count: { kind: 'count', from: (job) => sizeOf(job.env_variables) ?? 0 },
      has_schedule: { kind: 'boolean', from: (job) => isPresent(job.schedule) },
    },
  },
});

/** One scheduled run of a cron job. */
export const CRON_RUN = layer({
  key: 'run',
  schema: object(
    { uuid: uuid() },
    { number: integer(0), status: text(STATUS), total_pipeline_runs: integer(0), failed_pipeline_runs: integer(0) },
  ),
  required: true,
  identity: ['run.uuid'],
  example: { uuid: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c08', number: 7, status: 'FAILURE', total_pipeline_runs: 1 },
  telemetry: {
    prefix: 'cron_run',
    keep: { uuid: 'uuid', number: 'count', status: 'status', total_pipeline_runs: 'count', failed_pipeline_runs: 'count' },
  },
});

export const CHANGE_TYPES = ['CREATED', 'UPDATED', 'DELETED'] as const;

const change = object(
  { type: oneOf(CHANGE_TYPES), changed_object: text(NAME, 1) },
  { old_value: anyValue(), new_value: anyValue() },
);

/** `*:updated` types carry the list of changes, on the event itself. */
export const UPDATE = layer({
  key: 'update',
  schema: object({ changes: list(change, { minItems: 1, maxItems: 1000 }) }),
  required: true,
  placement: 'root',
  example: { changes: [{ type: 'UPDATED', changed_object: 'schedule', old_value: '0 * * * *', new_value: '0 2 * * *' }] },
  // What changed is free text (changed_object, old and new values): only how many changes of each type.
  telemetry: {
    prefix: 'update',
    derive: {
      changes_count: { kind: 'count', from: (update) => sizeOf(update.changes) },
      changes_created_count: { kind: 'count', from: (update) => countChanges(update, 'CREATED') },
      changes_updated_count: { kind: 'count', from: (update) => countChanges(update, 'UPDATED') },
      changes_deleted_count: { kind: 'count', from: (update) => countChanges(update, 'DELETED') },
    },
  },
});

function countChanges(update: { changes?: { type?: string }[] }, type: string): number | undefined {
  return Array.isArray(update.changes) ? update.changes.filter((item) => item?.type === type).length : undefined;
}
