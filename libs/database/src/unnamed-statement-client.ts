import { Client } from 'pg';

/**
 * node-postgres's Client, except that it sends every statement unnamed. A named prepared statement
 * (`preparedStatement()` in @tidings/common) lives in one server connection, and through a transaction pool the
 * next call may run on another, which answers `prepared statement "…" does not exist` (PgBouncer before 1.21, or
 * without max_prepared_statements). Unnamed, the statement is parsed and planned on every call instead.
 * The pool builds its connections with it when DATABASE_POOL_MODE=transaction.
 */
export class UnnamedStatementClient extends Client {}

const namedQuery = Client.prototype.query as (this: Client, config: unknown, ...rest: unknown[]) => unknown;

UnnamedStatementClient.prototype.query = function (this: Client, config: unknown, ...rest: unknown[]) {
  if (config !== null && typeof config === 'object' && 'name' in config && 'text' in config) {
    const { name: _name, ...unnamed } = config as { name: unknown; text: string };
    return namedQuery.call(this, unnamed, ...rest);
  }
  return namedQuery.call(this, config, ...rest);
} as Client['query'];
