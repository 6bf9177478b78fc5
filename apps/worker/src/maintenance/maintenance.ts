import { Injectable, Logger } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { DisableFailingWebhooks, HistoryRetention, OutboxRelay } from '@tidings/deliveries';
import { IntervalLoop } from './interval-loop';

/**
 * Periodic housekeeping: history partitions ahead and retention, endpoint health, parked ordered deliveries
 * no settle will wake. Safe to run in every worker replica. (Vacuum where autovacuum is off: ChurnVacuum, on a shorter timer.)
 */
@Injectable()
export class Maintenance extends IntervalLoop {
  private readonly logger = new Logger(Maintenance.name);

  constructor(
    private readonly retention: HistoryRetention,
    private readonly health: DisableFailingWebhooks,
    private readonly relay: OutboxRelay,
    private readonly config: TidingsConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.maintenanceIntervalMs;
  }

  async runOnce(): Promise<void> {
    try {
      const retained = await this.retention.execute({ retentionDays: this.config.retentionDays, eventRetentionDays: this.config.eventRetentionDays });
      if (retained.created.length) this.logger.log(`History: created partitions ${retained.created.join(', ')}`);
      if (retained.purged.length) {
        this.logger.log(
          `Retention: dropped ${retained.purged.join(', ')}; kept ${retained.keptDeliveries} pending or failed deliveries, ${retained.keptEvents} events`,
        );
      }
      const disabled = await this.health.execute(this.config.webhook.disableAfterMs);
      if (disabled) this.logger.warn(`Disabled ${disabled} webhook(s) failing for longer than WEBHOOK_DISABLE_AFTER`);
      const woken = await this.relay.wakeStranded();
      if (woken)
        this.logger.warn(
          `Ordered delivery: woke ${woken} parked deliveries no settle would wake (a lost wake, or a webhook no longer ordered)`,
        );
    } catch (error) {
      this.logger.warn(`maintenance failed: ${(error as Error).message}`);
    }
  }
}
