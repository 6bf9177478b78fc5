import { Injectable } from '@nestjs/common';
import { EventRegistrar, LineageRunState } from '@tidings/events';
import { DataSource } from 'typeorm';
import { recordLineageEdges } from './lineage-edge-store';
import { applyLineageRunEvent } from './lineage-run-store';
import { eventTypeOf, parentOf, toLineageEvent } from './openlineage-mapper';
import { OpenLineageValidator } from './openlineage-validator';

export interface LineageIngestResult {
  id: string;
  type: string;
  deliveries: number;
  /** The run's state after this event (RunEvents only). */
  run_state?: LineageRunState;
}

/**
 * `POST /api/v1/lineage`: one OpenLineage event. Validates it (spec 2-0-2),
 * then in one transaction updates the run's state (RunEvents), adds the
 * job → dataset edges (COMPLETE), and registers the typed lineage:* event
 * with its deliveries. Invalid input writes nothing.
 */
@Injectable()
export class IngestLineageEvent {
  constructor(
    private readonly db: DataSource,
    private readonly registrar: EventRegistrar,
    private readonly validator: OpenLineageValidator,
  ) {}

  async execute(body: unknown): Promise<LineageIngestResult> {
    const valid = this.validator.validate(body);
    return this.db.transaction(async (tx) => {
      let state: LineageRunState | undefined;
      if (valid.kind === 'RunEvent') {
        const { event, eventTime } = valid;
        const runId = event.run.runId.toLowerCase();
        const run = await applyLineageRunEvent(tx, {
          runId,
          namespace: event.job.namespace,
          jobName: event.job.name,
          eventType: eventTypeOf(event),
          at: eventTime,
          parent: parentOf(event),
        });
        state = run.state;
        if (eventTypeOf(event) === 'COMPLETE') {
          await recordLineageEdges(tx, { runId, job: event.job, inputs: event.inputs ?? [], outputs: event.outputs ?? [], at: eventTime });
        }
      }
      const result = await this.registrar.register(tx, toLineageEvent(valid, state));
      return { id: result.event.id, type: result.event.type, deliveries: result.deliveries, ...(state ? { run_state: state } : {}) };
    });
  }
}
