import { LAYER } from '../layers/layer-specs';
import { ImageBuildLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';
import { EnvironmentEvent } from './environment-event';

/** `project:environment:image-build:*` — nests `image_build` in `environment`. */
export class EnvironmentImageBuildEvent extends EnvironmentEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [...EnvironmentEvent.LAYERS, LAYER.imageBuild];
  declare data: EnvironmentEvent['data'] & { image_build: ImageBuildLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'image_build', this.data.image_build);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.imageBuild, this.data);
  }
}
