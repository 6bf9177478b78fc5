import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * For the OpenAPI document only: the real validation is per layer, by the
 * event class of `type` (each type accepts exactly its own layers).
 */
export class RegisterEventDto {
  @ApiProperty({ example: 'project:one-off-job:pipeline-run:failed', description: 'A platform type from GET /v1/event-types' })
  type: string;

  @ApiPropertyOptional({ example: '2026-11-20T10:00:00Z', description: 'ISO 8601 with a time zone; defaults to now' })
  occurred_at?: string;

  @ApiPropertyOptional({ description: 'Or the Idempotency-Key header: a repeat returns the original event with 200' })
  idempotency_key?: string;

  @ApiPropertyOptional({ example: { uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e01', name: 'demo' } })
  project?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: { uuid: 'e4d3c2b1-a0f9-4e8d-9c7b-6a5f4e3d2c07', name: 'nightly', status: 'FAILURE', pipeline_name: 'etl', total_runs: 12 },
  })
  job?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: {
      uuid: '9a0f7f4e-51a7-4d43-8d0f-7d0f5d8e3c03',
      status: 'FAILURE',
      number: 12,
      failed_steps: [{ uuid: 'c2a3f1e0-6b7d-4c8e-9f00-1a2b3c4d5e06', title: 'load' }],
    },
  })
  pipeline_run?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'pipeline, interactive_session, environment, image_build, run (cron job run), update — as the type requires',
  })
  '...'?: unknown;
}

export class RegisterEventResponse {
  @ApiProperty() id: string;
  @ApiProperty() type: string;
  @ApiProperty({ description: 'Delivery rows created (0 for a repeated idempotency key)' }) deliveries: number;
  @ApiProperty({ description: 'True when the idempotency key was seen before' }) duplicate: boolean;
}
