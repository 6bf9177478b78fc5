import { WakeableSleep } from './wakeable-sleep';

describe('WakeableSleep', () => {
  it('wake() ends a sleep at once; a wake while awake makes the next sleep return at once, once', async () => {
    const pause = new WakeableSleep();
    const t0 = Date.now();
    const sleeping = pause.sleep(10_000);
    pause.wake();
    await sleeping;
    expect(Date.now() - t0).toBeLessThan(1000);

    pause.wake();
    const t1 = Date.now();
    await pause.sleep(10_000);
    expect(Date.now() - t1).toBeLessThan(1000);

    const t2 = Date.now();
    await pause.sleep(50);
    expect(Date.now() - t2).toBeGreaterThanOrEqual(45);
  });
});
