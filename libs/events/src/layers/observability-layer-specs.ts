import { LayerSpec } from '../tidings-event.entity';
import {
  DatasetOperationLayer,
  MessageLogLayer,
  MetricLogLayer,
  ObservedContextLayer,
  ObservedPipelineLayer,
  ObservedRunLayer,
  ObservedTaskLayer,
  TestOutcomesLayer,
} from './observability-layer-dtos';

const task = {
  key: 'task',
  dto: ObservedTaskLayer,
  scope: { column: 'task_key', field: 'key' },
  example: {
    key: 'redshift_load',
    name: 'Load into Redshift',
    status: 'FAILED',
    started_at: '2026-11-20T09:58:00.000Z',
    ended_at: '2026-11-20T10:00:00.000Z',
  },
} as const;

/** Layers of observability:* events. `pipeline → run → task` nest; the rest sit on the event itself. */
export const OBSERVABILITY_LAYER = {
  pipeline: {
    key: 'pipeline',
    dto: ObservedPipelineLayer,
    required: true,
    scope: { column: 'pipeline_key', field: 'key' },
    example: { key: 'SFTP_to_Tableau', name: 'SFTP → S3 → Redshift → Tableau' },
  },
  run: {
    key: 'run',
    dto: ObservedRunLayer,
    required: true,
    scope: { column: 'run_key', field: 'key' },
    example: {
      key: 'airflow-123',
      name: 'nightly 2026-11-20',
      status: 'FAILED',
      started_at: '2026-11-20T09:55:00.000Z',
      ended_at: '2026-11-20T10:00:00.000Z',
    },
  },
  task: { ...task, required: true },
  /** Log, metric and test events may be about the run itself or about one of its tasks. */
  optionalTask: { ...task, required: false },
  context: {
    key: 'context',
    dto: ObservedContextLayer,
    required: false,
    placement: 'root',
    example: { external_url: 'https://airflow.example.com/dags/sftp_to_tableau/grid', component_tool: 'AIRFLOW', metadata: { attempt: 1 } },
  },
  messageLog: {
    key: 'log',
    dto: MessageLogLayer,
    required: true,
    placement: 'root',
    example: { level: 'ERROR', message: 'COPY failed: column "amount" is of type numeric but expression is of type text' },
  },
  metricLog: {
    key: 'metric',
    dto: MetricLogLayer,
    required: true,
    placement: 'root',
    example: { key: 'rows_loaded', value: 120000 },
  },
  testOutcomes: {
    key: 'tests',
    dto: TestOutcomesLayer,
    required: true,
    placement: 'root',
    example: {
      total: 2,
      passed: 1,
      failed: 1,
      warning: 0,
      outcomes: [
        { name: 'row_count_matches_source', status: 'PASSED', metric_value: 120000 },
        {
          name: 'no_null_customer_ids',
          status: 'FAILED',
          description: '12 rows with a null customer_id',
          metric_value: 12,
          max_threshold: 0,
        },
      ],
    },
  },
  datasetOperation: {
    key: 'dataset',
    dto: DatasetOperationLayer,
    required: true,
    example: { key: 'orders_raw', name: 'Raw orders (SFTP drop)', operation: 'WRITE', path: 'incoming/orders_2026-11-20.csv' },
  },
} satisfies Record<string, LayerSpec>;
