import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryError } from './delivery-error';
import { recoverBatch } from './store/recover-batch';

/** Deliveries replayed per transaction: large enough to be quick, small enough that no statement nears the timeout. */
export const RECOVER_BATCH = 5000;

/**
 * Replays every `failed` delivery of a webhook created in [since, until):
 * what an endpoint missed during an outage. Each gets one manual attempt.
 * Works in batches of RECOVER_BATCH, each committed on its own (the relay
 * starts on the first while the next is written); progress is logged per
 * batch and reported to `onProgress`. Stopped half-way, it can be run again:
 * what was replayed is no longer failed.
 */
@Injectable()
export class RecoverDeliveries {
  private readonly logger = new Logger(RecoverDeliveries.name);

  constructor(private readonly db: DataSource) {}

  async execute(
    webhookId: string,
    since: Date,
    until?: Date,
    onProgress?: (replayed: number) => void,
  ): Promise<{ replayed: number }> {
    const [webhook] = await this.db.query(`SELECT enabled, deleted_at FROM subscribers WHERE id = $1 AND kind = 'webhook'`, [webhookId]);
    if (!webhook || webhook.deleted_at) throw new DeliveryError('not_found', `No webhook ${webhookId}`);
    if (!webhook.enabled) throw new DeliveryError('conflict', 'The webhook is disabled; enable it (PATCH enabled: true) first');
    let replayed = 0;
    let after: string | null = null;
    for (;;) {
      const batch = await recoverBatch(this.db, webhookId, { since, until }, after, RECOVER_BATCH);
      replayed += batch.replayed;
      after = batch.last;
      if (batch.replayed > 0) {
        onProgress?.(replayed);
        if (replayed > batch.replayed || batch.replayed === RECOVER_BATCH) {
          this.logger.log(`Recovering webhook ${webhookId}: ${replayed} failed deliveries replayed so far`);
        }
      }
      if (batch.replayed < RECOVER_BATCH) return { replayed };
    }
  }
}
