import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** For the OpenAPI document only: RecordClientEvent validates the body (only these two fields). */
export class ClientEventDto {
  @ApiProperty({ example: 'client:view:loaded', description: 'A client:* type from GET /v1/event-types' })
  event: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { view: 'jobs', duration_ms: 412, first_visit: false },
    description:
      'Flat properties, anonymized before they are stored or sent: booleans, numbers, UUIDs and short tokens are kept; ' +
      'emails, URLs, file paths, free text, values under name-like keys and nested values are dropped. Absent = {}.',
  })
  properties?: Record<string, unknown>;
}

export class ClientEventResponse {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The recorded client event; null while telemetry is off (then nothing is recorded)',
  })
  id: string | null;

  @ApiProperty({ description: 'False while telemetry is off (TELEMETRY_DISABLED, or no ANALYTICS_URL)' })
  recorded: boolean;
}
