import { LAYER } from '../layers/layer-specs';
import { InteractiveSessionLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { PipelineEvent } from './pipeline-event';

/** `project:pipeline:interactive-session:*` — nests `interactive_session` in `pipeline`. */
export class InteractiveSessionEvent extends PipelineEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...PipelineEvent.LAYERS, LAYER.interactiveSession];
  declare data: PipelineEvent['data'] & { interactive_session?: InteractiveSessionLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'interactive_session', this.data.interactive_session ?? {});
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.interactiveSession, this.data);
  }
}
