import { DataSource, DataSourceOptions, QueryRunner } from 'typeorm';

/** An arbitrary, fixed key: every replica takes the same advisory lock. */
const MIGRATION_LOCK = 7_453_190_221;

/**
 * Runs pending migrations under a Postgres advisory lock, so replicas
 * starting together migrate once and the others wait, then find nothing to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await prepareSchema(runner, (dataSource.options as { schema?: string }).schema ?? 'public');
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

/** Migrates with a short-lived connection of its own, before any app starts. */
export async function migrateDatabase(options: DataSourceOptions): Promise<string[]> {
  const dataSource = new DataSource({ ...options, extra: { ...(options.extra ?? {}), max: 2 } } as DataSourceOptions);
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Every object a v1 installation created in `public` (tables carry their indexes, constraints and sequences along). */
const V1_TABLES = [
  'migrations',
  'event_types',
  'events',
  'subscribers',
  'subscriptions',
  'deliveries',
  'delivery_attempts',
  'api_keys',
  'installation',
  'lineage_runs',
  'lineage_edges',
  'observed_runs',
  'observed_run_tasks',
  'observed_run_tests',
  'observed_run_metrics',
];

/**
 * Creates the schema, and moves an installation made before TIDINGS_SCHEMA
 * existed (its migrations table in `public`, none in the schema) into it, in
 * one transaction, before the migrations run: rows, pending deliveries and
 * ids stay as they are; only their schema changes.
 */
async function prepareSchema(runner: QueryRunner, schema: string): Promise<void> {
  await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  if (schema === 'public') return;
  const [{ v1, current }] = await runner.query(
    `SELECT to_regclass('public.migrations') IS NOT NULL
              AND EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'deliveries') AS v1,
            to_regclass($1) IS NOT NULL AS current`,
    [`"${schema}".migrations`],
  );
  if (!v1 || current) return;
  await runner.startTransaction();
  try {
    for (const table of V1_TABLES) {
      await runner.query(`ALTER TABLE IF EXISTS public."${table}" SET SCHEMA "${schema}"`);
    }
    const [{ exists }] = await runner.query(`SELECT to_regprocedure('public.tidings_uuid_v7()') IS NOT NULL AS exists`);
    if (exists) await runner.query(`ALTER FUNCTION public.tidings_uuid_v7() SET SCHEMA "${schema}"`);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}
