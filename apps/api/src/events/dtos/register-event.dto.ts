import { ApiProperty, SchemaObject } from '@nestjs/swagger';
import { eventTypeEntry, exampleBody, inlineEventBodySchema } from '@tidings/events';

/**
 * The OpenAPI schema of one event input (`POST /v1/events`, each item of a
 * batch), as the named component `EventInput`: the event registry's body
 * schemas, a `oneOf` with one alternative per platform type, each fixing
 * `type` to its name and accepting exactly that type's layers (the schemas
 * `GET /v1/event-types/{type}` publishes).
 */
export const EVENT_INPUT_SCHEMA: SchemaObject = {
  description: 'One event of a platform type (GET /v1/event-types lists them): `type`, then exactly the layers that type has.',
  ...(inlineEventBodySchema() as SchemaObject),
  example: { type: 'project:one-off-job:pipeline-run:failed', ...exampleBody(eventTypeEntry('project:one-off-job:pipeline-run:failed')!) },
};

export class RegisterEventResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() type: string;
  @ApiProperty({ type: 'integer', description: 'Delivery rows created (0 for a repeated idempotency key)' }) deliveries: number;
  @ApiProperty({ description: 'True when the idempotency key was seen before' }) duplicate: boolean;
}
