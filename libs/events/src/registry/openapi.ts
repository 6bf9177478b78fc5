import { bodySchema } from './body-schema';
import { EVENT_TYPES } from './event-registry';
import { EventTypeEntry } from './event-type';
import { JsonSchema } from './json-schema';

/*
 * The registry's body schemas as OpenAPI 3.0 schemas, for the request bodies
 * of POST /v1/events and /v1/events/batch: one schema per type, `type`
 * required, and a `oneOf` over them discriminated on `type`.
 */

/** The types POST /v1/events accepts (platform events; the rest have their own ingestion or are Tidings' own). */
export const API_REGISTRABLE_TYPES: readonly EventTypeEntry[] = EVENT_TYPES.filter((entry) => entry.group === 'platform');

/** `project:one-off-job:pipeline-run:failed` → `ProjectOneOffJobPipelineRunFailedEvent`. */
export function openApiSchemaName(type: string): string {
  return `${type
    .split(/[:-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}Event`;
}

/** One type's body as POST /v1/events takes it: the body schema with `type` required. */
export function openApiBodySchema(entry: EventTypeEntry): JsonSchema {
  const { $schema: _dialect, ...schema } = bodySchema(entry);
  return toOpenApi30({ ...schema, required: ['type', ...((schema.required as string[] | undefined) ?? [])] });
}

/**
 * For a document that can hold components: a schema per type (by
 * openApiSchemaName) and the `oneOf` referencing them, with the discriminator
 * mapping each type name to its schema.
 */
export function eventBodyComponents(entries: readonly EventTypeEntry[] = API_REGISTRABLE_TYPES): {
  schemas: Record<string, JsonSchema>;
  oneOf: JsonSchema;
} {
  const schemas: Record<string, JsonSchema> = {};
  const mapping: Record<string, string> = {};
  for (const entry of entries) {
    const name = openApiSchemaName(entry.type);
    schemas[name] = openApiBodySchema(entry);
    mapping[entry.type] = `#/components/schemas/${name}`;
  }
  return {
    schemas,
    oneOf: { oneOf: Object.values(mapping).map(($ref) => ({ $ref })), discriminator: { propertyName: 'type', mapping } },
  };
}

/**
 * For a request body declared inline (no components): `oneOf` the types'
 * schemas. Each alternative fixes `type` to one name (`enum: [name]`), which
 * discriminates them; OpenAPI 3.0's `discriminator` object needs component
 * references to map to, so it is left to eventBodyComponents.
 */
export function inlineEventBodySchema(entries: readonly EventTypeEntry[] = API_REGISTRABLE_TYPES): JsonSchema {
  return { oneOf: entries.map(openApiBodySchema) };
}

/**
 * OpenAPI 3.0 reads a dialect of JSON Schema: no `const` (an `enum` of one),
 * no type lists (`nullable: true` for a `[type, "null"]`), no `$schema`.
 */
export function toOpenApi30(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === '$schema') continue;
    if (keyword === 'const') out.enum = [value];
    else if (keyword === 'type' && Array.isArray(value)) {
      const types = value.filter((type) => type !== 'null');
      out.type = types.length === 1 ? types[0] : types;
      if (types.length < value.length) out.nullable = true;
    } else if (keyword === 'properties' || keyword === '$defs') {
      out[keyword] = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, toOpenApi30(v)]));
    } else if (keyword === 'items' || keyword === 'additionalProperties') {
      out[keyword] = typeof value === 'object' && value !== null ? toOpenApi30(value as JsonSchema) : value;
    } else if (keyword === 'oneOf' || keyword === 'anyOf' || keyword === 'allOf') {
      out[keyword] = (value as JsonSchema[]).map(toOpenApi30);
    } else out[keyword] = value;
  }
  return out; // a nullable enum keeps null among its values, as OpenAPI 3.0.3 asks
}
