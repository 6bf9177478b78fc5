import {
  atExit,
  clearQueuePrefix,
  createTestDatabase,
  BuildSnapshot,
  FakeWebhookReceiver,
  nodeScript,
  ProcessExit,
  runProcess,
  snapshotBuild,
  sweepBuildSnapshots,
  StartedProcess,
  StartOptions,
  startProcess,
  waitFor,
} from '@tidings/testing';
import Redis from 'ioredis';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { searchPathOption } from '@tidings/database';
import { pipelineRunEvent } from './fixtures';
import { testEnv } from './tidings-harness';
import { freePort } from '@tidings/testing';
export { freePort };

/*
 * The fault rig: private Postgres and Redis servers (so a fault never touches
 * the shared ones other test files and other engineers use), the api and the
 * worker as real child processes (built `dist/`), a load driver that records
 * every request's outcome, and the summary line each fault prints. Processes
 * are started and cleaned up by the process harness of libs/testing.
 *
 * Knobs for investigating a failure (not needed in CI):
 *   FAULT_DEBUG=1         print the api's and worker's output at the end of every fault file
 *   FAULT_DIST=<dir>      run the processes from another build's dist/ (e.g. a candidate fix)
 */

const REPO_ROOT = join(__dirname, '..', '..');
const IS_ROOT = process.getuid?.() === 0;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A temp dir of this run's (removed by the cleanup of whatever made it). */
function ownedTempDir(kind: 'pg' | 'redis' | 'pgbouncer' | 'netns'): string {
  return mkdtempSync(join(tmpdir(), `tidings-${kind}-`));
}

/** Each test file runs its processes from one snapshot of dist/ (snapshotBuild), taken at first use. */
let distSnapshot: Promise<BuildSnapshot> | undefined;

export async function builtDist(): Promise<string> {
  // FAULT_DIST: run another build (e.g. a candidate fix built elsewhere) instead of a snapshot of dist/.
  if (process.env.FAULT_DIST) return process.env.FAULT_DIST;
  // A test file that forgot releaseDist, or a run killed outright, left its snapshot behind: its pid is gone.
  if (!distSnapshot) sweepBuildSnapshots('dist');
  distSnapshot ??= snapshotBuild(join(REPO_ROOT, 'dist'), {
    label: 'dist',
    expect: ['apps/api/src/main.js', 'apps/worker/src/main.js', 'apps/tidings/src/main.js'],
  });
  return (await distSnapshot).dist;
}

/** Removes the snapshot (the next builtDist() takes a new one). */
export async function releaseDist(): Promise<void> {
  const snapshot = await distSnapshot?.catch(() => undefined);
  distSnapshot = undefined;
  snapshot?.remove();
}

