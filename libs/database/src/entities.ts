import { ApiKey } from '@tidings/auth';
import { Delivery, DeliveryAttempt } from '@tidings/deliveries';
import { EVENT_CLASSES, TidingsEvent } from '@tidings/events';
import { Subscriber, Subscription, WebhookSubscriber } from '@tidings/webhooks';

/** Every entity, for the one DataSource (app, CLI and migrations alike). */
export function allEntities(): Function[] {
  return [TidingsEvent, ...EVENT_CLASSES.values(), Subscriber, WebhookSubscriber, Subscription, Delivery, DeliveryAttempt, ApiKey];
}
