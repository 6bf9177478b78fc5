import { retryOnDeadlock } from './sql';

describe('retryOnDeadlock', () => {
  const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });

  it('runs the statement again after a deadlock, and answers what the successful run answered', async () => {
    let runs = 0;
    const result = await retryOnDeadlock(async () => {
      runs += 1;
      if (runs < 3) throw deadlock;
      return 'written';
    });
    expect(result).toBe('written');
    expect(runs).toBe(3);
  });

  it('recognises the code on a wrapped driver error too (TypeORM QueryFailedError)', async () => {
    let runs = 0;
    await retryOnDeadlock(async () => {
      runs += 1;
      if (runs === 1) throw Object.assign(new Error('query failed'), { driverError: { code: '40P01' } });
    });
    expect(runs).toBe(2);
  });

  it('gives up after the last attempt, and never retries other errors', async () => {
    let runs = 0;
    await expect(
      retryOnDeadlock(async () => {
        runs += 1;
        throw deadlock;
      }, 3),
    ).rejects.toBe(deadlock);
    expect(runs).toBe(3);

    runs = 0;
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(
      retryOnDeadlock(async () => {
        runs += 1;
        throw unique;
      }),
    ).rejects.toBe(unique);
    expect(runs).toBe(1);
  });
});
