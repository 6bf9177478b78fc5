import { Logger } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { Client } from 'pg';
import { dataSourceOptions } from './data-source-options';
import { migrateDatabase } from './migrate';

/**
 * Entry points call this first: the database is created when it does not
 * exist yet (a first `npm start` needs no hand-made `createdb`), then pending
 * migrations run once, under the advisory lock.
 */
export async function migrateOnStart(config: TidingsConfig): Promise<void> {
  const options = dataSourceOptions(config, 'tidings-migrate');
  let applied: string[];
  try {
    applied = await migrateDatabase(options);
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME) throw error;
    await createDatabase(config.databaseUrl);
    applied = await migrateDatabase(options);
  }
  if (applied.length) new Logger('Migrations').log(`Applied ${applied.join(', ')}`);
}

/** SQLSTATE 3D000: the database named in the URL does not exist. */
const INVALID_CATALOG_NAME = '3D000';
/** Another replica created it first: 42P04, or 23505 when both got as far as the catalogue at once. */
const CREATED_MEANWHILE = ['42P04', '23505'];

/**
 * Creates the database DATABASE_URL names, connecting to the server's
 * `postgres` database with the same credentials. A role that may not create
 * databases gets Postgres's own refusal, which names DATABASE_URL at start.
 */
async function createDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    new Logger('Database').log(`Created database "${name}" at ${url.hostname}:${url.port || 5432} (it did not exist)`);
  } catch (error) {
    if (!CREATED_MEANWHILE.includes((error as { code?: string }).code ?? '')) throw error;
  } finally {
    await client.end();
  }
}
