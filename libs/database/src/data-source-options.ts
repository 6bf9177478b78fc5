import { DatabaseRole, TidingsConfig } from '@tidings/config';
import { MIGRATIONS } from '@tidings/migrations';
import { DataSourceOptions } from 'typeorm';
import { allEntities } from './entities';

/**
 * The one DataSource definition. Schema changes are migrations: never
 * `synchronize`. `role` picks the pool size (DATABASE_POOL_SIZE or the role's default).
 */
export function dataSourceOptions(config: TidingsConfig, applicationName = 'tidings', role: DatabaseRole = 'cli'): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    // Every Tidings object lives in TIDINGS_SCHEMA: TypeORM qualifies its own SQL, and each connection's
    // search_path resolves ours (unqualified) there.
    schema: config.databaseSchema,
    entities: allEntities(),
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    applicationName,
    extra: {
      options: searchPathOption(config.databaseSchema),
      max: config.databasePoolSize[role],
      // Fail a request with 503 rather than hang when Postgres is away.
      connectionTimeoutMillis: 5000,
      statement_timeout: 30_000,
    },
  };
}

/** The libpq `options` that make a connection resolve unqualified names in `schema` (tests and tools connecting with pg directly use it too). */
export function searchPathOption(schema: string): string {
  return `-c search_path=${schema}`;
}
