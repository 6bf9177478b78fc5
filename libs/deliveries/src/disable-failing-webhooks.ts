import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DisableWebhook } from './disable-webhook';

/**
 * Endpoint health: a webhook failing continuously for WEBHOOK_DISABLE_AFTER is
 * disabled (with `tidings:webhook:disabled` recorded). The delivery path does
 * this on a failed attempt; this sweep also catches endpoints whose next
 * retry is hours away. The rule itself is DisableWebhook.ifFailingFor's.
 */
@Injectable()
export class DisableFailingWebhooks {
  constructor(
    private readonly db: DataSource,
    private readonly disable: DisableWebhook,
  ) {}

  async execute(disableAfterMs: number): Promise<number> {
    const due: { id: string }[] = await this.db.query(
      `SELECT id FROM subscribers
        WHERE kind = 'webhook' AND enabled AND failing_since < now() - make_interval(secs => $1::double precision / 1000)
        LIMIT 100`,
      [disableAfterMs],
    );
    let disabled = 0;
    for (const webhook of due) {
      if (await this.db.transaction((tx) => this.disable.ifFailingFor(tx, webhook.id, disableAfterMs))) disabled++;
    }
    return disabled;
  }
}
