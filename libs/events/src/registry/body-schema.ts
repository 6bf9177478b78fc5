import { EventTypeEntry } from './event-type';
import { dateTime, JsonSchema, text } from './json-schema';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The JSON Schema of one type's input body: its layers (required ones
 * required), `occurred_at`, `idempotency_key`, `ordering_key`, and `type`, which may be
 * left out (the SQL entry point and in-process `create()` name the type
 * themselves) but must name this type when given. Nothing else is allowed.
 */
export function bodySchema(entry: EventTypeEntry): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    type: { const: entry.type },
    occurred_at: { ...dateTime(), description: 'When it happened: ISO 8601 with a time zone; defaults to the time it is recorded' },
    idempotency_key: { ...text(255, 1), description: 'A repeat with the same key (per producer) returns the original event' },
    ordering_key: { ...text(255, 1), description: "Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key" },
  };
  for (const layer of entry.layers) properties[layer.key] = layer.schema;
  const required = entry.layers.filter((layer) => layer.required).map((layer) => layer.key);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: entry.type,
    description: entry.description,
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

/** A body that bodySchema(entry) accepts, from each layer's example. */
export function exampleBody(entry: EventTypeEntry): Record<string, unknown> {
  const body: Record<string, unknown> = { occurred_at: '2026-11-20T10:00:00.000Z' };
  for (const layer of entry.layers) body[layer.key] = structuredClone(layer.example);
  return body;
}
