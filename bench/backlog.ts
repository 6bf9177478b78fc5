/**
 * The rows of the backlog phase, generated in SQL (generate_series, one
 * statement per million rows): a history of settled deliveries (`delivered`,
 * one attempt, nothing due) and the due ones the worker then drains, so the
 * drain is measured on a table the size DESIGN §9 asks for (10 M rows, 1 M due).
 *
 * Ids are UUIDv7 like the api's (time-ordered, timestamps in the past: the
 * history older than the due rows); the rows alternate between the two
 * webhooks as the api's do and store what the api stores for them (today no body:
 * the worker renders it from the event). Every row references
 * the probe event; the foreign keys are not checked row by row
 * (session_replication_role = replica, per transaction), which halves the time.
 */
import { Client } from 'pg';
import { log } from './log';

const CHUNK = 1_000_000;

export interface BacklogRows {
  eventId: string;
  eventType: string;
  /** Two webhooks and the payload each one's deliveries store (null: rendered when sending, as the api writes them now). */
  webhooks: [{ id: string; payload: string | null }, { id: string; payload: string | null }];
}

const INSERT = `
  INSERT INTO deliveries (id, event_id, event_type, subscriber_id, payload, status, attempt_count, next_attempt_at,
                          last_attempt_at, delivered_at, last_response_status, created_at, updated_at)
  SELECT (lpad(to_hex(t.ms), 12, '0') || '7' || substr(r, 1, 3) || substr('89ab', 1 + g % 4, 1) || substr(r, 4, 15))::uuid,
         $2::uuid, $3, CASE WHEN g % 2 = 0 THEN $4::uuid ELSE $5::uuid END,
         CASE WHEN g % 2 = 0 THEN $6::jsonb ELSE $7::jsonb END,
         CASE WHEN $9 THEN 'delivered' ELSE 'pending' END,
         CASE WHEN $9 THEN 1 ELSE 0 END,
         CASE WHEN $9 THEN NULL ELSE t.at END,
         CASE WHEN $9 THEN t.at END, CASE WHEN $9 THEN t.at END, CASE WHEN $9 THEN 200 END,
         CASE WHEN $9 THEN t.at ELSE now() END, CASE WHEN $9 THEN t.at ELSE now() END
    FROM generate_series(1, $8::int) AS g,
         LATERAL (SELECT $1::bigint + g AS ms, to_timestamp(($1::bigint + g) / 1000.0) AS at) AS t,
         LATERAL (SELECT replace(gen_random_uuid()::text, '-', '') AS r) AS x`;

/**
 * Inserts `count` deliveries, one per millisecond from `fromMs` (epoch ms):
 * `settled` ones as history, the others pending and due at their id's time.
 * Returns the rows inserted.
 */
export async function insertBacklogRows(
  db: Client,
  rows: BacklogRows,
  options: { count: number; fromMs: number; settled: boolean },
): Promise<number> {
  const [a, b] = rows.webhooks;
  let inserted = 0;
  while (inserted < options.count) {
    const n = Math.min(CHUNK, options.count - inserted);
    const t0 = performance.now();
    await db.query('BEGIN');
    try {
      await db.query('SET LOCAL session_replication_role = replica');
      const result = await db.query(INSERT, [
        options.fromMs + inserted,
        rows.eventId,
        rows.eventType,
        a.id,
        b.id,
        a.payload,
        b.payload,
        n,
        options.settled,
      ]);
      await db.query('COMMIT');
      inserted += result.rowCount ?? 0;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    if (options.count > CHUNK)
      log(
        `  ${options.settled ? 'history' : 'due'}: ${inserted} of ${options.count} rows (${((performance.now() - t0) / 1000).toFixed(1)} s for the last ${n})`,
      );
  }
  return inserted;
}
