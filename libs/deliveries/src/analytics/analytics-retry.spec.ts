import { ANALYTICS_RETRY, analyticsRetryDelayMs } from './analytics-retry';

describe('analytics retry backoff', () => {
  const mid = () => 0.5; // no jitter

  it('doubles from 1 s and stops growing at 5 min', () => {
    expect([1, 2, 3, 4, 5].map((n) => analyticsRetryDelayMs(n, undefined, mid))).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(analyticsRetryDelayMs(9, undefined, mid)).toBe(256_000);
    expect(analyticsRetryDelayMs(10, undefined, mid)).toBe(ANALYTICS_RETRY.capMs);
    expect(analyticsRetryDelayMs(10_000, undefined, mid)).toBe(ANALYTICS_RETRY.capMs);
  });

  it('jitters by ±20 %, never past the cap', () => {
    expect(analyticsRetryDelayMs(1, undefined, () => 0)).toBe(800);
    expect(analyticsRetryDelayMs(1, undefined, () => 1)).toBe(1200);
    expect(analyticsRetryDelayMs(20, undefined, () => 1)).toBe(ANALYTICS_RETRY.capMs);
  });

  it('honours Retry-After up to the cap', () => {
    expect(analyticsRetryDelayMs(1, 30_000, mid)).toBe(30_000);
    expect(analyticsRetryDelayMs(1, 3_600_000, mid)).toBe(ANALYTICS_RETRY.capMs);
    expect(analyticsRetryDelayMs(5, 10, mid)).toBe(16_000);
  });

  it('gives a delivery 24 h', () => {
    expect(ANALYTICS_RETRY.maxAgeMs).toBe(86_400_000);
  });
});
