import { OBSERVABILITY_LAYER } from '../layers/observability-layer-specs';
import { DatasetOperationLayer, ObservedContextLayer } from '../layers/observability-layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree, TidingsEvent } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';

/** `observability:dataset-operation` — a tool read or wrote a dataset: `event.dataset = {key, name, operation, path}`; no pipeline. */
export class ObservabilityDatasetOperationEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [OBSERVABILITY_LAYER.datasetOperation, OBSERVABILITY_LAYER.context];
  declare data: { dataset: DatasetOperationLayer; context?: ObservedContextLayer } & Record<string, any>;

  protected override notificationTree(): NotificationTree {
    const tree = nestLayer(super.notificationTree(), 'dataset', this.data.dataset);
    if (this.data.context) tree.root.context = { ...this.data.context };
    return tree;
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(
      addTelemetryLayer(super.telemetryTree(), OBSERVABILITY_LAYER.datasetOperation, this.data),
      OBSERVABILITY_LAYER.context,
      this.data,
    );
  }
}
