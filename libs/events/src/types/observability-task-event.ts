import { OBSERVABILITY_LAYER } from '../layers/observability-layer-specs';
import { ObservedTaskLayer } from '../layers/observability-layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { ObservabilityRunEvent } from './observability-run-event';

/** `observability:task:*` — a task's status: nests `task` in `run`. */
export class ObservabilityTaskEvent extends ObservabilityRunEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...ObservabilityRunEvent.LAYERS, OBSERVABILITY_LAYER.task];
  declare data: ObservabilityRunEvent['data'] & { task: ObservedTaskLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'task', this.data.task);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), OBSERVABILITY_LAYER.task, this.data);
  }
}
