import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { OutboxRelay } from '@tidings/deliveries';
import { RelayLoop } from '../relay/relay-loop';

/**
 * Returns claims older than the lease to `pending`: the delivery's worker
 * died, or Redis lost its job. The relay then enqueues it again.
 */
@Injectable()
export class ClaimSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ClaimSweeper.name);
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly loop: RelayLoop,
    private readonly config: TidingsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.max(500, Math.min(30_000, Math.floor(this.config.worker.claimLeaseMs / 4)));
    this.timer = setInterval(() => void this.sweep(), every);
  }

  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const released = await this.relay.releaseExpiredClaims(this.config.worker.claimLeaseMs);
      if (released > 0) {
        this.logger.warn(`Returned ${released} expired claim(s) to pending`);
        this.loop.poke();
      }
      return released;
    } catch (error) {
      this.logger.warn(`claim sweep failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
