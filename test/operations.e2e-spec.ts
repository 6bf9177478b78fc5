import { createTestDatabase, FakeWebhookReceiver, freePort, nodeScript, StartedProcess, startProcess, TestDatabase, waitFor } from '@tidings/testing';
import { join } from 'node:path';
import { pipelineRunEvent } from './support/fixtures';
import { metric } from './support/prometheus-text';
import { Harness, startTidings, testEnv } from './support/tidings-harness';

const DIST = join(__dirname, '..', 'dist');

/** The built api or worker as a process of its own, its output kept line by line. */
function start(app: 'api' | 'worker', env: Record<string, string>): StartedProcess {
  return startProcess({ name: app, ...nodeScript(DIST, `apps/${app}/src/main.js`), env: { ...process.env, ...env } });
}


describe('operations: metrics, readiness, structured logs with a request id', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings();
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  it('the api and the worker expose Prometheus metrics for what they did', async () => {
    await t.http('POST', '/v1/webhooks', { name: 'm', url: receiver.url('/m'), subscriptions: [{ event_type: 'project:*' }] });
    await t.http('POST', '/v1/events/batch', [pipelineRunEvent(), pipelineRunEvent(), pipelineRunEvent()]);
    await receiver.waitForRequests('/m', 3);

    const api = await fetch(`${t.baseUrl}/metrics`);
    expect(api.headers.get('content-type')).toMatch(/^text\/plain/);
    await api.arrayBuffer();
    // The receiver has the requests before the worker records them, and a delivery in flight still counts as due until then.
    const apiText = await waitFor('the api to count no delivery due', async () => {
      const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
      return /^tidings_deliveries_due\{process="api"\} 0$/m.test(text) ? text : undefined;
    });
    expect(metric(apiText, 'tidings_events_registered_total', { type: 'project:one-off-job:pipeline-run:failed', source: 'api' })).toBe(3);
    expect(apiText).toMatch(/^tidings_deliveries_due\{process="api"\} 0$/m);
    expect(apiText).toMatch(/^tidings_delivery_oldest_due_seconds\{process="api"\} 0$/m);
    expect(apiText).toMatch(/^tidings_webhooks_disabled\{process="api"\} 0$/m);

    const port = (t.worker!.getHttpServer().address() as { port: number }).port;
    const workerText = await waitFor('delivered counted', async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return (metric(text, 'tidings_deliveries_total', { outcome: 'delivered' }) ?? 0) >= 3 ? text : undefined;
    });
    expect(metric(workerText, 'tidings_delivery_attempt_duration_seconds_count', { result: 'success' })).toBeGreaterThanOrEqual(3);
    expect(metric(workerText, 'tidings_delivery_latency_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(metric(workerText, 'tidings_queue_jobs', { queue: 'webhook-deliveries', state: 'waiting' })).toBeGreaterThanOrEqual(0);
    expect(workerText).toMatch(/^tidings_process_resident_memory_bytes\{process="worker"\} /m);

    const ready = await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json();
    expect(ready).toMatchObject({ status: 'ok', details: { postgres: { status: 'up' }, redis: { status: 'up' }, deliveries: { status: 'up', due: 0 } } });
  });

  describe('delivery lag, the signal to scale workers on', () => {
    let slow: Harness;

    beforeAll(async () => {
      // One attempt at a time to a slow endpoint, and the relay claims only what the worker can start soon
      // (at most RELAY_BATCH_SIZE queued): the backlog stays in Postgres and drains over a few seconds.
      slow = await startTidings({ worker: false, env: { WORKER_CONCURRENCY: '1', RELAY_BATCH_SIZE: '5' } });
    });
    afterAll(async () => {
      await slow?.stop();
    });

    it('the due count and the age of the oldest due delivery follow a real backlog, and the worker stays ready while it drains', async () => {
      const lag = async (url: string) => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return { due: metric(text, 'tidings_deliveries_due')!, oldest: metric(text, 'tidings_delivery_oldest_due_seconds')! };
      };
      receiver.on('/lag', { delayMs: 200 });
      await slow.http('POST', '/v1/webhooks', { name: 'lag', url: receiver.url('/lag'), subscriptions: [{ event_type: 'project:*' }] });
      const events = Array.from({ length: 30 }, () => pipelineRunEvent());
      expect((await slow.http('POST', '/v1/events/batch', events)).status).toBe(200);

      // No worker: all 30 wait, and the oldest grows older.
      expect((await lag(slow.baseUrl)).due).toBe(30);
      const first = (await lag(slow.baseUrl)).oldest;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const later = await lag(slow.baseUrl);
      expect(later.oldest).toBeGreaterThan(first);
      expect(later.oldest).toBeGreaterThan(0.25);

      const worker = await slow.startWorker();
      const port = (worker.getHttpServer().address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(res.status).toBe(200);
      const ready: any = await res.json();
      expect(ready).toMatchObject({ status: 'ok', details: { deliveries: { status: 'up', due_capped: false } } });
      expect(ready.details.deliveries.due).toBeGreaterThanOrEqual(20);
      expect(ready.details.deliveries.oldest_due_seconds).toBeGreaterThan(0.25);

      // The worker drains it: both fall back to 0 (on the worker's own /metrics too) once every one is delivered
      // (a claimed delivery in flight still counts: it is waiting for its attempt to be recorded).
      await receiver.waitForRequests('/lag', 30, 30_000);
      await waitFor('the lag to fall back to 0', async () => {
        const now = await lag(`http://127.0.0.1:${port}`);
        return now.due === 0 && now.oldest === 0;
      }, 10_000);
    });
  });

  describe('with processes of their own', () => {
    let database: TestDatabase;
    const children: StartedProcess[] = [];

    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      for (const child of children) await child.kill();
      await database?.drop();
    });

    it("the worker is not ready while it cannot reach Redis, and says which dependency is down", async () => {
      const port = await freePort();
      const worker = start('worker', { ...testEnv(database), REDIS_URL: `redis://127.0.0.1:${await freePort()}`, WORKER_PORT: String(port) });
      children.push(worker);
      const res = await worker.waitUntil('readiness answers', async () => fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined), 20_000);
      expect(res.status).toBe(503);
      const body: any = await res.json();
      expect(body.details).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'down' } });
      expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
      await worker.kill();
    });

    it('logs JSON lines; the request id of the api call appears in the worker line for its delivery; no key or secret is logged', async () => {
      const env: Record<string, string> = { ...testEnv(database), LOG_LEVEL: 'log', PORT: String(await freePort()), WORKER_PORT: String(await freePort()) };
      const api = start('api', env);
      const worker = start('worker', env);
      children.push(api, worker);
      const base = `http://127.0.0.1:${env.PORT}`;
      await api.waitUntil('api up', () => fetch(`${base}/health/live`).then((r) => r.ok).catch(() => false), 20_000);
      await worker.waitUntil('worker up', () => worker.wrote('worker started'), 20_000);
      const auth = { authorization: `Bearer ${env.TIDINGS_ADMIN_KEY}`, 'content-type': 'application/json' };
      const hook: any = await (await fetch(`${base}/v1/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'logs', url: receiver.url('/logs'), subscriptions: [{ event_type: '*' }] }) })).json();
      const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: { ...auth, 'x-request-id': 'req-trace-42' }, body: JSON.stringify(pipelineRunEvent()) });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-request-id')).toBe('req-trace-42');
      const [request] = await receiver.waitForRequests('/logs', 1);

      const json = (lines: string[]) => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      const attempt = await waitFor('the worker line for the delivery', () =>
        json(worker.lines()).find((l) => l.msg === 'webhook attempt' && l.delivery_id === request.headers['webhook-id']),
      );
      expect(attempt).toMatchObject({ process: 'worker', request_id: 'req-trace-42', outcome: 'delivered', attempt: 1, response_status: 200 });
      const served = json(api.lines()).find((l) => l.req?.id === 'req-trace-42');
      expect(served).toMatchObject({ process: 'api', req: { method: 'POST', url: '/v1/events' }, res: { status: 201 } });
      const everything = [...api.lines(), ...worker.lines()].join('\n');
      expect(everything).not.toContain(env.TIDINGS_ADMIN_KEY);
      expect(everything).not.toContain(hook.secret);
      expect(everything).not.toContain(hook.secret.slice('whsec_'.length));
    });
  });
});
