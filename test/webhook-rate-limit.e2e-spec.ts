import { FakeWebhookReceiver, nodeScript, StartedProcess, startProcess, waitFor } from '@tidings/testing';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

const DIST = join(__dirname, '..', 'dist');
const LIMIT = 5;
/** One attempt more than the limit may fall in a 1 s window: slots are 1/LIMIT s apart, so a closed 1 s window can hold both ends. */
const TOLERANCE = 1;

/** The most requests any window [t, t + 1 s) holds, t running over the arrival times. */
function maxPerSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j] < sorted[i] + 1000) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

describe('rate_limit_per_s: one limit across every worker, without spending attempts', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  const workers: StartedProcess[] = [];

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings({ worker: false });
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await t?.stop();
    await receiver?.stop();
  });

  it('is a positive integer or null, on create and patch; anything else is a 400 and changes nothing', async () => {
    const base = { name: 'limits', url: receiver.url('/limits'), subscriptions: [{ event_type: 'ping' }] };
    for (const bad of [0, -1, 1.5, '5', true]) {
      const refused = await t.http('POST', '/v1/webhooks', { ...base, rate_limit_per_s: bad });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'rate_limit_per_s' })]));
    }
    expect((await t.http('GET', '/v1/webhooks')).body.data).toEqual([]);
    const unlimited = await t.http('POST', '/v1/webhooks', base);
    expect(unlimited.body.rate_limit_per_s).toBeNull();
    const limited = await t.http('PATCH', `/v1/webhooks/${unlimited.body.id}`, { rate_limit_per_s: 3 });
    expect(limited.body.rate_limit_per_s).toBe(3);
    expect((await t.http('PATCH', `/v1/webhooks/${unlimited.body.id}`, { rate_limit_per_s: 0 })).status).toBe(400);
    expect((await t.http('GET', `/v1/webhooks/${unlimited.body.id}`)).body.rate_limit_per_s).toBe(3);
    expect((await t.http('PATCH', `/v1/webhooks/${unlimited.body.id}`, { rate_limit_per_s: null })).body.rate_limit_per_s).toBeNull();
    await t.http('DELETE', `/v1/webhooks/${unlimited.body.id}`);
  });

  it(`two workers: the receiver never sees more than ${LIMIT} + ${TOLERANCE} requests in any second; all delivered, one attempt each`, async () => {
    const hook = await t.http('POST', '/v1/webhooks', {
      name: 'limited',
      url: receiver.url('/limited'),
      rate_limit_per_s: LIMIT,
      subscriptions: [{ event_type: 'project:one-off-job:pipeline-run:failed' }],
    });
    expect(hook.status).toBe(201);
    // Both workers log each attempt, so the test can tell that both delivered.
    const env = { ...process.env, ...t.env, LOG_LEVEL: 'log', LOG_FORMAT: 'json' };
    for (const name of ['worker-a', 'worker-b']) workers.push(startProcess({ name, ...nodeScript(DIST, 'apps/worker/src/main.js'), env }));

    const sent = 64;
    const batch = await t.http('POST', '/v1/events/batch', Array.from({ length: sent }, () => pipelineRunEvent()));
    expect(batch.body.summary.successful).toBe(sent);
    await receiver.waitForRequests('/limited', sent, 60_000);

    const requests = receiver.received('/limited');
    const arrivals = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    // From the first request (once a worker is up) to the last: at the limit, (sent - 1) / LIMIT seconds.
    const seconds = (arrivals[sent - 1] - arrivals[0]) / 1000;
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]);
    const observed = maxPerSecond(requests.map((r) => r.receivedAt));
    const attemptsBy = workers.map((w) => w.output().split('\n').filter((line) => line.includes('"webhook attempt"')).length);
    console.log(`rate limit ${LIMIT}/s, 2 workers: ${sent} deliveries in ${seconds.toFixed(1)} s; max ${observed} in any 1 s window; closest two ${Math.min(...gaps)} ms apart; attempts per worker ${attemptsBy.join(' / ')}`);
    expect(observed).toBeLessThanOrEqual(LIMIT + TOLERANCE);
    // Not much slower than the limit allows either (deferred deliveries re-polled late would show here).
    expect(seconds).toBeLessThan(((sent - 1) / LIMIT) * 1.5);
    expect(attemptsBy.every((n) => n > 0)).toBe(true);

    const ids = new Set(requests.map((r) => String(r.headers['webhook-id'])));
    expect(ids.size).toBe(sent);
    for (const r of requests) new Webhook(hook.body.secret).verify(r.body, r.headers as Record<string, string>);
    await waitFor('every delivery recorded', async () => {
      const [row] = await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE subscriber_id = $1 AND status = 'delivered'`, [hook.body.id]);
      return row.n === sent;
    }, 15_000);
    // Waiting was never an attempt: one attempt per delivery, each a success.
    const [attempts] = await t.db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE a.response_status <> 200 OR a.error IS NOT NULL)::int AS failed, max(d.attempt_count) AS most
         FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.subscriber_id = $1`,
      [hook.body.id],
    );
    expect(attempts).toEqual({ n: sent, failed: 0, most: 1 });
  }, 120_000);
});
