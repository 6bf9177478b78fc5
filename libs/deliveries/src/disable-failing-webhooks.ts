import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DisableWebhook } from './disable-webhook';

/**
 * Endpoint health: a webhook failing continuously for WEBHOOK_DISABLE_AFTER is
 * disabled (with `tidings:webhook:disabled` recorded). The delivery path does
 * this on a failed attempt; this sweep also catches endpoints whose next
 * retry is hours away.
 */
@Injectable()
export class DisableFailingWebhooks {
  constructor(
    private readonly db: DataSource,
    private readonly disable: DisableWebhook,
  ) {}

  async execute(disableAfterMs: number): Promise<number> {
    const due: { id: string; failing_since: Date }[] = await this.db.query(
      `SELECT id, failing_since FROM subscribers
        WHERE kind = 'webhook' AND enabled AND failing_since < now() - make_interval(secs => $1::double precision / 1000)
        LIMIT 100`,
      [disableAfterMs],
    );
    let disabled = 0;
    for (const webhook of due) {
      const done = await this.db.transaction((tx) =>
        this.disable.execute(tx, webhook.id, `Failing continuously since ${new Date(webhook.failing_since).toISOString()}`),
      );
      if (done) disabled++;
    }
    return disabled;
  }
}
