import { integrationFromProducer, isPresent, KNOWN_INTEGRATIONS, knownIntegration, LayerTelemetry, sizeOf } from '../telemetry/anonymizer';
import { anyText, extend, list, object, oneOf, Static, uuid } from './json-schema';
import { layer } from './layer';

/*
 * The `lineage` layer of lineage:* events (DESIGN §5: `lineage: {job, run,
 * inputs, outputs, error?}`), built by the OpenLineage ingestion from events
 * that already passed the OpenLineage schema. Names are not length-capped:
 * the OpenLineage spec sets no limit and the request body size bounds them.
 *
 * Telemetry keeps the event type, run id and state, and counts (datasets,
 * facets); job and dataset namespaces and names, the producer URI and error
 * messages never leave. The producing integration is sent only as a known
 * token (`airflow`, `spark`), never as the URI it was read from.
 */

/** A lineage run's state, as `lineage_runs` keeps it. */
export const LINEAGE_RUN_STATES = ['RUNNING', 'COMPLETED', 'FAILED', 'ABORTED'] as const;
export type LineageRunState = (typeof LINEAGE_RUN_STATES)[number];

export const OPENLINEAGE_EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;
export type OpenLineageEventType = (typeof OPENLINEAGE_EVENT_TYPES)[number];

/** Kept beside the layers in `data.openlineage`: the event exactly as received. */
export type RawOpenLineageEvent = Record<string, unknown>;

const ref = () => object({ namespace: anyText(), name: anyText() });
/** A job or dataset, by namespace and name. */
export type LineageDatasetRef = Static<ReturnType<typeof ref>>;
/** What every lineage layer says about where it came from: the `producer` URI and the integration (AIRFLOW, SPARK…). */
const source = object({ producer: anyText() }, { integration: anyText() });

const runLayer = extend(
  source,
  {
    event_type: oneOf(OPENLINEAGE_EVENT_TYPES),
    job: ref(),
    run: object(
      { id: uuid(), state: oneOf(LINEAGE_RUN_STATES) },
      { parent: object({ id: uuid() }, { job: ref() }) },
    ),
    inputs: list(ref()),
    outputs: list(ref()),
  },
  // The OpenLineage errorMessage run facet, under its own field names.
  { error: object({ message: anyText(), programmingLanguage: anyText() }, { stackTrace: anyText() }) },
);
export type LineageRunLayer = Static<typeof runLayer>;

const jobLayer = extend(source, { job: ref(), inputs: list(ref()), outputs: list(ref()) });
export type LineageJobLayer = Static<typeof jobLayer>;

/** Names of the dataset facets sent (schema, documentation…); the facets themselves stay in the raw event. */
const datasetLayer = extend(source, { dataset: ref() }, { facets: list(anyText()) });
export type LineageDatasetLayer = Static<typeof datasetLayer>;

const PRODUCER = 'https://github.com/apache/airflow/tree/providers-openlineage/1.14.0';

/** Facets in the raw OpenLineage event (`data.openlineage`), counted: their names and contents are not sent. */
const rawFacets = (data: Record<string, any>, ...path: string[]) => {
  let node: any = data.openlineage;
  for (const part of path) node = node?.[part];
  return sizeOf(node?.facets);
};
const datasetFacets = (data: Record<string, any>, side: 'inputs' | 'outputs') => {
  const datasets = data.openlineage?.[side];
  if (!Array.isArray(datasets)) return undefined;
  return datasets.reduce(
    (sum: number, d: any) => sum + (sizeOf(d?.facets) ?? 0) + (sizeOf(d?.inputFacets) ?? 0) + (sizeOf(d?.outputFacets) ?? 0),
    0,
  );
};

const INTEGRATION = {
  kind: { oneOf: KNOWN_INTEGRATIONS },
  from: (lineage: any) => knownIntegration(lineage.integration) ?? integrationFromProducer(lineage.producer),
};

