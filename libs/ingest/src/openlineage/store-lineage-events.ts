import { Injectable } from '@nestjs/common';
import { EventRegistrar, LineageRunState } from '@tidings/events';
import { DataSource } from 'typeorm';
import { LineageVersionReport, recordLineageEdges } from './lineage-edge-store';
import { recordLineageJobs } from './lineage-job-store';
import { applyLineageRunEvents, LineageRunEvent } from './lineage-run-store';
import { versionReportOf } from './lineage-version';
import { ValidOpenLineageEvent } from './openlineage-event';
import { eventTypeOf, parentOf, toLineageEvent } from './openlineage-mapper';

export interface LineageIngestResult {
  id: string;
  type: string;
  deliveries: number;
  /** The run's state after this event (RunEvents only). */
  run_state?: LineageRunState;
}

/**
 * Stores validated OpenLineage events in one transaction, a few set-based
 * statements whatever their number: the runs' states (lineage-run-store),
 * the typed lineage:* events with their deliveries (one registerMany), the
 * jobs and the edges of the reports among them (lineage-job-store,
 * lineage-edge-store). Events of one run apply in the order given. Shared by
 * the single route (one event) and the batch route.
 */
@Injectable()
export class StoreLineageEvents {
  constructor(
    private readonly db: DataSource,
    private readonly registrar: EventRegistrar,
  ) {}

  execute(valid: readonly ValidOpenLineageEvent[]): Promise<LineageIngestResult[]> {
    return this.db.transaction(async (tx) => {
      const runEvents: LineageRunEvent[] = [];
      const runOf: number[] = [];
      valid.forEach((v, index) => {
        if (v.kind !== 'RunEvent') return;
        runOf[index] = runEvents.length;
        runEvents.push({
          runId: v.event.run.runId.toLowerCase(),
          namespace: v.event.job.namespace,
          jobName: v.event.job.name,
          eventType: eventTypeOf(v.event),
          at: v.eventTime,
          parent: parentOf(v.event),
        });
      });
      const runStates = await applyLineageRunEvents(tx, runEvents);
      const states = valid.map((v, index) => (v.kind === 'RunEvent' ? runStates[runOf[index]] : undefined));
      const registered = await this.registrar.registerMany(
        tx,
        valid.map((v, index) => toLineageEvent(v, states[index])),
      );
      const reports: LineageVersionReport[] = [];
      const jobs = valid.flatMap((v) => {
        if (v.kind === 'DatasetEvent') return [];
        const report = versionReportOf(v);
        if (report) reports.push(report);
        return [{ job: { namespace: v.event.job.namespace, name: v.event.job.name }, versionAt: report?.at ?? null }];
      });
      await recordLineageJobs(tx, jobs);
      await recordLineageEdges(tx, reports);
      return registered.map((result, index) => ({
        id: result.event.id,
        type: result.event.type,
        deliveries: result.deliveries,
        ...(states[index] ? { run_state: states[index] } : {}),
      }));
    });
  }
}
