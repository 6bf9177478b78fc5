export interface Queryable {
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

/**
 * An error's code: the SQLSTATE of a failed statement (from node-postgres's
 * error, or TypeORM's QueryFailedError around it as `driverError`), or a
 * Node system error's code (ECONNREFUSED); undefined when there is none.
 */
export function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Postgres unreachable, going away, or out of connections: the statement did
 * not run (or its transaction rolled back), and may succeed once Postgres is
 * back. The api answers 503; the worker holds what it has to record and tries again.
 */
export function isDatabaseUnavailable(error: any): boolean {
  // TypeORM releases a transaction's query runner when its connection dies mid-transaction; the next statement then throws these.
  if (error?.name === 'QueryRunnerAlreadyReleasedError' || error?.name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  const code = errorCode(error);
  if (code && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')) return true;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true;
  const message = String(error?.message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/i.test(
    message,
  );
}

/**
 * Runs a single statement (outside any explicit transaction) again when
 * Postgres aborted it to break a deadlock (SQLSTATE 40P01): a multi-row
 * UPDATE meeting another one, e.g. a bulk cancel, can lock rows in the
 * opposite order. The aborted statement wrote nothing, so running it again
 * is safe. Up to `attempts` runs, a few milliseconds apart.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (errorCode(error) !== '40P01' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * (5 + Math.random() * 20)));
    }
  }
}
