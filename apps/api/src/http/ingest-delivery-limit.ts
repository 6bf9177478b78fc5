import { Injectable } from '@nestjs/common';
import { formatDuration, Rate, TidingsConfig } from '@tidings/config';
import { DeliveryAllowance, EventError } from '@tidings/events';
import { SharedThrottlerStorage } from './shared-throttler-storage';

/**
 * INGEST_DELIVERY_RATE_LIMIT: the deliveries `/v1/events` and its batch route
 * may create per API key per window, counted in Redis beside INGEST_RATE_LIMIT
 * (SharedThrottlerStorage: one count across every api replica; each process
 * alone while Redis is away), under QUEUE_PREFIX. A request is taken whole or
 * refused whole: 429 with Retry-After, nothing written.
 */
@Injectable()
export class IngestDeliveryLimit extends DeliveryAllowance {
  private readonly rate: Rate;

  constructor(
    private readonly storage: SharedThrottlerStorage,
    private readonly config: TidingsConfig,
  ) {
    super();
    this.rate = config.ingestDeliveryRateLimit!;
  }

  async take(producer: string, deliveries: number): Promise<void> {
    if (deliveries === 0) return;
    const { limit, windowMs } = this.rate;
    if (deliveries > limit) {
      // Waiting would not help.
      throw new EventError(
        'payload_too_large',
        `This request would create ${deliveries} deliveries; an API key may create at most ${limit} per window (INGEST_DELIVERY_RATE_LIMIT). Send fewer events per request.`,
        [{ field: 'events', message: `would create ${deliveries} deliveries, more than ${limit}` }],
      );
    }
    const key = `${this.config.queuePrefix}:ingest-deliveries:${producer}`;
    const { taken, resetsInMs } = await this.storage.take(key, deliveries, limit, windowMs);
    if (taken) return;
    const wait = Math.max(1, Math.ceil(resetsInMs / 1000));
    throw new EventError(
      'rate_limited',
      `This request would create ${deliveries} deliveries, more than this API key has left of its INGEST_DELIVERY_RATE_LIMIT (${limit} per ${formatDuration(windowMs)}); nothing was written, retry after ${wait} s (Retry-After)`,
      undefined,
      wait,
    );
  }
}
