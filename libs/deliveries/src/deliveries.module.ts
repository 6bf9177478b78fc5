import { Module } from '@nestjs/common';
import { EventsModule } from '@tidings/events';
import { WebhooksModule } from '@tidings/webhooks';
import { CancelDelivery } from './cancel-delivery';
import { DeleteWebhook } from './delete-webhook';
import { DeliverWebhook } from './deliver-webhook';
import { DeliveryLagMetrics } from './delivery-lag';
import { DeliveryQueries } from './delivery-queries';
import { DisableFailingWebhooks } from './disable-failing-webhooks';
import { DisableWebhook } from './disable-webhook';
import { EndpointSlots } from './endpoint-slots';
import { OutboxRelay } from './outbox-relay';
import { HistoryRetention } from './history-retention';
import { RecoverDeliveries } from './recover-deliveries';
import { ReplayDelivery } from './replay-delivery';
import { RetryPolicy } from './retry-policy';
import { VacuumChurnedTables } from './vacuum-churned-tables';
import { WebhookRateLimiter } from './webhook-rate-limiter';
import { WebhookStats } from './webhook-stats';

const useCases = [
  CancelDelivery,
  DeleteWebhook,
  DeliverWebhook,
  DeliveryLagMetrics,
  DeliveryQueries,
  DisableFailingWebhooks,
  DisableWebhook,
  EndpointSlots,
  OutboxRelay,
  HistoryRetention,
  RecoverDeliveries,
  ReplayDelivery,
  RetryPolicy,
  VacuumChurnedTables,
  WebhookRateLimiter,
  WebhookStats,
];

@Module({
  imports: [EventsModule, WebhooksModule],
  providers: useCases,
  exports: useCases,
})
export class DeliveriesModule {}
