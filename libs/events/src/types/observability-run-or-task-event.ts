import { OBSERVABILITY_LAYER } from '../layers/observability-layer-specs';
import { ObservedTaskLayer } from '../layers/observability-layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { ObservabilityRunEvent } from './observability-run-event';

/** Log, metric and test events: about a run, or about one of its tasks when `task` is given (then nested in `run`). */
export class ObservabilityRunOrTaskEvent extends ObservabilityRunEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...ObservabilityRunEvent.LAYERS, OBSERVABILITY_LAYER.optionalTask];
  declare data: ObservabilityRunEvent['data'] & { task?: ObservedTaskLayer };

  protected override notificationTree(): NotificationTree {
    const tree = super.notificationTree();
    return this.data.task ? nestLayer(tree, 'task', this.data.task) : tree;
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), OBSERVABILITY_LAYER.optionalTask, this.data);
  }
}
