import { queryRows } from '@tidings/common';
import { Injectable } from '@nestjs/common';
import { EventRegistrar, WebhookDisabled } from '@tidings/events';
import { EntityManager } from 'typeorm';

/**
 * Disables a webhook (no new deliveries until re-enabled) and records
 * `tidings:webhook:disabled` in the same transaction, so operators who
 * subscribe to it are told. Does nothing if it was already disabled.
 */
@Injectable()
export class DisableWebhook {
  constructor(private readonly events: EventRegistrar) {}

  async execute(tx: EntityManager, subscriberId: string, reason: string): Promise<boolean> {
    const rows: { id: string; name: string; url: string }[] = await queryRows(
      tx,
      `UPDATE subscribers SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
        WHERE id = $1 AND kind = 'webhook' AND enabled
    RETURNING id, name, url`,
      [subscriberId, reason],
    );
    if (rows.length === 0) return false;
    const [webhook] = rows;
    await this.events.register(
      tx,
      WebhookDisabled.create({
        webhook: { id: webhook.id, name: webhook.name, url_host: new URL(webhook.url).host, disabled_reason: reason },
      }),
    );
    return true;
  }
}
