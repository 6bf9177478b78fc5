import { LAYER } from '../layers/layer-specs';
import { PipelineLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { ProjectEvent } from './project-event';

/** `project:pipeline:*` — nests `pipeline` in `project`. */
export class PipelineEvent extends ProjectEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...ProjectEvent.LAYERS, LAYER.pipeline];
  declare data: ProjectEvent['data'] & { pipeline: PipelineLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'pipeline', this.data.pipeline);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.pipeline, this.data);
  }
}
