import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TidingsMetrics } from './tidings-metrics';

/** One registry per app; gauges derived from Postgres are added for both processes. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(process: 'api' | 'worker'): DynamicModule {
    return {
      module: MetricsModule,
      providers: [
        {
          provide: TidingsMetrics,
          inject: [DataSource],
          useFactory: (db: DataSource) => {
            const metrics = new TidingsMetrics(process);
            metrics.addCollector(async () => {
              // Both read partial indexes: the due-pending index's first entry, and the disabled/enabled flag.
              const [row] = await db.query(
                `SELECT COALESCE(EXTRACT(EPOCH FROM now() - (SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending' AND channel = 'webhook' AND next_attempt_at <= now())), 0) AS lag,
                        (SELECT count(*) FROM subscribers WHERE kind = 'webhook' AND NOT enabled AND deleted_at IS NULL)::int AS disabled`,
              );
              metrics.outboxLag.set(Number(row.lag));
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
