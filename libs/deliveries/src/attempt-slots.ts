/**
 * The worker's WORKER_CONCURRENCY: attempts in flight in this process, from
 * sending to recorded. Waiters are served in order; `close()` turns every
 * waiter (and every later `acquire`) away, for shutdown.
 */
export class AttemptSlots {
  private used = 0;
  private closed = false;
  private readonly waiters: ((granted: boolean) => void)[] = [];

  constructor(private readonly size: number) {}

  /** Resolves true with a slot, or false once closed. */
  acquire(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.used < this.size && this.waiters.length === 0) {
      this.used += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A slot if one is free now (never waits); false otherwise. */
  tryAcquire(): boolean {
    if (this.closed || this.used >= this.size || this.waiters.length > 0) return false;
    this.used += 1;
    return true;
  }

  release(): void {
    const next = this.closed ? undefined : this.waiters.shift();
    if (next) next(true);
    else this.used -= 1;
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(false);
  }

  get inUse(): number {
    return this.used;
  }
}
