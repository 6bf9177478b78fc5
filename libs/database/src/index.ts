export * from './data-source-options';
export * from './database.module';
export * from './migrate';
export * from './entities';
export * from './startup';
export * from './embedded-postgres';
