import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { TidingsConfig, TidingsConfigModule } from '@tidings/config';
import { DatabaseModule } from '@tidings/database';
import { DeliveriesModule } from '@tidings/deliveries';
import { EventsModule } from '@tidings/events';
import { FileClock, IngestModule, ScheduleClock, SystemClock } from '@tidings/ingest';
import { QUEUE, QueueConnection, RedisProbe, RedisStateLog } from '@tidings/queue';
import { TerminusModule } from '@nestjs/terminus';
import { loggingModule } from '@tidings/logging';
import { MetricsModule } from '@tidings/metrics';
import { TelemetryModule } from '@tidings/telemetry';
import { WebhooksModule } from '@tidings/webhooks';
import { ChurnVacuum } from './maintenance/churn-vacuum';
import { ExpectedRunWatch } from './maintenance/expected-run-watch';
import { Maintenance } from './maintenance/maintenance';
import { WebhookDeliveryProcessor } from './processors/webhook-delivery.processor';
import { QueueShutdown } from './queue-shutdown';
import { OutboxListener } from './relay/outbox-listener';
import { RelayLoop } from './relay/relay-loop';
import { WorkerHealthController } from './worker-health.controller';
import { WorkerReadiness } from './worker-readiness';

@Module({})
export class WorkerModule {
  static forRoot(config: TidingsConfig): DynamicModule {
    // BullMQ takes a Cluster only as a client it shares (QueueShutdown closes it last); a server or Sentinel as options.
    const queueConnection = new QueueConnection(config, 'worker');
    return {
      module: WorkerModule,
      imports: [
        TidingsConfigModule.forConfig(config),
        DatabaseModule.forRoot('worker'),
        loggingModule(config, 'worker'),
        MetricsModule.forRoot('worker'),
        TerminusModule,
        BullModule.forRoot({ connection: queueConnection.connection, prefix: queueConnection.prefix }),
        BullModule.registerQueue({ name: QUEUE.webhooks }),
        EventsModule,
        WebhooksModule,
        DeliveriesModule,
        // Expected-run schedules are judged against observed runs.
        IngestModule,
        // The exporter over the event log: its own timer and HTTP pool, no queue (does nothing while telemetry is off).
        TelemetryModule,
      ],
      controllers: [WorkerHealthController],
      providers: [
        { provide: QueueConnection, useValue: queueConnection },
        QueueShutdown,
        RedisProbe,
        RedisStateLog,
        WorkerReadiness,
        OutboxListener,
        RelayLoop,
        Maintenance,
        ChurnVacuum,
        ExpectedRunWatch,
        { provide: ScheduleClock, useValue: config.testClockFile ? new FileClock(config.testClockFile) : new SystemClock() },
        WebhookDeliveryProcessor,
      ],
    };
  }
}
