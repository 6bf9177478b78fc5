import { Injectable } from '@nestjs/common';
import { analyticsRetryDelayMs } from './analytics-retry';

/** How long a probe batch may stay unanswered before another may be claimed (a lost job must not stall telemetry). */
const PROBE_TIMEOUT_MS = 30_000;

/**
 * A circuit breaker for the analytics backend, per worker process. While the
 * backend fails, the relay stops claiming analytics batches for a growing
 * pause (the retry backoff of consecutive failures), then sends one probe
 * batch; the first success closes it. So a backend that is down costs one
 * request per pause, however large the backlog, and the backlog drains at
 * full speed once it answers again. Webhooks never consult it.
 */
@Injectable()
export class AnalyticsCircuit {
  private failures = 0;
  private openUntil = 0;
  private probeUntil = 0;

  /** Whether the relay may claim a batch now. */
  mayClaim(now = Date.now()): boolean {
    return this.failures === 0 || (now >= this.openUntil && now >= this.probeUntil);
  }

  /** Milliseconds until mayClaim() may turn true (0 if it is). */
  waitMs(now = Date.now()): number {
    return this.mayClaim(now) ? 0 : Math.max(this.openUntil, this.probeUntil) - now;
  }

  /** A batch was claimed: while half-open it is the probe, and no other is claimed until it is answered. */
  claimed(now = Date.now()): void {
    if (this.failures > 0) this.probeUntil = now + PROBE_TIMEOUT_MS;
  }

  succeeded(): void {
    this.failures = 0;
    this.openUntil = 0;
    this.probeUntil = 0;
  }

  failed(now = Date.now()): void {
    this.failures++;
    this.openUntil = now + analyticsRetryDelayMs(this.failures, undefined, () => 0.5);
    this.probeUntil = 0;
  }
}
