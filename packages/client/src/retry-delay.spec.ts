import { backoffMs, retryAfterMs } from './retry-delay';

describe('retry delays', () => {
  const now = Date.parse('2026-12-03T15:00:00Z');

  it('read Retry-After as delay-seconds or as an HTTP-date, and ignore what is neither', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 03 Dec 2026 15:00:02 GMT', now)).toBe(2000);
    expect(retryAfterMs('Thu, 03 Dec 2026 14:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
  });

  it('back off exponentially with jitter over the upper half, never past the cap', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, 30_000, () => 0))).toEqual([125, 250, 500, 1000]);
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, 30_000, () => 1))).toEqual([250, 500, 1000, 2000]);
    expect(backoffMs(20, 30_000, () => 1)).toBe(30_000);
    expect(backoffMs(20, 30_000, () => 0)).toBe(15_000);
  });
});
