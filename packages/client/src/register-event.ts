import { FieldError, TidingsError, TidingsIdempotencyConflictError, TidingsValidationError } from './errors';
import { EventInput } from './event-types';
import { queryRows, SqlExecutor } from './sql-executor';

export interface RegisterEventOptions {
  /** A repeat with the same key (for the same database role) returns the original event's id and writes nothing. */
  idempotencyKey?: string;
  /** The schema Tidings is installed in (its TIDINGS_SCHEMA), default `tidings`. */
  schema?: string;
}

const INVALID_PARAMETER_VALUE = '22023';
const UNIQUE_VIOLATION = '23505';

/**
 * Records an event in the caller's transaction, through Tidings' SQL entry
 * point `<schema>.register_event()`: the event row, one delivery per matching
 * webhook, and a wake-up for the worker heard on commit. Commit and they are
 * sent; roll back and nothing was. Resolves to the event's id.
 *
 *   await client.query('BEGIN');
 *   await client.query('INSERT INTO projects (uuid, name) VALUES ($1, $2)', [uuid, name]);
 *   await registerEvent(client, { type: 'project:created', project: { uuid, name } });
 *   await client.query('COMMIT');
 *
 * A body its type refuses throws a TidingsValidationError listing every bad
 * field, a key used before for another body a TidingsIdempotencyConflictError
 * (and, as any failed statement, they abort the transaction).
 */
export async function registerEvent(db: SqlExecutor, event: EventInput, options: RegisterEventOptions = {}): Promise<string> {
  const { type, body, idempotency_key } = parts(event, options.idempotencyKey);
  const [row] = await run(() =>
    queryRows<{ id: string }>(db, `SELECT ${schemaName(options)}.register_event($1::text, $2::jsonb, $3::text)::text AS id`, [
      type,
      JSON.stringify(body),
      idempotency_key ?? null,
    ]),
  );
  return row.id;
}

/**
 * registerEvent() for many events in one statement (`<schema>.register_events()`):
 * all or none of them, ids in the order given. Each may carry its own `idempotency_key`.
 */
export async function registerEvents(db: SqlExecutor, events: readonly EventInput[], options: Pick<RegisterEventOptions, 'schema'> = {}): Promise<string[]> {
  if (events.length === 0) return [];
  const input = events.map((event) => parts(event));
  const rows = await run(() =>
    queryRows<{ id: string }>(db, `SELECT id::text AS id FROM ${schemaName(options)}.register_events($1::jsonb) AS id`, [JSON.stringify(input)]),
  );
  return rows.map((row) => row.id);
}

/** The entry point's arguments: the type, the body without it, the idempotency key (the option's or the body's; they must agree). */
function parts(event: EventInput, optionKey?: string): { type: string; body: object; idempotency_key?: string } {
  const { type, idempotency_key: bodyKey, ...body } = event;
  if (optionKey !== undefined && bodyKey !== undefined && optionKey !== bodyKey) {
    const message = 'idempotency_key must equal the idempotencyKey option when both are given';
    throw new TidingsValidationError(`Invalid ${type} event: idempotency_key`, [{ field: 'idempotency_key', message }]);
  }
  const idempotency_key = optionKey ?? bodyKey;
  return { type, body, ...(idempotency_key === undefined ? {} : { idempotency_key }) };
}

function schemaName({ schema = 'tidings' }: { schema?: string }): string {
  return `"${schema.replace(/"/g, '""')}"`;
}

/** Runs the statement, turning the entry point's refusals into this package's errors; any other error is thrown as it came. */
async function run<T>(statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    throw refusal(error) ?? error;
  }
}

/**
 * The entry point's refusal in `error`, if it is one: SQLSTATE 22023 (a bad
 * body, DETAIL the field list) or 23505 with `idempotency_conflict:` (DETAIL
 * the key and the original event). Drivers wrap Postgres errors differently:
 * node-postgres and Knex pass them on, TypeORM's QueryFailedError copies
 * their fields (and keeps `driverError`), Prisma puts code and message in `meta`.
 */
function refusal(error: unknown): TidingsError | undefined {
  const wrapped = error as { driverError?: unknown; meta?: { code?: unknown; message?: unknown } } | null;
  const driver = (wrapped?.driverError ?? wrapped) as { code?: unknown; detail?: unknown; message?: unknown } | null;
  // Prisma's own code (P2010) is on the error, Postgres' in meta (and DETAIL is lost).
  const code = wrapped?.meta?.code ?? driver?.code;
  const message = String(wrapped?.meta?.message ?? driver?.message ?? '');
  if (code === INVALID_PARAMETER_VALUE) return new TidingsValidationError(message || 'Invalid event', parseDetails(driver?.detail), { cause: error });
  if (code === UNIQUE_VIOLATION && message.includes('idempotency_conflict:')) {
    const detail = parseJson(driver?.detail) as { idempotency_key?: string; original_id?: string } | undefined;
    return new TidingsIdempotencyConflictError(message, detail?.idempotency_key, detail?.original_id, { cause: error });
  }
  return undefined;
}

function parseDetails(detail: unknown): FieldError[] {
  const parsed = parseJson(detail);
  return Array.isArray(parsed) ? parsed.filter((item): item is FieldError => typeof item?.field === 'string' && typeof item?.message === 'string') : [];
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
