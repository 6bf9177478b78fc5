import { LAYER } from '../layers/layer-specs';
import { PipelineRunLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { CronJobRunEvent } from './cron-job-run-event';

/** `project:cron-job:run:pipeline-run:*` — nests `pipeline_run` in the cron `run`. */
export class CronJobRunPipelineRunEvent extends CronJobRunEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...CronJobRunEvent.LAYERS, LAYER.pipelineRun];
  declare data: CronJobRunEvent['data'] & { pipeline_run: PipelineRunLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'pipeline_run', this.data.pipeline_run);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.pipelineRun, this.data);
  }
}
