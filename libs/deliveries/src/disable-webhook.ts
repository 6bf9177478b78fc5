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

  /** Disables it for `reason` (410 Gone). */
  execute(tx: EntityManager, subscriberId: string, reason: string): Promise<boolean> {
    return this.disable(tx, subscriberId, reason, null);
  }

  /**
   * The auto-disable rule, decided here only: the webhook is disabled if it
   * has been failing continuously for at least `disableAfterMs`, judged by
   * the row as it stands when this statement runs (Postgres re-reads a row
   * another worker updated meanwhile), never by a value read earlier. A
   * streak that was cleared, or never started, disables nothing.
   */
  ifFailingFor(tx: EntityManager, subscriberId: string, disableAfterMs: number): Promise<boolean> {
    return this.disable(tx, subscriberId, null, disableAfterMs);
  }

  private async disable(tx: EntityManager, subscriberId: string, reason: string | null, disableAfterMs: number | null): Promise<boolean> {
    const rows: { id: string; name: string; url: string; disabled_reason: string }[] = await queryRows(
      tx,
      `UPDATE subscribers
          SET enabled = false, disabled_at = now(), updated_at = now(),
              disabled_reason = COALESCE($2, 'Failing continuously since '
                || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        WHERE id = $1 AND kind = 'webhook' AND enabled
          AND ($3::float8 IS NULL OR failing_since <= now() - make_interval(secs => $3::float8 / 1000))
    RETURNING id, name, url, disabled_reason`,
      [subscriberId, reason, disableAfterMs],
    );
    if (rows.length === 0) return false;
    const [webhook] = rows;
    await this.events.register(
      tx,
      WebhookDisabled.create({
        webhook: { id: webhook.id, name: webhook.name, url_host: new URL(webhook.url).host, disabled_reason: webhook.disabled_reason },
      }),
    );
    return true;
  }
}
