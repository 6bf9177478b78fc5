import {
  AttemptToRecord,
  cancelForWebhook,
  cancelPending,
  claimDue,
  deferClaims,
  DisableWebhook,
  failDelivery,
  foldAttemptStatsIntoHours,
  readAttemptStats,
  RECOVER_BATCH,
  RecoverDeliveries,
  recordAttempts,
  releaseClaims,
  replaySettled,
  settleUnsendable,
  startAttempts,
  VacuumChurnedTables,
} from '@tidings/deliveries';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@tidings/testing';
import { OUTBOX_CHANNEL } from '@tidings/events';
import { DeliverWebhookJob } from '@tidings/queue';
import { Client } from 'pg';
import { QueryRunner } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Harness, startTidings } from './support/tidings-harness';

/*
 * The delivery store's statements (claim, start, record, fail, recover,
 * cancel, replay) and the auto-disable rule, against real Postgres, with the
 * races between workers (and admins) played out on two connections in a
 * chosen order.
 */
describe('delivery store: start, record, failure streak and auto-disable under concurrency', () => {
  let t: Harness;

  beforeAll(async () => {
    t = await startTidings({ worker: false, env: { WEBHOOK_DISABLE_AFTER: '1h' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function webhook(): Promise<string> {
    const id = uuidv7();
    await t.db.query(`INSERT INTO subscribers (id, kind, name, url) VALUES ($1, 'webhook', 'store spec', 'http://127.0.0.1:9/hook')`, [id]);
    return id;
  }

  /** A claimed delivery of `subscriberId` whose next attempt is `attempt`. */
  async function claimed(subscriberId: string, attempt = 1): Promise<DeliverWebhookJob> {
    const id = uuidv7();
    await t.db.query(
      `INSERT INTO deliveries (id, event_type, subscriber_id, payload, status, attempt_count, claimed_at)
       VALUES ($1, 'ping', $2, '{}', 'pending', $3, now())`,
      [id, subscriberId, attempt - 1],
    );
    return { deliveryId: id, subscriberId, attempt };
  }

  const attempt = (job: DeliverWebhookJob, status: number, startedAt: Date): AttemptToRecord => ({
    deliveryId: job.deliveryId,
    subscriberId: job.subscriberId,
    number: job.attempt,
    trigger: 'auto',
    result: { startedAt, durationMs: 5, status },
    status: status < 300 ? 'delivered' : 'pending',
    lastError: status < 300 ? null : `HTTP ${status}`,
    delayMs: status < 300 ? null : 1000,
  });

  const row = async (sql: string, params: unknown[]) => (await t.db.query(sql, params))[0];

  /**
   * Runs `other` in a transaction on a second connection, then `blocked`,
   * which waits for a row `other` holds, then commits `other`: the order two
   * workers (or a worker and an admin) can meet in. Answers both results.
   */
  async function whileOtherHolds<U, T>(other: (q: QueryRunner) => Promise<U>, blocked: () => Promise<T>): Promise<[U, T]> {
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const first = await other(runner);
      const pending = blocked();
      await waitFor('the statement to wait for the row lock', async () => {
        const [{ n }] = await t.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return n > 0;
      });
      await runner.commitTransaction();
      return [first, await pending];
    } finally {
      await runner.release();
    }
  }

  /** Runs `blocked` while another transaction's `otherWrite` holds the subscriber row. */
  async function afterConcurrentWrite<T>(subscriberId: string, otherWrite: string, blocked: () => Promise<T>): Promise<T> {
    return (await whileOtherHolds((q) => q.query(otherWrite, [subscriberId]), blocked))[1];
  }

  /** A due, unclaimed delivery of `subscriberId`. */
  async function due(subscriberId: string, db: { query: (sql: string, params: unknown[]) => Promise<unknown> } = t.db): Promise<string> {
    const id = uuidv7();
    await db.query(`INSERT INTO deliveries (id, event_type, subscriber_id, next_attempt_at) VALUES ($1, 'ping', $2, now())`, [
      id,
      subscriberId,
    ]);
    return id;
  }

  /** A delivery of `subscriberId` that settled after one attempt. */
  async function settled(subscriberId: string, status: 'delivered' | 'failed' | 'cancelled'): Promise<string> {
    const id = uuidv7();
    await t.db.query(`INSERT INTO deliveries (id, event_type, subscriber_id, status, attempt_count) VALUES ($1, 'ping', $2, $3, 1)`, [
      id,
      subscriberId,
      status,
    ]);
    return id;
  }

  it('claim: a lease; a leased delivery is not claimed again until its lease runs out, then it is without any release', async () => {
    const subscriberId = await webhook();
    const id = await due(subscriberId);
    const mine = (jobs: { deliveryId: string }[]) => jobs.filter((j) => j.deliveryId === id);
    expect(mine((await claimDue(t.db, 100, 60_000)).jobs)).toEqual([{ deliveryId: id, subscriberId, attempt: 1 }]);
    expect(mine((await claimDue(t.db, 100, 60_000)).jobs)).toEqual([]);
    await t.db.query(`UPDATE deliveries SET claimed_at = now() - interval '2 minutes' WHERE id = $1`, [id]);
    expect(mine((await claimDue(t.db, 100, 60_000)).jobs)).toEqual([{ deliveryId: id, subscriberId, attempt: 1 }]);
  });

  it('a first-attempt success writes index entries only when created and when settled: claim and start are HOT updates', async () => {
    const subscriberId = await webhook();
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const id = await due(subscriberId, runner);
      // Only this delivery is due here (rolled back at the end), so the counts below are its own.
      await runner.query(`UPDATE deliveries SET next_attempt_at = NULL WHERE id <> $1 AND next_attempt_at IS NOT NULL`, [id]);
      const counts = async () =>
        (
          await runner.query(`SELECT sum(pg_stat_get_xact_tuples_updated(relid))::int AS updated,
                                     sum(pg_stat_get_xact_tuples_hot_updated(relid))::int AS hot
                                FROM pg_partition_tree('deliveries')`)
        )[0] as { updated: number; hot: number };
      const before = await counts();
      const since = async () => {
        const now = await counts();
        return { updated: now.updated - before.updated, hot: now.hot - before.hot };
      };
      const [job] = (await claimDue(runner, 100, 60_000)).jobs;
      expect(job.deliveryId).toBe(id);
      await startAttempts(runner, [job]);
      expect(await since()).toEqual({ updated: 2, hot: 2 });
      await recordAttempts(runner, [attempt(job, 200, new Date())]);
      expect(await since()).toEqual({ updated: 3, hot: 2 });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('release and defer: a claim goes back unattempted (now, or later without spending an attempt); a claim whose attempt started is left alone', async () => {
    const subscriberId = await webhook();
    const [released, deferred, started] = [await claimed(subscriberId), await claimed(subscriberId), await claimed(subscriberId)];
    await startAttempts(t.db, [started]);
    const state = (id: string) =>
      row(`SELECT claimed_at IS NOT NULL AS claimed, attempt_count, next_attempt_at > now() + interval '20 seconds' AS later FROM deliveries WHERE id = $1`, [id]);

    await releaseClaims(t.db, [released, started]);
    await deferClaims(t.db, [
      { job: deferred, delayMs: 30_000 },
      { job: started, delayMs: 30_000 },
    ]);
    expect(await state(released.deliveryId)).toEqual({ claimed: false, attempt_count: 0, later: null });
    expect(await state(deferred.deliveryId)).toEqual({ claimed: false, attempt_count: 0, later: true });
    // The started one keeps its lease: its attempt is under way in some worker.
    expect(await state(started.deliveryId)).toMatchObject({ claimed: true, attempt_count: 1 });
  });

  it('start: of two runs of one job only one starts the attempt; a later run finds it started', async () => {
    const job = await claimed(await webhook());
    const runs = await Promise.all([startAttempts(t.db, [job]), startAttempts(t.db, [job])]);
    expect(runs.map((r) => r.length).sort()).toEqual([0, 1]);
    expect(await startAttempts(t.db, [job])).toEqual([]);
    expect(
      await row(`SELECT status, attempt_count, claimed_at IS NOT NULL AS leased FROM deliveries WHERE id = $1`, [job.deliveryId]),
    ).toEqual({
      status: 'pending',
      attempt_count: 1,
      leased: true,
    });
  });

  it('start: a disabled or deleted webhook’s delivery does not start; settleUnsendable fails or cancels it', async () => {
    const disabled = await webhook();
    const deleted = await webhook();
    await t.db.query(`UPDATE subscribers SET enabled = false, disabled_reason = 'by hand' WHERE id = $1`, [disabled]);
    await t.db.query(`UPDATE subscribers SET deleted_at = now() WHERE id = $1`, [deleted]);
    const jobs = [await claimed(disabled), await claimed(deleted)];
    expect(await startAttempts(t.db, jobs)).toEqual([]);
    const settled = await settleUnsendable(t.db, jobs);
    expect(Object.fromEntries(settled.map((s) => [s.id, s.status]))).toEqual({
      [jobs[0].deliveryId]: 'failed',
      [jobs[1].deliveryId]: 'cancelled',
    });
    expect(await row(`SELECT last_error FROM deliveries WHERE id = $1`, [jobs[0].deliveryId])).toEqual({
      last_error: 'webhook disabled: by hand',
    });
  });

  it('record: a settle after a cancel records the attempt and leaves the status', async () => {
    const job = await claimed(await webhook());
    await startAttempts(t.db, [job]);
    await t.db.query(`UPDATE deliveries SET status = 'cancelled' WHERE id = $1`, [job.deliveryId]);
    const recorded = await recordAttempts(t.db, [attempt(job, 200, new Date())]);
    expect(recorded.settled.has(job.deliveryId)).toBe(false);
    // Recorded again (an answer lost with the connection): still one attempt 1.
    await recordAttempts(t.db, [attempt(job, 200, new Date())]);
    expect(await row(`SELECT status FROM deliveries WHERE id = $1`, [job.deliveryId])).toEqual({ status: 'cancelled' });
    expect(await row(`SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = $1 AND number = 1`, [job.deliveryId])).toEqual({
      n: 1,
    });
  });

  it('stats: recording attempts adds them to the per-minute rollup once, with their outcome and latency', async () => {
    const subscriberId = await webhook();
    const [ok, retried, dead] = [await claimed(subscriberId), await claimed(subscriberId), await claimed(subscriberId)];
    await startAttempts(t.db, [ok, retried, dead]);
    const at = new Date();
    const slow = { ...attempt(retried, 503, at), result: { startedAt: at, durationMs: 700, status: 503 } };
    await recordAttempts(t.db, [attempt(ok, 200, at), slow]);
    await failDelivery(t.db, subscriberId, dead.deliveryId, 1, 'auto', { startedAt: at, durationMs: 40, status: 500 }, 'HTTP 500');
    // Recorded again (an answer lost with the connection): the attempts exist already and are not counted twice.
    await recordAttempts(t.db, [attempt(ok, 200, at), slow]);
    await failDelivery(t.db, subscriberId, dead.deliveryId, 1, 'auto', { startedAt: at, durationMs: 40, status: 500 }, 'HTTP 500');

    const stats = await readAttemptStats(t.db, subscriberId, 3_600_000, 60_000);
    expect(stats).toMatchObject({ attempts: 3, succeeded: 1, failed: 2, maxLatencyMs: 700, pending: 1, lastSuccessAt: at, lastFailureAt: at });
    // 5 ms under 10 ms, 40 ms in [25, 50), 700 ms in [500, 1000).
    expect(stats.histogram).toEqual([1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(stats.series).toEqual([
      { at: new Date(Math.floor(at.getTime() / 60_000) * 60_000), attempts: 3, succeeded: 1, failed: 2, avg_latency_ms: 248, max_latency_ms: 700 },
    ]);
  });

  it('stats: minutes older than a day fold into hours; the totals stay, a minute recorded late into a folded hour folds again', async () => {
    const subscriberId = await webhook();
    const hour = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;
    const record = async (minute: number, status: number, durationMs: number) => {
      const job = await claimed(subscriberId);
      await startAttempts(t.db, [job]);
      const at = new Date(hour + minute * 60_000);
      await recordAttempts(t.db, [{ ...attempt(job, status, at), result: { startedAt: at, durationMs, status } }]);
    };
    await record(0, 200, 5);
    await record(17, 500, 300);
    await record(59, 200, 40);
    const before = await readAttemptStats(t.db, subscriberId, 7 * 86_400_000, 14_400_000);
    const rows = () => t.db.query(`SELECT bucket, span_minutes, attempts FROM webhook_attempt_stats WHERE subscriber_id = $1 ORDER BY bucket`, [subscriberId]);
    expect(await rows()).toHaveLength(3);

    expect(await foldAttemptStatsIntoHours(t.db, new Date(Date.now() - 86_400_000))).toBeGreaterThanOrEqual(3);
    expect(await rows()).toEqual([{ bucket: new Date(hour), span_minutes: 60, attempts: 3 }]);
    const after = await readAttemptStats(t.db, subscriberId, 7 * 86_400_000, 14_400_000);
    expect(after).toEqual({ ...before, series: after.series });
    expect(after.histogram).toEqual([1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);

    await record(30, 200, 12);
    expect(await foldAttemptStatsIntoHours(t.db, new Date(Date.now() - 86_400_000))).toBeGreaterThanOrEqual(1);
    expect(await rows()).toEqual([{ bucket: new Date(hour), span_minutes: 60, attempts: 4 }]);
    // Nothing left to fold: a second run changes nothing.
    await foldAttemptStatsIntoHours(t.db, new Date(Date.now() - 86_400_000));
    expect((await readAttemptStats(t.db, subscriberId, 7 * 86_400_000, 14_400_000)).histogram).toEqual([1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('fail: the dead letter moves a started delivery to failed, and leaves one a cancel got to first', async () => {
    const subscriberId = await webhook();
    const [kept, cancelled] = [await claimed(subscriberId), await claimed(subscriberId)];
    await startAttempts(t.db, [kept, cancelled]);
    await t.db.query(`UPDATE deliveries SET status = 'cancelled' WHERE id = $1`, [cancelled.deliveryId]);
    const result = { startedAt: new Date(), durationMs: 5, status: 500 };
    expect(await failDelivery(t.db, subscriberId, kept.deliveryId, 1, 'auto', result, 'HTTP 500')).toBe(true);
    expect(await failDelivery(t.db, subscriberId, cancelled.deliveryId, 1, 'auto', result, 'HTTP 500')).toBe(false);
    expect(await failDelivery(t.db, subscriberId, kept.deliveryId, 1, 'auto', result, 'HTTP 500')).toBe(false); // already failed
    expect(await row(`SELECT status, last_error, claimed_at FROM deliveries WHERE id = $1`, [kept.deliveryId])).toEqual({
      status: 'failed',
      last_error: 'HTTP 500',
      claimed_at: null,
    });
    expect(await row(`SELECT status FROM deliveries WHERE id = $1`, [cancelled.deliveryId])).toEqual({ status: 'cancelled' });
    // Each attempt is recorded with its delivery's fate, once however often it is recorded.
    const attempts = await t.db.query(`SELECT delivery_id, number FROM delivery_attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id`, [
      [kept.deliveryId, cancelled.deliveryId],
    ]);
    expect(attempts).toEqual(
      [kept.deliveryId, cancelled.deliveryId].sort().map((id) => ({ delivery_id: id, number: 1 })),
    );
  });

  it('record: a failure recorded while another worker starts the streak answers that streak, never a missing one', async () => {
    const subscriberId = await webhook();
    const job = await claimed(subscriberId);
    await startAttempts(t.db, [job]);
    const since = new Date(Date.now() - 60_000);
    // The other worker's failure started the streak a minute ago; ours started later, so the value stays the same.
    const recorded = await afterConcurrentWrite(
      subscriberId,
      `UPDATE subscribers SET failing_since = '${since.toISOString()}' WHERE id = $1`,
      () => recordAttempts(t.db, [attempt(job, 500, new Date())]),
    );
    expect(recorded.settled.has(job.deliveryId)).toBe(true);
    expect(recorded.failingSince.get(subscriberId)?.toISOString()).toBe(since.toISOString());
  });

  it('record: a success clears the streak; a later failure starts it at its own start time', async () => {
    const subscriberId = await webhook();
    const [a, b] = [await claimed(subscriberId), await claimed(subscriberId)];
    await startAttempts(t.db, [a, b]);
    await t.db.query(`UPDATE subscribers SET failing_since = now() - interval '1 day' WHERE id = $1`, [subscriberId]);
    const failedAt = new Date();
    const recorded = await recordAttempts(t.db, [attempt(a, 200, new Date(failedAt.getTime() - 1000)), attempt(b, 503, failedAt)]);
    expect(recorded.failingSince.get(subscriberId)?.toISOString()).toBe(failedAt.toISOString());
  });

  it('auto-disable: only a streak as old as WEBHOOK_DISABLE_AFTER, judged on the row as it stands after a concurrent write', async () => {
    const disable = t.api.get(DisableWebhook);
    const HOUR = 3_600_000;
    const ifFailing = (id: string) => t.db.transaction((tx) => disable.ifFailingFor(tx, id, HOUR));

    const neverFailed = await webhook();
    expect(await ifFailing(neverFailed)).toBe(false);

    const recent = await webhook();
    await t.db.query(`UPDATE subscribers SET failing_since = now() - interval '10 minutes' WHERE id = $1`, [recent]);
    expect(await ifFailing(recent)).toBe(false);

    // A streak old enough, cleared by another worker's success while the disable waits for the row: not disabled.
    const cleared = await webhook();
    await t.db.query(`UPDATE subscribers SET failing_since = now() - interval '2 hours' WHERE id = $1`, [cleared]);
    expect(await afterConcurrentWrite(cleared, `UPDATE subscribers SET failing_since = NULL WHERE id = $1`, () => ifFailing(cleared))).toBe(
      false,
    );
    expect(await row(`SELECT enabled FROM subscribers WHERE id = $1`, [cleared])).toEqual({ enabled: true });

    const failing = await webhook();
    const since = new Date(Date.now() - 2 * HOUR);
    await t.db.query(`UPDATE subscribers SET failing_since = $2 WHERE id = $1`, [failing, since]);
    expect(await ifFailing(failing)).toBe(true);
    expect(await row(`SELECT enabled, disabled_reason FROM subscribers WHERE id = $1`, [failing])).toEqual({
      enabled: false,
      disabled_reason: `Failing continuously since ${since.toISOString()}`,
    });
    const [notice] = await t.db.query(`SELECT data FROM events WHERE type = 'tidings:webhook:disabled' AND data::text LIKE $1`, [
      `%${failing}%`,
    ]);
    expect(JSON.stringify(notice.data)).toContain(`Failing continuously since ${since.toISOString()}`);
    expect(await ifFailing(failing)).toBe(false); // already disabled: nothing more recorded
  });

  it('recover: in batches, each committed; every failed delivery in the window once; the CLI prints progress', async () => {
    const subscriberId = await webhook();
    // Written at `createdAt`: ids are UUIDv7 of that time, as they would have been.
    const failed = (n: number, createdAt: string) =>
      t.db.query(
        `INSERT INTO deliveries (id, event_type, subscriber_id, status, attempt_count, created_at)
         SELECT id, 'ping', $1, 'failed', 8, $3::timestamptz FROM unnest($2::uuid[]) AS id`,
        [subscriberId, Array.from({ length: n }, () => uuidv7({ msecs: Date.parse(createdAt) })), createdAt],
      );
    await failed(RECOVER_BATCH * 2 + 1, '2026-11-01T12:00:00Z');
    await failed(3, '2026-10-01T12:00:00Z'); // before the window
    const progress: number[] = [];
    const recover = t.api.get(RecoverDeliveries);
    const result = await recover.execute(subscriberId, new Date('2026-11-01T00:00:00Z'), undefined, (n) => progress.push(n));
    expect(result).toEqual({ replayed: RECOVER_BATCH * 2 + 1 });
    expect(progress).toEqual([RECOVER_BATCH, RECOVER_BATCH * 2, RECOVER_BATCH * 2 + 1]);
    const statuses = await t.db.query(
      `SELECT status, next_trigger, count(*)::int AS n FROM deliveries WHERE subscriber_id = $1 GROUP BY 1, 2 ORDER BY 1`,
      [subscriberId],
    );
    expect(statuses).toEqual([
      { status: 'failed', next_trigger: 'auto', n: 3 },
      { status: 'pending', next_trigger: 'manual', n: RECOVER_BATCH * 2 + 1 },
    ]);

    // The same through the CLI, for the older ones.
    const cli = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [cli, 'recover', '--webhook', subscriberId, '--since', '2026-09-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z'],
      { env: { ...process.env, ...t.env, LOG_LEVEL: 'error' }, timeout: 60_000 },
    );
    expect(stdout.trim()).toBe(`Replayed 3 failed deliveries of webhook ${subscriberId}`);
    expect(stderr).toContain('replayed 3…');
  }, 120_000);

  it('vacuum: where autovacuum is off, deliveries are vacuumed once their dead versions pass a fifth of the live rows, and a grown table is analyzed', async () => {
    const subscriberId = await webhook();
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(
        `INSERT INTO deliveries (id, event_type, subscriber_id, status, attempt_count)
         SELECT tidings_uuid_v7(), 'ping', $1, 'delivered', 1 FROM generate_series(1, 20000)`,
        [subscriberId],
      );
      // Two settles' worth of dead versions (status is in partial-index predicates, so these are not HOT).
      for (const status of ['cancelled', 'delivered']) {
        await runner.query(`UPDATE deliveries SET status = $2 WHERE subscriber_id = $1`, [subscriberId, status]);
      }
      await runner.query(`SELECT pg_stat_force_next_flush()`);
      await runner.query(`SELECT 1`);
    } finally {
      await runner.release();
    }
    /** A statistics counter summed over a partitioned table's partitions. */
    const summed = async (table: string, counter: 'n_dead_tup' | 'n_mod_since_analyze'): Promise<number> =>
      (
        await t.db.query(
          `SELECT coalesce(sum(${counter}), 0)::int AS n FROM pg_stat_user_tables s JOIN pg_partition_tree($1::regclass) p ON p.relid = s.relid`,
          [table],
        )
      )[0].n;
    const dead = () => summed('deliveries', 'n_dead_tup');
    await waitFor('the dead versions to show in the statistics', async () => (await dead()) >= 40_000, 15_000);
    const [{ autovacuum }] = await t.db.query(`SELECT current_setting('autovacuum') = 'on' AS autovacuum`);
    const vacuumed = await t.api.get(VacuumChurnedTables).execute();
    if (autovacuum) {
      expect(vacuumed).toEqual([]);
    } else {
      // Today's partition, where the rows went.
      expect(vacuumed).toContainEqual(expect.stringMatching(/^vacuum deliveries_p\d{8}$/));
      await waitFor('the vacuum to show in the statistics', async () => (await dead()) < 1000, 15_000);

      // A table that only grew is analyzed (its plans depend on it), not vacuumed.
      const writer = t.db.createQueryRunner();
      await writer.connect();
      try {
        await writer.query(
          `INSERT INTO events (id, type, occurred_at, source) SELECT tidings_uuid_v7(), 'ping', now(), 'api' FROM generate_series(1, 5000)`,
        );
        await writer.query(`SELECT pg_stat_force_next_flush()`);
        await writer.query(`SELECT 1`);
      } finally {
        await writer.release();
      }
      const changed = () => summed('events', 'n_mod_since_analyze');
      await waitFor('the new rows to show in the statistics', async () => (await changed()) >= 5000, 15_000);
      expect(await t.api.get(VacuumChurnedTables).execute()).toContainEqual(expect.stringMatching(/^analyze events_p\d{8}$/));
    }
  });
  describe('cancel', () => {
    const state = (id: string) => row(`SELECT status, next_attempt_at, claimed_at, attempt_count FROM deliveries WHERE id = $1`, [id]);

    it('a pending delivery, waiting, leased or with an attempt in flight, is cancelled; its worker then neither starts nor settles it', async () => {
      const subscriberId = await webhook();
      const waiting = await due(subscriberId);
      const [leased, inFlight] = [await claimed(subscriberId), await claimed(subscriberId)];
      expect(await startAttempts(t.db, [inFlight])).toHaveLength(1);
      for (const id of [waiting, leased.deliveryId, inFlight.deliveryId]) {
        expect(await cancelPending(t.db, id)).toEqual({ outcome: 'cancelled' });
      }
      // The stale claim: its job finds nothing to start or to settle as unsendable.
      expect(await startAttempts(t.db, [leased])).toEqual([]);
      expect(await settleUnsendable(t.db, [leased])).toEqual([]);
      // The attempt in flight finishes: recorded, but neither a success nor the dead letter brings the delivery back.
      expect((await recordAttempts(t.db, [attempt(inFlight, 200, new Date())])).settled.has(inFlight.deliveryId)).toBe(false);
      expect(await failDelivery(t.db, subscriberId, inFlight.deliveryId, 1, 'auto', { startedAt: new Date(), durationMs: 5, status: 500 }, 'HTTP 500')).toBe(
        false,
      );
      expect(await row(`SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = $1`, [inFlight.deliveryId])).toEqual({ n: 1 });
      expect(await state(waiting)).toEqual({ status: 'cancelled', next_attempt_at: null, claimed_at: null, attempt_count: 0 });
      expect(await state(leased.deliveryId)).toEqual({ status: 'cancelled', next_attempt_at: null, claimed_at: null, attempt_count: 0 });
      expect(await state(inFlight.deliveryId)).toEqual({ status: 'cancelled', next_attempt_at: null, claimed_at: null, attempt_count: 1 });
    });

    it('a settled delivery is refused with its status and left as it was; an unknown one is not found (409 and 404 over HTTP)', async () => {
      const subscriberId = await webhook();
      for (const status of ['delivered', 'failed', 'cancelled'] as const) {
        const id = await settled(subscriberId, status);
        const before = await state(id);
        expect(await cancelPending(t.db, id)).toEqual({ outcome: 'settled', status });
        expect(await state(id)).toEqual(before);
      }
      const unknown = uuidv7();
      expect(await cancelPending(t.db, unknown)).toEqual({ outcome: 'not_found' });

      const delivered = await settled(subscriberId, 'delivered');
      expect(await t.http('POST', `/v1/deliveries/${delivered}/cancel`)).toMatchObject({
        status: 409,
        body: { error: 'conflict', message: `Delivery ${delivered} is already delivered` },
      });
      expect(await t.http('POST', `/v1/deliveries/${unknown}/cancel`)).toMatchObject({
        status: 404,
        body: { error: 'not_found', message: `No delivery ${unknown}` },
      });
      const pending = await due(subscriberId);
      expect(await t.http('POST', `/v1/deliveries/${pending}/cancel`)).toMatchObject({
        status: 200,
        body: { id: pending, status: 'cancelled' },
      });
    });

    it('a cancel that waits for a concurrent settle or cancel answers what that one left, and changes nothing', async () => {
      const subscriberId = await webhook();
      const job = await claimed(subscriberId);
      await startAttempts(t.db, [job]);
      const [recorded, cancel] = await whileOtherHolds(
        (q) => recordAttempts(q, [attempt(job, 200, new Date())]),
        () => cancelPending(t.db, job.deliveryId),
      );
      expect(recorded.settled.has(job.deliveryId)).toBe(true);
      expect(cancel).toEqual({ outcome: 'settled', status: 'delivered' });
      expect(await state(job.deliveryId)).toMatchObject({ status: 'delivered' });

      const id = await due(subscriberId);
      expect(
        await whileOtherHolds(
          (q) => cancelPending(q, id),
          () => cancelPending(t.db, id),
        ),
      ).toEqual([{ outcome: 'cancelled' }, { outcome: 'settled', status: 'cancelled' }]);
    });
  });

  describe('replay', () => {
    const state = (id: string) =>
      row(`SELECT status, next_trigger, attempt_count, claimed_at, next_attempt_at <= now() AS due FROM deliveries WHERE id = $1`, [id]);

    it('a failed, delivered or cancelled delivery becomes pending for one manual attempt now, keeping its id and count; the relay is woken', async () => {
      const subscriberId = await webhook();
      const listener = new Client({ connectionString: t.env.DATABASE_URL });
      await listener.connect();
      try {
        let notified = 0;
        listener.on('notification', (n) => (notified += n.channel === OUTBOX_CHANNEL ? 1 : 0));
        await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
        const ids = [
          await settled(subscriberId, 'failed'),
          await settled(subscriberId, 'delivered'),
          await settled(subscriberId, 'cancelled'),
        ];
        for (const id of ids) {
          expect(await replaySettled(t.db, id)).toEqual({ outcome: 'replayed' });
          expect(await state(id)).toEqual({ status: 'pending', next_trigger: 'manual', attempt_count: 1, claimed_at: null, due: true });
        }
        await waitFor('the relay’s channel to be notified', () => notified > 0, 5000);
        // The same rows: no new delivery, so the receiver sees the same webhook-id.
        const rows = await t.db.query(`SELECT id FROM deliveries WHERE subscriber_id = $1 ORDER BY id`, [subscriberId]);
        expect(rows.map((r: { id: string }) => r.id)).toEqual([...ids].sort());
      } finally {
        await listener.end();
      }
    });

    it('refused with the guard that refused it: not settled (waiting or leased), webhook deleted, webhook disabled; unknown: not found (409 and 404 over HTTP)', async () => {
      const subscriberId = await webhook();
      const waiting = await due(subscriberId);
      const leased = await claimed(subscriberId);
      for (const id of [waiting, leased.deliveryId]) {
        expect(await replaySettled(t.db, id)).toEqual({ outcome: 'not_settled', status: 'pending' });
      }
      expect(await row(`SELECT next_trigger, claimed_at IS NOT NULL AS leased FROM deliveries WHERE id = $1`, [leased.deliveryId])).toEqual(
        {
          next_trigger: 'auto',
          leased: true,
        },
      );

      const [disabled, deleted] = [await webhook(), await webhook()];
      await t.db.query(`UPDATE subscribers SET enabled = false WHERE id = $1`, [disabled]);
      // Deleted but still marked enabled (a delete sets both): the deleted guard alone must refuse it.
      await t.db.query(`UPDATE subscribers SET deleted_at = now() WHERE id = $1`, [deleted]);
      const ofDisabled = await settled(disabled, 'failed');
      const ofDeleted = await settled(deleted, 'failed');
      expect(await replaySettled(t.db, ofDisabled)).toEqual({ outcome: 'webhook_disabled' });
      expect(await replaySettled(t.db, ofDeleted)).toEqual({ outcome: 'webhook_deleted' });
      for (const id of [ofDisabled, ofDeleted]) expect(await state(id)).toMatchObject({ status: 'failed', next_trigger: 'auto' });
      const unknown = uuidv7();
      expect(await replaySettled(t.db, unknown)).toEqual({ outcome: 'not_found' });

      const replay = (id: string) => t.http('POST', `/v1/deliveries/${id}/replay`);
      expect(await replay(waiting)).toMatchObject({
        status: 409,
        body: { error: 'conflict', message: `Delivery ${waiting} is pending; only a settled delivery can be replayed` },
      });
      expect(await replay(ofDeleted)).toMatchObject({ status: 409, body: { error: 'conflict', message: 'Its webhook was deleted' } });
      expect(await replay(ofDisabled)).toMatchObject({
        status: 409,
        body: { error: 'conflict', message: 'Its webhook is disabled; enable it (PATCH enabled: true) first' },
      });
      expect(await replay(unknown)).toMatchObject({ status: 404, body: { error: 'not_found', message: `No delivery ${unknown}` } });
      const failed = await settled(subscriberId, 'failed');
      expect(await replay(failed)).toMatchObject({ status: 202, body: { id: failed, status: 'pending' } });
    });

    it('of two concurrent replays of one delivery exactly one replays; the other waits for it and finds the delivery pending', async () => {
      const subscriberId = await webhook();
      const id = await settled(subscriberId, 'failed');
      expect(
        await whileOtherHolds(
          (q) => replaySettled(q, id),
          () => replaySettled(t.db, id),
        ),
      ).toEqual([{ outcome: 'replayed' }, { outcome: 'not_settled', status: 'pending' }]);
      // And in whichever order the pool runs them.
      const again = await settled(subscriberId, 'failed');
      const outcomes = await Promise.all([replaySettled(t.db, again), replaySettled(t.db, again)]);
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['not_settled', 'replayed']);
      expect(await state(again)).toMatchObject({ status: 'pending', next_trigger: 'manual', attempt_count: 1 });
    });
  });

  describe('cancel for a deleted webhook', () => {
    it('every pending delivery of the webhook, leased or in flight too, is cancelled as deleted; settled ones and other webhooks’ are left', async () => {
      const [gone, kept] = [await webhook(), await webhook()];
      const waiting = await due(gone);
      const [leased, inFlight] = [await claimed(gone), await claimed(gone)];
      await startAttempts(t.db, [inFlight]);
      const [delivered, failed] = [await settled(gone, 'delivered'), await settled(gone, 'failed')];
      const other = await due(kept);
      expect(await cancelForWebhook(t.db, gone)).toBe(3);
      const statuses = async (subscriberId: string) =>
        Object.fromEntries(
          (
            await t.db.query(`SELECT id, status, last_error, claimed_at, next_attempt_at FROM deliveries WHERE subscriber_id = $1`, [
              subscriberId,
            ])
          ).map((r: { id: string }) => [r.id, r]),
        );
      const after = await statuses(gone);
      for (const id of [waiting, leased.deliveryId, inFlight.deliveryId]) {
        expect(after[id]).toEqual({ id, status: 'cancelled', last_error: 'webhook deleted', claimed_at: null, next_attempt_at: null });
      }
      expect(after[delivered]).toMatchObject({ status: 'delivered', last_error: null });
      expect(after[failed]).toMatchObject({ status: 'failed', last_error: null });
      expect((await statuses(kept))[other]).toMatchObject({ status: 'pending' });
      expect((await recordAttempts(t.db, [attempt(inFlight, 200, new Date())])).settled.has(inFlight.deliveryId)).toBe(false);
      expect(await cancelForWebhook(t.db, gone)).toBe(0);
    });

    it('DELETE /v1/webhooks/:id: the webhook stops (soft-deleted, disabled) and its pending deliveries are cancelled, together', async () => {
      const subscriberId = await webhook();
      const [waiting, done] = [await due(subscriberId), await settled(subscriberId, 'delivered')];
      expect((await t.http('DELETE', `/v1/webhooks/${subscriberId}`)).status).toBe(204);
      expect(await row(`SELECT enabled, deleted_at IS NOT NULL AS deleted FROM subscribers WHERE id = $1`, [subscriberId])).toEqual({
        enabled: false,
        deleted: true,
      });
      expect(await row(`SELECT status FROM deliveries WHERE id = $1`, [waiting])).toEqual({ status: 'cancelled' });
      expect(await row(`SELECT status FROM deliveries WHERE id = $1`, [done])).toEqual({ status: 'delivered' });
      expect((await t.http('DELETE', `/v1/webhooks/${subscriberId}`)).status).toBe(404);
    });
  });
});
