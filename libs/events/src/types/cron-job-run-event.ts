import { LAYER } from '../layers/layer-specs';
import { CronRunLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { JobEvent } from './job-event';

/** `project:cron-job:run:*` — one scheduled run of a cron job; nests `run` in `job`. */
export class CronJobRunEvent extends JobEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...JobEvent.LAYERS, LAYER.cronRun];
  declare data: JobEvent['data'] & { run: CronRunLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'run', this.data.run);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.cronRun, this.data);
  }
}
