import { LINEAGE_LAYER } from '../layers/lineage-layer-specs';
import { LineageJobLayer, RawOpenLineageEvent } from '../layers/lineage-layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree, TidingsEvent } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';

/** `lineage:job` — an OpenLineage JobEvent: `event.lineage = {job, inputs, outputs}`; raw event in `data.openlineage`. */
export class LineageJobEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [LINEAGE_LAYER.job];
  declare data: { lineage: LineageJobLayer; openlineage?: RawOpenLineageEvent } & Record<string, any>;

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'lineage', this.data.lineage);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LINEAGE_LAYER.job, this.data);
  }
}
