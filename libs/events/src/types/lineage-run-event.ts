import { LINEAGE_LAYER } from '../layers/lineage-layer-specs';
import { LineageRunLayer, RawOpenLineageEvent } from '../layers/lineage-layer-dtos';
import { addTelemetryLayer, LayerSpec, nestLayer, NotificationTree, TidingsEvent } from '../tidings-event.entity';
import { TelemetryTree } from '../telemetry/anonymizer';

/**
 * `lineage:run:*` — one OpenLineage RunEvent: `event.lineage = {job, run,
 * inputs, outputs, error?}`. The ingestion also keeps the event as received
 * in `data.openlineage` (facets and all); it is stored, not sent to webhooks.
 */
export class LineageRunEvent extends TidingsEvent {
  static override readonly LAYERS: readonly LayerSpec[] = [LINEAGE_LAYER.run];
  declare data: { lineage: LineageRunLayer; openlineage?: RawOpenLineageEvent } & Record<string, any>;

  protected override notificationTree(): NotificationTree {
    return nestLayer(super.notificationTree(), 'lineage', this.data.lineage);
  }

  protected override telemetryTree(): TelemetryTree {
    return addTelemetryLayer(super.telemetryTree(), LINEAGE_LAYER.run, this.data);
  }
}
