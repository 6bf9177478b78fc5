import { LAYER } from '../layers/layer-specs';
import { EnvironmentLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { ProjectEvent } from './project-event';

/** `project:environment:*` — nests `environment` in `project`. */
export class EnvironmentEvent extends ProjectEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...ProjectEvent.LAYERS, LAYER.environment];
  declare data: ProjectEvent['data'] & { environment: EnvironmentLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'environment', this.data.environment);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.environment, this.data);
  }
}
