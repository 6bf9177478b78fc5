/*
 * Telemetry retries (DESIGN §4.5): a failed batch is retried as a whole with
 * exponential backoff, 1 s, 2 s, 4 s … capped at 5 min, recorded per delivery
 * (next_attempt_at). A delivery is attempted only during the 24 h after it was
 * created; a failure whose next retry would fall later is final. Telemetry is
 * worth less than webhooks, so it gives up sooner and never blocks newer rows.
 */
export const ANALYTICS_RETRY = {
  baseMs: 1000,
  capMs: 5 * 60_000,
  maxAgeMs: 24 * 3_600_000,
} as const;

/**
 * The wait after `attemptsMade` failed attempts (1 → ~1 s, 2 → ~2 s …, at most
 * 5 min), with ±20 % jitter. A Retry-After from the backend is honoured up to
 * the cap.
 */
export function analyticsRetryDelayMs(attemptsMade: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const step = Math.min(ANALYTICS_RETRY.capMs, ANALYTICS_RETRY.baseMs * 2 ** Math.min(Math.max(attemptsMade - 1, 0), 30));
  const jittered = Math.min(ANALYTICS_RETRY.capMs, Math.round(step * (0.8 + 0.4 * random())));
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, ANALYTICS_RETRY.capMs));
}
