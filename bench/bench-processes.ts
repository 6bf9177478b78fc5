/**
 * The processes the benchmark runs: the api and the worker exactly as
 * production runs them (`node dist/apps/{api,worker}/src/main.js`, each its own
 * process), the receiver (bench/receiver.ts) and the bare server of
 * ref_http_per_s (bench/reference-http-server.ts), each in a child of its own.
 * Also the RSS sampler that gives `api_rss_mb` and `worker_rss_mb`.
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FatalWait, log, waitFor, withTimeout } from './log';
import type { ReceiverCommand, ReceiverReply, ReceiverStats } from './receiver';

/** The repository root (this file runs as dist/bench/bench-processes.js). */
export const ROOT = join(__dirname, '..', '..');

/**
 * A private copy of the build. Other engineers rebuild the shared dist/ while
 * the benchmark runs, and a process started from it half-way (the worker is
 * restarted twice) would run other code, or fail to load while tsc-alias has
 * not yet rewritten the @tidings/* imports. Every child runs from this copy
 * (beside it: package.json, and node_modules as a symlink to the
 * repository's); the copy is taken when dist/ did not change while it was
 * being copied and is complete.
 */
export async function snapshotDist(): Promise<{ dist: string; remove: () => void }> {
  const source = join(ROOT, 'dist');
  const root = mkdtempSync(join(tmpdir(), `tidings-bench-${process.pid}-`));
  const target = join(root, 'dist');
  const remove = () => rmSync(root, { recursive: true, force: true });
  let problem = '';
  try {
    await waitFor(
      'a complete, stable build in dist/',
      () => {
        rmSync(target, { recursive: true, force: true });
        const before = newestMtime(source);
        cpSync(source, target, { recursive: true });
        problem = incompleteBuild(target);
        return problem === '' && newestMtime(source) === before ? true : undefined;
      },
      60_000,
      500,
    );
  } catch (error) {
    remove();
    throw new Error(`${(error as Error).message}${problem ? ` (${problem})` : ''}`);
  }
  // libs/config reads the version from the package.json above dist/.
  copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { dist: target, remove };
}

