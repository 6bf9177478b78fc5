import { isPresent, knownIntegration, KNOWN_INTEGRATIONS, LayerTelemetry, sizeOf } from '../telemetry/anonymizer';
import { anyText, dateTime, integer, list, number, object, oneOf, openMap, Static, text } from './json-schema';
import { layer, optional } from './layer';

/*
 * Layers of observability:* events (DESIGN §5: `pipeline: {key, name, run:
 * {key, name, status, task: {key, name, status}}}`), built by the
 * observability ingestion (DESIGN §7.2). Statuses in run and task layers are
 * the stored state after the event was applied, not only what it reported.
 *
 * Telemetry: pipeline, run, task and dataset keys are chosen by the customer
 * (they name things), so only statuses, times, log levels, counts and known
 * tool tokens are sent. A metric's value is dropped too: it is the customer's
 * business number, meaningless without its (dropped) key.
 */

export const OBSERVED_STATUSES = ['RUNNING', 'COMPLETED', 'COMPLETED_WITH_WARNINGS', 'FAILED'] as const;
export type ObservedStatus = (typeof OBSERVED_STATUSES)[number];
export const LOG_LEVELS = ['ERROR', 'WARNING', 'INFO'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const TEST_STATUSES = ['PASSED', 'FAILED', 'WARNING'] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];
export const DATASET_OPERATIONS = ['READ', 'WRITE'] as const;
export type DatasetOperation = (typeof DATASET_OPERATIONS)[number];

/** Keys and names (DESIGN §7.2: 1–255 characters). */
export const OBSERVED_KEY_MAX = 255;
/** A run's name may be longer (DataKitchen's MAX_RUN_NAME_LENGTH). */
export const OBSERVED_RUN_NAME_MAX = 1024;
/** Log messages and other free text: generous, but bounded so one field cannot fill a row. */
export const OBSERVED_TEXT_MAX = 65_536;
export const OBSERVED_URL_MAX = 4096;
export const MAX_TEST_OUTCOMES = 500;

const key = () => text(OBSERVED_KEY_MAX, 1);

const observedRun = object(
  { key: key(), status: oneOf(OBSERVED_STATUSES) },
  {
    name: text(OBSERVED_RUN_NAME_MAX, 1),
    started_at: dateTime(),
    ended_at: dateTime(),
    /** On a run's own status events: how many of its tests have failed so far. */
    tests_failed: integer(0),
  },
);
export type ObservedRunLayer = Static<typeof observedRun>;

const testOutcome = object(
  { name: key(), status: oneOf(TEST_STATUSES) },
  {
    description: text(OBSERVED_TEXT_MAX),
    start_time: dateTime(),
    end_time: dateTime(),
    metric_value: number(),
    metric_name: text(OBSERVED_KEY_MAX),
    metric_description: text(OBSERVED_TEXT_MAX),
    min_threshold: number(),
    max_threshold: number(),
    dimensions: list(anyText()),
    result: text(OBSERVED_TEXT_MAX),
    type: text(OBSERVED_KEY_MAX),
    key: text(OBSERVED_KEY_MAX),
    metadata: openMap(),
    integrations: openMap(),
  },
);

const testOutcomes = object(
  {
    total: integer(0),
    passed: integer(0),
    failed: integer(0),
    warning: integer(0),
    outcomes: list(testOutcome, { minItems: 1, maxItems: MAX_TEST_OUTCOMES }),
  },
  { component_integrations: openMap() },
);
export type TestOutcomesLayer = Static<typeof testOutcomes>;

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

export const OBSERVED_PIPELINE = layer({
  key: 'pipeline',
  schema: object({ key: key() }, { name: key() }),
  required: true,
  scope: { column: 'pipeline_key', field: 'key' },
  identity: ['pipeline.key'],
  example: { key: 'SFTP_to_Tableau', name: 'SFTP → S3 → Redshift → Tableau' },
  telemetry: { prefix: 'observed_pipeline', derive: { has_name: { kind: 'boolean', from: (p) => isPresent(p.name) } } },
});

export const OBSERVED_RUN = layer({
  key: 'run',
  schema: observedRun,
  required: true,
  scope: { column: 'run_key', field: 'key' },
  identity: ['pipeline.key', 'run.key'],
  example: {
    key: 'airflow-123',
    name: 'nightly 2026-11-20',
    status: 'FAILED',
    started_at: '2026-11-20T09:55:00.000Z',
    ended_at: '2026-11-20T10:00:00.000Z',
  },
  telemetry: runTelemetry('observed_run'),
});

/** A task of the run; its events stay in the run's order (no identity of its own). */
export const OBSERVED_TASK = layer({
  key: 'task',
  schema: observedRun,
  required: true,
  scope: { column: 'task_key', field: 'key' },
  example: {
    key: 'redshift_load',
    name: 'Load into Redshift',
    status: 'FAILED',
    started_at: '2026-11-20T09:58:00.000Z',
    ended_at: '2026-11-20T10:00:00.000Z',
  },
  telemetry: runTelemetry('observed_task'),
});

