import {
  DATASET_OPERATIONS,
  extend,
  JsonSchema,
  list,
  LOG_LEVELS,
  MAX_TEST_OUTCOMES,
  object,
  OBSERVED_KEY_MAX,
  OBSERVED_STATUSES,
  OBSERVED_TEXT_MAX,
  OBSERVED_URL_MAX,
  oneOf,
  openMap,
  Schema,
  Static,
  TEST_STATUSES,
  text,
} from '@tidings/events';
import { ObservabilityKind } from './observability-input';

/*
 * Request bodies of the observability ingestion API (DataKitchen Event
 * Ingestion API v1 shape, DESIGN §7.2), as JSON Schemas checked by the same
 * Ajv set-up as event bodies. Every field is declared: anything else is
 * refused. Null means absent for optional fields. Enums are case-insensitive:
 * the validator upper-cases them before checking (ENUM_FIELDS).
 */

const key = () => text(OBSERVED_KEY_MAX, 1);
/** ISO 8601, with or without an offset (naive = UTC): see parseEventTimestamp. */
const eventTimestamp = (): Schema<string> => ({ type: 'string', format: 'event-timestamp' });
/** A finite number, as a JSON number or a decimal string ("20.4"): see toFiniteNumber. */
const finiteNumeric = (): Schema<number | string> => ({ type: ['number', 'string'], format: 'finite-decimal' });
const httpUrl = (): Schema<string> => ({ type: 'string', maxLength: OBSERVED_URL_MAX, format: 'http-url' });

/** Fields every event may carry. */
const common = object({}, { event_timestamp: eventTimestamp(), external_url: httpUrl(), metadata: openMap(), component_tool: key() });

/** Events about a pipeline run (or one of its tasks). */
const pipelineEvent = extend(
  common,
  { pipeline_key: key(), run_key: key() },
  { task_key: key(), pipeline_name: key(), run_name: key(), task_name: key() },
);

const testOutcome = object(
  { name: key(), status: oneOf(TEST_STATUSES) },
  {
    description: text(OBSERVED_TEXT_MAX),
    start_time: eventTimestamp(),
    end_time: eventTimestamp(),
    metric_value: finiteNumeric(),
    metric_name: key(),
    metric_description: text(OBSERVED_TEXT_MAX),
    min_threshold: finiteNumeric(),
    max_threshold: finiteNumeric(),
    dimensions: list(key(), { maxItems: 100 }),
    result: text(OBSERVED_TEXT_MAX),
    type: key(),
    key: key(),
    metadata: openMap(),
    integrations: openMap(),
  },
);

export const RUN_STATUS_BODY = extend(pipelineEvent, { status: oneOf(OBSERVED_STATUSES) });
export const MESSAGE_LOG_BODY = extend(pipelineEvent, { log_level: oneOf(LOG_LEVELS), message: text(OBSERVED_TEXT_MAX, 1) });
export const METRIC_LOG_BODY = extend(pipelineEvent, { metric_key: key(), metric_value: finiteNumeric() });
export const TEST_OUTCOMES_BODY = extend(
  pipelineEvent,
  { test_outcomes: list(testOutcome, { minItems: 1, maxItems: MAX_TEST_OUTCOMES }) },
  { component_integrations: openMap() },
);
/** About a dataset, not a pipeline run: `dataset_key` instead of `pipeline_key` + `run_key`. */
export const DATASET_OPERATION_BODY = extend(
  common,
  { dataset_key: key(), operation: oneOf(DATASET_OPERATIONS) },
  { dataset_name: key(), path: text(OBSERVED_URL_MAX, 1) },
);

export type PipelineEventBody = Static<typeof pipelineEvent>;
export type RunStatusBody = Static<typeof RUN_STATUS_BODY>;
export type MessageLogBody = Static<typeof MESSAGE_LOG_BODY>;
export type MetricLogBody = Static<typeof METRIC_LOG_BODY>;
export type TestOutcomesBody = Static<typeof TEST_OUTCOMES_BODY>;
export type TestOutcomeItem = Static<typeof testOutcome>;
export type DatasetOperationBody = Static<typeof DATASET_OPERATION_BODY>;

export const OBSERVABILITY_BODIES: Record<ObservabilityKind, JsonSchema> = {
  'run-status': RUN_STATUS_BODY,
  'message-log': MESSAGE_LOG_BODY,
  'metric-log': METRIC_LOG_BODY,
  'test-outcomes': TEST_OUTCOMES_BODY,
  'dataset-operation': DATASET_OPERATION_BODY,
};

/** The case-insensitive enum fields of each body (`test_outcomes[].status` included). */
export const ENUM_FIELDS: Record<ObservabilityKind, readonly string[]> = {
  'run-status': ['status'],
  'message-log': ['log_level'],
  'metric-log': [],
  'test-outcomes': [],
  'dataset-operation': ['operation'],
};
