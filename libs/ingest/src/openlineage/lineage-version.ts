import { LineageVersionReport } from './lineage-edge-store';
import { eventTypeOf } from './openlineage-mapper';
import { OpenLineageDataset, ValidOpenLineageEvent } from './openlineage-event';

const refs = (datasets: OpenLineageDataset[] | undefined) => (datasets ?? []).map((d) => ({ namespace: d.namespace, name: d.name }));

/** A job whose jobType facet says STREAMING (Flink, Spark structured streaming): it runs without completing. */
export function isStreaming(event: { job?: { facets?: { jobType?: { processingType?: unknown } } } }): boolean {
  const type = event.job?.facets?.jobType?.processingType;
  return typeof type === 'string' && type.toUpperCase() === 'STREAMING';
}

/**
 * Whether an event reports its job's inputs and outputs, i.e. defines a
 * version of the job (DESIGN §7.1), and which. The newest report of a job, by
 * eventTime, is its current version, whatever its kind:
 * - a COMPLETE run event, with the datasets it carries (none: a version with
 *   no datasets, so the edges of older runs become history);
 * - a START or RUNNING event of a streaming job that carries datasets: such a
 *   job may never complete, and a heartbeat without datasets says nothing of
 *   them;
 * - a JobEvent (static lineage, no run), with the datasets it carries.
 * Anything else (START, FAIL, ABORT, OTHER of a batch job, DatasetEvents)
 * defines no version.
 */
export function versionReportOf(valid: ValidOpenLineageEvent): LineageVersionReport | null {
  if (valid.kind === 'DatasetEvent') return null;
  const { event, eventTime: at } = valid;
  const report = {
    job: { namespace: event.job.namespace, name: event.job.name },
    at,
    inputs: refs(event.inputs),
    outputs: refs(event.outputs),
  };
  if (valid.kind === 'JobEvent') return { ...report, runId: null };
  const runId = valid.event.run.runId.toLowerCase();
  const type = eventTypeOf(valid.event);
  if (type === 'COMPLETE') return { ...report, runId };
  const running = type === 'START' || type === 'RUNNING';
  if (running && isStreaming(event) && report.inputs.length + report.outputs.length > 0) return { ...report, runId };
  return null;
}
