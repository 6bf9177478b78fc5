import { LAYER } from '../layers/layer-specs';
import { JobLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { ProjectEvent } from './project-event';

/** `project:one-off-job:*` and `project:cron-job:*` — nests `job` in `project`. */
export class JobEvent extends ProjectEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...ProjectEvent.LAYERS, LAYER.job];
  declare data: ProjectEvent['data'] & { job: JobLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'job', this.data.job);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.job, this.data);
  }
}
