import { createTestDatabase, FakeWebhookReceiver, freePort, TestDatabase, waitFor } from '@tidings/testing';
import { connect } from 'node:net';
import { releaseDist, TidingsProcess } from './support/fault-rig';
import { pipelineRunEvent } from './support/fixtures';
import { testEnv } from './support/tidings-harness';

/** Whether anything accepts a TCP connection on this loopback port (answers within a second either way). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/*
 * DESIGN §2: `npm start` runs the api and the worker in one process on one
 * port; the worker's health and metrics are served on it. A real process, built from dist/.
 */
describe('`npm start`: api and worker in one process on one port', () => {
  let database: TestDatabase;
  let receiver: FakeWebhookReceiver;
  let both: TidingsProcess;
  let workerPort: number;
  let adminKey: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await FakeWebhookReceiver.start();
    workerPort = await freePort();
    const env = testEnv(database, { PORT: String(await freePort()), WORKER_PORT: String(workerPort), LOG_LEVEL: 'log' });
    adminKey = env.TIDINGS_ADMIN_KEY;
    both = new TidingsProcess('tidings', env);
    await both.start();
  });
  afterAll(async () => {
    await both?.stop();
    await receiver?.stop();
    await database?.drop();
    await releaseDist();
  });

  const get = (path: string) => fetch(`${both.baseUrl}${path}`, { signal: AbortSignal.timeout(5000) });

  it('answers /health/live on PORT', async () => {
    expect((await get('/health/live')).status).toBe(200);
  });

  it("reports the api's and the worker's readiness (with the delivery lag) on PORT", async () => {
    const res = await get('/health/ready');
    const body: any = await res.json();
    expect(res.status).toBe(200);
    expect(body.details).toMatchObject({
      postgres: { status: 'up' },
      redis: { status: 'up', required_by_api: false },
      worker: { status: 'up', postgres: { status: 'up' }, redis: { status: 'up' }, deliveries: { status: 'up', due: 0, due_capped: false } },
    });
  });

  it("serves both processes' metrics on PORT, each family once", async () => {
    const res = await get('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^tidings_webhooks_disabled\{process="api"\} 0$/m);
    expect(text).toMatch(/^tidings_webhooks_disabled\{process="worker"\} 0$/m);
    expect(text).toMatch(/^tidings_queue_jobs\{.*process="worker".*\} \d+$/m); // only the worker watches the queue
    expect(text.match(/^# TYPE tidings_webhooks_disabled /gm)).toHaveLength(1);
  });

  it('does not open WORKER_PORT', async () => {
    expect(await listening(workerPort)).toBe(false);
    expect(await listening(Number(new URL(both.baseUrl).port))).toBe(true);
  });

  /** Registers an event for a webhook on the receiver, under a request id of ours, and waits for its delivery. */
  async function deliverOne(p: TidingsProcess, adminKey: string, path: string, requestId: string): Promise<void> {
    const auth = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const hook = { name: path, url: receiver.url(path), subscriptions: [{ event_type: '*' }] };
    expect((await fetch(`${p.baseUrl}/v1/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify(hook) })).status).toBe(201);
    const res = await fetch(`${p.baseUrl}/v1/events`, { method: 'POST', headers: { ...auth, 'x-request-id': requestId }, body: JSON.stringify(pipelineRunEvent()) });
    expect(res.status).toBe(201);
    await receiver.waitForRequests(path, 1);
  }

  it('logs JSON lines, each labelled by the half that wrote it: api for a request, worker for its delivery', async () => {
    await deliverOne(both, adminKey, '/json', 'req-one-json');
    const entries = () => both.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const attempt = await waitFor('the worker line for the delivery', () => entries().find((e) => e.msg === 'webhook attempt' && e.request_id === 'req-one-json'), 10_000);
    expect(attempt).toMatchObject({ process: 'worker', outcome: 'delivered' });
    expect(entries().find((e) => e.req?.id === 'req-one-json')).toMatchObject({ process: 'api', req: { method: 'POST', url: '/v1/events' }, res: { status: 201 } });
    // Lines outside any request too: each app's own start-up lines name their own half.
    expect(entries().find((e) => e.context === 'RoutesResolver' && e.msg.startsWith('EventsController'))).toMatchObject({ process: 'api' });
    expect(entries().find((e) => e.context === 'RoutesResolver' && e.msg.startsWith('WorkerHealthController'))).toMatchObject({ process: 'worker' });
    expect(both.output()).not.toMatch(/^[^{\n-][^\n]*\bINFO\b/m); // nothing pretty in json mode
  });

  it('LOG_FORMAT=pretty: one readable line per entry, with the same labels', async () => {
    // A database of its own: the other process's relay would otherwise send (and log) this delivery.
    const own = await createTestDatabase();
    const env = testEnv(own, { PORT: String(await freePort()), LOG_LEVEL: 'log', LOG_FORMAT: 'pretty' });
    const pretty = new TidingsProcess('tidings', env);
    try {
      await pretty.start();
      await deliverOne(pretty, env.TIDINGS_ADMIN_KEY, '/pretty', 'req-one-pretty');
      const lines = () => pretty.output().split('\n');
      const stamp = '^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ';
      const attempt = await waitFor('the worker line for the delivery', () => lines().find((l) => l.includes('webhook attempt') && l.includes('request_id=req-one-pretty')), 10_000);
      expect(attempt).toMatch(new RegExp(`${stamp}INFO  worker \\[DeliverWebhook\\] webhook attempt .*outcome=delivered`));
      expect(lines().find((l) => l.includes('"id":"req-one-pretty"'))).toMatch(new RegExp(`${stamp}INFO  api    request completed req=\\{"id":"req-one-pretty","method":"POST","url":"/v1/events"\\} res=\\{"status":201\\}`));
      expect(lines().filter((l) => l.startsWith('{"level"'))).toEqual([]);
    } finally {
      await pretty.stop();
      await own.drop();
    }
  });
});
