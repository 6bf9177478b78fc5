import { OBSERVABILITY_LAYER } from '../layers/observability-layer-specs';
import { MessageLogLayer } from '../layers/observability-layer-dtos';
import { addTelemetryLayer, LayerSpec, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { ObservabilityRunOrTaskEvent } from './observability-run-or-task-event';

/** `observability:message-log` — a log message (`event.log = {level, message}`) for a run or a task. */
export class ObservabilityMessageLogEvent extends ObservabilityRunOrTaskEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...ObservabilityRunOrTaskEvent.LAYERS, OBSERVABILITY_LAYER.messageLog];
  declare data: ObservabilityRunOrTaskEvent['data'] & { log: MessageLogLayer };

  protected override notificationTree(): NotificationTree {
    const tree = super.notificationTree();
    // On the event itself: the same place whether or not a task is named.
    tree.root.log = { ...this.data.log };
    return tree;
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), OBSERVABILITY_LAYER.messageLog, this.data);
  }
}
