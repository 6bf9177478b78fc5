import { LAYER } from '../layers/layer-specs';
import { PipelineRunLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { InteractiveSessionEvent } from './interactive-session-event';

/** `project:pipeline:interactive-session:pipeline-run:*` — nests `pipeline_run` in the session. */
export class InteractivePipelineRunEvent extends InteractiveSessionEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...InteractiveSessionEvent.LAYERS, LAYER.pipelineRun];
  declare data: InteractiveSessionEvent['data'] & { pipeline_run: PipelineRunLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'pipeline_run', this.data.pipeline_run);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.pipelineRun, this.data);
  }
}
