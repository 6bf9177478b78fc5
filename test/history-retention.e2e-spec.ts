import { DAY_MS, DAYS_AHEAD, dayPartitionName, ensurePartitions, listPartitions, startOfUtcDay, uuidV7Floor } from '@tidings/common';
import { claimDue, HistoryRetention, purgeExpiredDeliveries, replaySettled } from '@tidings/deliveries';
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { waitFor } from '@tidings/testing';
import { Harness, startTidings } from './support/tidings-harness';

/*
 * The history tables are partitioned by day through their UUIDv7 ids:
 * partitions are made ahead, retention drops whole days and keeps what must
 * outlive them. Rows are written with ids of chosen days, and retention runs
 * with a chosen clock.
 */
describe('history partitions: days made ahead, retention by whole days', () => {
  let t: Harness;
  let subscriberId: string;
  const today = startOfUtcDay(Date.now());

  beforeAll(async () => {
    t = await startTidings({ worker: false });
    subscriberId = uuidv7();
    await t.db.query(`INSERT INTO subscribers (id, kind, name, url) VALUES ($1, 'webhook', 'history spec', 'http://127.0.0.1:9/hook')`, [subscriberId]);
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** A UUIDv7 of a moment (random below the millisecond). */
  const idAt = (ms: number) => uuidV7Floor(new Date(ms)).slice(0, 24) + randomBytes(6).toString('hex');
  const partitionOf = async (table: string, id: string, key = 'id') =>
    (await t.db.query(`SELECT tableoid::regclass::text AS name FROM ${table} WHERE ${key} = $1`, [id]))[0]?.name;
  const retention = () => t.api.get(HistoryRetention);

  /** An event of `day` and one delivery of it in `status` with one attempt; returns their ids. */
  async function history(day: number, status: string): Promise<{ event: string; delivery: string }> {
    const event = idAt(day + 3_600_000);
    const delivery = idAt(day + 3_600_001);
    await t.db.query(`INSERT INTO events (id, type, occurred_at, source, data) VALUES ($1, 'ping', now(), 'api', '{"ping": {"message": "history"}}')`, [event]);
    await t.db.query(
      `INSERT INTO deliveries (id, event_id, event_type, subscriber_id, status, attempt_count, next_attempt_at)
       VALUES ($1, $2, 'ping', $3, $4, 1, CASE WHEN $4 = 'pending' THEN now() END)`,
      [delivery, event, subscriberId, status],
    );
    await t.db.query(
      `INSERT INTO delivery_attempts (id, delivery_id, number, trigger, started_at, duration_ms, response_status)
       VALUES ($1, $2, 1, 'auto', now(), 5, 500)`,
      [uuidv7(), delivery],
    );
    return { event, delivery };
  }

  it('has a partition per day from today to DAYS_AHEAD ahead, and rows land in their day', async () => {
    for (const table of ['events', 'deliveries', 'delivery_attempts'] as const) {
      const names = (await listPartitions(t.db, table)).map((part) => part.name);
      for (let day = 0; day <= DAYS_AHEAD; day++) {
        expect(names).toContain(dayPartitionName(table, today + day * DAY_MS));
      }
    }
    const { event, delivery } = await history(today, 'delivered');
    expect(await partitionOf('events', event)).toBe(dayPartitionName('events', today));
    expect(await partitionOf('deliveries', delivery)).toBe(dayPartitionName('deliveries', today));
    expect(await partitionOf('delivery_attempts', delivery, 'delivery_id')).toBe(dayPartitionName('delivery_attempts', today));
  });

  it('creates the missing days without a gap, moving rows the default partition took meanwhile into their day', async () => {
    const far = today + (DAYS_AHEAD + 4) * DAY_MS;
    const { delivery } = await history(far, 'pending');
    expect(await partitionOf('deliveries', delivery)).toBe('deliveries_default');

    // Two replicas at once: one advisory lock, no error, each day made once.
    const ensure = () => t.db.transaction((tx) => ensurePartitions(tx, today + 6 * DAY_MS));
    const [first, second] = await Promise.all([ensure(), ensure()]);
    expect([...first, ...second].filter((name) => name.startsWith('deliveries_'))).toHaveLength(6);

    expect(await partitionOf('deliveries', delivery)).toMatch(/^deliveries_p\d{8}$/);
    expect(await partitionOf('delivery_attempts', delivery, 'delivery_id')).toMatch(/^delivery_attempts_p\d{8}$/);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM deliveries_default`);
    expect(n).toBe(0);
    const days = await listPartitions(t.db, 'deliveries');
    for (let i = 1; i < days.length; i++) expect(days[i].from).toBe(days[i - 1].to);
  });

  it('drops expired days whole, keeping pending and failed deliveries with their attempts and events; forgets old idempotency keys', async () => {
    const day = today + 2 * DAY_MS;
    const rows = Object.fromEntries(
      await Promise.all(['delivered', 'cancelled', 'failed', 'pending'].map(async (status) => [status, await history(day, status)] as const)),
    );
    const unreferenced = idAt(day + 7_200_000);
    await t.db.query(`INSERT INTO events (id, type, occurred_at, source, data) VALUES ($1, 'ping', now(), 'api', '{"ping": {"message": "history"}}')`, [unreferenced]);
    await t.db.query(`INSERT INTO event_idempotency (producer, key, event_id, body_hash) VALUES ('api', 'old', $1, 'x')`, [unreferenced]);

    const later = day + 40 * DAY_MS;
    const result = await retention().execute({ retentionDays: 30, eventRetentionDays: 30 }, later);

    expect(result.purged).toEqual(
      expect.arrayContaining([dayPartitionName('deliveries', day), dayPartitionName('delivery_attempts', day), dayPartitionName('events', day)]),
    );
    expect(result.idempotencyKeys).toBe(1);
    const ids = async (sql: string) => (await t.db.query(sql)).map((row: { id: string }) => row.id).sort();
    const dayRange = `'${uuidV7Floor(new Date(day))}' AND '${uuidV7Floor(new Date(day + DAY_MS))}'`;
    expect(await ids(`SELECT id FROM deliveries WHERE id BETWEEN ${dayRange}`)).toEqual([rows.failed.delivery, rows.pending.delivery].sort());
    expect(await ids(`SELECT delivery_id AS id FROM delivery_attempts WHERE delivery_id BETWEEN ${dayRange}`)).toEqual(
      [rows.failed.delivery, rows.pending.delivery].sort(),
    );
    expect(await ids(`SELECT id FROM events WHERE id BETWEEN ${dayRange}`)).toEqual([rows.failed.event, rows.pending.event].sort());
    expect(await partitionOf('deliveries', rows.failed.delivery)).toMatch(/^deliveries_k\d+$/);

    // Nothing expired is left as a day partition; what was kept still works: listed with its body, claimable, replayable.
    // (A day of events outlives the deliveries of that day by one day.)
    for (const [table, days] of [['events', 31], ['deliveries', 30], ['delivery_attempts', 30]] as const) {
      const horizon = uuidV7Floor(new Date(later - days * DAY_MS));
      expect((await listPartitions(t.db, table)).filter((part) => !part.kept && part.to <= horizon)).toEqual([]);
    }
    const shown = await t.http('GET', `/v1/deliveries/${rows.failed.delivery}`);
    expect(shown.status).toBe(200);
    expect(shown.body.attempts).toHaveLength(1);
    expect((await t.http('POST', `/v1/deliveries/${rows.failed.delivery}/replay`)).status).toBeLessThan(300);
    const claimed = (await claimDue(t.db, 100, 60_000)).jobs;
    expect(claimed.map((job) => job.deliveryId)).toEqual(expect.arrayContaining([rows.pending.delivery, rows.failed.delivery]));
  });

  it('merges the next expired day into the small kept partition before it', async () => {
    const day = today + 20 * DAY_MS; // after the days the previous test expired
    const kept = await history(day, 'failed');
    await history(day, 'delivered');
    const before = (await listPartitions(t.db, 'deliveries')).filter((part) => part.kept);
    await retention().execute({ retentionDays: 30 }, day + 31 * DAY_MS);
    const after = (await listPartitions(t.db, 'deliveries')).filter((part) => part.kept);
    expect(after).toHaveLength(before.length);
    expect(after[after.length - 1].name).toBe(before[before.length - 1].name);
    expect(await partitionOf('deliveries', kept.delivery)).toBe(before[before.length - 1].name);
    expect(await partitionOf('delivery_attempts', kept.delivery, 'delivery_id')).toMatch(/^delivery_attempts_k\d+$/);
  });
});

describe('history partitions: a write racing retention', () => {
  let t: Harness;
  const partitionOf = async (id: string) => (await t.db.query(`SELECT tableoid::regclass::text AS name FROM deliveries WHERE id = $1`, [id]))[0]?.name;
  beforeAll(async () => {
    t = await startTidings({ worker: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a replay of a dead letter committed while its day is being compacted is not lost', async () => {
    const subscriberId = uuidv7();
    await t.db.query(`INSERT INTO subscribers (id, kind, name, url) VALUES ($1, 'webhook', 'race', 'http://127.0.0.1:9/hook')`, [subscriberId]);
    const day = startOfUtcDay(Date.now()) + DAY_MS;
    const id = uuidV7Floor(new Date(day + 1000)).slice(0, 24) + randomBytes(6).toString('hex');
    await t.db.query(`INSERT INTO deliveries (id, event_type, subscriber_id, status, attempt_count) VALUES ($1, 'ping', $2, 'failed', 1)`, [id, subscriberId]);
    // The days before it go first, on their own: the race below is over this one day.
    await t.db.transaction(async (tx) => {
      while (await purgeExpiredDeliveries(tx, day));
    });
    const [replayer, retention] = [t.db.createQueryRunner(), t.db.createQueryRunner()];
    await replayer.connect();
    await retention.connect();
    try {
      // The replay has changed the row, not yet committed, when retention starts on its day.
      await replayer.startTransaction();
      expect(await replaySettled(replayer, id)).toEqual({ outcome: 'replayed' });
      await retention.startTransaction();
      const purged: string[] = [];
      const purging = (async () => {
        for (let next = await purgeExpiredDeliveries(retention, day + DAY_MS); next; next = await purgeExpiredDeliveries(retention, day + DAY_MS)) {
          purged.push(...next.partitions);
        }
      })();
      await waitFor('retention to wait for the replay', async () => {
        const [{ n }] = await t.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return n > 0;
      });
      await replayer.commitTransaction();
      await purging;
      await retention.commitTransaction();
      expect(purged).toContain(dayPartitionName('deliveries', day));
      // The kept copy is the replayed row, not the one before it.
      expect(await t.db.query(`SELECT status, next_trigger FROM deliveries WHERE id = $1`, [id])).toEqual([{ status: 'pending', next_trigger: 'manual' }]);
      expect(await partitionOf(id)).toMatch(/^deliveries_k\d+$/);
    } finally {
      await replayer.release();
      await retention.release();
    }
  });
});
