import { Injectable } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';

/** An endpoint answering faster than this on average may use more than its share of slots. */
const FAST_MS = 250;
/** How far the average follows the latest attempt. */
const WEIGHT = 0.2;
/** Deferral for an endpoint not measured yet: its first attempts finish soon and tell us. */
const UNKNOWN_DEFER_MS = 100;

interface EndpointState {
  /** Start times of the attempts in flight. */
  started: number[];
  averageMs?: number;
}

export type SlotDecision = { granted: true } | { granted: false; deferMs: number };

/**
 * Fairness between endpoints in one worker process. Up to
 * WEBHOOK_ENDPOINT_CONCURRENCY attempts to an endpoint always proceed; more
 * proceed only while the endpoint is known to be fast (its average attempt
 * under 250 ms), so a burst to a healthy receiver uses every slot, while a
 * slow, hanging or not-yet-measured endpoint holds at most its share and the
 * rest of its deliveries wait in Postgres (no attempt spent).
 * (Per process: N workers allow N times the share to one slow endpoint.)
 */
@Injectable()
export class EndpointSlots {
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly share: number;
  private readonly slowDeferMs: number;

  constructor(config: TidingsConfig) {
    this.share = config.worker.endpointConcurrency;
    // Long enough not to churn while a slow endpoint's own attempts run, short enough to refill a freed slot soon.
    this.slowDeferMs = Math.min(5000, Math.max(UNKNOWN_DEFER_MS, Math.floor(config.webhook.timeoutMs / 4)));
  }

  acquire(endpointId: string, now = Date.now()): SlotDecision {
    const state = this.endpoints.get(endpointId) ?? { started: [] };
    const fast = state.averageMs !== undefined && state.averageMs < FAST_MS;
    if (state.started.length >= this.share && !fast) {
      // Slow if measured so, or if an attempt is already taking long (a hanging endpoint before its first timeout).
      const slow = state.averageMs !== undefined || now - Math.min(...state.started) > FAST_MS;
      return { granted: false, deferMs: slow ? this.slowDeferMs : UNKNOWN_DEFER_MS };
    }
    state.started.push(now);
    this.endpoints.set(endpointId, state);
    return { granted: true };
  }

  /** `durationMs`: how long the attempt took (undefined when none was made). */
  release(endpointId: string, durationMs?: number): void {
    const state = this.endpoints.get(endpointId);
    if (!state) return;
    state.started.splice(state.started.indexOf(Math.min(...state.started)), 1);
    if (durationMs !== undefined) state.averageMs = state.averageMs === undefined ? durationMs : state.averageMs * (1 - WEIGHT) + durationMs * WEIGHT;
    if (this.endpoints.size > 10_000 && state.started.length === 0) this.endpoints.delete(endpointId);
  }
}
