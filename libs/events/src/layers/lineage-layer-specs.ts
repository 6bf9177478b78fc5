import { integrationFromProducer, isPresent, KNOWN_INTEGRATIONS, knownIntegration, LayerTelemetry, sizeOf } from '../telemetry/anonymizer';
import { LayerSpec } from '../tidings-event.entity';
import { LINEAGE_RUN_STATES, LineageDatasetLayer, LineageJobLayer, LineageRunLayer, OPENLINEAGE_EVENT_TYPES } from './lineage-layer-dtos';

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

/**
 * Lineage telemetry keeps the event type, run id and state, and counts
 * (datasets, facets); job and dataset namespaces and names, the producer URI
 * and error messages never leave. The producing integration is sent only as a
 * known token (`airflow`, `spark`), never as the URI it was read from.
 */
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

/** The `lineage` layer of each lineage:* family; the job (or dataset) and run ids fill the lineage scope columns. */
export const LINEAGE_LAYER = {
  run: {
    key: 'lineage',
    dto: LineageRunLayer,
    required: true,
    scope: [
      { column: 'lineage_namespace', field: 'job.namespace' },
      { column: 'lineage_job', field: 'job.name' },
      { column: 'lineage_run_id', field: 'run.id' },
      { column: 'lineage_parent_run_id', field: 'run.parent.id' },
    ],
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
  },
  job: {
    key: 'lineage',
    dto: LineageJobLayer,
    required: true,
    scope: [
      { column: 'lineage_namespace', field: 'job.namespace' },
      { column: 'lineage_job', field: 'job.name' },
    ],
    example: {
      producer: PRODUCER,
      integration: 'AIRFLOW',
      job: { namespace: 'airflow', name: 'daily_orders.load_orders' },
      inputs: [{ namespace: 's3://raw-bucket', name: 'orders' }],
      outputs: [{ namespace: 'redshift://warehouse:5439', name: 'analytics.public.orders' }],
    },
    telemetry: JOB_TELEMETRY,
  },
  dataset: {
    key: 'lineage',
    dto: LineageDatasetLayer,
    required: true,
    // A DatasetEvent has no job: its namespace column holds the dataset's namespace.
    scope: { column: 'lineage_namespace', field: 'dataset.namespace' },
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
  },
} satisfies Record<string, LayerSpec>;
