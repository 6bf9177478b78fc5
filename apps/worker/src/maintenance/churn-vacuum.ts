import { Injectable, Logger } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { VacuumChurnedTables } from '@tidings/deliveries';
import { IntervalLoop } from './interval-loop';

/** How often the statistics are read to judge what to vacuum (one catalogue query; MAINTENANCE_INTERVAL when shorter). */
const CHECK_MS = 2_000;

/**
 * Vacuums and analyzes the churned tables where autovacuum is off (see
 * VacuumChurnedTables). Its own timer, shorter than MAINTENANCE_INTERVAL: at
 * a thousand settles a second, a minute's wait would leave the claim reading
 * a dead front of 60,000 index entries.
 */
@Injectable()
export class ChurnVacuum extends IntervalLoop {
  private readonly logger = new Logger(ChurnVacuum.name);

  constructor(
    private readonly vacuum: VacuumChurnedTables,
    private readonly config: TidingsConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return Math.min(CHECK_MS, this.config.maintenanceIntervalMs);
  }

  async runOnce(): Promise<void> {
    try {
      const done = await this.vacuum.execute();
      // Debug: under steady churn this runs every few seconds, and a log line each time would drown the rest.
      if (done.length) this.logger.debug(`Autovacuum is off: ran ${done.join(', ')}`);
    } catch (error) {
      this.logger.warn(`vacuum failed: ${(error as Error).message}`);
    }
  }
}
