import { waitForProgress } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { pipelineRunEvent } from '../support/fixtures';
import { FaultRig, sleep } from '../support/fault-rig';

/*
 * Ordered delivery with two worker processes, one SIGKILLed mid-stream
 * (DESIGN §6). Events of many keys (pipeline runs) are registered in rounds
 * while deliveries flow; the receiver is slow enough that several are in
 * flight at the kill. At the receiver, every key's requests must follow the
 * key's occurred_at order: a request is the same delivery as the one before
 * it (a repeat of an attempt the killed worker had made) or the key's next
 * one, never a later one. Nothing is lost.
 */
const PATH = '/ordered';
const KEYS = 20;
const ROUNDS = 15;
const RECEIVER_DELAY_MS = 30;
const KILL_AFTER = (KEYS * ROUNDS) / 3;

describe('ordered delivery: two workers, one SIGKILLed mid-stream', () => {
  let rig: FaultRig;
  let passed = false;

  beforeAll(async () => {
    rig = await FaultRig.start({
      workers: 2,
      // A lease long enough that a loaded machine does not expire live claims; the killed worker's come back after it.
      env: { WORKER_CONCURRENCY: '4', DELIVERY_CLAIM_LEASE: '8s' },
    });
  }, 180_000);

  afterAll(async () => {
    if (!passed) rig?.dump('ordered-worker-kill did not pass');
    await rig?.stop();
  }, 60_000);

  it("keeps every key's order at the receiver across the kill, repeats only of the same delivery, loses nothing", async () => {
    const receiver = rig.receiver!;
    receiver.on(PATH, { status: 200, delayMs: RECEIVER_DELAY_MS });
    const created = await rig.http('POST', '/v1/webhooks', {
      name: 'ordered fault',
      url: receiver.url(PATH),
      ordered: true,
      subscriptions: [{ event_type: 'project:one-off-job:pipeline-run:*' }],
    });
    expect(created.status).toBe(201);
    const { id: webhookId, secret } = created.body as { id: string; secret: string };

    // One batch per round, one event per key, each later than the round before: no key ever has a late event.
    const runs = Array.from({ length: KEYS }, () => randomUUID());
    const origin = Date.now() - 3_600_000;
    const registering = (async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const batch = runs.map((run, k) => ({
          ...pipelineRunEvent({ run, number: round }),
          occurred_at: new Date(origin + round * 1000 + k).toISOString(),
        }));
        const res = await rig.http('POST', '/v1/events/batch', batch);
        if (res.body?.summary?.successful !== KEYS) throw new Error(`batch ${round}: ${JSON.stringify(res.body)}`);
        await sleep(100);
      }
    })();

    await receiver.waitForRequests(PATH, KILL_AFTER, 120_000);
    const killed = rig.workers[1];
    killed.kill('SIGKILL');
    expect((await killed.waitExit(10_000)).signal).toBe('SIGKILL');
    const [{ n: leasedAtKill }] = await rig.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE subscriber_id = $1 AND status = 'pending' AND claimed_at IS NOT NULL`,
      [webhookId],
    );
    await registering;

    // The survivor alone finishes, taking over the dead worker's claims when their leases run out.
    const total = KEYS * ROUNDS;
    const settled = await waitForProgress(
      'every ordered delivery to be delivered',
      async () => {
        const counts = await rig.statusCounts(webhookId);
        return { progress: counts.delivered ?? 0, done: (counts.delivered ?? 0) === total };
      },
      { stallMs: 45_000, intervalMs: 500 },
    );

    // Each key's deliveries in occurred_at order, as registered.
    const rows = await rig.query<{ id: string; key: string }>(
      `SELECT d.id, d.ordering_key AS key FROM deliveries d JOIN events e ON e.id = d.event_id
        WHERE d.subscriber_id = $1 ORDER BY e.occurred_at, e.id`,
      [webhookId],
    );
    const expected = new Map<string, string[]>();
    for (const row of rows) expected.set(row.key, [...(expected.get(row.key) ?? []), row.id]);

    const verifier = new Webhook(secret);
    const received = new Map<string, string[]>();
    let badSignatures = 0;
    for (const request of receiver.received(PATH)) {
      const id = String(request.headers['webhook-id']);
      try {
        verifier.verify(request.body, {
          'webhook-id': id,
          'webhook-timestamp': String(request.headers['webhook-timestamp']),
          'webhook-signature': String(request.headers['webhook-signature']),
        });
      } catch {
        badSignatures++;
      }
      const run = (JSON.parse(request.body) as { event: { project: { job: { pipeline_run: { uuid: string } } } } }).event.project.job
        .pipeline_run.uuid;
      received.set(run, [...(received.get(run) ?? []), id]);
    }

    // Per key: each request repeats the one before it or is the key's next delivery; every delivery arrives.
    let repeats = 0;
    const outOfOrder: string[] = [];
    let lost = 0;
    for (const run of runs) {
      const order = expected.get(run) ?? [];
      const seen = received.get(run) ?? [];
      seen.forEach((id, i) => {
        const at = order.indexOf(id);
        const before = i === 0 ? -1 : order.indexOf(seen[i - 1]);
        if (at === before) repeats++;
        else if (at !== before + 1) outOfOrder.push(`${run}: #${at} after #${before}`);
      });
      lost += order.filter((id) => !seen.includes(id)).length;
    }
    process.stderr.write(
      `ORDERED WORKER KILL 2 workers, ${KEYS} keys × ${ROUNDS}: ${receiver.received(PATH).length} requests, ` +
        `${leasedAtKill} leased at the kill, repeats ${repeats}, out of order ${outOfOrder.length}, lost ${lost}, ` +
        `bad signatures ${badSignatures}; settled: ${JSON.stringify(settled)}\n`,
    );

    expect(settled.done).toBe(true);
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.key))).toEqual(new Set(runs));
    expect(outOfOrder).toEqual([]);
    expect(lost).toBe(0);
    expect(badSignatures).toBe(0);
    // Repeats only for what the killed worker had claimed.
    expect(repeats).toBeLessThanOrEqual(leasedAtKill);
    passed = true;
  }, 180_000);
});
