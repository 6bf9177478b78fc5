import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * A worker job run every `intervalMs` from start to shutdown, one pass at a
 * time (a slow pass is not overlapped; the next tick while it runs is
 * skipped), the last pass awaited on shutdown. `runOnce` must not throw.
 */
export abstract class IntervalLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  protected abstract get intervalMs(): number;
  abstract runOnce(): Promise<void>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
