/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws, naming `what`). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
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
    if (Date.now() - movedAt > stallMs) return { done: false, ms: Date.now() - started, progress, stalledFor: `${what}: no progress for ${stallMs} ms` };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
