import { Injectable } from '@nestjs/common';
import { ErrorDetail, errorCode, TidingsError } from '@tidings/common';
import { invalid } from '../ingest-error';
import { IngestLineageEvent } from './ingest-lineage-event';

export const MAX_LINEAGE_BATCH = 1000;

/** The summary shape of `/v1/events/batch` (DESIGN §7). */
export interface LineageBatchSummary {
  status: 'success' | 'partial_success' | 'failure';
  summary: { received: number; successful: number; failed: number };
  failed_events: { index: number; reason: string; details?: ErrorDetail[] }[];
  events: { index: number; id: string; type: string }[];
}

/** Events stored at once; each holds a pooled connection while it is stored. */
export const LINEAGE_BATCH_CONCURRENCY = 4;

/**
 * `POST /api/v1/lineage/batch`: an array of OpenLineage events, each standing
 * alone. Every event is validated and stored in a transaction of its own (as
 * if sent to `/api/v1/lineage`), so a bad event is reported by index and never
 * rolls back a good one, and runs touched by one batch are not kept locked
 * for the whole batch. Events of one run are stored in batch order, different
 * runs a few at a time. Failures other than the event's own validation (the
 * database going away) stop the batch and fail the request; events already
 * stored stay.
 */
@Injectable()
export class IngestLineageBatch {
  constructor(private readonly single: IngestLineageEvent) {}

  async execute(body: unknown): Promise<LineageBatchSummary> {
    if (!Array.isArray(body)) {
      throw invalid('The body must be a JSON array of OpenLineage events', [
        { field: '', message: 'the batch must be a JSON array of events' },
      ]);
    }
    if (body.length === 0) throw invalid('The batch is empty', [{ field: '', message: 'the batch must hold at least one event' }]);
    if (body.length > MAX_LINEAGE_BATCH) {
      throw invalid(`A batch holds at most ${MAX_LINEAGE_BATCH} events; this one has ${body.length}`, [
        { field: '', message: `at most ${MAX_LINEAGE_BATCH} events per batch` },
      ]);
    }
    const failed: LineageBatchSummary['failed_events'] = [];
    const events: LineageBatchSummary['events'] = [];
    const store = async (index: number) => {
      try {
        const result = await this.single.execute(body[index]);
        events.push({ index, id: result.id, type: result.type });
      } catch (error) {
        if (error instanceof TidingsError && error.status === 400) {
          failed.push({ index, reason: error.details?.map((d) => d.message).join('; ') || error.message, details: error.details });
        } else if (isDataException(error)) {
          // Validation should have caught it; still the event's own fault, so only it fails.
          failed.push({ index, reason: 'a value in the event could not be stored' });
        } else {
          throw error;
        }
      }
    };
    // One lane per run (so its events apply in batch order); lanes run a few at a time.
    const byLane = new Map<string, number[]>();
    body.forEach((item, index) => {
      const lane = laneOf(item, index);
      const indexes = byLane.get(lane);
      if (indexes) indexes.push(index);
      else byLane.set(lane, [index]);
    });
    const lanes = [...byLane.values()];
    let fatal: unknown;
    const worker = async () => {
      for (let lane = lanes.shift(); lane && fatal === undefined; lane = lanes.shift()) {
        for (const index of lane) {
          if (fatal !== undefined) return;
          await store(index).catch((error) => (fatal ??= error));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(LINEAGE_BATCH_CONCURRENCY, lanes.length) }, worker));
    if (fatal !== undefined) throw fatal;
    events.sort((a, b) => a.index - b.index);
    failed.sort((a, b) => a.index - b.index);
    const status = failed.length === 0 ? 'success' : events.length === 0 ? 'failure' : 'partial_success';
    return { status, summary: { received: body.length, successful: events.length, failed: failed.length }, failed_events: failed, events };
  }
}

/** Events naming the same runId share a lane; anything else (jobs, datasets, invalid items) has one of its own. */
function laneOf(item: unknown, index: number): string {
  const runId = (item as { run?: { runId?: unknown } } | null)?.run?.runId;
  return typeof runId === 'string' ? `run:${runId.toLowerCase()}` : `item:${index}`;
}

/** A Postgres data exception (class 22: out of range, bad text for a type…): the input's fault, not the server's. */
function isDataException(error: unknown): boolean {
  return errorCode(error)?.startsWith('22') ?? false;
}
