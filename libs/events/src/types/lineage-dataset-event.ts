import { LINEAGE_LAYER } from '../layers/lineage-layer-specs';
import { LineageDatasetLayer, RawOpenLineageEvent } from '../layers/lineage-layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree, TidingsEvent } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';

/** `lineage:dataset` — an OpenLineage DatasetEvent: `event.lineage = {dataset}`; raw event in `data.openlineage`. */
export class LineageDatasetEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [LINEAGE_LAYER.dataset];
  declare data: { lineage: LineageDatasetLayer; openlineage?: RawOpenLineageEvent } & Record<string, any>;

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'lineage', this.data.lineage);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LINEAGE_LAYER.dataset, this.data);
  }
}
