import { DynamicModule, Global, Module } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { DataSource } from 'typeorm';
import { TidingsMetrics } from './tidings-metrics';

/**
 * One registry per app; gauges derived from Postgres are added for both
 * processes (they describe the installation, so every replica reports the
 * same value). The delivery lag gauges are set by DeliveryLagMetrics in
 * libs/deliveries, which owns that read (metrics must not import deliveries:
 * deliveries imports metrics).
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(process: 'api' | 'worker'): DynamicModule {
    return {
      module: MetricsModule,
      providers: [
        {
          provide: TidingsMetrics,
          inject: [DataSource, TidingsConfig],
          useFactory: (db: DataSource, config: TidingsConfig) => {
            const metrics = new TidingsMetrics(process, config.metricsWebhookLabels);
            metrics.addCollector(async () => {
              // Reads the partial index on disabled webhooks.
              const [row] = await db.query(
                `SELECT count(*)::int AS disabled FROM subscribers WHERE kind = 'webhook' AND NOT enabled AND deleted_at IS NULL`,
              );
              metrics.disabledWebhooks.set(row.disabled);
            });
            return metrics;
          },
        },
      ],
      exports: [TidingsMetrics],
    };
  }
}
