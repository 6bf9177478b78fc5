import {
  eventClassFor,
  LineageDatasetLayer,
  LineageDatasetRef,
  LineageJobLayer,
  LineageRunLayer,
  LineageRunState,
  OpenLineageEventType,
  TidingsEvent,
} from '@tidings/events';
import { OpenLineageDataset, OpenLineageJob, OpenLineageRunEvent, ValidOpenLineageEvent } from './openlineage-event';

/** The typed event each RunEvent eventType becomes; no eventType is OTHER. */
export const LINEAGE_RUN_TYPES: Record<OpenLineageEventType, string> = {
  START: 'lineage:run:start',
  RUNNING: 'lineage:run:running',
  COMPLETE: 'lineage:run:complete',
  ABORT: 'lineage:run:abort',
  FAIL: 'lineage:run:fail',
  OTHER: 'lineage:run:other',
};

export const eventTypeOf = (event: OpenLineageRunEvent): OpenLineageEventType => event.eventType ?? 'OTHER';

/** Parent run of a RunEvent, from its parent facet (ids lower-cased, as Postgres stores them). */
export function parentOf(event: OpenLineageRunEvent): { runId: string; namespace: string; name: string } | undefined {
  const parent = event.run.facets?.parent;
  return parent ? { runId: parent.run.runId.toLowerCase(), namespace: parent.job.namespace, name: parent.job.name } : undefined;
}

/**
 * The producing integration, for telemetry and summaries: the jobType facet's
 * `integration` when sent, else read from the producer URI (OpenLineage's own
 * integrations live under `/integration/<name>`; Airflow's provider under
 * apache/airflow).
 */
export function integrationOf(event: { producer: string; job?: OpenLineageJob }): string | undefined {
  const declared = event.job?.facets?.jobType?.integration;
  if (typeof declared === 'string' && declared.trim()) return declared.trim().toUpperCase();
  const fromPath = /\/integration\/([a-z0-9_-]+)/i.exec(event.producer);
  if (fromPath) return fromPath[1].toUpperCase();
  if (/airflow/i.test(event.producer)) return 'AIRFLOW';
  return undefined;
}

const refs = (datasets: OpenLineageDataset[] | undefined): LineageDatasetRef[] =>
  (datasets ?? []).map((d) => ({ namespace: d.namespace, name: d.name }));

/**
 * The typed lineage:* event for a validated OpenLineage event: its layer
 * holds what a webhook reader needs (job, run with its state, datasets, the
 * errorMessage facet); the event as received is kept in `data.openlineage`
 * (its text as received, when the body reader kept it).
 * `state` is the run's state after this event (RunEvents only).
 */
export function toLineageEvent(valid: ValidOpenLineageEvent, state?: LineageRunState): TidingsEvent {
  const { producer } = valid.event;
  let type: string;
  let lineage: LineageRunLayer | LineageJobLayer | LineageDatasetLayer;
  switch (valid.kind) {
    case 'RunEvent': {
      const event = valid.event;
      const parent = parentOf(event);
      const error = event.run.facets?.errorMessage;
      type = LINEAGE_RUN_TYPES[eventTypeOf(event)];
      lineage = {
        event_type: eventTypeOf(event),
        producer,
        ...optional('integration', integrationOf(event)),
        job: { namespace: event.job.namespace, name: event.job.name },
        run: {
          id: event.run.runId.toLowerCase(),
          state: state ?? 'RUNNING',
          ...(parent ? { parent: { id: parent.runId, job: { namespace: parent.namespace, name: parent.name } } } : {}),
        },
        inputs: refs(event.inputs),
        outputs: refs(event.outputs),
        ...(error
          ? {
              error: {
                message: error.message,
                programmingLanguage: error.programmingLanguage,
                ...optional('stackTrace', error.stackTrace),
              },
            }
          : {}),
      };
      break;
    }
    case 'JobEvent': {
      const event = valid.event;
      type = 'lineage:job';
      lineage = {
        producer,
        ...optional('integration', integrationOf(event)),
        job: { namespace: event.job.namespace, name: event.job.name },
        inputs: refs(event.inputs),
        outputs: refs(event.outputs),
      };
      break;
    }
    case 'DatasetEvent': {
      const { dataset } = valid.event;
      type = 'lineage:dataset';
      lineage = {
        producer,
        ...optional('integration', integrationOf(valid.event)),
        dataset: { namespace: dataset.namespace, name: dataset.name },
        facets: Object.keys(dataset.facets ?? {}),
      };
      break;
    }
  }
  const event = eventClassFor(type, 'openlineage').create({ occurred_at: valid.eventTime, lineage }, 'openlineage');
  event.data.openlineage = valid.event;
  if (valid.text !== undefined) event.dataText = { openlineage: valid.text };
  return event;
}

/** `{key: value}` when value is a string, else nothing: absent optional fields stay absent, not undefined. */
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string };
}
