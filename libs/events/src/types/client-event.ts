import { LAYER } from '../layers/layer-specs';
import { ClientLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree, TidingsEvent } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';

/** `client:*` — a front-end analytics event relayed by POST /v1/analytics; exported to analytics only. */
export class ClientEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [LAYER.client];
  declare data: { client: ClientLayer } & Record<string, any>;

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'client', this.data.client);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.client, this.data);
  }
}
