import { queryRows } from '@tidings/common';
import { Injectable } from '@nestjs/common';
import { DeliverWebhookJob } from '@tidings/queue';
import { DataSource } from 'typeorm';
import { claimDue } from './store/claim-due';
import { deferClaims, releaseClaims } from './store/release-claims';

/** The lease a claim gets when the caller does not say (DELIVERY_CLAIM_LEASE's smallest default). */
const DEFAULT_LEASE_MS = 60_000;

/**
 * The Postgres side of the relay: claims due deliveries in batches for
 * enqueueing and hands them back when the queue cannot take them (the
 * statements live in ./store), and returns rows left `claimed` whose lease ran
 * out to `pending`.
 */
@Injectable()
export class OutboxRelay {
  constructor(private readonly db: DataSource) {}

  /** Claims (leases) up to `limit` due webhook deliveries; see claimDue. */
  claimDue(limit: number, leaseMs: number = DEFAULT_LEASE_MS): Promise<DeliverWebhookJob[]> {
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

  /**
   * Returns expired `claimed` rows to `pending`, at most `limit` at a time;
   * resolves to how many. Nothing claims that way any more (a webhook claim is
   * a lease on a pending row; telemetry has no delivery rows since
   * DropAnalyticsOutbox), so this finds none; kept for the claim code's owner to retire.
   */
  async releaseExpiredClaims(leaseMs: number, limit = 1000): Promise<number> {
    const rows = await queryRows(
      this.db,
      `UPDATE deliveries d
          SET status = 'pending', claimed_at = NULL, updated_at = now()
         FROM (SELECT id FROM deliveries
                WHERE status = 'claimed' AND claimed_at < now() - make_interval(secs => $1::double precision / 1000)
                LIMIT $2
                FOR UPDATE SKIP LOCKED) expired
        WHERE d.id = expired.id
    RETURNING d.id`,
      [leaseMs, limit],
    );
    return rows.length;
  }
}
