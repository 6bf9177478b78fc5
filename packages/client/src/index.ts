/*
 * @tidings/client: register Tidings events from another service, either in
 * your own Postgres transaction (registerEvent, through Tidings' SQL entry
 * point) or over HTTP (TidingsClient). Event inputs are typed from Tidings'
 * registry: `{type: 'project:created', …}` only accepts that type's body.
 */
export * from './errors';
export * from './event-types';
export { registerEvent, registerEvents } from './register-event';
export type { RegisterEventOptions } from './register-event';
export type { Queryable, KnexLike, PrismaLike, SqlExecutor } from './sql-executor';
export { TidingsClient } from './tidings-client';
export type { TidingsClientOptions, RegisteredEvent, BatchResult, FetchLike } from './tidings-client';
