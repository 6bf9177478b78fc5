import { isPresent, sizeOf } from '../telemetry/anonymizer';
import { LayerSpec } from '../tidings-event.entity';
import {
  ClientLayer,
  CronRunLayer,
  DeliveryLayer,
  EnvironmentLayer,
  ImageBuildLayer,
  InteractiveSessionLayer,
  JobLayer,
  PingLayer,
  PipelineLayer,
  PipelineRunLayer,
  ProjectLayer,
  WebhookLayer,
} from './layer-dtos';

/** Per-step telemetry: the step's id and status, and how many parameters it has (never their names or values). */
const stepsTelemetry = (steps: unknown) =>
  Array.isArray(steps)
    ? steps.map((step) => ({ uuid: step?.uuid, status: step?.status, parameters_count: sizeOf(step?.parameters) ?? 0 }))
    : undefined;
const STEPS = { list: { uuid: 'uuid', status: 'status', parameters_count: 'count' } } as const;

/**
 * Each layer's input key, DTO, scope column, documentation example, and its
 * telemetry: the fields kept (ids, statuses, numbers, times) and the counts
 * derived from what is dropped (names, titles, paths, parameters, messages).
 */
export const LAYER = {
  project: {
    key: 'project',
    dto: ProjectLayer,
    required: true,
    scope: { column: 'project_uuid', field: 'uuid' },
    example: { uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e01', name: 'demo' },
    telemetry: { prefix: 'project', keep: { uuid: 'uuid' }, derive: { has_name: { kind: 'boolean', from: (p) => isPresent(p.name) } } },
  },
  pipeline: {
    key: 'pipeline',
    dto: PipelineLayer,
    required: true,
    scope: { column: 'pipeline_uuid', field: 'uuid' },
    example: { uuid: '5d1e1a10-8b1b-4bb4-9e8a-2f6ad5e0c702', name: 'etl', path: 'etl.orchest' },
    telemetry: { prefix: 'pipeline', keep: { uuid: 'uuid' } },
  },
  interactiveSession: {
    key: 'interactive_session',
    dto: InteractiveSessionLayer,
    required: false,
    example: { status: 'RUNNING', service_name: 'jupyter-server' },
    telemetry: { prefix: 'interactive_session', keep: { status: 'status' } },
  },
  pipelineRun: {
    key: 'pipeline_run',
    dto: PipelineRunLayer,
    required: true,
    scope: { column: 'pipeline_run_uuid', field: 'uuid' },
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
  },
  environment: {
    key: 'environment',
    dto: EnvironmentLayer,
    required: true,
    scope: { column: 'environment_uuid', field: 'uuid' },
    example: { uuid: '3e9b2c51-0d6a-4f5e-8a7b-1c2d3e4f5a04', name: 'python-3.11', language: 'python' },
    telemetry: {
      prefix: 'environment',
      keep: { uuid: 'uuid', language: { oneOf: ['python', 'r', 'julia', 'javascript', 'bash', 'scala', 'java', 'go'] } },
    },
  },
  imageBuild: {
    key: 'image_build',
    dto: ImageBuildLayer,
    required: true,
    example: { uuid: '7f8e9d0c-1b2a-4c3d-8e4f-5a6b7c8d9e05', status: 'FAILURE', image_tag: 'etl-env:42' },
    telemetry: {
      prefix: 'image_build',
      keep: { uuid: 'uuid', status: 'status' },
      derive: { has_image_tag: { kind: 'boolean', from: (b) => isPresent(b.image_tag) } },
    },
  },
  job: {
    key: 'job',
    dto: JobLayer,
    required: true,
    scope: { column: 'job_uuid', field: 'uuid' },
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
  },
  cronRun: {
    key: 'run',
    dto: CronRunLayer,
    required: true,
    example: { uuid: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c08', number: 7, status: 'FAILURE', total_pipeline_runs: 1 },
    telemetry: {
      prefix: 'cron_run',
      keep: { uuid: 'uuid', number: 'count', status: 'status', total_pipeline_runs: 'count', failed_pipeline_runs: 'count' },
    },
  },
  webhook: {
    key: 'webhook',
    dto: WebhookLayer,
    required: true,
    example: { id: 'b7c6d5e4-f3a2-4b1c-9d8e-7f6a5b4c3d09', name: 'ops', url_host: 'hooks.example.com' },
    telemetry: {
      prefix: 'webhook',
      keep: { id: 'uuid' },
      derive: { has_disabled_reason: { kind: 'boolean', from: (w) => isPresent(w.disabled_reason) } },
    },
  },
  delivery: {
    key: 'delivery',
    dto: DeliveryLayer,
    required: true,
    example: {
      id: '01933f6c-0000-7000-8000-000000000010',
      event_type: 'project:one-off-job:pipeline-run:failed',
      attempts: 8,
      last_response_status: 500,
      last_error: 'HTTP 500',
    },
    telemetry: {
      prefix: 'delivery',
      keep: { id: 'uuid', event_id: 'uuid', event_type: 'event_type', attempts: 'count', last_response_status: 'integer' },
      derive: { has_last_error: { kind: 'boolean', from: (d) => isPresent(d.last_error) } },
    },
  },
  // A ping's message is free text: nothing of it is sent.
  ping: { key: 'ping', dto: PingLayer, required: true, example: { message: 'Test delivery from Tidings' }, telemetry: { prefix: 'ping' } },
  // Front-end properties are kept by value, not by name (anonymizeClientProperties).
  client: {
    key: 'client',
    dto: ClientLayer,
    required: true,
    example: { properties: { view: 'jobs', duration_ms: 412, first_visit: false } },
    telemetry: { prefix: '', clientProperties: true },
  },
} satisfies Record<string, LayerSpec>;
