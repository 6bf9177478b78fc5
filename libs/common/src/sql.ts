interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/**
 * Runs a statement and returns its rows. TypeORM's Postgres driver answers
 * UPDATE and DELETE with `[rows, affectedCount]` but SELECT and INSERT with
 * `rows`; every `... RETURNING` statement goes through here so callers always
 * get rows.
 */
export async function queryRows<T = Record<string, any>>(db: Queryable, sql: string, params?: unknown[]): Promise<T[]> {
  const result = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0];
  return result;
}

/**
 * A statement Postgres parses and plans once per connection (a named prepared
 * statement) instead of on every call; for hot statements, where planning a
 * large statement costs more than running it. `text` must be the same on every
 * call with that `name`. TypeORM's `query()` passes the object through to
 * node-postgres untouched (results and QueryFailedError stay the same).
 */
export function preparedStatement(name: string, text: string): string {
  return { name, text } as unknown as string;
}
