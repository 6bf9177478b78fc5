import { machineSlowness, waitFor } from './wait-for';

describe('waits that scale with the machine', () => {
  const saved = process.env.TEST_SLOWNESS;
  afterEach(() => {
    if (saved === undefined) delete process.env.TEST_SLOWNESS;
    else process.env.TEST_SLOWNESS = saved;
  });

  const readyAfter = (ms: number) => {
    const at = Date.now() + ms;
    return () => Date.now() >= at;
  };

  it('gives up after the written budget on an idle machine, naming what it waited for', async () => {
    process.env.TEST_SLOWNESS = '1';
    await expect(waitFor('the flag', readyAfter(600), 150, 10)).rejects.toThrow(/^Timed out after \d+ ms waiting for the flag$/);
  });

  it('waits the budget times the slowness on a busy one, and says so when it gives up', async () => {
    process.env.TEST_SLOWNESS = '6';
    await expect(waitFor('the flag', readyAfter(600), 150, 10)).resolves.toBe(true);
    await expect(waitFor('the flag', readyAfter(5_000), 150, 10)).rejects.toThrow(
      /\(150 ms × 6\.0 for the machine's load\) waiting for the flag/,
    );
  });

  it('reads the load per core, between 1 and 8, when not fixed', () => {
    delete process.env.TEST_SLOWNESS;
    const slowness = machineSlowness();
    expect(slowness).toBeGreaterThanOrEqual(1);
    expect(slowness).toBeLessThanOrEqual(8);
  });
});
