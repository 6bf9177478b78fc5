import { OBSERVABILITY_LAYER } from '../layers/observability-layer-specs';
import { ObservedContextLayer, ObservedPipelineLayer } from '../layers/observability-layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree, TidingsEvent } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';

/**
 * The root of observability:* pipeline events: nests `pipeline`, and puts the
 * reporting tool's `context` (external_url, component_tool, metadata) on the
 * event itself. Its `pipeline_key` scope lets subscriptions filter by pipeline.
 */
export class ObservabilityPipelineEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [OBSERVABILITY_LAYER.pipeline, OBSERVABILITY_LAYER.context];
  declare data: { pipeline: ObservedPipelineLayer; context?: ObservedContextLayer } & Record<string, any>;

  protected override notificationTree(): NotificationTree {
    const tree = nestLayer(super.notificationTree(), 'pipeline', this.data.pipeline);
    if (this.data.context) tree.root.context = { ...this.data.context };
    return tree;
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(
      addTelemetryLayer(super.telemetryTree(), OBSERVABILITY_LAYER.pipeline, this.data),
      OBSERVABILITY_LAYER.context,
      this.data,
    );
  }
}
