import { OBSERVABILITY_LAYER } from '../layers/observability-layer-specs';
import { TestOutcomesLayer } from '../layers/observability-layer-dtos';
import { addTelemetryLayer, LayerSpec, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { ObservabilityRunOrTaskEvent } from './observability-run-or-task-event';

/** `observability:test-outcomes` — test outcomes (`event.tests = {total, passed, failed, warning, outcomes}`) for a run or a task. */
export class ObservabilityTestOutcomesEvent extends ObservabilityRunOrTaskEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...ObservabilityRunOrTaskEvent.LAYERS, OBSERVABILITY_LAYER.testOutcomes];
  declare data: ObservabilityRunOrTaskEvent['data'] & { tests: TestOutcomesLayer };

  protected override notificationTree(): NotificationTree {
    const tree = super.notificationTree();
    // On the event itself: the same place whether or not a task is named.
    tree.root.tests = { ...this.data.tests };
    return tree;
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), OBSERVABILITY_LAYER.testOutcomes, this.data);
  }
}
