import 'reflect-metadata';
import { parseConfig } from '@tidings/config';
import { dataSourceOptions, migrateDatabase } from '@tidings/database';
import { randomBytes } from 'node:crypto';
import { databaseUrl, TEMPLATE_ENV, TEST_REDIS_URL, withAdminClient } from './test-services';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const TEMPLATE_LOCK = 7_453_190_222;

/** A fresh, migrated database of its own: a clone of the run's template, migrated on first use. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run the tests with jest (globalSetup creates the template)`);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(async (admin) => {
    // The lock lives on the admin connection, not on the template, which must have no sessions to be cloned.
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const config = parseConfig({ DATABASE_URL: databaseUrl(template), REDIS_URL: TEST_REDIS_URL });
      await migrateDatabase(dataSourceOptions(config, 'tidings-test-template'));
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
  return {
    name,
    url: databaseUrl(name),
    drop: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** An empty database of its own (no migrations), dropped by `drop()`: for tests that build an older shape by hand. */
export async function createEmptyTestDatabase(): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run the tests with jest (globalSetup creates the template)`);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((admin) => admin.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
