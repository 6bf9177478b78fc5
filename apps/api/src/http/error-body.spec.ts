import { isDatabaseUnavailable } from '@tidings/common';
import { isInvalidInput, isTransientConflict } from './error-body';

describe('error classification', () => {
  const pg = (code: string) => Object.assign(new Error(`postgres ${code}`), { code });
  const wrapped = (code: string) => Object.assign(new Error('query failed'), { driverError: { code } });

  it('a deadlock or serialization failure is a transient conflict (retry), not an outage or bad input', () => {
    for (const error of [pg('40P01'), pg('40001'), wrapped('40P01')]) {
      expect(isTransientConflict(error)).toBe(true);
      expect(isDatabaseUnavailable(error)).toBe(false);
      expect(isInvalidInput(error)).toBe(false);
    }
    expect(isTransientConflict(pg('23505'))).toBe(false);
    expect(isTransientConflict(new Error('boom'))).toBe(false);
  });

  it('keeps outages and data exceptions apart', () => {
    expect(isDatabaseUnavailable(pg('57P01'))).toBe(true);
    expect(isInvalidInput(wrapped('22P02'))).toBe(true);
  });
});
