/**
 * The history tables (`events`, `deliveries`, `delivery_attempts`) are
 * range-partitioned by time through their UUIDv7 keys (DESIGN §3): the first
 * 48 bits of a UUIDv7 are Unix milliseconds, so the ids of one UTC day form
 * one range. Attempts are partitioned on `delivery_id`, so they live in the
 * same day as their delivery and retention keeps or drops them together.
 *
 * Partitions, per table:
 * - `<table>_p<yyyymmdd>`: one UTC day, created ahead of time (DAYS_AHEAD);
 * - `<table>_p0`: everything before the day partitioning was installed;
 * - `<table>_k<yyyymmdd>`: what retention kept of expired days (dead letters,
 *   pending deliveries, the events they render from) — see compactPartitions;
 * - `<table>_default`: rows no range covers yet (a worker that was down for
 *   days); ensurePartitions moves them out when it creates their day.
 *
 * Every function here runs its statements on the caller's transaction.
 */
import { Queryable } from './sql';
import { msOfUuidV7, uuidV7Floor } from './uuid-time';

export type HistoryTable = 'events' | 'deliveries' | 'delivery_attempts';

/** The partition key of each history table, and the storage settings of each of its partitions (a partitioned parent has none). */
export const HISTORY_TABLES: Record<HistoryTable, { key: string; storage: string | null }> = {
  events: { key: 'id', storage: null },
  // Claims and starts are HOT updates: leave room on each page for the new versions (LeasedClaims, ChurnSettings).
  deliveries: {
    key: 'id',
    storage:
      'fillfactor = 80, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 5000, ' +
      'autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 5000',
  },
  delivery_attempts: { key: 'delivery_id', storage: null },
};

/** Days of partitions kept ready beyond today. */
export const DAYS_AHEAD = 7;
export const DAY_MS = 86_400_000;

