import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { DataSource } from 'typeorm';

/**
 * Writes the api's OCCURRED_AT_MAX_FUTURE and OCCURRED_AT_MAX_PAST where the
 * SQL entry point reads them (`ingest_settings`, migration
 * 1764770000000-OccurredAtBounds), at every start: the environment stays the
 * one source, and `register_event()` refuses what `POST /v1/events` refuses.
 */
@Injectable()
export class PublishIngestSettings implements OnApplicationBootstrap {
  constructor(
    private readonly db: DataSource,
    private readonly config: TidingsConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { maxFutureMs, maxPastMs } = this.config.occurredAt;
    await this.db.query(`UPDATE ingest_settings SET occurred_at_max_future_ms = $1, occurred_at_max_past_ms = $2, updated_at = now()`, [
      maxFutureMs ?? null,
      maxPastMs ?? null,
    ]);
  }
}