/** Snapshots left by benchmarks that were killed outright (their pid is in the name). */
export function sweepSnapshots(alive: (pid: number) => boolean): void {
  for (const name of readdirSync(tmpdir())) {
    const match = /^tidings-bench-(\d+)-\w+$/.exec(name);
    if (!match || Number(match[1]) === process.pid || alive(Number(match[1]))) continue;
    log(`removing leftover build snapshot ${join(tmpdir(), name)}`);
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** Spelled in two parts so that this file's own build does not contain it. */
const UNALIASED = 'require("@' + 'tidings/';

function incompleteBuild(dist: string): string {
  for (const file of [
    'apps/api/src/main.js',
    'apps/worker/src/main.js',
    'apps/cli/src/main.js',
    'bench/receiver.js',
    'bench/reference-http-server.js',
    'libs/testing/src/orphan-guard.js',
  ]) {
    if (!existsSync(join(dist, file))) return `dist/${file} is missing`;
  }
  for (const entry of readdirSync(dist, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    if (readFileSync(file, 'utf8').includes(UNALIASED)) return `${file} still imports @tidings/* (tsc-alias has not run yet)`;
  }
  return '';
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM (the kernel's peak RSS) of a process, in kB; undefined once it is gone. */
export function memoryOf(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Peak RSS per role ("api", "worker") over the whole run, across restarts:
 * VmRSS sampled every 200 ms, and VmHWM read at every sample and right before
 * each process is stopped (it covers peaks shorter than the sampling period).
 */
export class RssSampler {
  private readonly peakKb = new Map<string, number>();
  private readonly watched = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  start(): void {
    this.timer = setInterval(() => this.sampleAll(), 200);
    this.timer.unref();
  }

  watch(role: string, pid: number): void {
    this.watched.set(role, pid);
    this.sample(role, pid);
  }

  /** Final reading before the process stops. */
  unwatch(role: string, pid: number): void {
    this.sample(role, pid);
    if (this.watched.get(role) === pid) this.watched.delete(role);
  }

  peakMb(role: string): number | undefined {
    const kb = this.peakKb.get(role);
    return kb === undefined ? undefined : kb / 1024;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private sampleAll(): void {
    for (const [role, pid] of this.watched) this.sample(role, pid);
  }

  private sample(role: string, pid: number): void {
    const mem = memoryOf(pid);
    if (!mem) return;
    const peak = Math.max(mem.rssKb, mem.hwmKb);
    const before = this.peakKb.get(role) ?? 0;
    if (peak > before) this.peakKb.set(role, peak);
    // Where in the run memory grows: a line each time a peak passes the next 25 MB.
    if (Math.floor(peak / 25_600) > Math.floor(before / 25_600) && before > 0) log(`rss: ${role} peak now ${(peak / 1024).toFixed(0)} MB`);
  }
}

/** Lines a child writes go to our stderr, prefixed; stdout is reserved for figures. */
function relay(child: ChildProcess, name: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) process.stderr.write(`  [${name}] ${line}\n`);
    });
  }
}

/** The api or the worker as a separate node process. */
export class AppProcess {
  private child?: ChildProcess;
  private exit?: Promise<number | null>;

  private stopping = false;

  /** `dist`: the snapshot to run from; `script`: relative to it. */
  constructor(
    readonly role: 'api' | 'worker',
    private readonly dist: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly rss: RssSampler,
    /** Extra node options (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof, from BENCH_NODE_ARGS). */
    private readonly nodeArgs: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.role} is already running`);
    const child = spawn(
      process.execPath,
      [...this.nodeArgs, '-r', join(this.dist, 'libs', 'testing', 'src', 'orphan-guard.js'), join(this.dist, this.script)],
      {
        cwd: join(this.dist, '..'),
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    child.once('exit', (code, signal) => {
      if (this.child === child && !this.stopping) log(`${this.role} (pid ${child.pid}) exited unexpectedly: code ${code} signal ${signal}`);
    });
    relay(child, this.role);
    if (!child.pid) throw new Error(`could not start ${this.role}`);
    this.rss.watch(this.role, child.pid);
    log(`${this.role} started (pid ${child.pid})`);
  }

  /** Rejects if the process has exited; for use inside readiness waits. */
  assertRunning(): void {
    if (!this.running) throw new FatalWait(`${this.role} exited during start-up (see its output above)`);
  }

  /** SIGTERM (its own graceful shutdown), then SIGKILL after `graceMs`. Records its peak RSS first. */
  async stop(graceMs = 25_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.stopping = true;
    try {
      this.rss.unwatch(this.role, child.pid!);
      const t0 = performance.now();
      child.kill('SIGTERM');
      try {
        await withTimeout(`${this.role} shutdown`, this.exit!, graceMs);
      } catch {
        log(`${this.role} did not stop within ${graceMs} ms; killing it`);
        child.kill('SIGKILL');
        await withTimeout(`${this.role} kill`, this.exit!, 5000).catch(() => undefined);
      }
      log(`${this.role} (pid ${child.pid}) stopped in ${Math.round(performance.now() - t0)} ms`);
    } finally {
      this.stopping = false;
    }
  }

  /** Last resort, synchronous (process exit handlers). */
  killNow(): void {
    if (this.running) this.child!.kill('SIGKILL');
  }
}

/** What a server child (receiver, reference server) sends once it listens. */
export type ServerReady = { ready: true; port: number };

/** A node:http server in a child process of its own (`fork`, IPC channel), on a port it chose. */
export class ServerProcess {
  protected constructor(
    protected readonly child: ChildProcess,
    readonly port: number,
  ) {}

  protected static async fork(dist: string, script: string, name: string): Promise<{ child: ChildProcess; port: number }> {
    const child = fork(join(dist, script), [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    relay(child, name);
    const port = await withTimeout(
      `${name} start`,
      new Promise<number>((resolve, reject) => {
        child.once('message', (message: ServerReady) => resolve(message.port));
        child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
      }),
      10_000,
    );
    log(`${name} listening on 127.0.0.1:${port} (pid ${child.pid})`);
    return { child, port };
  }

  /** The bare server of ref_http_per_s (reference-http-server.ts). */
  static async startReference(dist: string): Promise<ServerProcess> {
    const { child, port } = await ServerProcess.fork(dist, 'bench/reference-http-server.js', 'reference server');
    return new ServerProcess(child, port);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}

/** The receiver child process and its request/reply channel. */
export class ReceiverProcess extends ServerProcess {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (reply: ReceiverReply) => void; reject: (error: Error) => void }>();

  private constructor(child: ChildProcess, port: number) {
    super(child, port);
    child.on('message', (message: ReceiverReply) => {
      const waiter = this.waiting.get(message.seq);
      if (!waiter) return;
      this.waiting.delete(message.seq);
      waiter.resolve(message);
    });
    child.once('exit', () => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error('receiver exited'));
      this.waiting.clear();
    });
  }

  static async start(dist: string): Promise<ReceiverProcess> {
    const { child, port } = await ServerProcess.fork(dist, 'bench/receiver.js', 'receiver');
    return new ReceiverProcess(child, port);
  }

  private async call(command: ReceiverCommand): Promise<Extract<ReceiverReply, { ok: true }>> {
    const seq = ++this.seq;
    const reply = await withTimeout(
      `receiver ${command.cmd}`,
      new Promise<ReceiverReply>((resolve, reject) => {
        this.waiting.set(seq, { resolve, reject });
        this.child.send({ ...command, seq });
      }),
      30_000,
    );
    if (!reply.ok) throw new Error(`receiver ${command.cmd}: ${reply.error}`);
    return reply;
  }

  async stats(): Promise<ReceiverStats> {
    return (await this.call({ cmd: 'stats' })).stats!;
  }

  async reset(record = false): Promise<void> {
    await this.call({ cmd: 'reset', record });
  }

  async arrivals(): Promise<Map<string, number>> {
    return new Map((await this.call({ cmd: 'arrivals' })).arrivals ?? []);
  }
}
