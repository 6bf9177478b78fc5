import { isClientType, isPlatformType, subscriptionPatternsFor } from '@tidings/common';
import { bodySchema } from './body-schema';
import { EVENT_TYPES } from './event-registry';
import { EventGroup, EventTypeEntry } from './event-type';
import { EVENT_FORMATS } from './formats';
import { JsonSchema } from './json-schema';
import { layerScopes, ScopeColumn } from './layer';

/** One row of `event_types` as the registry defines it (DESIGN §3). */
export interface EventTypeRow {
  name: string;
  group: EventGroup;
  description: string;
  /** The JSON Schema of the type's input body. */
  schema: JsonSchema;
  /** The dotted body paths whose values, joined by `/`, make the default ordering key. */
  ordering_key_path: string[];
  /** Where each scope column's value is in a body (`['job', 'uuid']`): the SQL entry point shapes events with these. */
  scope_paths: { column: ScopeColumn; path: string[] }[];
  /** The subscription patterns selecting the type (none for client events, which reach no webhook). */
  subscription_patterns: string[];
  /** Whether producers may register it (POST /v1/events and the SQL entry point): platform types only. */
  producer_registrable: boolean;
}

/**
 * The JSON Schema keywords the SQL entry point's validator (`event_body_errors`,
 * migrations/1764700000000-SqlEntryPoint.ts) interprets. A registry schema
 * using any other is refused here, before a snapshot could carry it to SQL.
 */
export const SQL_SCHEMA_KEYWORDS = [
  '$schema', 'title', 'description', // annotations
  'type', 'const', 'enum',
  'minimum', 'maximum',
  'minLength', 'maxLength', 'format',
  'items', 'minItems', 'maxItems',
  'properties', 'required', 'additionalProperties',
] as const;

/** The keywords (and formats) of `schema` the SQL validator would not understand, as `path: keyword`. */
export function unsupportedSqlKeywords(schema: JsonSchema, at = '#'): string[] {
  const problems: string[] = [];
  for (const [keyword, value] of Object.entries(schema)) {
    if (!(SQL_SCHEMA_KEYWORDS as readonly string[]).includes(keyword)) problems.push(`${at}: ${keyword}`);
    else if (keyword === 'format' && !(String(value) in EVENT_FORMATS)) problems.push(`${at}: format ${String(value)}`);
    else if (keyword === 'additionalProperties' && value !== false) problems.push(`${at}: additionalProperties other than false`);
    else if (keyword === 'items') problems.push(...unsupportedSqlKeywords(value as JsonSchema, `${at}/items`));
    else if (keyword === 'properties') {
      for (const [name, sub] of Object.entries(value as Record<string, JsonSchema>)) problems.push(...unsupportedSqlKeywords(sub, `${at}/properties/${name}`));
    }
  }
  return problems;
}

/** The row of one type; throws when its schema needs a keyword the SQL validator lacks. */
export function eventTypeRow(entry: EventTypeEntry): EventTypeRow {
  const schema = bodySchema(entry);
  const unsupported = unsupportedSqlKeywords(schema);
  if (unsupported.length) throw new Error(`${entry.type}: the SQL entry point cannot validate ${unsupported.join(', ')}`);
  return {
    name: entry.type,
    group: entry.group,
    description: entry.description,
    schema,
    ordering_key_path: [...entry.orderingKey],
    scope_paths: entry.layers.flatMap((layer) => layerScopes(layer).map((scope) => ({ column: scope.column, path: [layer.key, ...scope.field.split('.')] }))),
    subscription_patterns: isClientType(entry.type) ? [] : subscriptionPatternsFor(entry.type),
    producer_registrable: isPlatformType(entry.type),
  };
}

/**
 * The `event_types` rows the registry implies, by name. Migrations seed the
 * table from a frozen snapshot of these (migrations/data/event-catalogue-v*.json);
 * test/event-catalogue.e2e-spec.ts fails when a migrated database and the
 * registry disagree, which is when a new snapshot and migration are due.
 */
export function eventTypeRows(): EventTypeRow[] {
  return EVENT_TYPES.map(eventTypeRow).sort((a, b) => a.name.localeCompare(b.name));
}
