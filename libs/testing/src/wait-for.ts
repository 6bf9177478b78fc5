import { cpus, loadavg } from 'node:os';

/**
 * How many times slower than an idle machine this one runs now: the
 * one-minute load average per core, between 1 and 8 (`TEST_SLOWNESS` fixes
 * it, for the tests of this). The waits below multiply their budget by it, so
 * a test that is slow because the shared machine is busy waits longer instead
 * of failing; on an idle machine the budgets are the ones written.
 */
export function machineSlowness(): number {
  const fixed = Number(process.env.TEST_SLOWNESS);
  if (fixed > 0) return fixed;
  return Math.min(8, Math.max(1, loadavg()[0] / Math.max(1, cpus().length)));
}

/**
 * Polls `check` until it returns a truthy value, or until `timeoutMs` times
 * the machine's slowness (the highest seen while waiting) has passed: then
 * throws, naming `what`.
 */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 50): Promise<NonNullable<T>> {
  const started = Date.now();
  let slowness = machineSlowness();
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    const waited = Date.now() - started;
    if (waited > timeoutMs * slowness && waited > timeoutMs * (slowness = Math.max(slowness, machineSlowness()))) {
      const scaled = slowness > 1 ? ` (${timeoutMs} ms × ${slowness.toFixed(1)} for the machine's load)` : '';
      throw new Error(`Timed out after ${waited} ms${scaled} waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Polls `check` until it says `done`, for as long as its `progress` number
 * keeps moving: gives up only after `stallMs` without a change (a loaded
 * machine is slow, not stuck). Never throws: the caller prints its figures,
 * then asserts on `done`.
 */
export async function waitForProgress(
  what: string,
  check: () => Promise<{ progress: number; done: boolean }>,
  { stallMs, intervalMs = 250 }: { stallMs: number; intervalMs?: number },
): Promise<{ done: boolean; ms: number; progress: number; stalledFor?: string }> {
  const started = Date.now();
  let last = Number.NaN;
  let movedAt = started;
  for (;;) {
    const { progress, done } = await check();
    if (done) return { done, ms: Date.now() - started, progress };
    if (progress !== last) [last, movedAt] = [progress, Date.now()];
    if (Date.now() - movedAt > stallMs)
      return { done: false, ms: Date.now() - started, progress, stalledFor: `${what}: no progress for ${stallMs} ms` };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
