import { Queryable } from '@tidings/common';
import { searchPathOption } from '@tidings/database';
import { cancelPending, claimDue, failDelivery, recordAttempts, replaySettled, startAttempts, wakeStrandedKeys } from '@tidings/deliveries';
import { OUTBOX_CHANNEL } from '@tidings/events';
import { DeliverWebhookJob } from '@tidings/queue';
import { waitFor } from '@tidings/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { Harness, startTidings } from './support/tidings-harness';

/*
 * The claim's ordering rule (DESIGN §6) against real Postgres: per (webhook,
 * ordering key) one delivery leased at a time, the head first in event
 * occurred_at order; a failing head blocks only its key; dead letter and
 * cancel unblock; replays neither wait nor block; a null key or an unordered
 * webhook is not ordered; relays claiming at once never lease two of a key.
 */
describe('delivery store: ordered claims', () => {
  let t: Harness;
  const LEASE = 60_000;

  beforeAll(async () => {
    t = await startTidings({ worker: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function webhook(ordered = true): Promise<string> {
    const id = uuidv7();
    await t.db.query(
      `INSERT INTO subscribers (id, kind, name, url, ordered) VALUES ($1, 'webhook', 'ordered spec', 'http://127.0.0.1:9/hook', $2)`,
      [id, ordered],
    );
    return id;
  }

  /** A due delivery of an event that occurred at `occurredAt` (seconds from an arbitrary origin), under `key`. */
  async function due(subscriberId: string, key: string | null, occurredAt: number): Promise<string> {
    const [eventId, id] = [uuidv7(), uuidv7()];
    await t.db.query(`INSERT INTO events (id, type, occurred_at, source, data) VALUES ($1, 'ping', $2, 'internal', '{}')`, [
      eventId,
      new Date(Date.UTC(2026, 10, 20) + occurredAt * 1000),
    ]);
    // As registration writes it: a keyed delivery carries its event's occurred_at.
    await t.db.query(
      `INSERT INTO deliveries (id, event_id, event_type, subscriber_id, next_attempt_at, ordering_key, occurred_at)
       SELECT $1, e.id, 'ping', $3, now(), $4::text, CASE WHEN $4::text IS NOT NULL THEN e.occurred_at END FROM events e WHERE e.id = $2`,
      [id, eventId, subscriberId, key],
    );
    return id;
  }

  /** Claims, answering the ids claimed of `subscriberId` (other tests' rows are claimed too, and ignored). */
  async function claim(subscriberId: string, db: { query: (sql: string, params?: unknown[]) => Promise<any> } = t.db): Promise<string[]> {
    return (await claimDue(db, 1000, LEASE)).jobs.filter((j) => j.subscriberId === subscriberId).map((j) => j.deliveryId);
  }
  /** The webhook's deliveries parked behind their key's head (out of the due range), sorted. */
  async function parked(subscriberId: string): Promise<string[]> {
    const rows = await t.db.query(
      `SELECT id FROM deliveries WHERE subscriber_id = $1 AND status = 'pending' AND next_attempt_at = 'infinity' ORDER BY id`,
      [subscriberId],
    );
    return rows.map((r: { id: string }) => r.id);
  }
  const jobOf = (subscriberId: string, deliveryId: string, attempt = 1): DeliverWebhookJob => ({ deliveryId, subscriberId, attempt });

  /** Starts the claimed delivery's attempt and records it: delivered, or failed with a retry in `retryMs`. */
  async function attempt(job: DeliverWebhookJob, outcome: 'delivered' | { retryMs: number }, db: Queryable = t.db): Promise<void> {
    expect(await startAttempts(db, [job])).toHaveLength(1);
    const delivered = outcome === 'delivered';
    const recorded = await recordAttempts(db, [
      {
        deliveryId: job.deliveryId,
        subscriberId: job.subscriberId,
        number: job.attempt,
        trigger: 'auto',
        result: { startedAt: new Date(), durationMs: 3, status: delivered ? 200 : 500 },
        status: delivered ? 'delivered' : 'pending',
        lastError: delivered ? null : 'HTTP 500',
        delayMs: delivered ? null : outcome.retryMs,
      },
    ]);
    expect(recorded.settled.has(job.deliveryId)).toBe(true);
  }

  /** Delivers each claimed delivery in turn, expecting the claim after each to answer the next one of the list alone. */
  async function deliverInTurn(hook: string, chain: string[]): Promise<void> {
    for (let i = 0; i + 1 < chain.length; i++) {
      await attempt(jobOf(hook, chain[i]), 'delivered');
      expect(await claim(hook)).toEqual([chain[i + 1]]);
    }
  }

  it('one delivery per key at a time, in event occurred_at order whatever the order of creation; other keys flow', async () => {
    const hook = await webhook();
    // Created out of order: the third event first.
    const c = await due(hook, 'k', 3);
    const a = await due(hook, 'k', 1);
    const b = await due(hook, 'k', 2);
    const other = await due(hook, 'other', 5);

    expect((await claim(hook)).sort()).toEqual([a, other].sort());
    // While `a` is leased nothing else of `k` is claimable.
    expect(await claim(hook)).toEqual([]);
    await deliverInTurn(hook, [a, b, c]);
  });

  it('a failing head blocks only its key until its retry; then the next waits for it to be delivered', async () => {
    const hook = await webhook();
    const head = await due(hook, 'failing', 1);
    const next = await due(hook, 'failing', 2);
    const flowing = [await due(hook, 'fine', 1), await due(hook, 'fine', 2)];

    expect((await claim(hook)).sort()).toEqual([head, flowing[0]].sort());
    await attempt(jobOf(hook, head), { retryMs: 60_000 });
    await attempt(jobOf(hook, flowing[0]), 'delivered');
    // The head waits for its retry; `next` waits for the head; the other key goes on.
    expect(await claim(hook)).toEqual([flowing[1]]);
    expect(await claim(hook)).toEqual([]);

    await t.db.query(`UPDATE deliveries SET next_attempt_at = now() WHERE id = $1`, [head]);
    expect(await claim(hook)).toEqual([head]);
    await attempt(jobOf(hook, head, 2), 'delivered');
    expect(await claim(hook)).toEqual([next]);
  });

  it('a dead-lettered or cancelled head unblocks its key', async () => {
    const hook = await webhook();
    const [dead, cancelled, last] = [await due(hook, 'k', 1), await due(hook, 'k', 2), await due(hook, 'k', 3)];
    expect(await claim(hook)).toEqual([dead]);
    await startAttempts(t.db, [jobOf(hook, dead)]);
    expect(await failDelivery(t.db, hook, dead, 1, 'auto', { startedAt: new Date(), durationMs: 1, status: 410 }, 'HTTP 410')).toBe(true);
    expect(await claim(hook)).toEqual([cancelled]);
    expect(await cancelPending(t.db, cancelled)).toEqual({ outcome: 'cancelled' });
    expect(await claim(hook)).toEqual([last]);
  });

  it('a replay neither waits for its key nor blocks it', async () => {
    const hook = await webhook();
    const [old, current, later] = [await due(hook, 'k', 1), await due(hook, 'k', 2), await due(hook, 'k', 3)];
    expect(await claim(hook)).toEqual([old]);
    await attempt(jobOf(hook, old), 'delivered');
    expect(await claim(hook)).toEqual([current]);

    // `current` is in flight; the old delivery, replayed, goes at once, and is no head for `later`.
    expect(await replaySettled(t.db, old)).toEqual({ outcome: 'replayed' });
    expect(await claim(hook)).toEqual([old]);
    await attempt(jobOf(hook, current), 'delivered');
    expect(await claim(hook)).toEqual([later]);
  });

  it('a late event does not overtake its key’s delivery in flight; it goes next', async () => {
    const hook = await webhook();
    const inFlight = await due(hook, 'k', 10);
    expect(await claim(hook)).toEqual([inFlight]);
    const late = await due(hook, 'k', 5);
    const after = await due(hook, 'k', 20);
    expect(await claim(hook)).toEqual([]);
    await deliverInTurn(hook, [inFlight, late, after]);
  });

  it('a key another relay is claiming (its claim not yet committed) is left alone, even for a late event that would come first', async () => {
    const hook = await webhook();
    const inFlight = await due(hook, 'k', 10);
    const relay = t.db.createQueryRunner();
    await relay.connect();
    try {
      await relay.startTransaction();
      expect((await claimDue(relay, 1000, LEASE)).jobs.map((j) => j.deliveryId)).toContain(inFlight);
      // Committed meanwhile: a snapshot without the other relay's lease would take it as the key's head.
      const late = await due(hook, 'k', 5);
      expect(await claim(hook)).toEqual([]);
      await relay.commitTransaction();
      expect(await claim(hook)).toEqual([]);
      await attempt(jobOf(hook, inFlight), 'delivered');
      expect(await claim(hook)).toEqual([late]);
    } finally {
      if (relay.isTransactionActive) await relay.rollbackTransaction();
      await relay.release();
    }
  });

  it('a null key, or an unordered webhook, is not ordered, and its claim never calls the ordering gate', async () => {
    const ordered = await webhook();
    const unordered = await webhook(false);
    const unkeyed = [await due(ordered, null, 1), await due(ordered, null, 2)];
    const keyedButUnordered = [await due(unordered, 'k', 1), await due(unordered, 'k', 2)];
    const claimed = (await claimDue(t.db, 1000, LEASE)).jobs;
    const of = (hook: string) =>
      claimed
        .filter((j) => j.subscriberId === hook)
        .map((j) => j.deliveryId)
        .sort();
    expect(of(ordered)).toEqual(unkeyed.sort());
    expect(of(unordered)).toEqual(keyedButUnordered.sort());

    // Rows without a key (every unordered webhook's, as registered) never reach the gate function.
    // Created before the transaction: its now() must not be earlier than their due time.
    const plain = [await due(unordered, null, 1), await due(unordered, null, 2)];
    const gated = await due(ordered, 'gated', 1);
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SET LOCAL track_functions = 'pl'`);
      const gateCalls = async () =>
        (await runner.query(`SELECT calls::int FROM pg_stat_xact_user_functions WHERE funcname = 'tidings_ordered_verdict'`))[0]?.calls ??
        0;
      const both = (await claimDue(runner, 1000, LEASE)).jobs;
      expect(
        both
          .filter((j) => j.subscriberId === unordered)
          .map((j) => j.deliveryId)
          .sort(),
      ).toEqual(plain.sort());
      expect(both.filter((j) => j.subscriberId === ordered).map((j) => j.deliveryId)).toEqual([gated]);
      // Three rows claimed, one gate call: the keyed one's.
      expect(await gateCalls()).toBe(1);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('settling a keyed delivery (delivered, dead letter, cancel) makes its key’s parked next one due and wakes the relays; a retry, an unkeyed delivery or a key with nothing next does not', async () => {
    const hook = await webhook();
    const listener = new Client({ connectionString: t.env.DATABASE_URL });
    await listener.connect();
    try {
      let notified = 0;
      let barriers = 0;
      listener.on('notification', (n) => {
        if (n.channel === OUTBOX_CHANNEL && n.payload === 'barrier') barriers++;
        else if (n.channel === OUTBOX_CHANNEL) notified++;
      });
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
      /** Notifications arrive in commit order: once a barrier sent now arrives, every earlier one has. */
      const settledNotifications = async () => {
        const expected = barriers + 1;
        await t.db.query(`SELECT pg_notify($1, 'barrier')`, [OUTBOX_CHANNEL]);
        await waitFor('the barrier notification', () => barriers >= expected, 5000);
        return notified;
      };
      const [unkeyed, retried, delivered, dead, cancelled, alone] = [
        await due(hook, null, 1),
        await due(hook, 'a', 1),
        await due(hook, 'b', 1),
        await due(hook, 'c', 1),
        await due(hook, 'd', 1),
        await due(hook, 'e', 1),
      ];
      const next = [await due(hook, 'a', 2), await due(hook, 'b', 2), await due(hook, 'c', 2), await due(hook, 'd', 2)];
      expect((await claim(hook)).sort()).toEqual([unkeyed, retried, delivered, dead, cancelled, alone].sort());
      // The claim parked each key's second delivery: out of the due range.
      expect(await parked(hook)).toEqual([...next].sort());
      await attempt(jobOf(hook, unkeyed), 'delivered');
      await attempt(jobOf(hook, retried), { retryMs: 60_000 });
      await attempt(jobOf(hook, alone), 'delivered');
      expect(await settledNotifications()).toBe(0);
      await attempt(jobOf(hook, delivered), 'delivered');
      expect(await settledNotifications()).toBe(1);
      await startAttempts(t.db, [jobOf(hook, dead)]);
      expect(await failDelivery(t.db, hook, dead, 1, 'auto', { startedAt: new Date(), durationMs: 1, status: 410 }, 'HTTP 410')).toBe(true);
      expect(await settledNotifications()).toBe(2);
      expect(await cancelPending(t.db, cancelled)).toEqual({ outcome: 'cancelled' });
      expect(await settledNotifications()).toBe(3);
      // Woken in the settles' own transactions; the failing key's next one stays parked.
      expect(await parked(hook)).toEqual([next[0]]);
      expect((await claim(hook)).sort()).toEqual(next.slice(1).sort());
    } finally {
      await listener.end();
    }
  });

  it('a dead-lettered head’s parked successor, then a cancelled one’s, is delivered next, in order', async () => {
    const hook = await webhook();
    const [head, second, third, last] = [await due(hook, 'k', 1), await due(hook, 'k', 2), await due(hook, 'k', 3), await due(hook, 'k', 4)];
    expect(await claim(hook)).toEqual([head]);
    expect(await parked(hook)).toEqual([second, third, last].sort());
    await startAttempts(t.db, [jobOf(hook, head)]);
    expect(await failDelivery(t.db, hook, head, 1, 'auto', { startedAt: new Date(), durationMs: 1, status: 500 }, 'HTTP 500')).toBe(true);
    expect(await claim(hook)).toEqual([second]);
    // Cancelled while in flight: its attempt is not recorded, and the key goes on.
    expect(await cancelPending(t.db, second)).toEqual({ outcome: 'cancelled' });
    expect(await claim(hook)).toEqual([third]);
    await deliverInTurn(hook, [third, last]);
    expect(await parked(hook)).toEqual([]);
  });

  it('a lost wake (a head settled without waking its parked successor) is repaired by the maintenance sweep, and only such a key', async () => {
    const hook = await webhook();
    const [head, stranded, behind] = [await due(hook, 'lost', 1), await due(hook, 'lost', 2), await due(hook, 'lost', 3)];
    const [failing, waiting] = [await due(hook, 'failing', 1), await due(hook, 'failing', 2)];
    expect((await claim(hook)).sort()).toEqual([head, failing].sort());
    await attempt(jobOf(hook, failing), { retryMs: 60_000 });
    // Settled behind the store's back: nothing wakes `stranded`.
    await t.db.query(`UPDATE deliveries SET status = 'delivered', claimed_at = NULL, next_attempt_at = NULL WHERE id = $1`, [head]);
    expect(await claim(hook)).toEqual([]);
    expect(await parked(hook)).toEqual([stranded, behind, waiting].sort());

    expect(await wakeStrandedKeys(t.db)).toBeGreaterThanOrEqual(1);
    // The key's first delivery only: the rest wait behind it, and a failing head's successor stays parked.
    expect(await parked(hook)).toEqual([behind, waiting].sort());
    expect(await claim(hook)).toEqual([stranded]);
    await deliverInTurn(hook, [stranded, behind]);
  });

  it('a webhook no longer ordered has its parked deliveries made due by the sweep', async () => {
    const hook = await webhook();
    const [head, second] = [await due(hook, 'k', 1), await due(hook, 'k', 2)];
    expect(await claim(hook)).toEqual([head]);
    expect(await parked(hook)).toEqual([second]);
    await t.db.query(`UPDATE subscribers SET ordered = false WHERE id = $1`, [hook]);
    await wakeStrandedKeys(t.db);
    expect(await claim(hook)).toEqual([second]);
  });

  it('two settles racing on one key (a head delivered, its woken successor cancelled meanwhile): one in flight at a time, in order', async () => {
    const hook = await webhook();
    const [head, second, third] = [await due(hook, 'k', 1), await due(hook, 'k', 2), await due(hook, 'k', 3)];
    expect(await claim(hook)).toEqual([head]);
    const worker = t.db.createQueryRunner();
    await worker.connect();
    try {
      await worker.startTransaction();
      // The head's settle wakes `second`, not yet committed; a cancel of `second` from elsewhere waits for it.
      await attempt(jobOf(hook, head), 'delivered', worker);
      const cancel = cancelPending(t.db, second);
      expect(await claim(hook)).toEqual([]);
      await worker.commitTransaction();
      expect(await cancel).toEqual({ outcome: 'cancelled' });
      // The cancel, after the settle committed, woke `third`: nothing was claimed twice or out of turn.
      expect(await claim(hook)).toEqual([third]);
      expect(await claim(hook)).toEqual([]);
    } finally {
      if (worker.isTransactionActive) await worker.rollbackTransaction();
      await worker.release();
    }
  });

  it('relays claiming at once on separate connections never lease two deliveries of one key, and each key’s deliveries go in order', async () => {
    const hook = await webhook();
    const KEYS = 30;
    const PER_KEY = 4;
    const expected = new Map<string, string[]>();
    for (let n = 0; n < PER_KEY; n++) {
      for (let k = 0; k < KEYS; k++) {
        const id = await due(hook, `key-${k}`, n);
        expected.set(`key-${k}`, [...(expected.get(`key-${k}`) ?? []), id]);
      }
    }
    const relays = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const client = new Client({ connectionString: t.env.DATABASE_URL, options: searchPathOption(t.config.databaseSchema) });
        await client.connect();
        return { client, query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows };
      }),
    );
    try {
      const order = new Map<string, string[]>();
      for (let round = 0; round < PER_KEY; round++) {
        // Every relay claims at once, a few rows each, many times over, while the others commit theirs.
        const claimed = (
          await Promise.all(
            relays.map(async (relay) => {
              const mine: DeliverWebhookJob[] = [];
              for (let i = 0; i < 8; i++) mine.push(...(await claimDue(relay, 5, LEASE)).jobs.filter((j) => j.subscriberId === hook));
              return mine;
            }),
          )
        ).flat();
        const [leased] = await t.db.query(
          `SELECT count(*)::int AS rows, count(DISTINCT ordering_key)::int AS keys FROM deliveries
            WHERE subscriber_id = $1 AND status = 'pending' AND claimed_at IS NOT NULL`,
          [hook],
        );
        expect(leased).toEqual({ rows: KEYS, keys: KEYS });
        expect(claimed).toHaveLength(KEYS);
        const keys = await t.db.query(`SELECT id, ordering_key FROM deliveries WHERE id = ANY($1)`, [claimed.map((j) => j.deliveryId)]);
        for (const { id, ordering_key } of keys) order.set(ordering_key, [...(order.get(ordering_key) ?? []), id]);
        for (const job of claimed) await attempt(job, 'delivered');
      }
      expect(order).toEqual(expected);
    } finally {
      await Promise.all(relays.map((relay) => relay.client.end()));
    }
  });
});
