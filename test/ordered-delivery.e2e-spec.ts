import { FakeWebhookReceiver, ReceivedRequest, waitFor } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

const KEYS = 5;
const PER_KEY = 6;

/** The event a received request carries, its signature checked by the independent Standard Webhooks verifier. */
function verifiedEvent(secret: string, request: ReceivedRequest): { id: string; run: string } {
  const payload = new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  }) as { event: { id: string; project: { job: { pipeline_run: { uuid: string } } } } };
  return { id: payload.event.id, run: payload.event.project.job.pipeline_run.uuid };
}

/** The list without runs of repeats (a retried delivery arrives once per attempt). */
const withoutRepeats = (ids: string[]) => ids.filter((id, i) => id !== ids[i - 1]);

/*
 * Ordered delivery end to end (DESIGN §6): an ordered webhook, events of
 * several pipeline runs (the default ordering key) registered out of their
 * occurred_at order in one batch; the receiver fails the head of one key
 * until every other key's deliveries have arrived. That key's deliveries
 * arrive strictly in order, its head first (twice: failed, then delivered),
 * while the other keys flow.
 */
describe('ordered delivery (api → worker → real receiver)', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    // Retries close together, and enough of them that the blocked head outlives the other keys' deliveries.
    // Maintenance often: its sweep is the safety net of a lost wake (the second test).
    t = await startTidings({ env: { WEBHOOK_RETRY_SCHEDULE: ['0', ...Array(30).fill('300ms')].join(','), MAINTENANCE_INTERVAL: '1s' } });
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  it("delivers each key's events one at a time in occurred_at order; a failing head blocks only its key", async () => {
    const created = await t.http('POST', '/v1/webhooks', {
      name: 'ordered',
      url: receiver.url('/ordered'),
      ordered: true,
      subscriptions: [{ event_type: 'project:one-off-job:pipeline-run:*' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.ordered).toBe(true);
    const secret: string = created.body.secret;

    const runs = Array.from({ length: KEYS }, () => randomUUID());
    const [blocked, ...flowing] = runs;
    const origin = Date.now() - 60_000;
    // Key k's n-th event occurred at origin + n s (+ k ms); the batch lists them newest first.
    const bodies = runs.flatMap((run, k) =>
      Array.from({ length: PER_KEY }, (_, n) => ({
        ...pipelineRunEvent({
          run,
          number: n,
          type: n % 2 ? 'project:one-off-job:pipeline-run:started' : 'project:one-off-job:pipeline-run:failed',
        }),
        occurred_at: new Date(origin + n * 1000 + k).toISOString(),
      })),
    );
    const batch = [...bodies].reverse();

    const eventsOf = (run: string) =>
      receiver
        .received('/ordered')
        .map((r) => verifiedEvent(secret, r))
        .filter((e) => e.run === run);
    let headAttempts = 0;
    receiver.on('/ordered', {
      statusFor: (request) => {
        const event = verifiedEvent(secret, request);
        if (event.run !== blocked || event.id !== headOf(blocked)) return undefined;
        headAttempts++;
        const othersDone = flowing.every((run) => new Set(eventsOf(run).map((e) => e.id)).size === PER_KEY);
        return headAttempts === 1 || !othersDone ? 500 : undefined;
      },
    });

    const res = await t.http('POST', '/v1/events/batch', batch);
    expect(res.body.summary).toEqual({ received: KEYS * PER_KEY, successful: KEYS * PER_KEY, failed: 0 });
    // The registered ids, per key, in occurred_at order.
    const rows: { id: string; run: string }[] = await t.db.query(
      `SELECT id, pipeline_run_uuid AS run FROM events WHERE pipeline_run_uuid = ANY($1::uuid[]) ORDER BY occurred_at, id`,
      [runs],
    );
    const expected = new Map<string, string[]>(runs.map((run) => [run, rows.filter((r) => r.run === run).map((r) => r.id)]));
    function headOf(run: string) {
      return expected.get(run)?.[0];
    }

    await waitFor(
      'every event of every key at the receiver',
      () => runs.every((run) => new Set(eventsOf(run).map((e) => e.id)).size === PER_KEY),
      60_000,
    );

    for (const run of runs)
      expect({ run, order: withoutRepeats(eventsOf(run).map((e) => e.id)) }).toEqual({ run, order: expected.get(run) });
    // The blocked head failed until the other keys were all in, and only then did its key move on.
    const received = receiver.received('/ordered').map((r) => ({ ...verifiedEvent(secret, r), status: r.answeredStatus }));
    const firstOfBlockedAfterHead = received.findIndex((e) => e.id === expected.get(blocked)![1]);
    const lastOfOthers = Math.max(...flowing.map((run) => received.map((e) => e.run).lastIndexOf(run)));
    expect(headAttempts).toBeGreaterThanOrEqual(2);
    expect(firstOfBlockedAfterHead).toBeGreaterThan(lastOfOthers);
    expect(
      received
        .filter((e) => e.id === headOf(blocked))
        .map((e) => e.status)
        .slice(-1),
    ).toEqual([200]);
    // One at a time per key: a key's next request never arrived before its previous one was answered 2xx.
    for (const run of runs) {
      const mine = received.filter((e) => e.run === run);
      mine.forEach((e, i) => {
        if (i > 0 && e.id !== mine[i - 1].id) expect({ run, previous: mine[i - 1].status }).toEqual({ run, previous: 200 });
      });
    }
  });

  it('a key whose head left without waking its parked successor (a lost wake) is delivered by the maintenance sweep, in order', async () => {
    const created = await t.http('POST', '/v1/webhooks', {
      name: 'lost wake',
      url: receiver.url('/lost'),
      ordered: true,
      subscriptions: [{ event_type: 'project:one-off-job:pipeline-run:*' }],
    });
    const secret: string = created.body.secret;
    const run = randomUUID();
    const origin = Date.now() - 60_000;
    receiver.on('/lost', { status: 500 });
    const res = await t.http(
      'POST',
      '/v1/events/batch',
      [0, 1, 2].map((n) => ({ ...pipelineRunEvent({ run, number: n }), occurred_at: new Date(origin + n * 1000).toISOString() })),
    );
    expect(res.body.summary.successful).toBe(3);
    const ids: string[] = (await t.db.query(`SELECT id FROM events WHERE pipeline_run_uuid = $1 ORDER BY occurred_at`, [run])).map(
      (r: { id: string }) => r.id,
    );
    // The head fails and retries; the claim has parked the two behind it.
    await waitFor('the head failing and the rest parked', async () => {
      const [row] = await t.db.query(
        `SELECT count(*) FILTER (WHERE next_attempt_at = 'infinity')::int AS parked, max(attempt_count)::int AS attempts
           FROM deliveries WHERE subscriber_id = $1`,
        [created.body.id],
      );
      return row.parked === 2 && row.attempts >= 1 ? true : undefined;
    });
    // The head leaves behind the store's back: nothing wakes the next one.
    await t.db.query(
      `UPDATE deliveries SET status = 'cancelled', claimed_at = NULL, next_attempt_at = NULL WHERE subscriber_id = $1 AND event_id = $2`,
      [created.body.id, ids[0]],
    );
    receiver.on('/lost', { status: 200 });
    const after = () => receiver.received('/lost').map((r) => verifiedEvent(secret, r).id).filter((id) => id !== ids[0]);
    await waitFor('the parked deliveries, woken by the sweep', () => after().length >= 2, 30_000);
    expect(withoutRepeats(after())).toEqual([ids[1], ids[2]]);
  });
});
