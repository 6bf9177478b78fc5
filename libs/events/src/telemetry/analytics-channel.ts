import { Injectable } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { DataSource } from 'typeorm';
import { MatchedSubscriber } from '../subscription-matcher';
import { AppProperties } from './anonymizer';

/** The one analytics subscriber, created by migration 1763800000000-Telemetry with this well-known id. */
export const ANALYTICS_SUBSCRIBER_ID = '00000000-0000-4000-8000-0000000a11c5';

/** Whether this process sends telemetry: ANALYTICS_URL is set and TELEMETRY_DISABLED is not true. */
export function telemetryEnabled(config: TidingsConfig): boolean {
  return !config.telemetry.disabled && !!config.telemetry.analyticsUrl;
}

/**
 * Telemetry's place in registration: the analytics subscriber that every
 * event is delivered to (besides its matching webhooks) while telemetry is
 * on. Read from the database once per process, not per event: it is a fixed
 * row, and switching telemetry off is TELEMETRY_DISABLED (then a restart).
 */
@Injectable()
export class AnalyticsChannel {
  private loaded?: Promise<MatchedSubscriber | null>;
  readonly app: AppProperties;

  constructor(
    private readonly config: TidingsConfig,
    private readonly db: DataSource,
  ) {
    this.app = { version: config.version, node_version: process.versions.node, os: process.platform };
  }

  get enabled(): boolean {
    return telemetryEnabled(this.config);
  }

  /** The analytics subscriber, or null when telemetry is off (or its row was disabled or removed). */
  subscriber(): Promise<MatchedSubscriber | null> {
    if (!this.enabled) return Promise.resolve(null);
    this.loaded ??= this.load().catch((error) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private async load(): Promise<MatchedSubscriber | null> {
    const [row] = await this.db.query(
      `SELECT id, name, kind, format, content_type FROM subscribers
        WHERE id = $1 AND kind = 'analytics' AND enabled AND deleted_at IS NULL`,
      [ANALYTICS_SUBSCRIBER_ID],
    );
    return row ?? null;
  }
}
