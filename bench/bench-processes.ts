/**
 * The processes the benchmark runs: the api and the worker exactly as
 * production runs them (`node dist/apps/{api,worker}/src/main.js`, each its own
 * process), the receiver (bench/receiver.ts) and the bare server of
 * ref_http_per_s (bench/reference-http-server.ts), each in a child of its own,
 * all started and supervised by the process harness of libs/testing. Also the
 * RSS sampler that gives `api_rss_mb` and `worker_rss_mb`.
 */
import { BuildSnapshot, nodeScript, snapshotBuild, StartedProcess, startProcess } from '@tidings/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, withTimeout } from './log';
import type { ReceiverCommand, ReceiverReply, ReceiverStats } from './receiver';

/**
 * The copy of the build every child runs from (this file runs as
 * dist/bench/bench-processes.js). The worker is restarted twice during a run:
 * from the shared dist/, which other engineers rebuild meanwhile, it would run other code.
 */
export function snapshotDist(): Promise<BuildSnapshot> {
  return snapshotBuild(join(__dirname, '..'), {
    label: 'bench',
    expect: [
      'apps/api/src/main.js',
      'apps/worker/src/main.js',
      'apps/cli/src/main.js',
      'bench/receiver.js',
      'bench/reference-http-server.js',
      'libs/testing/src/orphan-guard.js',
    ],
    timeoutMs: 60_000,
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
function relay(name: string): (line: string) => void {
  return (line) => {
    if (line.trim()) process.stderr.write(`  [${name}] ${line}\n`);
  };
}

/** The api or the worker as a separate node process. */
export class AppProcess {
  private child?: StartedProcess;
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
    return !!this.child?.running;
  }

  start(): void {
    if (this.running) throw new Error(`${this.role} is already running`);
    const child = startProcess({
      name: this.role,
      // The orphan guard: should the benchmark die outright, the child stops itself.
      ...nodeScript(this.dist, this.script, { nodeArgs: this.nodeArgs, orphanGuard: true }),
      cwd: join(this.dist, '..'),
      env: this.env,
      onLine: relay(this.role),
    });
    this.child = child;
    void child.exited.then(({ code, signal }) => {
      if (this.child === child && !this.stopping) log(`${this.role} (pid ${child.pid}) exited unexpectedly: code ${code} signal ${signal}`);
    });
    if (!child.pid) throw new Error(`could not start ${this.role}`);
    this.rss.watch(this.role, child.pid);
    log(`${this.role} started (pid ${child.pid})`);
  }

  /** Polls `probe` until it answers; fails at once, with the end of its output, if the process exits first. */
  async ready(what: string, probe: () => Promise<true | undefined>, timeoutMs = 60_000): Promise<void> {
    await this.child!.waitUntil(what, probe, timeoutMs, 100);
  }

  /** Throws if the process has exited. */
  assertRunning(): void {
    if (!this.running) throw new Error(`${this.role} exited (see its output above)`);
  }

  /** SIGTERM (its own graceful shutdown), then SIGKILL after `graceMs`. Records its peak RSS first. */
  async stop(graceMs = 25_000): Promise<void> {
    const child = this.child;
    if (!child?.running) return;
    this.stopping = true;
    try {
      this.rss.unwatch(this.role, child.pid!);
      const t0 = performance.now();
      const exit = await child.stop(graceMs);
      if (exit.signal === 'SIGKILL') log(`${this.role} did not stop within ${graceMs} ms; killed it`);
      log(`${this.role} (pid ${child.pid}) stopped in ${Math.round(performance.now() - t0)} ms`);
    } finally {
      this.stopping = false;
    }
  }
}

/** What a server child (receiver, reference server) sends once it listens. */
export type ServerReady = { ready: true; port: number };

/** A node:http server in a child process of its own (IPC channel), on a port it chose. */
export class ServerProcess {
  protected constructor(
    protected readonly child: StartedProcess,
    readonly port: number,
  ) {}

  protected static async startServer(dist: string, script: string, name: string): Promise<{ child: StartedProcess; port: number }> {
    // With our node options, as fork() would.
    const child = startProcess({ name, ...nodeScript(dist, script, { nodeArgs: process.execArgv }), ipc: true, onLine: relay(name) });
    let port: number | undefined;
    child.onMessage((message: Partial<ServerReady>) => {
      if (message.ready) port ??= message.port;
    });
    await child.waitUntil(`${name} to listen`, () => port, 10_000, 20);
    log(`${name} listening on 127.0.0.1:${port} (pid ${child.pid})`);
    return { child, port: port! };
  }

  /** The bare server of ref_http_per_s (reference-http-server.ts). */
  static async startReference(dist: string): Promise<ServerProcess> {
    const { child, port } = await ServerProcess.startServer(dist, 'bench/reference-http-server.js', 'reference server');
    return new ServerProcess(child, port);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stop(): void {
    if (this.child.running) this.child.signal('SIGTERM');
  }
}

/** The receiver child process and its request/reply channel. */
export class ReceiverProcess extends ServerProcess {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (reply: ReceiverReply) => void; reject: (error: Error) => void }>();

  private constructor(child: StartedProcess, port: number) {
    super(child, port);
    child.onMessage((message: ReceiverReply) => {
      const waiter = this.waiting.get(message.seq);
      if (!waiter) return;
      this.waiting.delete(message.seq);
      waiter.resolve(message);
    });
    void child.exited.then(() => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error('receiver exited'));
      this.waiting.clear();
    });
  }

  static async start(dist: string): Promise<ReceiverProcess> {
    const { child, port } = await ServerProcess.startServer(dist, 'bench/receiver.js', 'receiver');
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
