import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes one item on its own at once, and what arrives meanwhile in one group after it', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const firstDone = new Promise<void>((resolve) => (release = resolve));
    const commit = new GroupCommit<number, string>(
      async (items) => {
        groups.push(items);
        if (groups.length === 1) await firstDone;
        return items.map((n) => `#${n}`);
      },
      { maxBatch: 100, maxConcurrent: 1 },
    );

    const first = commit.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((n) => commit.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([[1]]);
    release();

    await expect(Promise.all([first, ...later])).resolves.toEqual(['#1', '#2', '#3', '#4']);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a group at maxBatch and runs up to maxConcurrent flushes', async () => {
    let running = 0;
    let most = 0;
    const sizes: number[] = [];
    const commit = new GroupCommit<number, number>(
      async (items) => {
        running += 1;
        most = Math.max(most, running);
        sizes.push(items.length);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return items.map((n) => n * 2);
      },
      { maxBatch: 3, maxConcurrent: 2 },
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => commit.submit(i)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(Math.max(...sizes)).toBe(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(most).toBe(2);
  });

  it('fails every item of a failed group, and only those', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(
      async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('connection lost');
        return items;
      },
      { maxBatch: 10, maxConcurrent: 1 },
    );
    const a = commit.submit(1);
    const b = commit.submit(2);
    await expect(a).rejects.toThrow('connection lost');
    await expect(b).rejects.toThrow('connection lost');
    await expect(commit.submit(3)).resolves.toBe(3);
  });

  it('settled() waits for what is waiting and being written', async () => {
    const written: number[] = [];
    const commit = new GroupCommit<number, void>(
      async (items) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        written.push(...items);
        return items.map(() => undefined);
      },
      { maxBatch: 10, maxConcurrent: 1 },
    );
    void commit.submit(1);
    void commit.submit(2);
    expect(commit.size).toBe(2);
    await commit.settled();
    expect(written).toEqual([1, 2]);
    expect(commit.size).toBe(0);
    await expect(commit.settled()).resolves.toBeUndefined();
  });

  it('refuses a flush that answers for the wrong number of items', async () => {
    const commit = new GroupCommit<number, number>(async () => [], { maxBatch: 10, maxConcurrent: 1 });
    await expect(commit.submit(1)).rejects.toThrow('0 results for 1 items');
  });
});
