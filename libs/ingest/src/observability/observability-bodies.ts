import {
  DATASET_OPERATIONS,
  extend,
  integer,
  JsonSchema,
  list,
  LOG_LEVELS,
  MAX_TEST_OUTCOMES,
  object,
  OBSERVED_KEY_MAX,
  OBSERVED_RUN_NAME_MAX,
  OBSERVED_STATUSES,
  OBSERVED_TEXT_MAX,
  OBSERVED_URL_MAX,
  oneOf,
  openMap,
  Schema,
  Static,
  TEST_STATUSES,
  text,
  uuid,
} from '@tidings/events';
import { ObservabilityKind } from './observability-input';

/*
 * Request bodies of the observability ingestion API (DataKitchen Event
 * Ingestion API v1 shape, DESIGN §7.2; field for field DataKitchen's
 * marshmallow schemas in dataops-observability common/events/v1), as JSON
 * Schemas checked by the same Ajv set-up as event bodies. Every field is
 * declared: anything else is refused. Null means absent for optional fields.
 * Enums are case-insensitive: the validator upper-cases them before checking
 * (ENUM_FIELDS). Rules across fields (one component key, pipeline_key needs
 * run_key, testgen integrations on both levels or neither) are checked by the
 * validator, where their messages can say what DataKitchen's say.
 */

const key = () => text(OBSERVED_KEY_MAX, 1);
const someText = () => text(OBSERVED_TEXT_MAX, 1);
/** ISO 8601, with or without an offset (naive = UTC): see parseEventTimestamp. */
const eventTimestamp = (): Schema<string> => ({ type: 'string', format: 'event-timestamp' });
/** A finite number, as a JSON number or a decimal string ("20.4"): see toFiniteNumber. */
const finiteNumeric = (): Schema<number | string> => ({ type: ['number', 'string'], format: 'finite-decimal' });
const httpUrl = (): Schema<string> => ({ type: 'string', maxLength: OBSERVED_URL_MAX, format: 'http-url' });
/** DataKitchen's tool pattern, checked after its normalisation (trimmed, upper-cased, spaces → `_`): see componentToolOf. */
const componentTool = (): Schema<string> => ({ type: 'string', minLength: 1, maxLength: OBSERVED_KEY_MAX, format: 'component-tool' });
/** The only testgen integration version DataKitchen knows. */
const testgenVersion = (): Schema<1> => ({ type: 'integer', const: 1 });

/** Fields every event may carry. */
const common = object(
  {},
  {
    event_timestamp: eventTimestamp(),
    external_url: httpUrl(),
    metadata: openMap(),
    component_tool: componentTool(),
    payload_keys: list(key()),
  },
);

/** The components an event about a run, a stream or a server may name: exactly one of them (COMPONENT_KEYS). */
const componentEvent = extend(
  common,
  {},
  {
    pipeline_key: key(),
    run_key: key(),
    task_key: key(),
    pipeline_name: key(),
    run_name: text(OBSERVED_RUN_NAME_MAX, 1),
    task_name: key(),
    stream_key: key(),
    stream_name: key(),
    server_key: key(),
    server_name: key(),
  },
);

/** DataKitchen TestGen's description of one test (a test outcome's `integrations.testgen`). */
const testgenItem = object(
  { table: someText(), test_suite: someText(), version: testgenVersion() },
  {
    columns: list(someText()),
    test_parameters: list(object({ name: someText(), value: { type: ['number', 'string'], minLength: 1 } as Schema<number | string> })),
  },
);

/** DataKitchen TestGen's description of the tested dataset (`component_integrations.integrations.testgen`). */
const testgenDataset = object(
  {
    version: testgenVersion(),
    database_name: someText(),
    connection_name: someText(),
    // At least one of include_list and include_pattern: checked by the validator.
    tables: object({}, { include_list: list(someText()), include_pattern: someText(), exclude_pattern: someText() }),
  },
  {
    schema: someText(),
    table_group_configuration: object(
      { group_id: uuid(), project_code: someText() },
      { uses_sampling: { type: 'boolean' } as Schema<boolean>, sample_percentage: someText(), sample_minimum_count: integer() },
    ),
  },
);

const testOutcome = object(
  { name: key(), status: oneOf(TEST_STATUSES) },
  {
    description: text(OBSERVED_TEXT_MAX),
    start_time: eventTimestamp(),
    end_time: eventTimestamp(),
    metric_value: finiteNumeric(),
    metric_name: key(),
    metric_description: someText(),
    min_threshold: finiteNumeric(),
    max_threshold: finiteNumeric(),
    dimensions: list(key(), { minItems: 1, maxItems: 100 }),
    result: someText(),
    type: key(),
    key: key(),
    metadata: openMap(),
    integrations: object({ testgen: testgenItem }),
  },
);

export const RUN_STATUS_BODY = extend(componentEvent, { status: oneOf(OBSERVED_STATUSES) });
export const MESSAGE_LOG_BODY = extend(
  componentEvent,
  { log_level: oneOf(LOG_LEVELS), message: someText() },
  { message_details: text(OBSERVED_TEXT_MAX) },
);
export const METRIC_LOG_BODY = extend(componentEvent, { metric_key: key(), metric_value: finiteNumeric() });
export const TEST_OUTCOMES_BODY = extend(
  componentEvent,
  { test_outcomes: list(testOutcome, { minItems: 1, maxItems: MAX_TEST_OUTCOMES }) },
  { component_integrations: object({ integrations: object({ testgen: testgenDataset }) }) },
);
/** About a dataset, not a pipeline run: `dataset_key` instead of `pipeline_key` + `run_key`. */
export const DATASET_OPERATION_BODY = extend(
  common,
  { dataset_key: key(), operation: oneOf(DATASET_OPERATIONS) },
  { dataset_name: key(), path: text(OBSERVED_URL_MAX, 1) },
);

export type ComponentEventBody = Static<typeof componentEvent>;
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

/** The component keys of DataKitchen's v1 events, of which an event names exactly one (dataset_key: dataset-operation only). */
export const COMPONENT_KEYS = ['pipeline_key', 'stream_key', 'server_key'] as const;
