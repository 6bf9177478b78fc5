import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { within } from '@tidings/common';
import { machineSlowness, waitFor } from './wait-for';

/*
 * The one way the e2e specs, the fault rig and the bench start child
 * processes and supervise them. Every process started here is tracked by the
 * pid it was given; the cleanup at exit kills exactly those still running,
 * never a process found by its name. Under Jest a test file sees a process
 * object of its own whose 'exit' never fires: there, afterAll is the cleanup.
 */

export interface StartOptions {
  /** Names the process in messages: `api`, `redis-server`. */
  name: string;
  command: string;
  args?: string[];
  cwd?: string;
  /** Its whole environment (default: ours). */
  env?: NodeJS.ProcessEnv;
  /** An IPC channel (node children): send() and onMessage(). */
  ipc?: boolean;
  /** Characters of output kept, the latest (default 1 MiB): stdout and stderr, whole lines, in the order they came. */
  keep?: number;
  /** Each line it writes, as it comes (e.g. to relay it). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  /** Set when it could not be started at all (e.g. the command is not installed). */
  error?: Error;
}

/** Where a build keeps the orphan guard (orphan-guard.ts), relative to its dist/. */
const ORPHAN_GUARD = 'libs/testing/src/orphan-guard.js';

/**
 * `node <script>` of a build (`dist`: a build directory, `script` relative to
 * it), as the command of startProcess(). `orphanGuard`: the child also gets an
 * IPC channel and preloads the build's orphan guard, so that it stops itself
 * when this process goes away, however that happens.
 */
export function nodeScript(
  dist: string,
  script: string,
  { args = [], nodeArgs = [], orphanGuard = false }: { args?: string[]; nodeArgs?: string[]; orphanGuard?: boolean } = {},
): Pick<StartOptions, 'command' | 'args' | 'ipc'> {
  const preload = orphanGuard ? ['-r', join(dist, ORPHAN_GUARD)] : [];
  return { command: process.execPath, args: [...nodeArgs, ...preload, join(dist, script), ...args], ...(orphanGuard ? { ipc: true } : {}) };
}

export function startProcess(options: StartOptions): StartedProcess {
  return new StartedProcess(options);
}

/**
 * Runs a command to its end (bounded by `timeoutMs`): resolves with its
 * output when it exits 0, else rejects with how it ended and the end of its output.
 */
export async function runProcess(options: StartOptions & { timeoutMs?: number }): Promise<string> {
  const started = startProcess(options);
  const exit = await started.waitExit(options.timeoutMs ?? 120_000).catch(async (error) => {
    await started.kill().catch(() => undefined);
    throw new Error(`${error.message}\n${started.tail()}`);
  });
  await started.outputRead();
  if (exit.error) throw new Error(`${options.name} did not start: ${exit.error.message}`);
  if (exit.code !== 0) throw new Error(`${options.name} failed (exit ${exit.code ?? exit.signal}):\n${started.tail()}`);
  return started.output();
}

/** A child process started by startProcess(). */
export class StartedProcess {
  readonly name: string;
  /** Undefined when it could not be started. */
  readonly pid: number | undefined;
  readonly startedAt = new Date();
  /** Resolves when it has exited (or failed to start). */
  readonly exited: Promise<ProcessExit>;
  private exit?: ProcessExit;
  private readonly child: ChildProcess;
  private readonly closed: Promise<void>;
  private readonly keep: number;
  private out = '';

