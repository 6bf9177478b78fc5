import 'reflect-metadata';
import { parseConfig } from '@tidings/config';
import { searchPathOption } from '@tidings/database';
import { eventTypeRows } from '@tidings/events';
import { createTestDatabase, TEST_REDIS_URL, TestDatabase } from '@tidings/testing';
import { Client } from 'pg';

/**
 * The event registry is the only definition of a type; `event_types` is what
 * migrations made of it. When they disagree (a type added, a layer changed, a
 * description reworded), add a migration: `npm run build`, then
 * `node scripts/event-catalogue-snapshot.js v<N>` writes the registry's rows
 * to migrations/data/event-catalogue-v<N>.json, and the migration applies
 * them with syncEventTypes (see 1764620000000-EventTypeSchemas.ts).
 */
describe('event_types after every migration matches the event registry', () => {
  let database: TestDatabase;
  let db: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    const schema = parseConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL }).databaseSchema;
    db = new Client({ connectionString: database.url, options: searchPathOption(schema) });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('has a row per registry type with its group, description, body schema and ordering key, and nothing else current', async () => {
    const { rows } = await db.query(
      `SELECT name, "group", description, schema, ordering_key_path FROM event_types WHERE deprecated_at IS NULL ORDER BY name`,
    );
    const registry = eventTypeRows();
    const table = new Map(rows.map((row) => [row.name, row]));
    const differences = [
      ...registry.filter((row) => !table.has(row.name)).map((row) => `${row.name}: in the registry, not in event_types`),
      ...rows.filter((row) => !registry.some((r) => r.name === row.name)).map((row) => `${row.name}: in event_types, not in the registry`),
      ...registry
        .filter((row) => table.has(row.name))
        .flatMap((row) =>
          (['group', 'description', 'schema', 'ordering_key_path'] as const)
            .filter((column) => JSON.stringify(canonical(table.get(row.name)[column])) !== JSON.stringify(canonical(row[column])))
            .map((column) => `${row.name}: ${column} differs (a new catalogue snapshot and migration are due)`),
        ),
    ];
    expect(differences).toEqual([]);
  });
});

/** jsonb does not keep key order: compare with keys sorted. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
