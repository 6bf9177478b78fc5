import { ApiProperty, SchemaObject } from '@nestjs/swagger';

/**
 * The OpenAPI schema of one event input (`POST /v1/events`, each item of a
 * batch), as the named component `EventInput`: the only place the document
 * describes event bodies. For now it is permissive: `type` is required and
 * every other field is allowed, because validation is per type (each type
 * accepts exactly its own layers). The event registry will replace this
 * object with its generated `oneOf` over every type's body schema.
 */
export const EVENT_INPUT_SCHEMA: SchemaObject = {
  type: 'object',
  description:
    'One event. `type` is a platform type from GET /v1/event-types; the other fields are the layers that type requires ' +
    '(project, job, pipeline_run, pipeline, interactive_session, environment, image_build, run, update), validated per type.',
  required: ['type'],
  properties: {
    type: { type: 'string', example: 'project:one-off-job:pipeline-run:failed', description: 'A platform type from GET /v1/event-types' },
    occurred_at: { type: 'string', format: 'date-time', example: '2026-11-20T10:00:00Z', description: 'With a time zone; defaults to now' },
    idempotency_key: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: 'Or the Idempotency-Key header: a repeat returns the original event with 200',
    },
  },
  additionalProperties: true,
  example: {
    type: 'project:one-off-job:pipeline-run:failed',
    occurred_at: '2026-11-20T10:00:00Z',
    project: { uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e01', name: 'demo' },
    job: { uuid: 'e4d3c2b1-a0f9-4e8d-9c7b-6a5f4e3d2c07', name: 'nightly', status: 'FAILURE', pipeline_name: 'etl', total_runs: 12 },
    pipeline_run: {
      uuid: '9a0f7f4e-51a7-4d43-8d0f-7d0f5d8e3c03',
      status: 'FAILURE',
      number: 12,
      failed_steps: [{ uuid: 'c2a3f1e0-6b7d-4c8e-9f00-1a2b3c4d5e06', title: 'load' }],
    },
  },
};

export class RegisterEventResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() type: string;
  @ApiProperty({ type: 'integer', description: 'Delivery rows created (0 for a repeated idempotency key)' }) deliveries: number;
  @ApiProperty({ description: 'True when the idempotency key was seen before' }) duplicate: boolean;
}