  constructor(options: StartOptions) {
    this.name = options.name;
    this.keep = options.keep ?? 1 << 20;
    const child = spawn(options.command, options.args ?? [], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? ['ipc' as const] : [])],
    });
    this.child = child;
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve((this.exit = { code, signal, at: Date.now() })));
      // Without a pid it never ran, and no 'exit' follows; any later error (a failed send) is not an exit.
      child.on('error', (error) => {
        if (child.pid === undefined) resolve((this.exit = { code: null, signal: null, at: Date.now(), error }));
      });
    });
    this.closed = new Promise((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => {
        if (child.pid === undefined) resolve();
      });
    });
    for (const [stream, which] of [
      [child.stdout!, 'stdout'],
      [child.stderr!, 'stderr'],
    ] as const) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        for (const line of lines) this.record(line, which, options.onLine);
      });
      stream.once('end', () => {
        if (pending) this.record(pending, which, options.onLine);
      });
    }
    if (this.pid !== undefined) track(this);
  }

  get running(): boolean {
    return this.pid !== undefined && this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What it wrote (the latest `keep` characters at the most). */
  output(): string {
    return this.out;
  }

  lines(): string[] {
    return this.out.split('\n').slice(0, -1);
  }

  /** Whether its output (what is kept of it) contains `text`. */
  wrote(text: string | RegExp): boolean {
    return typeof text === 'string' ? this.out.includes(text) : text.test(this.out);
  }

  /** The last `count` lines of output, leaving out those `skip` picks. */
  tail(count = 60, skip: (line: string) => boolean = () => false): string {
    return this.lines()
      .filter((line) => !skip(line))
      .slice(-count)
      .join('\n');
  }

  /**
   * Polls `probe` (a port answering, a line written) until it gives a truthy
   * value; fails at once, with the end of the output, if the process exits
   * first, and after `timeoutMs` otherwise.
   */
  async waitUntil<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000, everyMs = 100): Promise<NonNullable<T>> {
    const exited = Symbol('exited');
    const value = await waitFor(what, async () => (this.running ? probe() : exited), timeoutMs, everyMs).catch((error) => {
      throw new Error(`${error.message}\n${this.tail()}`);
    });
    if (value !== exited) return value as NonNullable<T>;
    await this.outputRead();
    const exit = this.exit!;
    if (exit.error) throw new Error(`${this.name} did not start: ${exit.error.message}`);
    throw new Error(`${this.name} exited (${exit.code ?? exit.signal}) before it was ready:\n${this.tail()}`);
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.running) throw new Error(`${this.name} is not running`);
    this.child.kill(signal);
  }

  /** Resolves when it has exited; rejects after `timeoutMs` (times the machine's slowness). */
  waitExit(timeoutMs = 30_000): Promise<ProcessExit> {
    return within(this.exited, Math.round(timeoutMs * machineSlowness()), `${this.name} (pid ${this.pid}) exiting`);
  }

  /** SIGTERM (its own graceful shutdown), then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<ProcessExit> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    try {
      return await this.waitExit(graceMs);
    } catch {
      return this.kill(5_000);
    }
  }

  /** SIGKILL, and wait for it to be gone. */
  async kill(timeoutMs = 10_000): Promise<ProcessExit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.waitExit(timeoutMs);
  }

  send(message: unknown): void {
    this.child.send(message as object);
  }

  onMessage<M>(handler: (message: M) => void): void {
    this.child.on('message', handler as (message: unknown) => void);
  }

  /** Once it has exited: until its output is read to the end (bounded: a grandchild may hold the pipes). */
  async outputRead(): Promise<void> {
    await within(this.closed, 5_000, 'its output').catch(() => undefined);
  }

  /** Synchronous, for exit hooks. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  private record(line: string, stream: 'stdout' | 'stderr', onLine?: StartOptions['onLine']): void {
    this.out += `${line}\n`;
    // Cut to half of `keep` at a line boundary: amortized, however much it writes.
    if (this.out.length > this.keep) this.out = this.out.slice(this.out.indexOf('\n', this.out.length - this.keep / 2) + 1);
    onLine?.(line, stream);
  }
}

// ── what this process started, and the cleanup at exit ─────────────────────

const started = new Set<StartedProcess>();
const exitCleanups = new Set<() => void>();
let exitHooked = false;

function track(child: StartedProcess): void {
  hookExit();
  started.add(child);
  void child.exited.then(() => started.delete(child));
}

/** SIGKILL to every process started here that is still running; nothing else. Synchronous. */
export function killStartedProcesses(): void {
  for (const child of started) child.killNow();
}

/**
 * A synchronous last-resort cleanup (remove a temp dir, stop a server),
 * run at exit after the started processes are killed. Returns its removal.
 */
export function atExit(cleanup: () => void): () => void {
  hookExit();
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

function runExitCleanups(): void {
  killStartedProcesses();
  for (const cleanup of exitCleanups) {
    try {
      cleanup();
    } catch {
      // best effort
    }
  }
  exitCleanups.clear();
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', runExitCleanups);
}

/** Whether a process with this pid exists (ours or not): for sweeping what dead runs left. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
