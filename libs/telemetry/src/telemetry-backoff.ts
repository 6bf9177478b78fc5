/*
 * While the analytics backend fails, the exporter waits before trying the
 * same batch again: 1 s, 2 s, 4 s … capped at 5 min, ±20 % jitter, a
 * Retry-After honoured up to the cap. The cursor does not move meanwhile, so
 * nothing is lost however long the outage; it only grows the backlog.
 */
export const TELEMETRY_BACKOFF = {
  baseMs: 1000,
  capMs: 5 * 60_000,
} as const;

/** The wait after `failures` consecutive failed requests (1 → ~1 s, 2 → ~2 s …, at most 5 min). */
export function telemetryBackoffMs(failures: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const step = Math.min(TELEMETRY_BACKOFF.capMs, TELEMETRY_BACKOFF.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  const jittered = Math.min(TELEMETRY_BACKOFF.capMs, Math.round(step * (0.8 + 0.4 * random())));
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, TELEMETRY_BACKOFF.capMs));
}
