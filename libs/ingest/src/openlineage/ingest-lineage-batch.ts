import { Injectable } from '@nestjs/common';
import { ErrorDetail, errorCode, TidingsError } from '@tidings/common';
import { invalid } from '../ingest-error';
import { ValidOpenLineageEvent } from './openlineage-event';
import { OpenLineageValidator } from './openlineage-validator';
import { LineageIngestResult, StoreLineageEvents } from './store-lineage-events';

export const MAX_LINEAGE_BATCH = 1000;

/** The summary shape of `/v1/events/batch` (DESIGN §7). */
export interface LineageBatchSummary {
  status: 'success' | 'partial_success' | 'failure';
  summary: { received: number; successful: number; failed: number };
  failed_events: { index: number; reason: string; details?: ErrorDetail[] }[];
  events: { index: number; id: string; type: string }[];
}

/**
 * `POST /api/v1/lineage/batch`: an array of OpenLineage events, each judged
 * alone. Every event is validated first; a bad one is reported by index and
 * never keeps a good one out. The valid ones are then stored together, in one
 * transaction of a few set-based statements (StoreLineageEvents), events of
 * one run in batch order. Should the database refuse a value validation let
 * through (a data exception: the event's own fault), the events are stored
 * again one transaction each, so only that event fails. Other failures (the
 * database going away) fail the request; nothing of the batch is stored.
 */
@Injectable()
export class IngestLineageBatch {
  constructor(
    private readonly validator: OpenLineageValidator,
    private readonly store: StoreLineageEvents,
  ) {}

  /** `texts`: each item's JSON text as received (receivedItemTexts), stored as such; else each item is serialized again. */
  async execute(body: unknown, texts?: readonly string[]): Promise<LineageBatchSummary> {
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
    const valid: { index: number; event: ValidOpenLineageEvent }[] = [];
    body.forEach((item, index) => {
      try {
        const event = this.validator.validate(item);
        if (texts) event.text = texts[index];
        valid.push({ index, event });
      } catch (error) {
        if (!(error instanceof TidingsError && error.status === 400)) throw error;
        failed.push({ index, reason: error.details?.map((d) => d.message).join('; ') || error.message, details: error.details });
      }
    });
    const events: LineageBatchSummary['events'] = [];
    const stored = (index: number, result: LineageIngestResult) => events.push({ index, id: result.id, type: result.type });
    try {
      const results = valid.length ? await this.store.execute(valid.map((v) => v.event)) : [];
      results.forEach((result, i) => stored(valid[i].index, result));
    } catch (error) {
      if (!isDataException(error)) throw error;
      for (const { index, event } of valid) {
        try {
          stored(index, (await this.store.execute([event]))[0]);
        } catch (error) {
          // Validation should have caught it; still the event's own fault, so only it fails.
          if (!isDataException(error)) throw error;
          failed.push({ index, reason: 'a value in the event could not be stored' });
        }
      }
    }
    failed.sort((a, b) => a.index - b.index);
    const status = failed.length === 0 ? 'success' : events.length === 0 ? 'failure' : 'partial_success';
    return { status, summary: { received: body.length, successful: events.length, failed: failed.length }, failed_events: failed, events };
  }
}

/** A Postgres data exception (class 22: out of range, bad text for a type…): the input's fault, not the server's. */
function isDataException(error: unknown): boolean {
  return errorCode(error)?.startsWith('22') ?? false;
}
