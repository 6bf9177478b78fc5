import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { WakeableSleep } from '@tidings/common';
import { telemetryEnabled, TidingsConfig } from '@tidings/config';
import { TidingsMetrics } from '@tidings/metrics';
import { DataSource } from 'typeorm';
import { countTelemetryBacklog } from './committed-events';
import { ExportTelemetryBatch } from './export-telemetry-batch';
import { telemetryBackoffMs } from './telemetry-backoff';
import { dropTelemetryCursor } from './telemetry-cursor';

/** A database error is reported at most this often (the next pass tries again anyway). */
const DB_WARNING_EVERY_MS = 60_000;
/** A breath between full batches: catching up (≤ 5,000 events/s) never monopolises the worker it shares with webhooks. */
const CATCH_UP_PAUSE_MS = 20;

/**
 * Runs the telemetry export in the worker, on its own timer: one batch every
 * RELAY_INTERVAL (default 1 s), and again after a breath while batches come back full.
 * Nothing of it touches the webhook queue or the webhook code path, so a slow
 * or dead analytics backend delays no webhook. While the backend fails the
 * cursor waits and the exporter backs off (1 s … 5 min); one WARN per outage,
 * and `tidings_telemetry_backlog_events` shows what waits. Telemetry off: it
 * exports nothing and forgets the cursor.
 */
@Injectable()
export class TelemetryExporter implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TelemetryExporter.name);
  private readonly shutdown = new AbortController();
  private running?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private failures = 0;
  private lastDbWarning = 0;

  constructor(
    private readonly exportBatch: ExportTelemetryBatch,
    private readonly db: DataSource,
    private readonly config: TidingsConfig,
    private readonly metrics: TidingsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!telemetryEnabled(this.config)) {
      this.running = dropTelemetryCursor(this.db).catch((error) =>
        this.logger.warn(`could not reset the telemetry cursor: ${error.message}`),
      );
      return;
    }
    this.metrics.addCollector(async () => this.metrics.telemetryBacklog.set(await countTelemetryBacklog(this.db)));
    this.running = this.run();
  }

  private async run(): Promise<void> {
    while (!this.shutdown.signal.aborted) {
      await this.pause.sleep(await this.exportOnce());
    }
  }

  /** One pass; resolves to how long to wait before the next. */
  private async exportOnce(): Promise<number> {
    const interval = this.config.worker.relayIntervalMs;
    try {
      const outcome = await this.exportBatch.execute(this.shutdown.signal);
      switch (outcome.kind) {
        case 'exported':
          if (this.failures > 0)
            this.logger.log(
              `Telemetry: the analytics backend answers again after ${this.failures} failed request(s); exporting the backlog`,
            );
          this.failures = 0;
          return outcome.more ? CATCH_UP_PAUSE_MS : interval;
        case 'failed':
          if (this.shutdown.signal.aborted) return 0;
          this.failures++;
          if (this.failures === 1) {
            this.logger.warn(
              `Telemetry: the analytics backend did not accept a batch (${outcome.error}); events wait in the log and are sent once it does`,
            );
          }
          return telemetryBackoffMs(this.failures, outcome.retryAfterMs);
        case 'started':
          this.logger.log('Telemetry: exporting events from now on (cursor created at the current position)');
          return 0;
        default:
          return interval;
      }
    } catch (error) {
      if (Date.now() - this.lastDbWarning >= DB_WARNING_EVERY_MS) {
        this.lastDbWarning = Date.now();
        this.logger.warn(`Telemetry export failed: ${(error as Error).message}`);
      }
      return interval;
    }
  }

  /** A request in flight is aborted rather than awaited: its batch stays past the cursor and is sent after the restart. */
  async onModuleDestroy(): Promise<void> {
    this.shutdown.abort();
    this.pause.wake();
    await this.running;
  }
}