/** A partition bound: the smallest UUIDv7 of a millisecond. */
function uuidAt(ms: number): string {
  return uuidV7Floor(new Date(ms));
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function dayName(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

/** The name of the partition of `table` holding the UTC day that contains `ms`. */
export function dayPartitionName(table: HistoryTable, ms: number): string {
  return `${table}_p${dayName(startOfUtcDay(ms))}`;
}

export interface Partition {
  name: string;
  /** Bounds as UUIDs; null is MINVALUE (from) — ranges here never end in MAXVALUE. */
  from: string | null;
  to: string;
  /** A partition holding what retention kept of expired days. */
  kept: boolean;
}

/** The range partitions of a history table, oldest first (the default partition is not among them). */
export async function listPartitions(q: Queryable, table: HistoryTable): Promise<Partition[]> {
  const rows: { name: string; bound: string }[] = await q.query(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1)`,
    [table],
  );
  const partitions: Partition[] = [];
  for (const { name, bound } of rows) {
    const match = /^FOR VALUES FROM \((MINVALUE|'([0-9a-f-]{36})')\) TO \('([0-9a-f-]{36})'\)$/.exec(bound);
    if (!match) continue; // DEFAULT
    partitions.push({ name, from: match[2] ?? null, to: match[3], kept: name.startsWith(`${table}_k`) });
  }
  return partitions.sort((a, b) => (a.to < b.to ? -1 : 1));
}

/** Serialises partition changes between worker replicas (and the migration) for the rest of the transaction. */
async function lockPartitioning(q: Queryable): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.history_partitions'))`);
}

function storageClause(table: HistoryTable): string {
  const { storage } = HISTORY_TABLES[table];
  return storage ? ` WITH (${storage})` : '';
}

function boundSql(uuid: string | null): string {
  return uuid === null ? 'MINVALUE' : `'${uuid}'`;
}

/**
 * Creates, for each history table, the day partitions from the newest one it
 * has up to DAYS_AHEAD days after `now`, with no gap, moving in whatever rows
 * the default partition took for those days meanwhile. Returns the names created.
 */
export async function ensurePartitions(q: Queryable, now = Date.now()): Promise<string[]> {
  await lockPartitioning(q);
  const created: string[] = [];
  const until = startOfUtcDay(now) + (DAYS_AHEAD + 1) * DAY_MS;
  for (const table of Object.keys(HISTORY_TABLES) as HistoryTable[]) {
    const newest = (await listPartitions(q, table)).at(-1);
    for (let day = newest ? msOfUuidV7(newest.to) : startOfUtcDay(now); day < until; day += DAY_MS) {
      const name = dayPartitionName(table, day);
      await createPartition(q, table, name, uuidAt(day), uuidAt(day + DAY_MS));
      created.push(name);
    }
  }
  return created;
}

async function createPartition(q: Queryable, table: HistoryTable, name: string, from: string | null, to: string): Promise<void> {
  const { key } = HISTORY_TABLES[table];
  // Rows are copied out and then deleted: nothing may change them in between.
  await q.query(`LOCK TABLE "${table}_default" IN SHARE MODE`);
  await q.query(`CREATE TABLE "${name}" (LIKE "${table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMPRESSION)${storageClause(table)}`);
  const inRange = `${from === null ? '' : `${key} >= '${from}' AND `}${key} < '${to}'`;
  await q.query(`INSERT INTO "${name}" SELECT * FROM "${table}_default" WHERE ${inRange}`);
  await q.query(`DELETE FROM "${table}_default" WHERE ${inRange}`);
  await q.query(`ALTER TABLE "${table}" ATTACH PARTITION "${name}" FOR VALUES FROM (${boundSql(from)}) TO ('${to}')`);
}

/**
 * Gives a partitioned history table its first partitions: the table it
 * replaces, already renamed `<table>_p0`, from MINVALUE to the start of
 * `firstDay`, and the default partition. ensurePartitions adds the days from
 * `firstDay` on.
 */
export async function installPartitions(q: Queryable, table: HistoryTable, firstDay: number): Promise<void> {
  await q.query(`ALTER TABLE "${table}" ATTACH PARTITION "${table}_p0" FOR VALUES FROM (MINVALUE) TO ('${uuidAt(startOfUtcDay(firstDay))}')`);
  await q.query(`CREATE TABLE "${table}_default" PARTITION OF "${table}" DEFAULT${storageClause(table)}`);
}

/** The lowest UUID: MINVALUE as a value, for predicates over a partition's rows. */
export const MIN_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Replaces adjacent partitions of a table by one `<table>_k…` partition over
 * their whole range holding only the rows `keep` selects (a WHERE clause over
 * the alias `r`, given each partition's bounds), or by nothing when no row is
 * kept. Dropping a partition is a catalogue change, not a delete: no dead
 * tuples, whatever its size. Returns the number of rows kept.
 */
export async function compactPartitions(
  q: Queryable,
  table: HistoryTable,
  parts: Partition[],
  keep: (from: string, to: string) => string,
): Promise<number> {
  await lockPartitioning(q);
  await lockRows(q, parts);
  const from = parts[0].from;
  const to = parts[parts.length - 1].to;
  const name = `${table}_k${from === null ? '0' : dayName(msOfUuidV7(from))}`;
  const staging = `${name}_new`;
  await q.query(`CREATE TABLE "${staging}" (LIKE "${table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMPRESSION)${storageClause(table)}`);
  let kept = 0;
  for (const part of parts) {
    const [{ count }] = await q.query(
      `WITH moved AS (INSERT INTO "${staging}" SELECT * FROM "${part.name}" r WHERE ${keep(part.from ?? MIN_UUID, part.to)} RETURNING 1)
       SELECT count(*)::int AS count FROM moved`,
    );
    kept += count;
  }
  for (const part of parts) await q.query(`DROP TABLE "${part.name}"`);
  if (kept === 0) {
    await q.query(`DROP TABLE "${staging}"`);
    return 0;
  }
  await q.query(`ALTER TABLE "${staging}" RENAME TO "${name}"`);
  await q.query(`ALTER TABLE "${table}" ATTACH PARTITION "${name}" FOR VALUES FROM (${boundSql(from)}) TO ('${to}')`);
  return kept;
}

/**
 * Keeps writers out of partitions about to be copied and dropped (readers go
 * on): a row changed after its copy was taken would be lost with the drop.
 * Held to the end of the transaction.
 */
export async function lockRows(q: Queryable, parts: Partition[]): Promise<void> {
  if (parts.length > 0) await q.query(`LOCK TABLE ${parts.map((part) => `"${part.name}"`).join(', ')} IN SHARE MODE`);
}

/** A kept partition takes in the next expired day while it holds fewer rows than this (merging copies it); then a new one starts. */
const MERGE_LIMIT = 50_000;

/**
 * The oldest day partition of `table` whose range ended by `horizon` (ms),
 * preceded by the kept partition just before it when that one is small
 * enough to merge with it; null when no day has expired.
 */
export async function nextExpiredDay(q: Queryable, table: HistoryTable, horizon: number): Promise<Partition[] | null> {
  const parts = await listPartitions(q, table);
  const index = parts.findIndex((part) => !part.kept && msOfUuidV7(part.to) <= horizon);
  if (index < 0) return null;
  const before = parts[index - 1];
  if (before?.kept && before.to === parts[index].from) {
    const [{ count }] = await q.query(`SELECT count(*)::int AS count FROM (SELECT 1 FROM "${before.name}" LIMIT ${MERGE_LIMIT}) r`);
    if (count < MERGE_LIMIT) return [before, parts[index]];
  }
  return [parts[index]];
}

/** The partitions of `table` inside the range a group of partitions (of another table) covers. */
export async function partitionsWithin(q: Queryable, table: HistoryTable, group: Partition[]): Promise<Partition[]> {
  const from = group[0].from;
  const to = group[group.length - 1].to;
  // UUIDs in canonical form compare as strings.
  return (await listPartitions(q, table)).filter((part) => (from === null || (part.from !== null && part.from >= from)) && part.to <= to);
}
