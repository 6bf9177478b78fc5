import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { TidingsConfig, TidingsConfigModule } from '@tidings/config';
import { DatabaseModule } from '@tidings/database';
import { DeliveriesModule } from '@tidings/deliveries';
import { EventsModule } from '@tidings/events';
import { QUEUE, redisOptions } from '@tidings/queue';
import { WebhooksModule } from '@tidings/webhooks';
import { ClaimSweeper } from './maintenance/claim-sweeper';
import { Maintenance } from './maintenance/maintenance';
import { WebhookDeliveryProcessor } from './processors/webhook-delivery.processor';
import { OutboxListener } from './relay/outbox-listener';
import { RelayLoop } from './relay/relay-loop';

@Module({})
export class WorkerModule {
  static forRoot(config: TidingsConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        TidingsConfigModule.forConfig(config),
        DatabaseModule.forRoot('tidings-worker'),
        BullModule.forRoot({ connection: redisOptions(config.redisUrl, 'worker'), prefix: config.queuePrefix }),
        BullModule.registerQueue({ name: QUEUE.webhooks }),
        EventsModule,
        WebhooksModule,
        DeliveriesModule,
      ],
      providers: [OutboxListener, RelayLoop, ClaimSweeper, Maintenance, WebhookDeliveryProcessor],
    };
  }
}