/** The newest installed PostgreSQL's bin/ (Debian layout), else whatever is on PATH. */
function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** initdb/pg_ctl refuse to run as root: as root, run them as the postgres user. */
function postgresCommand(name: string, args: string[]): [string, string[]] {
  const binDir = postgresBinDir();
  const bin = binDir ? join(binDir, name) : name;
  return IS_ROOT ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

/** A PostgreSQL cluster of our own in a temp dir, on a free port, trust auth. Stop, crash and restart it at will. */
export class PrivatePostgres {
  private running = false;
  private forgetAtExit?: () => void;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly settings: Record<string, string>,
  ) {}

  /** `settings`: server settings over the defaults below (e.g. a low `max_connections`). */
  static async start(settings: Record<string, string> = {}): Promise<PrivatePostgres> {
    const pg = new PrivatePostgres(ownedTempDir('pg'), await freePort(), settings);
    pg.forgetAtExit = atExit(pg.cleanupSync);
    try {
      if (IS_ROOT) await runProcess({ name: 'chown', command: 'chown', args: ['postgres', pg.dir] });
      await pg.pgCommand('initdb', ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
      await pg.start();
      await pg.query(`CREATE DATABASE tidings`, [], 'postgres');
    } catch (error) {
      await pg.destroy();
      throw error;
    }
    return pg;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  url(database = 'tidings'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const settings = {
      listen_addresses: '127.0.0.1',
      max_connections: '200',
      // A throwaway cluster: a Postgres crash (not an OS crash) still loses nothing committed without fsync.
      fsync: 'off',
      full_page_writes: 'off',
      ...this.settings,
    };
    const options = [`-p ${this.port}`, `-k ${this.dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
    await this.pgCommand('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start']);
    this.running = true;
  }

  /** `fast`: a clean stop (sessions terminated); `immediate`: a crash (recovery at next start). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.pgCommand('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    this.running = false;
  }

  async restart(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** One query on a short-lived connection (survives restarts between calls). */
  async query<T = any>(sql: string, params: unknown[] = [], database = 'tidings'): Promise<T[]> {
    const client = new Client({
      connectionString: this.url(database),
      connectionTimeoutMillis: 5000,
      options: searchPathOption('tidings'),
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async destroy(): Promise<void> {
    if (this.running) await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
    this.forgetAtExit?.();
  }

  private readonly cleanupSync = () => {
    if (this.running) {
      try {
        execFileSync(...postgresCommand('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']), {
          stdio: 'ignore',
          timeout: 30_000,
        });
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  };

  private async pgCommand(name: string, args: string[]): Promise<void> {
    const [command, argv] = postgresCommand(name, args);
    await runProcess({ name: `${name} ${args.join(' ')}`, command, args: argv, timeoutMs: 90_000 });
  }
}

/** A redis-server child of our own on a free port, no persistence: "stopped" is killed, "started again" comes back empty. */
export class PrivateRedis {
  private server?: StartedProcess;
  /** The server itself, if still running at exit, is killed by the process harness. */
  private readonly forgetDir = atExit(() => rmSync(this.dir, { recursive: true, force: true }));

  private constructor(
    readonly port: number,
    readonly dir: string,
    /** A Sentinel watching this primary (under this name), rather than a server. */
    private readonly sentinelOf?: { primary: PrivateRedis; name: string },
    /** A node of a Redis Cluster of its own, holding all 16384 slots. */
    private readonly clusterNode = false,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), ownedTempDir('redis'));
    await redis.startServer();
    return redis;
  }

  /** A Redis Sentinel of our own that monitors `primary` as `name` (quorum 1). */
  static async startSentinel(primary: PrivateRedis, name: string): Promise<PrivateRedis> {
    const sentinel = new PrivateRedis(await freePort(), ownedTempDir('redis'), { primary, name });
    await sentinel.startServer();
    return sentinel;
  }

  /** A one-node Redis Cluster (all slots on this node), ready (`cluster_state:ok`) when this resolves. */
  static async startCluster(): Promise<PrivateRedis> {
    const node = new PrivateRedis(await freePort(), ownedTempDir('redis'), undefined, true);
    await node.startServer();
    await node.command((client) => client.cluster('ADDSLOTSRANGE', 0, 16383));
    await waitFor(
      'the Redis Cluster to be ok',
      () => node.command(async (client) => /cluster_state:ok/.test(await client.cluster('INFO'))),
      15_000,
    );
    return node;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return !!this.server?.running;
  }

  async startServer(): Promise<void> {
    if (this.isRunning) return;
    let args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    if (this.clusterNode) {
      // A lone node that has met no other does not know its address and would announce slots served by "".
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(this.dir, 'nodes.conf'), '--cluster-announce-ip', '127.0.0.1');
    }
    if (this.sentinelOf) {
      // A Sentinel needs a config file of its own that it may rewrite.
      const config = join(this.dir, 'sentinel.conf');
      writeFileSync(
        config,
        [
          `port ${this.port}`,
          'bind 127.0.0.1',
          `dir ${this.dir}`,
          `sentinel monitor ${this.sentinelOf.name} 127.0.0.1 ${this.sentinelOf.primary.port} 1`,
          `sentinel down-after-milliseconds ${this.sentinelOf.name} 2000`,
        ].join('\n') + '\n',
      );
      args = [config, '--sentinel'];
    }
    this.server = startProcess({ name: 'redis-server', command: 'redis-server', args, keep: 4000 });
    await this.server.waitUntil(`redis-server on :${this.port}`, () => this.ping(), 15_000, 50);
  }

  /** Kills the server (SIGKILL: an outage, not a clean shutdown). Its data is gone. */
  async stopServer(): Promise<void> {
    if (this.isRunning) await this.server!.kill();
  }

  async ping(): Promise<boolean> {
    const client = this.client();
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  async command<T>(fn: (client: Redis) => Promise<T>): Promise<T> {
    const client = this.client();
    try {
      await client.connect();
      return await fn(client);
    } finally {
      client.disconnect();
    }
  }

  async flushAll(): Promise<void> {
    await this.command((client) => client.flushall());
  }

  async destroy(): Promise<void> {
    await this.stopServer();
    rmSync(this.dir, { recursive: true, force: true });
    this.forgetDir();
  }

  private client(): Redis {
    const client = new Redis({
      host: '127.0.0.1',
      port: this.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectTimeout: 2000,
    });
    client.on('error', () => undefined);
    return client;
  }
}

/**
 * A PgBouncer of our own (Debian's `pgbouncer` package) in a temp dir, on a free port, pooling in `pool_mode` in
 * front of one database of the machine's Postgres, which it reaches through the Unix socket: so that Postgres tells
 * the pool's server connections (no client address) from direct ones (TCP). Its admin console is database `pgbouncer`.
 */
export class PrivatePgBouncer {
  private server?: StartedProcess;
  private readonly forgetDir = atExit(() => rmSync(this.dir, { recursive: true, force: true }));

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly database: string,
  ) {}

  /** `settings`: pgbouncer.ini [pgbouncer] settings over the defaults below (e.g. `default_pool_size`). */
  static async start(upstreamUrl: string, settings: Record<string, string> = {}): Promise<PrivatePgBouncer> {
    const upstream = new URL(upstreamUrl);
    const database = decodeURIComponent(upstream.pathname.slice(1));
    const bouncer = new PrivatePgBouncer(await freePort(), ownedTempDir('pgbouncer'), database);
    try {
      const socketDir = await withClient(upstreamUrl, async (client) => (await client.query(`SELECT split_part(current_setting('unix_socket_directories'), ',', 1) AS dir`)).rows[0].dir);
      const user = decodeURIComponent(upstream.username || 'postgres');
      const ini = {
        listen_addr: '127.0.0.1',
        listen_port: String(bouncer.port),
        unix_socket_dir: '',
        auth_type: 'any',
        admin_users: user,
        pool_mode: 'transaction',
        max_client_conn: '200',
        logfile: join(bouncer.dir, 'pgbouncer.log'),
        pidfile: join(bouncer.dir, 'pgbouncer.pid'),
        // pgbouncer refuses to run as root: it drops to this user (who must be able to write the temp dir).
        ...(IS_ROOT ? { user: 'postgres' } : {}),
        ...settings,
      };
      const config = join(bouncer.dir, 'pgbouncer.ini');
      writeFileSync(
        config,
        [
          '[databases]',
          `${database} = host=${socketDir} port=${upstream.port || 5432} dbname=${database} user=${user}`,
          '[pgbouncer]',
          ...Object.entries(ini).map(([k, v]) => `${k} = ${v}`),
        ].join('\n') + '\n',
      );
      if (IS_ROOT) await runProcess({ name: 'chown', command: 'chown', args: ['-R', 'postgres', bouncer.dir] });
      bouncer.server = startProcess({ name: 'pgbouncer', command: 'pgbouncer', args: [config], keep: 8000 });
      await bouncer.server.waitUntil(`pgbouncer on :${bouncer.port}`, () => bouncer.admin('SHOW VERSION').then(() => true, () => false), 15_000, 100);
    } catch (error) {
      await bouncer.destroy();
      throw error;
    }
    return bouncer;
  }

  /** DATABASE_URL through the pool. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${this.database}`;
  }

  /** Runs a command of the admin console (SHOW POOLS, SHOW STATS …) and returns its rows. */
  admin<T = Record<string, any>>(command: string): Promise<T[]> {
    // The console speaks only the simple query protocol, and knows no startup parameters but the basic ones.
    return withClient(`postgres://postgres@127.0.0.1:${this.port}/pgbouncer`, async (client) => (await client.query(command)).rows as T[]);
  }

  /** What it logged (the end of its output and log file), for a failing test's message. */
  tail(): string {
    return this.server?.tail(40) ?? '';
  }

  async destroy(): Promise<void> {
    if (this.server?.running) await this.server.stop(5_000);
    rmSync(this.dir, { recursive: true, force: true });
    this.forgetDir();
  }
}

async function withClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A network namespace of our own (needs root: `unshare --net`), its loopback
 * up and nothing of this machine's answering on it: no Postgres at 5432, no
 * Redis at 6379. Processes run in it through `nsenter` (same pid, so the
 * process harness supervises them as usual). bridge() relays chosen ports
 * between the two loopbacks through Unix sockets, which every namespace sees.
 */
export class NetworkNamespace {
  private readonly relays: StartedProcess[] = [];
  private readonly forgetDir: () => void;

  private constructor(
    private readonly holder: StartedProcess,
    /** Where the relays' sockets live. */
    readonly dir: string,
  ) {
    this.forgetDir = atExit(() => rmSync(dir, { recursive: true, force: true }));
  }

  static async create(): Promise<NetworkNamespace> {
    if (!IS_ROOT) throw new Error('a network namespace of its own needs root (unshare --net); this test cannot run without it');
    // The holder keeps the namespace while nothing else runs in it; bounded, should every cleanup fail.
    const holder = startProcess({ name: 'netns', command: 'unshare', args: ['--net', 'sh', '-c', 'ip link set lo up && echo up && exec sleep 1800'] });
    const ns = new NetworkNamespace(holder, ownedTempDir('netns'));
    await holder.waitUntil('the network namespace', () => holder.lines().includes('up'), 15_000, 50);
    return ns;
  }

  /** The same command, run inside. */
  wrap(options: StartOptions): StartOptions {
    return { ...options, command: 'nsenter', args: [`--net=/proc/${this.holder.pid}/ns/net`, '--', options.command, ...(options.args ?? [])] };
  }

  start(options: StartOptions): StartedProcess {
    return startProcess(this.wrap(options));
  }

  /** Runs a command inside to its end: its output. */
  run(options: StartOptions & { timeoutMs?: number }): Promise<string> {
    return runProcess(this.wrap(options));
  }

  /**
   * `inward`: ports on our loopback that answer on the namespace's too (a
   * receiver); `outward`: ports on the namespace's loopback that answer on ours
   * too (the api). Each number must be free on the side that gains it.
   */
  async bridge({ inward = [], outward = [] }: { inward?: number[]; outward?: number[] }): Promise<void> {
    const socket = (kind: string, port: number) => join(this.dir, `${kind}-${port}.sock`);
    const outside = [...inward.map((p) => `${socket('in', p)}=${p}`), ...outward.map((p) => `${p}=${socket('out', p)}`)];
    const inside = [...inward.map((p) => `${p}=${socket('in', p)}`), ...outward.map((p) => `${socket('out', p)}=${p}`)];
    const relay = (args: string[]) => ({ name: 'socket-relay', command: process.execPath, args: [join(__dirname, 'socket-relay.js'), ...args], keep: 4000 });
    for (const started of [startProcess(relay(outside)), this.start(relay(inside))]) {
      this.relays.push(started);
      await started.waitUntil('the socket relay', () => started.lines().includes('relaying'), 15_000, 50);
    }
  }

  async destroy(): Promise<void> {
    for (const relay of this.relays) await relay.kill();
    await this.holder.kill();
    rmSync(this.dir, { recursive: true, force: true });
    this.forgetDir();
  }
}

/** Per process; a Postgres outage alone logs a few thousand error lines. */
const OUTPUT_LIMIT = 8_000_000;

/**
 * `node dist/apps/<role>/src/main.js` as a child process, started again at
 * will (same env, same port). Ready means GET /health/live answers 200 (the
 * api and `tidings`, i.e. `npm start`, on PORT; the worker on WORKER_PORT), or
 * the worker logged "worker started" (at LOG_LEVEL `log`). Output (stdout +
 * stderr) is kept for assertions and for the failure dump.
 */
export class TidingsProcess {
  /** Each start, oldest first. */
  private readonly starts: StartedProcess[] = [];

  constructor(
    readonly role: 'api' | 'worker' | 'tidings',
    private readonly env: Record<string, string>,
    /** Its working directory (default: the repository), and a network namespace to run it in (default: ours). */
    private readonly place: { cwd?: string; netns?: NetworkNamespace } = {},
  ) {}

  private get current(): StartedProcess | undefined {
    return this.starts.at(-1);
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** Each start's pid, oldest first. */
  get pids(): number[] {
    return this.starts.map((p) => p.pid!);
  }

  get isRunning(): boolean {
    return !!this.current?.running;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.env.PORT}`;
  }

  /** Everything the process (all its starts) wrote, stdout and stderr interleaved. */
  output(): string {
    return this.starts
      .map((p) => `\n----- ${this.role} pid ${p.pid} started at ${p.startedAt.toISOString()} -----\n${p.output()}`)
      .join('');
  }

  async start(readyTimeoutMs = 60_000): Promise<void> {
    if (this.isRunning) throw new Error(`${this.role} is already running (pid ${this.pid})`);
    const launch: StartOptions = {
      name: this.role,
      ...nodeScript(await builtDist(), `apps/${this.role}/src/main.js`),
      cwd: this.place.cwd ?? REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NODE_PATH: join(REPO_ROOT, 'node_modules'),
        NO_COLOR: '1',
        ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
        ...this.env,
      },
      keep: OUTPUT_LIMIT,
    };
    const started = startProcess(this.place.netns ? this.place.netns.wrap(launch) : launch);
    this.starts.push(started);
    await started.waitUntil(
      `${this.role} (pid ${started.pid}) to be ready`,
      async () => {
        if (this.role === 'worker' && started.wrote('worker started')) return true;
        if (this.role === 'worker' && !this.env.WORKER_PORT) return false;
        const port = this.role === 'worker' ? this.env.WORKER_PORT : this.env.PORT;
        const res = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        return res.status === 200;
      },
      readyTimeoutMs,
      100,
    );
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.isRunning) throw new Error(`${this.role} is not running`);
    this.current!.signal(signal);
  }

  /** Resolves when the current process has exited; rejects after `timeoutMs`. */
  waitExit(timeoutMs = 30_000): Promise<ProcessExit> {
    if (!this.current) throw new Error(`${this.role} was never started`);
    return this.current.waitExit(timeoutMs);
  }

  /** SIGKILL if still running, then start again (same env, same port). */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** SIGKILL and wait: cleanup, not a fault. */
  async stop(): Promise<void> {
    await this.current?.kill(10_000);
  }

  /** Log lines that mention any of these request ids, leaving out the per-request access lines. */
  linesFor(requestIds: (string | undefined)[]): string[] {
    const ids = requestIds.filter((id): id is string => !!id);
    return this.output()
      .split('\n')
      .filter((line) => ids.some((id) => line.includes(id)) && !/"msg":"request (completed|errored)"/.test(line));
  }

  /** The last lines of output, leaving out routine per-request log lines. */
  tail(lines = 60): string {
    return this.output()
      .split('\n')
      .filter((line) => !line.includes('"msg":"request completed"'))
      .slice(-lines)
      .join('\n');
  }
}

/** One HTTP request the load driver made. */
/** Api processes sharing one database and one queue prefix, as replicas do. */
export interface ApiReplicas {
  env: Record<string, string>;
  apis: TidingsProcess[];
  /** Ends the processes and removes their database, their Redis keys and this run's build snapshot. */
  stop(): Promise<void>;
}

/** `count` api processes (each on its own port) on a fresh database and queue prefix, for what must hold across replicas. */
export async function startApiReplicas(count: number, overrides: Record<string, string> = {}): Promise<ApiReplicas> {
  const database = await createTestDatabase();
  const env = testEnv(database, { LOG_LEVEL: 'warn', ...overrides });
  const apis: TidingsProcess[] = [];
  for (let i = 0; i < count; i++) apis.push(new TidingsProcess('api', { ...env, PORT: String(await freePort()) }));
  for (const api of apis) await api.start();
  return {
    env,
    apis,
    async stop() {
      for (const api of apis) await api.stop();
      await clearQueuePrefix(env.QUEUE_PREFIX);
      await database.drop();
      await releaseDist();
    },
  };
}

export interface RequestOutcome {
  index: number;
  idempotencyKey: string;
  startedAt: number;
  durationMs: number;
  /** HTTP status, when a response came back. */
  status?: number;
  /** Network error or client timeout: no response at all. */
  error?: string;
  /** The event id in a 200/201 body. */
  eventId?: string;
  /** The error code in a 4xx/5xx body. */
  errorCode?: string;
  /** The api's x-request-id for this request (its log lines carry it). */
  requestId?: string;
  /** The event sent (kept so a client can retry with the same Idempotency-Key). */
  body: unknown;
}

export interface LoadOptions {
  baseUrl: string;
  apiKey: string;
  /** Requests in flight at most. */
  concurrency: number;
  /** Stop after this many requests (else run until stop()). */
  total?: number;
  /** Spread requests out: at most this many started per second. */
  ratePerSecond?: number;
  /** Client-side bound on each request (then recorded as error "client timeout"). */
  requestTimeoutMs?: number;
  /** The body of request `index` (default: a pipeline-run event with fresh ids). */
  body?: (index: number) => unknown;
}

/**
 * POSTs events to /v1/events with bounded concurrency (global fetch, undici),
 * each with its own Idempotency-Key, and records every outcome: status or
 * network error, duration, key, event id.
 */
export class LoadDriver {
  readonly outcomes: RequestOutcome[] = [];
  private next = 0;
  private posted = 0;
  private stopped = false;
  private started = 0;
  private running?: Promise<void>;
  private readonly runId = randomBytes(4).toString('hex');

  constructor(private readonly options: LoadOptions) {}

  start(): this {
    this.started = Date.now();
    this.running = Promise.all(Array.from({ length: this.options.concurrency }, () => this.lane())).then(() => undefined);
    return this;
  }

  /** Requests issued so far. */
  get issued(): number {
    return this.posted;
  }

  get inFlight(): number {
    return this.posted - this.outcomes.length;
  }

  /** Resolves when every request has an outcome (after `total`, or after stop()). */
  async finished(): Promise<RequestOutcome[]> {
    await this.running;
    return this.outcomes;
  }

  /** Issue nothing more; wait for the requests in flight. */
  async stop(): Promise<RequestOutcome[]> {
    this.stopped = true;
    return this.finished();
  }

  /** Waits until `count` requests have an outcome matching `predicate`. */
  async waitFor(what: string, count: number, predicate: (o: RequestOutcome) => boolean, timeoutMs: number): Promise<void> {
    await waitFor(
      `${count} ${what} (have ${this.outcomes.filter(predicate).length})`,
      () => this.outcomes.filter(predicate).length >= count,
      timeoutMs,
      20,
    );
  }

  private async lane(): Promise<void> {
    for (;;) {
      if (this.stopped || (this.options.total !== undefined && this.next >= this.options.total)) return;
      const index = this.next++;
      if (this.options.ratePerSecond) {
        const due = this.started + (index * 1000) / this.options.ratePerSecond;
        if (due > Date.now()) await sleep(due - Date.now());
        if (this.stopped) return;
      }
      this.posted++;
      this.outcomes.push(await this.post(index));
    }
  }

  /** One more request outside the stream (a fresh event and key), recorded like the others. */
  async sendOne(): Promise<RequestOutcome> {
    const outcome = await this.post(this.next++);
    this.outcomes.push(outcome);
    return outcome;
  }

  /** Sends the same event again with the same Idempotency-Key, as a client retrying after no response would. */
  resend(original: RequestOutcome): Promise<RequestOutcome> {
    return this.post(original.index, original.idempotencyKey, original.body);
  }

  private async post(
    index: number,
    idempotencyKey = `fault-${this.runId}-${index}-${randomUUID()}`,
    body: unknown = this.options.body ? this.options.body(index) : pipelineRunEvent(),
  ): Promise<RequestOutcome> {
    const startedAt = Date.now();
    const outcome: RequestOutcome = { index, idempotencyKey, startedAt, durationMs: 0, body };
    try {
      const res = await fetch(`${this.options.baseUrl}/v1/events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      });
      outcome.status = res.status;
      outcome.requestId = res.headers.get('x-request-id') ?? undefined;
      const text = await res.text();
      try {
        const parsed = JSON.parse(text);
        if (res.status < 300) outcome.eventId = parsed.id;
        else outcome.errorCode = parsed.error;
      } catch {
        // not JSON
      }
    } catch (error: any) {
      outcome.status = undefined;
      outcome.error = describeFetchError(error);
    }
    outcome.durationMs = Date.now() - startedAt;
    return outcome;
  }
}

