import { bodySchema } from './body-schema';
import { EVENT_TYPES } from './event-registry';
import { EventGroup } from './event-type';
import { JsonSchema } from './json-schema';

/** One row of `event_types` as the registry defines it (DESIGN §3). */
export interface EventTypeRow {
  name: string;
  group: EventGroup;
  description: string;
  /** The JSON Schema of the type's input body. */
  schema: JsonSchema;
  /** The dotted body paths whose values, joined by `/`, make the default ordering key. */
  ordering_key_path: string[];
}

/**
 * The `event_types` rows the registry implies, by name. Migrations seed the
 * table from a frozen snapshot of these (migrations/data/event-catalogue-v*.json);
 * test/event-catalogue.e2e-spec.ts fails when a migrated database and the
 * registry disagree, which is when a new snapshot and migration are due.
 */
export function eventTypeRows(): EventTypeRow[] {
  return EVENT_TYPES.map((entry) => ({
    name: entry.type,
    group: entry.group,
    description: entry.description,
    schema: bodySchema(entry),
    ordering_key_path: [...entry.orderingKey],
  })).sort((a, b) => a.name.localeCompare(b.name));
}
