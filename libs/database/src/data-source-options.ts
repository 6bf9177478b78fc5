import { DatabaseRole, TidingsConfig } from '@tidings/config';
import { MIGRATIONS } from '@tidings/migrations';
import { DataSourceOptions } from 'typeorm';
import { allEntities } from './entities';
import { UnnamedStatementClient } from './unnamed-statement-client';

/**
 * The one DataSource definition. Schema changes are migrations: never
 * `synchronize`. `role` picks the pool size (DATABASE_POOL_SIZE or the role's default).
 * Through a transaction pool (DATABASE_POOL_MODE=transaction) consecutive statements of one client connection
 * may run on different server connections, so nothing is kept per connection: no startup options (search_path
 * and statement_timeout come from the role's settings instead, checked at start by checkPooledSession) and no
 * named prepared statements.
 */
export function dataSourceOptions(config: TidingsConfig, applicationName = 'tidings', role: DatabaseRole = 'cli'): DataSourceOptions {
  const pool = { max: config.databasePoolSize[role], connectionTimeoutMillis: 5000 };
  return {
    ...sharedOptions(config, applicationName),
    url: config.databaseUrl,
    extra:
      config.databasePoolMode === 'transaction'
        ? { ...pool, Client: UnnamedStatementClient }
        : { ...pool, ...sessionSettings(config.databaseSchema) },
  };
}

/**
 * A session straight to Postgres (DATABASE_DIRECT_URL, or DATABASE_URL when unset), for what holds session state:
 * migrations under their advisory lock. Two connections at most.
 */
export function directDataSourceOptions(config: TidingsConfig, applicationName: string): DataSourceOptions {
  return {
    ...sharedOptions(config, applicationName),
    url: config.databaseDirectUrl,
    extra: { max: 2, connectionTimeoutMillis: 5000, ...sessionSettings(config.databaseSchema) },
  };
}

function sharedOptions(config: TidingsConfig, applicationName: string) {
  return {
    type: 'postgres' as const,
    // Every Tidings object lives in TIDINGS_SCHEMA: TypeORM qualifies its own SQL, and each connection's
    // search_path resolves ours (unqualified) there.
    schema: config.databaseSchema,
    entities: allEntities(),
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    applicationName,
  };
}

/** What a session connection sets when it starts: the schema, and a statement timeout (a request fails with 503 rather than hang). */
function sessionSettings(schema: string) {
  return { options: searchPathOption(schema), statement_timeout: STATEMENT_TIMEOUT_MS };
}

/** The statement timeout of every pooled connection; through a transaction pool, the role's `statement_timeout` setting. */
export const STATEMENT_TIMEOUT_MS = 30_000;

/** The libpq `options` that make a connection resolve unqualified names in `schema` (tests and tools connecting with pg directly use it too). */
export function searchPathOption(schema: string): string {
  return `-c search_path=${schema}`;
}
