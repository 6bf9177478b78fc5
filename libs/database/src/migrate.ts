import { DataSource, DataSourceOptions } from 'typeorm';

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
