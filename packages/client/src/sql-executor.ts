/*
 * What registerEvent() can run its statement on. Anything with
 * `query(text, values)` and Postgres `$n` parameters: a node-postgres Client,
 * Pool or PoolClient, a TypeORM EntityManager or QueryRunner. Knex and
 * Prisma have no such method, so they are adapted here: Knex's `raw()` takes
 * `?` placeholders, Prisma's `$queryRawUnsafe()` takes the values spread.
 */

/** node-postgres, TypeORM (EntityManager, QueryRunner), or anything else with `query(text, values)`. */
export interface Queryable {
  query(text: string, values?: unknown[]): PromiseLike<unknown>;
}

/** A Knex instance or transaction (`trx`). */
export interface KnexLike {
  raw(sql: string, bindings: unknown[]): PromiseLike<unknown>;
}

/** A Prisma client or interactive-transaction client (`tx` of `prisma.$transaction(async (tx) => …)`). */
export interface PrismaLike {
  $queryRawUnsafe(query: string, ...values: unknown[]): PromiseLike<unknown>;
}

export type SqlExecutor = Queryable | KnexLike | PrismaLike;

/** Runs `text` (with `$1`, `$2`, … parameters) on `db` and returns its rows, whatever shape the driver gives them in. */
export async function queryRows<Row>(db: SqlExecutor, text: string, values: unknown[]): Promise<Row[]> {
  return rowsOf<Row>(await run(db, text, values));
}

function run(db: SqlExecutor, text: string, values: unknown[]): PromiseLike<unknown> {
  if (hasMethod<PrismaLike>(db, '$queryRawUnsafe')) return db.$queryRawUnsafe(text, ...values);
  if (hasMethod<Queryable>(db, 'query')) return db.query(text, values);
  if (hasMethod<KnexLike>(db, 'raw')) {
    const bindings: unknown[] = [];
    const sql = text.replace(/\$(\d+)/g, (_, n: string) => {
      bindings.push(values[Number(n) - 1]);
      return '?';
    });
    return db.raw(sql, bindings);
  }
  throw new TypeError('registerEvent needs a database handle with query(text, values) (node-postgres, TypeORM), raw() (Knex) or $queryRawUnsafe() (Prisma)');
}

function hasMethod<T>(db: unknown, name: string): db is T {
  return (typeof db === 'object' || typeof db === 'function') && db !== null && typeof (db as Record<string, unknown>)[name] === 'function';
}

/** node-postgres and Knex give a result with `rows`; TypeORM and Prisma the rows; a structured TypeORM result has `records`. */
function rowsOf<Row>(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  const shaped = result as { rows?: unknown; records?: unknown } | null | undefined;
  if (Array.isArray(shaped?.rows)) return shaped.rows as Row[];
  if (Array.isArray(shaped?.records)) return shaped.records as Row[];
  throw new TypeError('The database handle answered a query with no rows: is it a Postgres connection?');
}
