import { Queryable } from '@tidings/common';
import { claimDue, recordAttempts, startAttempts } from '@tidings/deliveries';
import { waitFor } from '@tidings/testing';
import { v7 as uuidv7 } from 'uuid';
import { Harness, startTidings } from './support/tidings-harness';

/*
 * The claim walks the due index (`deliveries (next_attempt_at) WHERE status =
 * 'pending'`) from its start. A settled delivery leaves its entry there, and
 * new entries arrive at the right end, so the left pages are never cleaned:
 * without a vacuum, every claim reads the entries of every delivery settled
 * since. With autovacuum off, the worker's vacuum must keep that walk short
 * however large the partition that takes the churn is.
 */
describe('due index under churn: the claim reads a bounded number of pages once the worker vacuumed', () => {
  let t: Harness;
  const LEASE_MS = 60_000;

  beforeAll(async () => {
    t = await startTidings({ worker: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** The claim statement exactly as the store sends it, captured by a stand-in for the database. */
  async function claimStatement(limit: number): Promise<{ text: string; values: unknown[] }> {
    let captured: { text: string; values: unknown[] } | undefined;
    const recorder: Queryable = {
      query: async (sql: string | { text: string }, values: unknown[] = []) => {
        captured ??= { text: typeof sql === 'string' ? sql : sql.text, values };
        return [];
      },
    } as Queryable;
    await claimDue(recorder, limit, LEASE_MS);
    return captured!;
  }

  /** Buffer pages one claim reads (executor only, planning excluded), in a transaction rolled back. */
  async function claimPages(): Promise<number> {
    const { text, values } = await claimStatement(100);
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const [
        {
          'QUERY PLAN': [plan],
        },
      ] = await runner.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, values);
      return plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'];
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  it('settles 20,000 deliveries in a partition of 400,000 rows (a fifth dead would be 84,000), then the claim reads a few pages', async () => {
    const [{ autovacuum }] = await t.db.query(`SELECT current_setting('autovacuum') = 'on' AS autovacuum`);
    if (autovacuum) return; // Postgres vacuums, with the per-table thresholds of the migrations.
    const subscriberId = uuidv7();
    await t.db.query(`INSERT INTO subscribers (id, kind, name, url) VALUES ($1, 'webhook', 'churn', 'http://127.0.0.1:9/hook')`, [
      subscriberId,
    ]);
    // A day's history so far: settled rows, all visible, so that the churn is a small share of the partition.
    await t.db.query(
      `INSERT INTO deliveries (id, event_type, subscriber_id, status, attempt_count)
       SELECT tidings_uuid_v7(), 'ping', $1, 'delivered', 1 FROM generate_series(1, 400000)`,
      [subscriberId],
    );
    await t.db.query(`VACUUM (ANALYZE) deliveries`);
    // Each committed at its own time, as deliveries are (equal keys would share one posting list).
    await t.db.query(
      `INSERT INTO deliveries (id, event_type, subscriber_id, status, next_attempt_at)
       SELECT tidings_uuid_v7(), 'ping', $1, 'pending', now() - interval '1 minute' + g * interval '1 ms' FROM generate_series(1, 20000) g`,
      [subscriberId],
    );
    // The store's own claim, start and settle, as the worker runs them.
    const db = t.db as unknown as Queryable;
    for (;;) {
      const { jobs } = await claimDue(db, 1000, LEASE_MS);
      if (jobs.length === 0) break;
      const started = await startAttempts(db, jobs);
      const at = new Date();
      await recordAttempts(
        db,
        started.map((s) => ({
          deliveryId: s.id,
          subscriberId,
          number: s.attempt_count,
          trigger: 'auto' as const,
          result: { startedAt: at, durationMs: 1, status: 200 },
          status: 'delivered' as const,
          lastError: null,
          delayMs: null,
        })),
      );
    }
    expect((await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'`))[0].n).toBe(0);

    await claimPages(); // The first walk marks the dead entries (kill_prior_tuple); the next ones step over them.
    const before = await claimPages();
    // One descent per partition (a day each, a week ahead), and a few pages more: not the dead front.
    const [{ partitions }] = await t.db.query(
      `SELECT count(*)::int AS partitions FROM pg_inherits WHERE inhparent = 'deliveries'::regclass`,
    );
    const bound = partitions + 5;
    if (process.env.SHOW_PAGES) console.log({ before, partitions });
    expect(before).toBeGreaterThan(bound);

    // The worker's own timer, not a call made for it.
    await t.startWorker();
    const after = await waitFor(
      'the worker to vacuum the partition that took the churn',
      async () => {
        const pages = await claimPages();
        return pages <= bound ? pages : undefined;
      },
      30_000,
      500,
    );
    if (process.env.SHOW_PAGES) console.log({ after });
    expect(after).toBeLessThan(before);
  });
});
