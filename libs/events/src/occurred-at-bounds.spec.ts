import { occurredAtSkew } from './occurred-at-bounds';

describe('occurredAtSkew', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  const bounds = { maxFutureMs: 5 * 60_000, maxPastMs: 3650 * 86_400_000 };
  const at = (iso: string) => occurredAtSkew(new Date(iso), bounds, now);

  it('accepts times up to the bounds, in either direction', () => {
    expect(at('2026-12-03T12:05:00Z')).toBeNull();
    expect(at('2026-12-03T12:00:00Z')).toBeNull();
    expect(at('2016-12-06T12:00:00Z')).toBeNull();
  });

  it('says which bound a time is past, in the words the SQL entry point uses', () => {
    expect(at('2026-12-03T12:05:00.001Z')).toBe('must be at most 5m in the future (OCCURRED_AT_MAX_FUTURE)');
    expect(at('9999-12-31T23:59:59Z')).toBe('must be at most 5m in the future (OCCURRED_AT_MAX_FUTURE)');
    expect(at('0001-01-01T00:00:00Z')).toBe('must be at most 3650d in the past (OCCURRED_AT_MAX_PAST)');
  });

  it('leaves a direction without a bound unchecked, and an unreadable time to the format check', () => {
    expect(occurredAtSkew(new Date('9999-12-31T23:59:59Z'), { maxPastMs: 1 }, now)).toBeNull();
    expect(occurredAtSkew(new Date('0001-01-01T00:00:00Z'), { maxFutureMs: 1 }, now)).toBeNull();
    expect(occurredAtSkew(new Date('not a time'), bounds, now)).toBeNull();
  });
});
