import { Logger } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { Client } from 'pg';
import { directDataSourceOptions, STATEMENT_TIMEOUT_MS } from './data-source-options';
import { migrateDatabase } from './migrate';

/**
 * Entry points call this first: the database is created when it does not
 * exist yet (a first `npm start` needs no hand-made `createdb`), then pending
 * migrations run once, under the advisory lock, on a session straight to
 * Postgres (DATABASE_DIRECT_URL). Through a transaction pool, the pool's
 * connections are then checked to resolve names in TIDINGS_SCHEMA.
 */
export async function migrateOnStart(config: TidingsConfig): Promise<void> {
  const options = directDataSourceOptions(config, 'tidings-migrate');
  let applied: string[];
  try {
    applied = await migrateDatabase(options);
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME) throw error;
    await createDatabase(config.databaseDirectUrl);
    applied = await migrateDatabase(options);
  }
  if (applied.length) new Logger('Migrations').log(`Applied ${applied.join(', ')}`);
  if (config.databasePoolMode === 'transaction') await checkPooledSession(config);
}

/**
 * A transaction pool passes no startup options, so the search_path and statement_timeout that a session
 * connection sets for itself must be the role's own settings in this database. Checked once at start through
 * DATABASE_URL: a missing search_path would otherwise surface as `relation "…" does not exist` at the first request.
 */
async function checkPooledSession(config: TidingsConfig): Promise<void> {
  const client = new Client({ connectionString: config.databaseUrl, application_name: 'tidings-migrate', connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const {
      rows: [session],
    } = await client.query(
      `SELECT current_schema() AS schema, current_user AS role, current_database() AS database, current_setting('statement_timeout') AS timeout`,
    );
    const fix = (setting: string) => `ALTER ROLE "${session.role}" IN DATABASE "${session.database}" SET ${setting} (docs/pgbouncer.md)`;
    if (session.schema !== config.databaseSchema) {
      throw new Error(
        `DATABASE_URL (DATABASE_POOL_MODE=transaction): its connections resolve names in "${session.schema}", not in TIDINGS_SCHEMA "${config.databaseSchema}"; ` +
          `a transaction pool passes no startup options, so give the role the setting: ${fix(`search_path = "${config.databaseSchema}"`)}`,
      );
    }
    if (session.timeout === '0') {
      new Logger('Database').warn(
        `DATABASE_URL's connections have no statement_timeout; a stuck statement holds its connection: ${fix(`statement_timeout = '${STATEMENT_TIMEOUT_MS / 1000}s'`)}`,
      );
    }
  } finally {
    await client.end();
  }
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