function describeFetchError(error: any): string {
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return 'client timeout';
  const cause = error?.cause;
  return cause?.code ?? cause?.message ?? error?.message ?? String(error);
}

/** Tallies outcomes by status (or error) for messages: `201×120 503×14 ECONNREFUSED×3`. */
export function tally(outcomes: RequestOutcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const key =
      o.status !== undefined ? String(o.status) + (o.errorCode && o.status >= 400 ? `(${o.errorCode})` : '') : (o.error ?? 'error');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([k, n]) => `${k}×${n}`).join(' ') || 'none';
}

/** What the receiver got on `path`, by webhook-id. */
export function receiverCounts(receiver: FakeWebhookReceiver, path: string) {
  const perId = new Map<string, number>();
  for (const request of receiver.received(path)) {
    const id = String(request.headers['webhook-id']);
    perId.set(id, (perId.get(id) ?? 0) + 1);
  }
  const received = receiver.received(path).length;
  return { received, unique: perId.size, duplicates: received - perId.size, perId };
}

export interface FaultFigures {
  sent: number;
  delivered: number;
  duplicates: number;
  lost: number;
}

/** `FAULT worker-sigkill: sent 300 / delivered 300 / duplicates 3 / lost 0 (in flight at kill: 8)` on stderr, so CI logs show it. */
export function printFaultSummary(name: string, figures: FaultFigures, extra?: string): void {
  const line = `FAULT ${name}: sent ${figures.sent} / delivered ${figures.delivered} / duplicates ${figures.duplicates} / lost ${figures.lost}${extra ? ` (${extra})` : ''}`;
  process.stderr.write(`${line}\n`);
}

