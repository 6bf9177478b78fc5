import { Injectable } from '@nestjs/common';
import { DeliverWebhookJob } from '@tidings/queue';
import { DataSource } from 'typeorm';
import { ClaimedBatch, claimDue } from './store/claim-due';
import { deferClaims } from './store/defer-claims';
import { releaseClaims } from './store/release-claims';
import { wakeStrandedKeys } from './store/wake-stranded-keys';

/** The lease a claim gets when the caller does not say (DELIVERY_CLAIM_LEASE's smallest default). */
const DEFAULT_LEASE_MS = 60_000;

/**
 * The Postgres side of the relay: claims due deliveries in batches for
 * enqueueing and hands them back when the queue cannot take them (the
 * statements live in ./store). A claim is a lease: when it runs out, the
 * delivery is simply claimable again, so nothing sweeps claims back.
 */
@Injectable()
export class OutboxRelay {
  constructor(private readonly db: DataSource) {}

  /** Claims (leases) up to `limit` due webhook deliveries, parking those that wait behind their key's head; see claimDue. */
  claimDue(limit: number, leaseMs: number = DEFAULT_LEASE_MS): Promise<ClaimedBatch> {
    return claimDue(this.db, limit, leaseMs);
  }

  /** Gives unattempted claims back at once; see releaseClaims. */
  release(jobs: DeliverWebhookJob[]): Promise<void> {
    return releaseClaims(this.db, jobs);
  }

  /** Puts claims back for later without an attempt; see deferClaims. */
  deferMany(deferred: { job: DeliverWebhookJob; delayMs: number }[]): Promise<void> {
    return deferClaims(this.db, deferred);
  }

  /** Makes due the parked deliveries no settle will wake (maintenance's safety net); see wakeStrandedKeys. */
  wakeStranded(): Promise<number> {
    return wakeStrandedKeys(this.db);
  }
}
