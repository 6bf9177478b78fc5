import { FakeWebhookReceiver, nodeScript, StartedProcess, startProcess, waitFor } from '@tidings/testing';
import { join } from 'node:path';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

const DIST = join(__dirname, '..', 'dist');

describe('a worker killed with claims in flight loses nothing', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  let child: StartedProcess | undefined;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    // Short lease so expired claims come back quickly; the receiver is slow so attempts are in flight at the kill.
    t = await startTidings({ worker: false, env: { DELIVERY_CLAIM_LEASE: '3s', WEBHOOK_TIMEOUT_MS: '2000', WORKER_CONCURRENCY: '4' } });
  });
  afterAll(async () => {
    await child?.kill();
    await t?.stop();
    await receiver?.stop();
  });

  it('SIGKILL mid-delivery, then a new worker: every committed event is delivered, duplicates only for attempts in flight', async () => {
    receiver.on('/slow', { status: 200, delayMs: 400 });
    const hook = await t.http('POST', '/v1/webhooks', { name: 'slow', url: receiver.url('/slow'), subscriptions: [{ event_type: '*' }] });
    const sent = 24;
    const result = await t.http('POST', '/v1/events/batch', Array.from({ length: sent }, () => pipelineRunEvent()));
    expect(result.body.summary.successful).toBe(sent);

    child = startProcess({ name: 'worker', ...nodeScript(DIST, 'apps/worker/src/main.js'), env: { ...process.env, ...t.env } });
    await receiver.waitForRequests('/slow', 2, 20_000);
    const inFlightAtKill = await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending' AND claimed_at IS NOT NULL`);
    await child.kill();
    const receivedBeforeRestart = receiver.received('/slow').length;
    expect(receivedBeforeRestart).toBeLessThan(sent);

    await t.startWorker();
    await waitFor(
      'every delivery delivered',
      async () => {
        const [row] = await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE subscriber_id = $1 AND status = 'delivered'`, [hook.body.id]);
        return row.n === sent;
      },
      45_000,
      200,
    );
    const ids = receiver.received('/slow').map((r) => String(r.headers['webhook-id']));
    const unique = new Set(ids);
    const duplicates = ids.length - unique.size;
    console.log(`worker SIGKILL: sent ${sent} / delivered ${unique.size} / duplicates ${duplicates} / lost ${sent - unique.size} (claimed at kill: ${inFlightAtKill[0].n})`);
    expect(unique.size).toBe(sent);
    // Only attempts the killed worker had started can be sent twice (at most its concurrency).
    expect(duplicates).toBeLessThanOrEqual(Number(t.env.WORKER_CONCURRENCY));
  }, 90_000);
});