/**
 * The environment for the child processes: like testEnv() in
 * tidings-harness.ts, but pointed at the private servers, with a compressed
 * retry schedule and short leases.
 */
export function faultEnv(
  pg: PrivatePostgres,
  redis: PrivateRedis,
  [port, workerPort]: [number, number],
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: pg.url(),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'tidings_fault',
    TIDINGS_ADMIN_KEY: `admin_${randomBytes(16).toString('hex')}`,
    WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,::1/128',
    WEBHOOK_RETRY_SCHEDULE: '0,200ms,200ms,500ms,1s,1s,2s,2s',
    WEBHOOK_TIMEOUT_MS: '2000',
    DELIVERY_CLAIM_LEASE: '3s',
    RELAY_INTERVAL: '200ms',
    RELAY_BATCH_SIZE: '50',
    WORKER_CONCURRENCY: '4',
    DATABASE_POOL_SIZE: '10',
    SHUTDOWN_GRACE: '5s',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    WORKER_PORT: String(workerPort),
    ...overrides,
    // Not what these tests are about; a 429 would only blur the figures.
    INGEST_RATE_LIMIT: 'off',
    INGEST_DELIVERY_RATE_LIMIT: 'off',
    // Every test here has one endpoint: let it use all of the worker's slots.
    WEBHOOK_ENDPOINT_CONCURRENCY: overrides.WEBHOOK_ENDPOINT_CONCURRENCY ?? overrides.WORKER_CONCURRENCY ?? '4',
  };
}

