import { Injectable } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';

/**
 * Attempts in flight per endpoint in this worker process, capped by
 * WEBHOOK_ENDPOINT_CONCURRENCY. A slow or hanging endpoint can then hold at
 * most that many of the worker's slots; deliveries to healthy endpoints keep
 * flowing. (Per process: N workers allow N × the cap to one endpoint.)
 */
@Injectable()
export class EndpointSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly cap: number;

  constructor(config: TidingsConfig) {
    this.cap = config.worker.endpointConcurrency;
  }

  tryAcquire(endpointId: string): boolean {
    const used = this.inFlight.get(endpointId) ?? 0;
    if (used >= this.cap) return false;
    this.inFlight.set(endpointId, used + 1);
    return true;
  }

  release(endpointId: string): void {
    const used = (this.inFlight.get(endpointId) ?? 1) - 1;
    if (used <= 0) this.inFlight.delete(endpointId);
    else this.inFlight.set(endpointId, used);
  }
}
