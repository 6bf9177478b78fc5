import { createTestDatabase, freePort, TestDatabase } from '@tidings/testing';
import { connect } from 'node:net';
import { releaseDist, TidingsProcess } from './support/fault-rig';
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
  let both: TidingsProcess;
  let workerPort: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    workerPort = await freePort();
    both = new TidingsProcess('tidings', { ...testEnv(database), PORT: String(await freePort()), WORKER_PORT: String(workerPort), LOG_LEVEL: 'log' });
    await both.start();
  });
  afterAll(async () => {
    await both?.stop();
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
});