export interface FaultRigOptions {
  /** Env for both processes. */
  env?: Record<string, string>;
  /** Start the worker too (default true). */
  worker?: boolean;
  /** Settings for the private Postgres server. */
  postgres?: Record<string, string>;
  /** Replicas (default 1 each): each its own port, all on the same Postgres and Redis. `api`/`worker` are the first. */
  apis?: number;
  workers?: number;
}

/**
 * Everything one fault test needs: private Postgres + Redis, the fake
 * receiver, the api and worker processes, and helpers to query the private
 * database. `stop()` cleans it all up, even after a failure.
 */
export class FaultRig {
  pg?: PrivatePostgres;
  redis?: PrivateRedis;
  receiver?: FakeWebhookReceiver;
  api?: TidingsProcess;
  worker?: TidingsProcess;
  /** Every replica, the first of each being `api` / `worker`. */
  apis: TidingsProcess[] = [];
  workers: TidingsProcess[] = [];
  env: Record<string, string> = {};

  static async start(options: FaultRigOptions = {}): Promise<FaultRig> {
    const rig = new FaultRig();
    try {
      // Sequential on purpose: a 2-core machine shared with other test runs.
      rig.pg = await PrivatePostgres.start(options.postgres);
      rig.redis = await PrivateRedis.start();
      rig.receiver = await FakeWebhookReceiver.start();
      rig.env = faultEnv(rig.pg, rig.redis, [await freePort(), await freePort()], options.env);
      const replica = async (role: 'api' | 'worker', index: number) =>
        new TidingsProcess(
          role,
          index === 0 ? rig.env : { ...rig.env, PORT: String(await freePort()), WORKER_PORT: String(await freePort()) },
        );
      for (let i = 0; i < (options.apis ?? 1); i++) rig.apis.push(await replica('api', i));
      for (let i = 0; i < (options.workers ?? 1); i++) rig.workers.push(await replica('worker', i));
      [rig.api, rig.worker] = [rig.apis[0], rig.workers[0]];
      // The first api migrates; the rest then find nothing to do (all would be safe together: advisory lock).
      for (const api of rig.apis) await api.start();
      if (options.worker !== false) for (const worker of rig.workers) await worker.start();
    } catch (error) {
      await rig.stop();
      throw error;
    }
    return rig;
  }

