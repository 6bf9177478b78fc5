import { AttemptToRecord, DisableWebhook, recordAttempts, settleUnsendable, startAttempts } from '@tidings/deliveries';
import { waitFor } from '@tidings/testing';
import { DeliverWebhookJob } from '@tidings/queue';
import { v7 as uuidv7 } from 'uuid';
import { Harness, startTidings } from './support/tidings-harness';

/*
 * The delivery store's start and record statements and the auto-disable
 * rule, against real Postgres, with the races between workers played out
 * on two connections in a chosen order.
 */
describe('delivery store: start, record, failure streak and auto-disable under concurrency', () => {
  let t: Harness;
  const LEASE_MS = 60_000;

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
       VALUES ($1, 'ping', $2, '{}', 'claimed', $3, now())`,
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

  /** Runs `blocked` while `other`'s transaction holds the subscriber row, then commits `other`: the order two workers can meet in. */
  async function afterConcurrentWrite<T>(subscriberId: string, otherWrite: string, blocked: () => Promise<T>): Promise<T> {
    const other = t.db.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await other.query(otherWrite, [subscriberId]);
      const pending = blocked();
      await waitFor('the statement to wait for the row lock', async () => {
        const [{ n }] = await t.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return n > 0;
      });
      await other.commitTransaction();
      return await pending;
    } finally {
      await other.release();
    }
  }

  it('start: of two runs of one job only one starts the attempt; a later run finds it started', async () => {
    const job = await claimed(await webhook());
    const runs = await Promise.all([startAttempts(t.db, [job], LEASE_MS / 3), startAttempts(t.db, [job], LEASE_MS / 3)]);
    expect(runs.map((r) => r.length).sort()).toEqual([0, 1]);
    expect(await startAttempts(t.db, [job], LEASE_MS / 3)).toEqual([]);
    expect(await row(`SELECT status, attempt_count FROM deliveries WHERE id = $1`, [job.deliveryId])).toEqual({
      status: 'claimed',
      attempt_count: 1,
    });
  });

  it('start: a disabled or deleted webhook’s delivery does not start; settleUnsendable fails or cancels it', async () => {
    const disabled = await webhook();
    const deleted = await webhook();
    await t.db.query(`UPDATE subscribers SET enabled = false, disabled_reason = 'by hand' WHERE id = $1`, [disabled]);
    await t.db.query(`UPDATE subscribers SET deleted_at = now() WHERE id = $1`, [deleted]);
    const jobs = [await claimed(disabled), await claimed(deleted)];
    expect(await startAttempts(t.db, jobs, LEASE_MS / 3)).toEqual([]);
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
    await startAttempts(t.db, [job], LEASE_MS / 3);
    await t.db.query(`UPDATE deliveries SET status = 'cancelled' WHERE id = $1`, [job.deliveryId]);
    const recorded = await recordAttempts(t.db, [attempt(job, 200, new Date())]);
    expect(recorded.settled.has(job.deliveryId)).toBe(false);
    expect(await row(`SELECT status FROM deliveries WHERE id = $1`, [job.deliveryId])).toEqual({ status: 'cancelled' });
    expect(await row(`SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = $1 AND number = 1`, [job.deliveryId])).toEqual({
      n: 1,
    });
  });

  it('record: a failure recorded while another worker starts the streak answers that streak, never a missing one', async () => {
    const subscriberId = await webhook();
    const job = await claimed(subscriberId);
    await startAttempts(t.db, [job], LEASE_MS / 3);
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
    await startAttempts(t.db, [a, b], LEASE_MS / 3);
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
});
