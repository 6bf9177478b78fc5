import { formatDuration, TidingsConfig } from '@tidings/config';

export type OccurredAtBounds = TidingsConfig['occurredAt'];

/**
 * Why a producer's event time is refused, as the end of a sentence naming its
 * field ("must be at most 5m in the future (OCCURRED_AT_MAX_FUTURE)"), or
 * null when it lies within the bounds of `now`. The SQL entry point says the
 * same (`occurred_at_skew`, migrations/1764770000000-OccurredAtBounds.ts).
 */
export function occurredAtSkew(at: Date, bounds: OccurredAtBounds, now: number = Date.now()): string | null {
  const ahead = at.getTime() - now;
  if (bounds.maxFutureMs !== undefined && ahead > bounds.maxFutureMs) {
    return `must be at most ${formatDuration(bounds.maxFutureMs)} in the future (OCCURRED_AT_MAX_FUTURE)`;
  }
  if (bounds.maxPastMs !== undefined && -ahead > bounds.maxPastMs) {
    return `must be at most ${formatDuration(bounds.maxPastMs)} in the past (OCCURRED_AT_MAX_PAST)`;
  }
  return null;
}