  get adminKey(): string {
    return this.env.TIDINGS_ADMIN_KEY;
  }

  get baseUrl(): string {
    return this.api!.baseUrl;
  }

  async http<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** A webhook to the receiver's `path`, subscribed to `*` unless told otherwise. */
  async createWebhook(path: string, subscriptions: Record<string, string>[] = [{ event_type: '*' }]): Promise<string> {
    const res = await this.http('POST', '/v1/webhooks', { name: `fault ${path}`, url: this.receiver!.url(path), subscriptions });
    if (res.status !== 201) throw new Error(`creating the webhook failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.pg!.query<T>(sql, params);
  }

  /** Delivery ids (the webhook-id values) of the given events for one webhook. */
  async deliveryIdsFor(webhookId: string, eventIds: string[]): Promise<string[]> {
    const rows = await this.query<{ id: string }>(`SELECT id FROM deliveries WHERE subscriber_id = $1 AND event_id = ANY($2::uuid[])`, [
      webhookId,
      eventIds,
    ]);
    return rows.map((r) => r.id);
  }

  async statusCounts(webhookId: string): Promise<Record<string, number>> {
    const rows = await this.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM deliveries WHERE subscriber_id = $1 GROUP BY status`,
      [webhookId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /**
   * Waits (bounded) until the webhook has at least `count` deliveries, all
   * `delivered`. Does not throw, so the test can print its figures first:
   * assert on `done` (and `statuses` says what was left).
   */
  async waitDelivered(
    webhookId: string,
    count: number,
    timeoutMs: number,
  ): Promise<{ done: boolean; ms: number; statuses: Record<string, number> }> {
    const started = Date.now();
    let statuses: Record<string, number> = {};
    const done = await waitFor(
      `${count} deliveries of webhook ${webhookId} to be delivered`,
      async () => {
        statuses = await this.statusCounts(webhookId);
        const total = Object.values(statuses).reduce((a, b) => a + b, 0);
        return total >= count && (statuses.delivered ?? 0) === total;
      },
      timeoutMs,
      200,
    ).then(
      () => true,
      () => false,
    );
    return { done, ms: Date.now() - started, statuses };
  }

  /**
   * Attempts recorded without a 2xx, tallied by error (`none` if there are
   * none). The receivers here always answer 2xx, so every one is spurious.
   */
  async failedAttempts(webhookId: string): Promise<string> {
    const rows = await this.query<{ what: string; n: number }>(
      `SELECT coalesce(a.error, 'HTTP ' || coalesce(a.response_status::text, '?')) AS what, count(*)::int AS n
         FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE d.subscriber_id = $1 AND (a.error IS NOT NULL OR a.response_status IS NULL OR a.response_status NOT BETWEEN 200 AND 299)
        GROUP BY 1 ORDER BY 2 DESC`,
      [webhookId],
    );
    return rows.map((r) => `${r.what} ×${r.n}`).join('; ') || 'none';
  }

  /** The processes' output, for a failing test's log. */
  dump(reason: string): void {
    const parts = [`----- fault rig dump (${reason}) -----`];
    for (const p of [...this.apis, ...this.workers]) {
      parts.push(`----- ${p.role} output (pids ${p.pids.join(', ')}) -----`, p.tail(process.env.FAULT_DEBUG ? 400 : 80));
    }
    process.stderr.write(parts.join('\n') + '\n');
  }

  async stop(): Promise<void> {
    if (process.env.FAULT_DEBUG) this.dump('FAULT_DEBUG');
    for (const step of [
      ...this.workers.map((worker) => () => worker.stop()),
      ...this.apis.map((api) => () => api.stop()),
      () => this.receiver?.stop(),
      () => this.redis?.destroy(),
      () => this.pg?.destroy(),
      () => releaseDist(),
    ]) {
      await Promise.resolve()
        .then(step)
        .catch((error) => process.stderr.write(`fault rig cleanup: ${(error as Error).message}\n`));
    }
  }
}
