import { Injectable } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';

/**
 * WEBHOOK_RETRY_SCHEDULE: step n is the wait before attempt n+1 (step 0 is the
 * first attempt, normally immediate). Waits get ±20 % jitter so that a
 * recovered endpoint is not hit by every retry at once.
 */
@Injectable()
export class RetryPolicy {
  private readonly schedule: readonly number[];

  constructor(config: TidingsConfig) {
    this.schedule = config.webhook.retryScheduleMs;
  }

  get maxAttempts(): number {
    return this.schedule.length;
  }

  /**
   * The wait before the next attempt after `attemptsMade` failed ones, or
   * `null` when the schedule is used up. A receiver's Retry-After is honoured
   * (never retried sooner) but clamped to twice the scheduled step.
   */
  nextDelayMs(attemptsMade: number, retryAfterMs?: number, random: () => number = Math.random): number | null {
    if (attemptsMade >= this.schedule.length) return null;
    const step = this.schedule[attemptsMade];
    const jittered = Math.round(step * (0.8 + 0.4 * random()));
    if (retryAfterMs === undefined) return jittered;
    return Math.max(jittered, Math.min(retryAfterMs, step * 2));
  }
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
