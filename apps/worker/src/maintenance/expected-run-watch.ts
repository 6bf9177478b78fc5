import { Injectable, Logger } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { EvaluateExpectedRuns, ScheduleClock } from '@tidings/ingest';
import { TidingsMetrics } from '@tidings/metrics';
import { IntervalLoop } from './interval-loop';

/**
 * Judges expected-run schedules every SCHEDULE_INTERVAL (DESIGN §7.2). Runs in
 * every worker replica; each tick's event is recorded once (see
 * EvaluateExpectedRuns). Its own timer, shorter than MAINTENANCE_INTERVAL, so a
 * missing run is reported soon after its deadline.
 */
@Injectable()
export class ExpectedRunWatch extends IntervalLoop {
  private readonly logger = new Logger(ExpectedRunWatch.name);

  constructor(
    private readonly evaluate: EvaluateExpectedRuns,
    private readonly clock: ScheduleClock,
    private readonly metrics: TidingsMetrics,
    private readonly config: TidingsConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.scheduleIntervalMs;
  }

  override onApplicationBootstrap(): void {
    if (this.config.testClockFile) {
      this.logger.warn(
        `TIDINGS_TEST_CLOCK_FILE is set: expected-run schedules are judged at the time written in ${this.config.testClockFile}, not the real time (for tests only)`,
      );
    }
    super.onApplicationBootstrap();
  }

  async runOnce(): Promise<void> {
    try {
      const now = this.clock.now();
      const pass = await this.evaluate.execute(now);
      if (pass.missing) this.metrics.scheduleVerdicts.inc({ kind: 'missing' }, pass.missing);
      if (pass.late) this.metrics.scheduleVerdicts.inc({ kind: 'late' }, pass.late);
      if (pass.missing || pass.late) this.logger.warn(`Expected runs: recorded ${pass.missing} missing, ${pass.late} late`);
      for (const { pipeline_key, error } of pass.failed) this.logger.warn(`expected-run schedule of ${pipeline_key}: ${error}`);
      this.metrics.scheduleEvaluatedAt.set(now.getTime() / 1000);
    } catch (error) {
      this.logger.warn(`expected-run schedules: ${(error as Error).message}`);
    }
  }
}
