import { LayerSpec } from '../tidings-event.entity';
import {
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

/** Each layer's input key, DTO, scope column and documentation example. */
export const LAYER = {
  project: {
    key: 'project',
    dto: ProjectLayer,
    required: true,
    scope: { column: 'project_uuid', field: 'uuid' },
    example: { uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e01', name: 'demo' },
  },
  pipeline: {
    key: 'pipeline',
    dto: PipelineLayer,
    required: true,
    scope: { column: 'pipeline_uuid', field: 'uuid' },
    example: { uuid: '5d1e1a10-8b1b-4bb4-9e8a-2f6ad5e0c702', name: 'etl', path: 'etl.orchest' },
  },
  interactiveSession: {
    key: 'interactive_session',
    dto: InteractiveSessionLayer,
    required: false,
    example: { status: 'RUNNING' },
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
      failed_steps: [{ uuid: 'c2a3f1e0-6b7d-4c8e-9f00-1a2b3c4d5e06', title: 'load' }],
    },
  },
  environment: {
    key: 'environment',
    dto: EnvironmentLayer,
    required: true,
    scope: { column: 'environment_uuid', field: 'uuid' },
    example: { uuid: '3e9b2c51-0d6a-4f5e-8a7b-1c2d3e4f5a04', name: 'python-3.11', language: 'python' },
  },
  imageBuild: {
    key: 'image_build',
    dto: ImageBuildLayer,
    required: true,
    example: { uuid: '7f8e9d0c-1b2a-4c3d-8e4f-5a6b7c8d9e05', status: 'FAILURE' },
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
      total_runs: 12,
    },
  },
  cronRun: {
    key: 'run',
    dto: CronRunLayer,
    required: true,
    example: { uuid: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c08', number: 7, status: 'FAILURE', total_pipeline_runs: 1 },
  },
  webhook: {
    key: 'webhook',
    dto: WebhookLayer,
    required: true,
    example: { id: 'b7c6d5e4-f3a2-4b1c-9d8e-7f6a5b4c3d09', name: 'ops', url_host: 'hooks.example.com' },
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
    },
  },
  ping: { key: 'ping', dto: PingLayer, required: true, example: { message: 'Test delivery from Tidings' } },
} satisfies Record<string, LayerSpec>;
