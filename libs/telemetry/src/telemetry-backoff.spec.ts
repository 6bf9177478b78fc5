import { TELEMETRY_BACKOFF, telemetryBackoffMs } from './telemetry-backoff';

describe('telemetry backoff', () => {
  const mid = () => 0.5; // no jitter

  it('doubles from 1 s and stops growing at 5 min', () => {
    expect([1, 2, 3, 4, 5].map((n) => telemetryBackoffMs(n, undefined, mid))).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(telemetryBackoffMs(9, undefined, mid)).toBe(256_000);
    expect(telemetryBackoffMs(10, undefined, mid)).toBe(TELEMETRY_BACKOFF.capMs);
    expect(telemetryBackoffMs(10_000, undefined, mid)).toBe(TELEMETRY_BACKOFF.capMs);
  });

  it('jitters by ±20 %, never past the cap', () => {
    expect(telemetryBackoffMs(1, undefined, () => 0)).toBe(800);
    expect(telemetryBackoffMs(1, undefined, () => 1)).toBe(1200);
    expect(telemetryBackoffMs(20, undefined, () => 1)).toBe(TELEMETRY_BACKOFF.capMs);
  });

  it('honours Retry-After up to the cap', () => {
    expect(telemetryBackoffMs(1, 30_000, mid)).toBe(30_000);
    expect(telemetryBackoffMs(1, 3_600_000, mid)).toBe(TELEMETRY_BACKOFF.capMs);
    expect(telemetryBackoffMs(5, 10, mid)).toBe(16_000);
  });
});
