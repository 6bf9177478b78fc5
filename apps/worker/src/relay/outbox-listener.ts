import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { OUTBOX_CHANNEL } from '@tidings/events';
import { Client } from 'pg';

/**
 * LISTENs for commits that created deliveries and wakes the relay. It is an
 * accelerator only: the relay also polls, so a lost connection or a missed
 * notification delays deliveries by one poll at most. Reconnects by itself.
 */
@Injectable()
export class OutboxListener implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxListener.name);
  private client?: Client;
  private stopped = false;
  private onWake: () => void = () => undefined;

  constructor(private readonly config: TidingsConfig) {}

  start(onWake: () => void): void {
    this.onWake = onWake;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      // LISTEN holds its registration in the session: straight to Postgres, never through a transaction pool.
      connectionString: this.config.databaseDirectUrl,
      application_name: 'tidings-relay-listener',
      connectionTimeoutMillis: 5000,
    });
    client.on('notification', () => this.onWake());
    client.on('error', () => undefined);
    client.on('end', () => {
      if (this.client === client && !this.stopped) setTimeout(() => void this.connect(), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.client = client;
      this.onWake();
    } catch (error) {
      this.logger.warn(`LISTEN unavailable (${(error as Error).message}); polling only, retrying in 1 s`);
      await client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.connect(), 1000).unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }
}
