import { AttemptSlots } from './attempt-slots';

describe('AttemptSlots', () => {
  it('grants up to its size, then serves waiters in order as slots are released', async () => {
    const slots = new AttemptSlots(2);
    await expect(slots.acquire()).resolves.toBe(true);
    await expect(slots.acquire()).resolves.toBe(true);
    const order: string[] = [];
    const third = slots.acquire().then((granted) => order.push(`third ${granted}`));
    const fourth = slots.acquire().then((granted) => order.push(`fourth ${granted}`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    slots.release();
    await third;
    expect(order).toEqual(['third true']);
    expect(slots.inUse).toBe(2);
    slots.release();
    await fourth;
    expect(order).toEqual(['third true', 'fourth true']);
    slots.release();
    slots.release();
    expect(slots.inUse).toBe(0);
  });

  it('turns waiters and later requests away once closed; releases still count down', async () => {
    const slots = new AttemptSlots(1);
    await expect(slots.acquire()).resolves.toBe(true);
    const waiting = slots.acquire();
    slots.close();
    await expect(waiting).resolves.toBe(false);
    await expect(slots.acquire()).resolves.toBe(false);
    slots.release();
    expect(slots.inUse).toBe(0);
  });
});
