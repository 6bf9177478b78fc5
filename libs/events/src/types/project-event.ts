import { LAYER } from '../layers/layer-specs';
import { ProjectLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree, TidingsEvent } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';

/** `project:*` — the root layer of every platform event. */
export class ProjectEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [LAYER.project];
  declare data: { project: ProjectLayer } & Record<string, any>;

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'project', this.data.project);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.project, this.data);
  }
}
