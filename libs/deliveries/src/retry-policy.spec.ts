import { parseConfig } from '@tidings/config';
import { parseRetryAfter, RetryPolicy } from './retry-policy';

function policy(schedule?: string): RetryPolicy {
  return new RetryPolicy(parseConfig(schedule === undefined ? {} : { WEBHOOK_RETRY_SCHEDULE: schedule }));
}

const fixed = (value: number) => () => value;
// The injectable `random` follows Math.random: 0 ≤ r < 1.
const LOWEST = fixed(0);
const MIDDLE = fixed(0.5);
const HIGHEST = fixed(0.999);

describe('RetryPolicy.nextDelayMs', () => {
  const schedule = policy('0,10s,1m,1h');

  it('allows one attempt per schedule step', () => {
    expect(schedule.maxAttempts).toBe(4);
    expect(policy().maxAttempts).toBe(8);
  });

  it('waits the scheduled step before each attempt when there is no jitter', () => {
    expect(schedule.nextDelayMs(0, undefined, MIDDLE)).toBe(0);
    expect(schedule.nextDelayMs(1, undefined, MIDDLE)).toBe(10_000);
    expect(schedule.nextDelayMs(2, undefined, MIDDLE)).toBe(60_000);
    expect(schedule.nextDelayMs(3, undefined, MIDDLE)).toBe(3_600_000);
  });

  it('returns null once the last step is used up', () => {
    expect(schedule.nextDelayMs(3, undefined, MIDDLE)).not.toBeNull();
    expect(schedule.nextDelayMs(4, undefined, MIDDLE)).toBeNull();
    expect(schedule.nextDelayMs(5, undefined, MIDDLE)).toBeNull();
    expect(schedule.nextDelayMs(4, 1000, MIDDLE)).toBeNull();
  });

  it('returns null after the eighth failed attempt of the default schedule', () => {
    const defaults = policy();
    expect(defaults.nextDelayMs(7, undefined, MIDDLE)).toBe(10 * 3_600_000);
    expect(defaults.nextDelayMs(8, undefined, MIDDLE)).toBeNull();
  });

  it('jitters each step by at most ±20 %', () => {
    // 10 s step: the extremes of random() give 8 s and just under 12 s.
    expect(schedule.nextDelayMs(1, undefined, LOWEST)).toBe(8_000);
    expect(schedule.nextDelayMs(1, undefined, HIGHEST)).toBe(Math.round(10_000 * (0.8 + 0.4 * 0.999)));
    expect(schedule.nextDelayMs(1, undefined, HIGHEST)).toBeLessThan(12_000);
    expect(schedule.nextDelayMs(1, undefined, HIGHEST)).toBeGreaterThan(11_900);
  });

  it('keeps every jittered step of the default schedule within ±20 %', () => {
    const defaults = policy();
    const steps = parseConfig({}).webhook.retryScheduleMs;
    steps.forEach((step, attempt) => {
      for (const random of [LOWEST, MIDDLE, HIGHEST, fixed(0.25), fixed(0.75)]) {
        const delay = defaults.nextDelayMs(attempt, undefined, random)!;
        expect(delay).toBeGreaterThanOrEqual(step * 0.8);
        expect(delay).toBeLessThanOrEqual(step * 1.2);
      }
    });
  });

  it('never jitters an immediate step into a wait', () => {
    for (const random of [LOWEST, MIDDLE, HIGHEST]) expect(schedule.nextDelayMs(0, undefined, random)).toBe(0);
  });

  it('uses Math.random when no random source is given', () => {
    for (let i = 0; i < 50; i++) {
      const delay = schedule.nextDelayMs(2)!;
      expect(delay).toBeGreaterThanOrEqual(48_000);
      expect(delay).toBeLessThanOrEqual(72_000);
    }
  });

  describe('with Retry-After', () => {
    // Step 2 is 60 s: jittered between 48 s and 72 s, Retry-After capped at 120 s.
    it('waits as long as the receiver asked when that is longer than the step', () => {
      expect(schedule.nextDelayMs(2, 90_000, MIDDLE)).toBe(90_000);
      expect(schedule.nextDelayMs(2, 90_000, LOWEST)).toBe(90_000);
      expect(schedule.nextDelayMs(2, 90_000, HIGHEST)).toBe(90_000);
    });

    it('never retries sooner than the jittered step, even if asked to', () => {
      expect(schedule.nextDelayMs(2, 0, MIDDLE)).toBe(60_000);
      expect(schedule.nextDelayMs(2, 5_000, LOWEST)).toBe(48_000);
      expect(schedule.nextDelayMs(2, 50_000, MIDDLE)).toBe(60_000);
    });

    it('clamps a longer Retry-After to twice the step', () => {
      expect(schedule.nextDelayMs(2, 120_000, MIDDLE)).toBe(120_000);
      expect(schedule.nextDelayMs(2, 121_000, MIDDLE)).toBe(120_000);
      expect(schedule.nextDelayMs(2, 86_400_000, LOWEST)).toBe(120_000);
      expect(schedule.nextDelayMs(2, 86_400_000, HIGHEST)).toBe(120_000);
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-20T10:00:00Z');

  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 7 ', now)).toBe(7_000);
  });

  it('reads an HTTP date as the time left until it', () => {
    expect(parseRetryAfter('Fri, 20 Nov 2026 10:02:30 GMT', now)).toBe(150_000);
  });

  it('treats an HTTP date in the past as "now"', () => {
    expect(parseRetryAfter('Fri, 20 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('in a minute please', now)).toBeUndefined();
  });

  it('feeds nextDelayMs: a Retry-After of 90 seconds delays a 60 s step to 90 s', () => {
    expect(policy('0,1m').nextDelayMs(1, parseRetryAfter('90', now), MIDDLE)).toBe(90_000);
  });
});
