/**
 * INGEST_DELIVERY_RATE_LIMIT: the deliveries each producer (API key) may
 * create per window. The api provides it, counted in Redis across its
 * replicas (apps/api/src/http/ingest-delivery-limit.ts); where none is
 * provided, nothing is limited.
 */
export abstract class DeliveryAllowance {
  /**
   * Takes `deliveries` from `producer`'s allowance for this window, or throws
   * (429 `rate_limited` with Retry-After) leaving it untouched: the caller
   * then writes nothing.
   */
  abstract take(producer: string, deliveries: number): Promise<void>;
}
