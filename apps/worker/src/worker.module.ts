import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { TidingsConfig, TidingsConfigModule } from '@tidings/config';
import { DatabaseModule } from '@tidings/database';
import { DeliveriesModule } from '@tidings/deliveries';
import { EventsModule, telemetryEnabled } from '@tidings/events';
import { QUEUE, RedisProbe, redisOptions, RedisStateLog } from '@tidings/queue';
import { TerminusModule } from '@nestjs/terminus';
import { loggingModule } from '@tidings/logging';
import { MetricsModule } from '@tidings/metrics';
import { WebhooksModule } from '@tidings/webhooks';
import { ClaimSweeper } from './maintenance/claim-sweeper';
import { Maintenance } from './maintenance/maintenance';
import { AnalyticsBatchProcessor } from './processors/analytics-batch.processor';
import { WebhookDeliveryProcessor } from './processors/webhook-delivery.processor';
import { OutboxListener } from './relay/outbox-listener';
import { RelayLoop } from './relay/relay-loop';
import { WorkerHealthController } from './worker-health.controller';

@Module({})
export class WorkerModule {
  static forRoot(config: TidingsConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        TidingsConfigModule.forConfig(config),
        DatabaseModule.forRoot('worker'),
        loggingModule(config, 'worker'),
        MetricsModule.forRoot('worker'),
        TerminusModule,
        BullModule.forRoot({ connection: redisOptions(config.redisUrl, 'worker'), prefix: config.queuePrefix }),
        BullModule.registerQueue({ name: QUEUE.webhooks }, ...(telemetryEnabled(config) ? [{ name: QUEUE.analytics }] : [])),
        EventsModule,
        WebhooksModule,
        DeliveriesModule,
      ],
      controllers: [WorkerHealthController],
      providers: [
        RedisProbe,
        RedisStateLog,
        OutboxListener,
        RelayLoop,
        ClaimSweeper,
        Maintenance,
        WebhookDeliveryProcessor,
        // Telemetry off (TELEMETRY_DISABLED, or no ANALYTICS_URL): no analytics queue or worker at all.
        ...(telemetryEnabled(config) ? [AnalyticsBatchProcessor] : []),
      ],
    };
  }
}
