import { Injectable } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { parseRetryAfter } from '@tidings/deliveries';
import { AppProperties, hydrateEvent } from '@tidings/events';
import { DataSource } from 'typeorm';
import { AnalyticsSender } from './analytics-sender';
import { readCommittedEvents } from './committed-events';
import { buildPostHogBatch, TelemetryRow } from './posthog-batch';
import { advanceTelemetryCursor, createTelemetryCursor, lockTelemetryCursor } from './telemetry-cursor';

/** Events per request to the analytics backend (PostHog's batch endpoint takes many more; 100 keeps bodies small). */
export const TELEMETRY_BATCH_SIZE = 100;

export type ExportOutcome =
  /** A batch was accepted and the cursor moved past it; `more` when it was full (go again at once). */
  | { kind: 'exported'; count: number; more: boolean }
  /** Nothing committed past the cursor. */
  | { kind: 'idle' }
  /** Another replica holds the cursor. */
  | { kind: 'busy' }
  /** There was no cursor: it now starts at the current position. */
  | { kind: 'started' }
  /** The backend did not accept the batch; the cursor stays. */
  | { kind: 'failed'; error: string; retryAfterMs?: number };

/** What every analytics event says about the installation's software (nothing about its data). */
export function telemetryAppProperties(config: TidingsConfig): AppProperties {
  return { version: config.version, node_version: process.versions.node, os: process.platform };
}

/**
 * Exports one batch of the event log: locks the cursor, reads up to 100
 * committed events past it, anonymizes each (toTelemetryPayload of the
 * stored event), POSTs them as one gzip PostHog batch and moves the cursor
 * only after a 2xx. The transaction holding the lock stays open for the
 * request (at most the sender's 10 s timeout), so two replicas never send
 * the same batch at once; a batch sent twice anyway (a commit lost after the
 * 2xx) carries the same event ids as `uuid`, which the backend deduplicates.
 */
@Injectable()
export class ExportTelemetryBatch {
  private readonly app: AppProperties;
  private distinctId?: Promise<string>;

  constructor(
    private readonly db: DataSource,
    private readonly sender: AnalyticsSender,
    private readonly config: TidingsConfig,
  ) {
    this.app = telemetryAppProperties(config);
  }

  async execute(signal?: AbortSignal, limit = TELEMETRY_BATCH_SIZE): Promise<ExportOutcome> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const cursor = await lockTelemetryCursor(runner);
      if (cursor === 'missing') {
        await createTelemetryCursor(runner);
        await runner.commitTransaction();
        return { kind: 'started' };
      }
      if (cursor === 'busy') {
        await runner.rollbackTransaction();
        return { kind: 'busy' };
      }
      const events = await readCommittedEvents(runner, cursor, limit);
      if (events.length === 0) {
        await runner.rollbackTransaction();
        return { kind: 'idle' };
      }
      const rows: TelemetryRow[] = events.map((row) => ({
        id: row.id,
        event_type: row.type,
        payload: hydrateEvent(row).toTelemetryPayload(this.app),
        recorded_at: new Date(row.recorded_at),
      }));
      const batch = buildPostHogBatch(rows, await this.installationId(), this.config.telemetry.analyticsApiKey);
      const result = await this.sender.send(batch, signal);
      if (result.error || result.status === undefined || result.status < 200 || result.status >= 300) {
        await runner.rollbackTransaction();
        const retryAfterMs = result.status === 429 || result.status === 503 ? parseRetryAfter(result.headers?.['retry-after']) : undefined;
        return { kind: 'failed', error: result.error ?? `HTTP ${result.status}`, retryAfterMs };
      }
      const last = events[events.length - 1];
      await advanceTelemetryCursor(runner, { xid: last.xid, eventId: last.id });
      await runner.commitTransaction();
      return { kind: 'exported', count: events.length, more: events.length === limit };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** The installation's random id (generated once by a migration), read once per process. */
  private installationId(): Promise<string> {
    this.distinctId ??= this.db.query(`SELECT distinct_id FROM installation LIMIT 1`).then((rows: { distinct_id: string }[]) => {
      if (!rows[0]) throw new Error('the installation row is missing (run the migrations)');
      return rows[0].distinct_id;
    });
    return this.distinctId.catch((error) => {
      this.distinctId = undefined;
      throw error;
    });
  }
}
