import { OBSERVABILITY_LAYER } from '../layers/observability-layer-specs';
import { MetricLogLayer } from '../layers/observability-layer-dtos';
import { addTelemetryLayer, LayerSpec, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { ObservabilityRunOrTaskEvent } from './observability-run-or-task-event';

/** `observability:metric-log` — a metric value (`event.metric = {key, value}`) for a run or a task. */
export class ObservabilityMetricLogEvent extends ObservabilityRunOrTaskEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...ObservabilityRunOrTaskEvent.LAYERS, OBSERVABILITY_LAYER.metricLog];
  declare data: ObservabilityRunOrTaskEvent['data'] & { metric: MetricLogLayer };

  protected override notificationTree(): NotificationTree {
    const tree = super.notificationTree();
    // On the event itself: the same place whether or not a task is named.
    tree.root.metric = { ...this.data.metric };
    return tree;
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), OBSERVABILITY_LAYER.metricLog, this.data);
  }
}
