import { LAYER } from '../layers/layer-specs';
import { ImageBuildLayer } from '../layers/layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree, TidingsEvent } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';

/** `jupyter:image-build:*` — installation-wide, so `image_build` sits at the root. */
export class JupyterImageBuildEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [LAYER.imageBuild];
  declare data: { image_build: ImageBuildLayer };

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'image_build', this.data.image_build);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LAYER.imageBuild, this.data);
  }
}