/** Log, metric and test events may be about the run itself or about one of its tasks. */
export const OPTIONAL_OBSERVED_TASK = optional(OBSERVED_TASK);

/** What the reporting tool said about the event itself; sits on the event, not in the pipeline tree. */
export const OBSERVED_CONTEXT = layer({
  key: 'context',
  schema: object(
    {},
    {
      external_url: text(OBSERVED_URL_MAX, 1),
      component_tool: key(),
      metadata: openMap(),
      /** DataKitchen's `payload_keys`: the keys of the data items the event is about. */
      payload_keys: list(key()),
    },
  ),
  required: false,
  placement: 'root',
  example: {
    external_url: 'https://airflow.example.com/dags/sftp_to_tableau/grid',
    component_tool: 'AIRFLOW',
    metadata: { attempt: 1 },
    payload_keys: ['orders_2026-11-20.csv'],
  },
  telemetry: {
    prefix: 'context',
    derive: {
      component_tool: { kind: { oneOf: KNOWN_INTEGRATIONS }, from: (c) => knownIntegration(c.component_tool) },
      has_external_url: { kind: 'boolean', from: (c) => isPresent(c.external_url) },
      metadata_count: { kind: 'count', from: (c) => sizeOf(c.metadata) ?? 0 },
      payload_keys_count: { kind: 'count', from: (c) => sizeOf(c.payload_keys) ?? 0 },
    },
  },
});

export const MESSAGE_LOG = layer({
  key: 'log',
  /** `details`: DataKitchen's `message_details`, more text about the message. */
  schema: object({ level: oneOf(LOG_LEVELS), message: text(OBSERVED_TEXT_MAX, 1) }, { details: text(OBSERVED_TEXT_MAX) }),
  required: true,
  placement: 'root',
  example: {
    level: 'ERROR',
    message: 'COPY failed: column "amount" is of type numeric but expression is of type text',
    details: 'line 1042, column amount: "12,50"',
  },
  telemetry: { prefix: 'log', keep: { level: { oneOf: LOG_LEVELS } } },
});

export const METRIC_LOG = layer({
  key: 'metric',
  schema: object({ key: key(), value: number() }),
  required: true,
  placement: 'root',
  example: { key: 'rows_loaded', value: 120000 },
  telemetry: { prefix: 'metric' },
});

export const TEST_OUTCOMES = layer({
  key: 'tests',
  schema: testOutcomes,
  required: true,
  placement: 'root',
  example: {
    total: 2,
    passed: 1,
    failed: 1,
    warning: 0,
    outcomes: [
      { name: 'row_count_matches_source', status: 'PASSED', metric_value: 120000 },
      { name: 'no_null_customer_ids', status: 'FAILED', description: '12 rows with a null customer_id', metric_value: 12, max_threshold: 0 },
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
          Array.isArray(t.outcomes) ? t.outcomes.filter((o: any) => o?.min_threshold != null || o?.max_threshold != null).length : undefined,
      },
    },
  },
});

export const DATASET_OPERATION = layer({
  key: 'dataset',
  schema: object(
    { key: key(), operation: oneOf(DATASET_OPERATIONS) },
    { name: key(), path: text(OBSERVED_URL_MAX, 1) },
  ),
  required: true,
  identity: ['dataset.key'],
  example: { key: 'orders_raw', name: 'Raw orders (SFTP drop)', operation: 'WRITE', path: 'incoming/orders_2026-11-20.csv' },
  telemetry: {
    prefix: 'dataset',
    keep: { operation: { oneOf: DATASET_OPERATIONS } },
    derive: { has_path: { kind: 'boolean', from: (d) => isPresent(d.path) } },
  },
});

/*
 * Components without runs (DataKitchen's streaming pipelines and servers,
 * DESIGN §7.2): their log, metric and test events name the component by its
 * key, and have no run or task state. No scope column: subscriptions match
 * them by type (`observability:stream:*`).
 */
function observedComponent(component: 'stream' | 'server', example: { key: string; name: string }) {
  return layer({
    key: component,
    schema: object({ key: key() }, { name: key() }),
    required: true,
    identity: [`${component}.key`],
    example,
    telemetry: {
      prefix: `observed_${component}`,
      derive: { has_name: { kind: 'boolean', from: (c) => isPresent(c.name) } },
    },
  });
}

export const OBSERVED_STREAM = observedComponent('stream', { key: 'kafka_orders_enrichment', name: 'Orders enrichment (Kafka)' });
export const OBSERVED_SERVER = observedComponent('server', { key: 'redshift-prod-1', name: 'Redshift production cluster' });
