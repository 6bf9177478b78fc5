import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { API_KEY_REVOKED_CHANNEL, ApiKeysService } from '@tidings/auth';
import { TidingsConfig } from '@tidings/config';
import { Client } from 'pg';

/**
 * LISTENs for committed key revocations (from any replica, the CLI included)
 * and drops them from this process's key cache: revocation reaches every api
 * within a round trip, not a cache lifetime. While the connection is down the
 * service caches nothing, so a missed notification cannot leave a revoked
 * key working. Reconnects by itself, like the relay's OutboxListener.
 */
@Injectable()
export class RevocationListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationListener.name);
  private client?: Client;
  private stopped = false;

  constructor(
    private readonly config: TidingsConfig,
    private readonly keys: ApiKeysService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      // LISTEN holds its registration in the session: straight to Postgres, never through a transaction pool.
      connectionString: this.config.databaseDirectUrl,
      application_name: 'tidings-api-key-listener',
      connectionTimeoutMillis: 5000,
    });
    client.on('notification', (message) => {
      if (message.payload) this.keys.forgetRevoked(message.payload);
    });
    client.on('error', () => undefined);
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.keys.setRevocationListener(false);
      if (!this.stopped) setTimeout(() => void this.connect(), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${API_KEY_REVOKED_CHANNEL}`);
      this.client = client;
      this.keys.setRevocationListener(true);
    } catch (error) {
      this.logger.warn(`LISTEN for key revocations unavailable (${(error as Error).message}); keys are checked in Postgres on every request meanwhile, retrying in 1 s`);
      await client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.connect(), 1000).unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    this.keys.setRevocationListener(false);
    await client?.end().catch(() => undefined);
  }
}
