import { AttemptToRecord, recordAttempts, startAttempts } from '@tidings/deliveries';
import { DeliverWebhookJob } from '@tidings/queue';
import { v7 as uuidv7 } from 'uuid';
import { Harness, startTidings } from './support/tidings-harness';

/*
 * Start and settle find their deliveries by primary key, whatever the
 * statistics say: with autovacuum off and the table never analyzed, the
 * planner took the partial indexes on `status = 'pending'` for small and read
 * every entry of them per statement (every pending row, and every settled one
 * until a vacuum): the per-job cost of the 200 events/s latency path grew with
 * the table. Counted with the transaction's own index statistics.
 */
describe('delivery store: start and settle read no partial index on pending rows', () => {
  let t: Harness;

  beforeAll(async () => {
    t = await startTidings({ worker: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('starts and records a job of 2 without reading the pending partial indexes, among thousands of settled and pending rows', async () => {
    const webhook = uuidv7();
    await t.db.query(`INSERT INTO subscribers (id, kind, name, url) VALUES ($1, 'webhook', 'by id spec', 'http://127.0.0.1:9/hook')`, [
      webhook,
    ]);
    // Settled rows leave dead entries in the pending indexes (no vacuum); pending ones are live entries.
    await t.db.query(
      `INSERT INTO deliveries (id, event_type, subscriber_id, payload, status, attempt_count)
       SELECT tidings_uuid_v7(), 'ping', $1, '{}', 'pending', 0 FROM generate_series(1, 4000)`,
      [webhook],
    );
    await t.db.query(
      `UPDATE deliveries SET status = 'delivered' WHERE id IN (SELECT id FROM deliveries WHERE subscriber_id = $1 LIMIT 3000)`,
      [webhook],
    );
    const jobs: DeliverWebhookJob[] = [];
    for (let i = 0; i < 2; i++) {
      const id = uuidv7();
      await t.db.query(
        `INSERT INTO deliveries (id, event_type, subscriber_id, payload, status, attempt_count, claimed_at) VALUES ($1, 'ping', $2, '{}', 'pending', 0, now())`,
        [id, webhook],
      );
      jobs.push({ deliveryId: id, subscriberId: webhook, attempt: 1 });
    }

    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      // Each statement several times: a prepared statement's generic plan (from the 6th run) is checked too.
      for (let run = 0; run < 7; run++) {
        await runner.startTransaction();
        const started = await startAttempts(runner, jobs);
        const startScans = await pendingIndexScans(runner);
        const recorded = await recordAttempts(runner, jobs.map(delivered));
        const recordScans = (await pendingIndexScans(runner)) - startScans;
        await runner.rollbackTransaction();
        expect({ run, started: started.length, settled: recorded.settled.size }).toEqual({ run, started: 2, settled: 2 });
        expect({ run, startScans, recordScans }).toEqual({ run, startScans: 0, recordScans: 0 });
      }
    } finally {
      await runner.release();
    }
  });

  const delivered = (job: DeliverWebhookJob): AttemptToRecord => ({
    deliveryId: job.deliveryId,
    subscriberId: job.subscriberId,
    number: job.attempt,
    trigger: 'auto',
    result: { startedAt: new Date(), durationMs: 5, status: 200 },
    status: 'delivered',
    lastError: null,
    delayMs: null,
  });

  /** Scans this transaction has made so far of the deliveries indexes whose predicate is on pending rows (planning not counted). */
  async function pendingIndexScans(db: { query(sql: string): Promise<{ n: string }[]> }): Promise<number> {
    const [{ n }] = await db.query(
      `SELECT coalesce(sum(pg_stat_get_xact_numscans(i.indexrelid)), 0) AS n
         FROM pg_index i JOIN pg_inherits p ON p.inhrelid = i.indrelid
        WHERE p.inhparent = 'deliveries'::regclass AND pg_get_expr(i.indpred, i.indrelid) LIKE '%pending%'`,
    );
    return Number(n);
  }
});
