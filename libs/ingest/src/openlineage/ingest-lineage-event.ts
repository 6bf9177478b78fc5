import { Injectable } from '@nestjs/common';
import { OpenLineageValidator } from './openlineage-validator';
import { LineageIngestResult, StoreLineageEvents } from './store-lineage-events';

export type { LineageIngestResult } from './store-lineage-events';

/**
 * `POST /api/v1/lineage`: one OpenLineage event. Validates it (spec 2-0-2),
 * then stores it as a batch of one: in one transaction its run's state
 * (RunEvents), its job and edges (when it reports a version of the job,
 * DESIGN §7.1), and the typed lineage:* event with its deliveries. Invalid
 * input writes nothing.
 */
@Injectable()
export class IngestLineageEvent {
  constructor(
    private readonly validator: OpenLineageValidator,
    private readonly store: StoreLineageEvents,
  ) {}

  async execute(body: unknown): Promise<LineageIngestResult> {
    const [result] = await this.store.execute([this.validator.validate(body)]);
    return result;
  }
}