const JOB_TELEMETRY: LayerTelemetry = {
  prefix: 'lineage',
  derive: {
    integration: INTEGRATION,
    inputs_count: { kind: 'count', from: (l) => sizeOf(l.inputs) },
    outputs_count: { kind: 'count', from: (l) => sizeOf(l.outputs) },
    job_facets_count: { kind: 'count', from: (_l, data) => rawFacets(data, 'job') },
    input_facets_count: { kind: 'count', from: (_l, data) => datasetFacets(data, 'inputs') },
    output_facets_count: { kind: 'count', from: (_l, data) => datasetFacets(data, 'outputs') },
  },
};

/** `lineage:run:*` — one OpenLineage RunEvent; the job and run ids fill the lineage scope columns. */
export const LINEAGE_RUN = layer({
  key: 'lineage',
  schema: runLayer,
  required: true,
  scope: [
    { column: 'lineage_namespace', field: 'job.namespace' },
    { column: 'lineage_job', field: 'job.name' },
    { column: 'lineage_run_id', field: 'run.id' },
    { column: 'lineage_parent_run_id', field: 'run.parent.id' },
  ],
  identity: ['lineage.run.id'],
  example: {
    event_type: 'FAIL',
    producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.24.2/integration/spark',
    integration: 'SPARK',
    job: { namespace: 'spark-prod', name: 'daily_orders.load_orders' },
    run: {
      id: '0193689a-5bd1-7d18-b1a0-109de253e28f',
      state: 'FAILED',
      parent: { id: '0193689a-5bd1-70bf-9ca2-4953116e45e1', job: { namespace: 'airflow', name: 'daily_orders' } },
    },
    inputs: [{ namespace: 's3://raw-bucket', name: 'orders/2026-11-19' }],
    outputs: [{ namespace: 'redshift://warehouse:5439', name: 'analytics.public.orders' }],
    error: {
      message: 'org.apache.spark.sql.AnalysisException: Table or view not found: orders_staging',
      programmingLanguage: 'JAVA',
      stackTrace: 'org.apache.spark.sql.AnalysisException: Table or view not found: orders_staging\n\tat …',
    },
  },
  telemetry: {
    prefix: 'lineage',
    keep: {
      event_type: { oneOf: OPENLINEAGE_EVENT_TYPES },
      'run.id': 'uuid',
      'run.state': { oneOf: LINEAGE_RUN_STATES },
      'run.parent.id': 'uuid',
    },
    derive: {
      ...JOB_TELEMETRY.derive,
      has_parent: { kind: 'boolean', from: (l) => isPresent(l.run?.parent) },
      has_error: { kind: 'boolean', from: (l) => isPresent(l.error) },
      run_facets_count: { kind: 'count', from: (_l, data) => rawFacets(data, 'run') },
    },
  },
});

/** `lineage:job` — an OpenLineage JobEvent (job metadata without a run). */
export const LINEAGE_JOB = layer({
  key: 'lineage',
  schema: jobLayer,
  required: true,
  scope: [
    { column: 'lineage_namespace', field: 'job.namespace' },
    { column: 'lineage_job', field: 'job.name' },
  ],
  identity: ['lineage.job.namespace', 'lineage.job.name'],
  example: {
    producer: PRODUCER,
    integration: 'AIRFLOW',
    job: { namespace: 'airflow', name: 'daily_orders.load_orders' },
    inputs: [{ namespace: 's3://raw-bucket', name: 'orders' }],
    outputs: [{ namespace: 'redshift://warehouse:5439', name: 'analytics.public.orders' }],
  },
  telemetry: JOB_TELEMETRY,
});

/** `lineage:dataset` — an OpenLineage DatasetEvent. It has no job: its namespace column holds the dataset's namespace. */
export const LINEAGE_DATASET = layer({
  key: 'lineage',
  schema: datasetLayer,
  required: true,
  scope: { column: 'lineage_namespace', field: 'dataset.namespace' },
  identity: ['lineage.dataset.namespace', 'lineage.dataset.name'],
  example: {
    producer: PRODUCER,
    dataset: { namespace: 'redshift://warehouse:5439', name: 'analytics.public.orders' },
    facets: ['schema', 'documentation'],
  },
  telemetry: {
    prefix: 'lineage',
    derive: {
      integration: INTEGRATION,
      facets_count: { kind: 'count', from: (l) => sizeOf(l.facets) ?? 0 },
    },
  },
});
