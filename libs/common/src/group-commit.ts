import { AsyncResource } from 'node:async_hooks';

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most items one flush takes. */
  maxBatch: number;
  /** Flushes running at once; while they run, new items gather for the next one. */
  maxConcurrent: number;
}

/**
 * Group commit: callers submit one item each and await their own result,
 * while the items are written together, one flush (one statement) per group.
 * Items submitted in the same turn of the event loop, or while the previous
 * flushes run, share a flush: at a trickle every item is written at once on
 * its own, under load the groups grow by themselves. A failed flush fails
 * every item in it. Flushes run in the async context the GroupCommit was
 * created in, never in one submitter's (a request's AsyncLocalStorage
 * does not leak into the others' items).
 *
 *   const record = new GroupCommit((rows) => insertAll(rows), { maxBatch: 500, maxConcurrent: 2 });
 *   const id = await record.submit(row);
 */
export class GroupCommit<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private running = 0;
  private scheduled = false;
  private readonly idle = new Set<() => void>();
  private readonly scope = new AsyncResource('GroupCommit');

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting or being written. */
  get size(): number {
    return this.waiting.length + this.running;
  }

  /** Resolves once nothing is waiting or being written. */
  settled(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: the items they submit join one flush.
    this.scope.runInAsyncScope(() =>
      setImmediate(() => {
        this.scheduled = false;
        this.start();
      }),
    );
  }

  private start(): void {
    while (this.running < this.options.maxConcurrent && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.options.maxBatch);
      this.running += 1;
      void this.write(group).finally(() => {
        this.running -= 1;
        this.start();
        if (this.size === 0) {
          for (const resolve of this.idle) resolve();
          this.idle.clear();
        }
      });
    }
  }

  private async write(group: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.flush(group.map((w) => w.item));
      if (results.length !== group.length) throw new Error(`group commit: ${results.length} results for ${group.length} items`);
      group.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      for (const w of group) w.reject(error);
    }
  }
}
