import { LAYER } from '../layers/layer-specs';
import { PipelineRunLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { JobEvent } from './job-event';

/** `project:one-off-job:pipeline-run:*` — nests `pipeline_run` in `job`. */
export class JobPipelineRunEvent extends JobEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...JobEvent.LAYERS, LAYER.pipelineRun];
  declare data: JobEvent['data'] & { pipeline_run: PipelineRunLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'pipeline_run', this.data.pipeline_run);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.pipelineRun, this.data);
  }
}
