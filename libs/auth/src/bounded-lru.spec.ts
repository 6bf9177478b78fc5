import { BoundedLru } from './bounded-lru';

describe('BoundedLru', () => {
  it('never holds more than its capacity and evicts the least recently used entry', () => {
    const lru = new BoundedLru<string, number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('d', 4);
    expect(lru.size).toBe(3);
    expect(lru.get('b')).toBeUndefined();
    expect([lru.get('a'), lru.get('c'), lru.get('d')]).toEqual([1, 3, 4]);
  });

  it('keeps a hot entry through a flood of cold ones', () => {
    const lru = new BoundedLru<string, string>(100);
    lru.set('hot', 'valid');
    for (let i = 0; i < 10_000; i++) {
      lru.set(`cold${i}`, 'x');
      if (i % 50 === 0) expect(lru.get('hot')).toBe('valid');
    }
    expect(lru.size).toBe(100);
    expect(lru.get('hot')).toBe('valid');
  });
});
