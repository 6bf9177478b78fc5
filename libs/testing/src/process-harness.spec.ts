import { spawn } from 'node:child_process';
import { killStartedProcesses, processExists, runProcess, StartedProcess, startProcess } from './process-harness';

/** `node -e <code>` through the harness. */
const node = (code: string, options: { keep?: number } = {}): StartedProcess =>
  startProcess({ name: 'child', command: process.execPath, args: ['-e', code], ...options });

const SERVE = `console.log('listening'); setInterval(() => undefined, 1000);`;

describe('the process harness', () => {
  const children: StartedProcess[] = [];
  afterAll(async () => {
    for (const child of children) await child.kill();
  });

  it('waits for a line, and stop() ends the process with SIGTERM', async () => {
    const child = node(SERVE);
    children.push(child);
    await child.waitUntil('the line', () => child.wrote('listening'), 10_000);
    expect(child.running).toBe(true);
    expect(await child.stop()).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(child.running).toBe(false);
  });

  it('stop() falls back to SIGKILL after the grace period', async () => {
    const child = node(`process.on('SIGTERM', () => console.log('ignored')); ${SERVE}`);
    children.push(child);
    await child.waitUntil('the line', () => child.wrote('listening'), 10_000);
    expect(await child.stop(300)).toMatchObject({ signal: 'SIGKILL' });
    expect(child.lines()).toEqual(['listening', 'ignored']);
  });

  it('a process that exits before it is ready fails the wait at once, with its output', async () => {
    const child = node(`console.error('cannot start: port busy'); process.exit(3)`);
    const started = Date.now();
    await expect(child.waitUntil('never', () => false, 30_000)).rejects.toThrow(/child exited \(3\) before it was ready:\ncannot start: port busy/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a command that is not installed says so', async () => {
    const child = startProcess({ name: 'nothing', command: 'tidings-no-such-command' });
    await expect(child.waitUntil('never', () => false, 5_000)).rejects.toThrow(/nothing did not start: .*ENOENT/);
    expect(child.pid).toBeUndefined();
  });

  it('keeps only a bounded tail of the output, in whole lines', async () => {
    const child = node(`for (let i = 0; i < 20000; i++) console.log('line ' + i)`, { keep: 10_000 });
    await child.waitExit(10_000);
    await child.outputRead();
    expect(child.output().length).toBeLessThanOrEqual(10_000);
    expect(child.lines().at(-1)).toBe('line 19999');
    expect(child.lines().every((line) => /^line \d+$/.test(line))).toBe(true);
  });

  it('runProcess resolves with the output of a success and rejects a failure with its end', async () => {
    expect(await runProcess({ name: 'ok', command: process.execPath, args: ['-e', `console.log('done')`] })).toBe('done\n');
    await expect(runProcess({ name: 'bad', command: process.execPath, args: ['-e', `console.error('broken'); process.exit(2)`] })).rejects.toThrow(
      /bad failed \(exit 2\):\nbroken/,
    );
  });

  it('the cleanup kills the processes it started, and no other', async () => {
    const ours = node(SERVE);
    children.push(ours);
    // Started without the harness: not ours to kill.
    const other = spawn(process.execPath, ['-e', SERVE], { stdio: 'ignore' });
    try {
      await ours.waitUntil('the line', () => ours.wrote('listening'), 10_000);
      killStartedProcesses();
      expect(await ours.waitExit(5_000)).toMatchObject({ signal: 'SIGKILL' });
      expect(processExists(other.pid!)).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
