import { isPresent, knownIntegration, KNOWN_INTEGRATIONS, LayerTelemetry, sizeOf } from '../telemetry/anonymizer';
import { LayerSpec } from '../tidings-event.entity';
import {
  DATASET_OPERATIONS,
  DatasetOperationLayer,
  LOG_LEVELS,
  OBSERVED_STATUSES,
  MessageLogLayer,
  MetricLogLayer,
  ObservedContextLayer,
  ObservedPipelineLayer,
  ObservedRunLayer,
  ObservedTaskLayer,
  TestOutcomesLayer,
} from './observability-layer-dtos';

/*
 * Observability telemetry: pipeline, run, task and dataset keys are chosen by
 * the customer (they name things), so only statuses, times, log levels,
 * counts and known tool tokens are sent. A metric's value is dropped too: it
 * is the customer's business number, meaningless without its (dropped) key.
 */
const runTelemetry = (prefix: string): LayerTelemetry => ({
  prefix,
  keep: { status: { oneOf: OBSERVED_STATUSES }, started_at: 'timestamp', ended_at: 'timestamp', tests_failed: 'count' },
  derive: {
    duration_ms: {
      kind: 'count',
      from: (run) => (run.started_at && run.ended_at ? Date.parse(run.ended_at) - Date.parse(run.started_at) : undefined),
    },
  },
});

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
  telemetry: runTelemetry('observed_task'),
} as const;

/** Layers of observability:* events. `pipeline → run → task` nest; the rest sit on the event itself. */
export const OBSERVABILITY_LAYER = {
  pipeline: {
    key: 'pipeline',
    dto: ObservedPipelineLayer,
    required: true,
    scope: { column: 'pipeline_key', field: 'key' },
    example: { key: 'SFTP_to_Tableau', name: 'SFTP → S3 → Redshift → Tableau' },
    telemetry: { prefix: 'observed_pipeline', derive: { has_name: { kind: 'boolean', from: (p) => isPresent(p.name) } } },
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
    telemetry: runTelemetry('observed_run'),
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
    telemetry: {
      prefix: 'context',
      derive: {
        component_tool: { kind: { oneOf: KNOWN_INTEGRATIONS }, from: (c) => knownIntegration(c.component_tool) },
        has_external_url: { kind: 'boolean', from: (c) => isPresent(c.external_url) },
        metadata_count: { kind: 'count', from: (c) => sizeOf(c.metadata) ?? 0 },
      },
    },
  },
  messageLog: {
    key: 'log',
    dto: MessageLogLayer,
    required: true,
    placement: 'root',
    example: { level: 'ERROR', message: 'COPY failed: column "amount" is of type numeric but expression is of type text' },
    telemetry: { prefix: 'log', keep: { level: { oneOf: LOG_LEVELS } } },
  },
  metricLog: {
    key: 'metric',
    dto: MetricLogLayer,
    required: true,
    placement: 'root',
    example: { key: 'rows_loaded', value: 120000 },
    telemetry: { prefix: 'metric' },
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
    telemetry: {
      prefix: 'tests',
      keep: { total: 'count', passed: 'count', failed: 'count', warning: 'count' },
      derive: {
        outcomes_count: { kind: 'count', from: (t) => sizeOf(t.outcomes) },
        with_thresholds_count: {
          kind: 'count',
          from: (t) =>
            Array.isArray(t.outcomes)
              ? t.outcomes.filter((o: any) => o?.min_threshold != null || o?.max_threshold != null).length
              : undefined,
        },
      },
    },
  },
  datasetOperation: {
    key: 'dataset',
    dto: DatasetOperationLayer,
    required: true,
    example: { key: 'orders_raw', name: 'Raw orders (SFTP drop)', operation: 'WRITE', path: 'incoming/orders_2026-11-20.csv' },
    telemetry: {
      prefix: 'dataset',
      keep: { operation: { oneOf: DATASET_OPERATIONS } },
      derive: { has_path: { kind: 'boolean', from: (d) => isPresent(d.path) } },
    },
  },
} satisfies Record<string, LayerSpec>;
