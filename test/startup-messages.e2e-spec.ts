import { createTestDatabase, freePort, TestDatabase, waitFor } from '@tidings/testing';
import { createServer, Server } from 'node:net';
import { PrivateRedis, releaseDist, sleep, TidingsProcess } from './support/fault-rig';
import { testEnv } from './support/tidings-harness';

/*
 * DESIGN §8: what a newcomer reads when something around Tidings is wrong.
 * A refused connection or a busy port names the setting to fix; Redis going
 * away (at start too) is one WARN line, and one line on each change after;
 * a clean stop logs no error. Real processes, built from dist/.
 */
describe('messages a newcomer can act on', () => {
  let database: TestDatabase;
  const processes: TidingsProcess[] = [];

  const run = (role: 'api' | 'worker' | 'tidings', env: Record<string, string>) => {
    const p = new TidingsProcess(role, { ...testEnv(database), ...env });
    processes.push(p);
    return p;
  };

  /** Starts a process that must fail, and returns what it said. */
  const failure = async (p: TidingsProcess) => {
    await expect(p.start(30_000)).rejects.toThrow(/exited \(1\) before it was ready/);
    return p.output();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const p of processes) await p.stop();
    await database?.drop();
    await releaseDist();
  });

  it('a refused Postgres connection at start names DATABASE_URL and where it points', async () => {
    const port = await freePort(); // nothing listens there
    const out = await failure(run('api', { DATABASE_URL: `postgres://postgres:secret-pw@127.0.0.1:${port}/tidings`, PORT: String(await freePort()) }));
    expect(out).toContain(`Cannot reach Postgres at 127.0.0.1:${port}/tidings: connect ECONNREFUSED 127.0.0.1:${port}. Check DATABASE_URL`);
    expect(out).not.toContain('secret-pw');
  });

  describe('a busy port', () => {
    let holder: Server;
    let busy: number;

    beforeAll(async () => {
      holder = createServer((socket) => socket.destroy()); // holds the port, answers nothing
      await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
      busy = (holder.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

    it('names PORT for the api', async () => {
      const out = await failure(run('api', { PORT: String(busy) }));
      expect(out).toContain(`Port ${busy} is already in use: set PORT to a free port`);
    });

    it('names WORKER_PORT for the worker, and PORT for `npm start` (its one port)', async () => {
      const worker = await failure(run('worker', { WORKER_PORT: String(busy) }));
      expect(worker).toContain(`Port ${busy} is already in use: set WORKER_PORT to a free port`);
      const both = await failure(run('tidings', { PORT: String(busy), WORKER_PORT: String(await freePort()) }));
      expect(both).toContain(`Port ${busy} is already in use: set PORT to a free port`);
    });
  });

  it('Redis unreachable: a WARN at start naming REDIS_URL, then one line per change (up, down, up), not one per retry', async () => {
    const redis = await PrivateRedis.start();
    try {
      await redis.stopServer();
      const worker = run('worker', { REDIS_URL: redis.url, WORKER_PORT: String(await freePort()), LOG_LEVEL: 'log' });
      await worker.start();
      const lines = (pattern: RegExp) => worker.output().split('\n').filter((l) => l.includes('"context":"Redis"') && pattern.test(l));
      const where = `127.0.0.1:${redis.port}`;

      await waitFor('the WARN at start', () => lines(/is unreachable/).length > 0, 10_000);
      const [warn] = lines(/is unreachable/).map((l) => JSON.parse(l));
      expect(warn).toMatchObject({ level: 40, process: 'worker' });
      expect(warn.msg).toContain(`Redis at ${where} is unreachable (connect ECONNREFUSED ${where}); check REDIS_URL`);
      await sleep(5000); // two or three retries
      expect(lines(/unreachable|reachable/)).toHaveLength(1);

      await redis.startServer();
      await waitFor('the line saying it is back', () => lines(/is reachable again/).length === 1, 15_000);
      await redis.stopServer();
      await waitFor('the WARN saying it went away', () => lines(/is no longer reachable/).length === 1, 15_000);
      expect(JSON.parse(lines(/is no longer reachable/)[0]).level).toBe(40);
      await sleep(3000);
      await redis.startServer();
      await waitFor('back again', () => lines(/is reachable again/).length === 2, 15_000);
      expect(lines(/reachable/)).toHaveLength(4); // unreachable, again, no longer, again
    } finally {
      await redis.destroy();
    }
  });

  it('`npm start` stops cleanly on SIGTERM: exit 0, no error line (each pool is ended once)', async () => {
    const both = run('tidings', { PORT: String(await freePort()), WORKER_PORT: String(await freePort()), LOG_LEVEL: 'log' });
    await both.start();
    await waitFor('the worker watching Redis', () => both.output().includes('is reachable'), 10_000);
    both.kill('SIGTERM');
    expect(await both.waitExit(20_000)).toMatchObject({ code: 0 });
    const out = both.output();
    expect(out).not.toContain('Called end on pool more than once');
    expect(out.split('\n').filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });
});
