import { LAYER } from '../layers/layer-specs';
import { DeliveryLayer, PingLayer, WebhookLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree, TidingsEvent } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';

/** `tidings:webhook:*` — about one of our own webhooks. */
export class WebhookEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [LAYER.webhook];
  declare data: { webhook: WebhookLayer } & Record<string, any>;

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'webhook', this.data.webhook);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.webhook, this.data);
  }
}

/** `tidings:delivery:*` — a delivery to a webhook; nests `delivery` in `webhook`. */
export class DeliveryEvent extends WebhookEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...WebhookEvent.LAYERS, LAYER.delivery];
  declare data: WebhookEvent['data'] & { delivery: DeliveryLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'delivery', this.data.delivery);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.delivery, this.data);
  }
}

/** `ping` — the test delivery. */
export class PingEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [LAYER.ping];
  declare data: { ping: PingLayer };

  protected override notificationTree(): NotificationTree {
    const tree = super.notificationTree();
    tree.root.message = this.data.ping.message;
    return tree;
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.ping, this.data);
  }
}
