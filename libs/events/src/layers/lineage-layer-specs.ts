import { LayerSpec } from '../tidings-event.entity';
import { LineageDatasetLayer, LineageJobLayer, LineageRunLayer } from './lineage-layer-dtos';

const PRODUCER = 'https://github.com/apache/airflow/tree/providers-openlineage/1.14.0';

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
  },
} satisfies Record<string, LayerSpec>;
