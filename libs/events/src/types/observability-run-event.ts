import { OBSERVABILITY_LAYER } from '../layers/observability-layer-specs';
import { ObservedRunLayer } from '../layers/observability-layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { ObservabilityPipelineEvent } from './observability-pipeline-event';

/** `observability:run:*` — a pipeline run's status: nests `run` in `pipeline`. */
export class ObservabilityRunEvent extends ObservabilityPipelineEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...ObservabilityPipelineEvent.LAYERS, OBSERVABILITY_LAYER.run];
  declare data: ObservabilityPipelineEvent['data'] & { run: ObservedRunLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'run', this.data.run);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), OBSERVABILITY_LAYER.run, this.data);
  }
}
