import { ErrorDetail } from '@tidings/common';
import { createBodyAjv, DatasetOperation, LogLevel, ObservedStatus, OccurredAtBounds, occurredAtSkew, TestStatus, toErrorDetails } from '@tidings/events';
import { ValidateFunction } from 'ajv/dist/2020';
import { invalid } from '../ingest-error';
import {
  COMPONENT_KEYS,
  ComponentEventBody,
  DatasetOperationBody,
  ENUM_FIELDS,
  MessageLogBody,
  MetricLogBody,
  OBSERVABILITY_BODIES,
  RunStatusBody,
  TestOutcomeItem,
  TestOutcomesBody,
} from './observability-bodies';
import { parseEventTimestamp, toFiniteNumber } from './event-timestamp';
import {
  OBSERVABILITY_KINDS,
  ObservabilityInput,
  ObservabilityKind,
  ObservedComponent,
  ObservedContext,
  ObservedTarget,
  ObservedTestOutcome,
} from './observability-input';

const FORMAT_MESSAGES = {
  'event-timestamp': 'must be an ISO 8601 date-time, e.g. 2026-11-20T10:00:00Z (without an offset it is read as UTC)',
  'finite-decimal': 'must be a finite number (a JSON number or a decimal string; not NaN or Infinity)',
  'http-url': 'must be an http(s) URL',
  'component-tool': 'must be letters, digits, spaces and underscores, not starting or ending with an underscore',
};

/**
 * DataKitchen's tool pattern (EXTENDED_ALPHANUMERIC_REGEX, Python's Unicode
 * `\w` plus space, no leading or trailing underscore), applied as it does to
 * the normalised value (componentToolOf).
 */
const COMPONENT_TOOL = /^(?!_)[\p{L}\p{N}_ ]*(?<!_)$/u;

/** DataKitchen's normalisation of `component_tool`: trimmed, upper-cased, spaces → underscores ("Power BI" → "POWER_BI"). */
const componentToolOf = (value: string) => value.trim().toUpperCase().replace(/ /g, '_');

let validators: Record<ObservabilityKind, ValidateFunction> | undefined;

/** Each body's schema compiled once, on the events' Ajv set-up plus the formats of this API. */
function validatorOf(kind: ObservabilityKind): ValidateFunction {
  if (!validators) {
    const ajv = createBodyAjv();
    ajv.addFormat('event-timestamp', (value: string) => parseEventTimestamp(value) !== null);
    ajv.addFormat('finite-decimal', { type: 'string', validate: (value: string) => toFiniteNumber(value) !== null });
    ajv.addFormat('http-url', isHttpUrl);
    ajv.addFormat('component-tool', COMPONENT_TOOL);
    validators = Object.fromEntries(OBSERVABILITY_KINDS.map((k) => [k, ajv.compile(OBSERVABILITY_BODIES[k])])) as Record<
      ObservabilityKind,
      ValidateFunction
    >;
  }
  return validators[kind];
}

/**
 * Validates one observability request body for `kind` and normalises it.
 * Throws an IngestError (400) listing every bad or unknown field.
 */
export function validateObservabilityEvent(
  kind: ObservabilityKind,
  body: unknown,
  receivedAt: Date = new Date(),
  bounds?: OccurredAtBounds,
): ObservabilityInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('The body must be a JSON object describing one event', [{ field: 'body', message: 'the body must be a JSON object' }]);
  }
  const early: ErrorDetail[] =
    kind === 'dataset-operation'
      ? datasetKeyErrors(body as Record<string, unknown>)
      : componentKeyErrors(kind, body as Record<string, unknown>);
  const value = normalised(kind, body as Record<string, unknown>);
  const validate = validatorOf(kind);
  const valid = validate(value);
  const errors = valid ? testgenErrors(kind, value) : toErrorDetails(kind, validate.errors ?? [], value, { formats: FORMAT_MESSAGES });
  // A given event_timestamp, once readable, must lie within the bounds of the clock (OCCURRED_AT_MAX_FUTURE/PAST).
  const at = typeof value.event_timestamp === 'string' ? parseEventTimestamp(value.event_timestamp) : null;
  const skew = bounds && at && !errors.some((e) => e.field === 'event_timestamp') ? occurredAtSkew(at, bounds, receivedAt.getTime()) : null;
  if (skew) errors.push({ field: 'event_timestamp', message: `event_timestamp ${skew}` });
  const all = [...early, ...errors.filter((e) => !early.some((x) => x.field === e.field))];
  if (all.length) throw invalid(`Invalid ${kind} event: ${[...new Set(all.map((e) => e.field))].slice(0, 10).join(', ')}`, all);

  const common = {
    at: at ?? receivedAt,
    ...contextOf(value as ComponentEventBody),
  };
  const subject = subjectOf(value as ComponentEventBody);
  switch (kind) {
    case 'run-status': {
      const v = value as RunStatusBody;
      return { kind, ...common, target: targetOf(v), status: v.status as ObservedStatus };
    }
    case 'message-log': {
      const v = value as MessageLogBody;
      return {
        kind,
        ...common,
        ...subject,
        level: v.log_level as LogLevel,
        message: v.message,
        ...(v.message_details != null ? { details: v.message_details } : {}),
      };
    }
    case 'metric-log': {
      const v = value as MetricLogBody;
      return { kind, ...common, ...subject, key: v.metric_key, value: toFiniteNumber(v.metric_value)! };
    }
    case 'test-outcomes': {
      const v = value as TestOutcomesBody;
      return {
        kind,
        ...common,
        ...subject,
        outcomes: v.test_outcomes.map(outcomeOf),
        ...(v.component_integrations ? { componentIntegrations: v.component_integrations } : {}),
      };
    }
    case 'dataset-operation': {
      const v = value as DatasetOperationBody;
      return {
        kind,
        ...common,
        dataset: {
          key: v.dataset_key,
          operation: v.operation as DatasetOperation,
          ...defined({ name: v.dataset_name, path: v.path }),
        },
      };
    }
  }
}

/**
 * A copy of the body as DataKitchen reads it: enums trimmed and upper-cased
 * (DESIGN §7.2: case-insensitive), outcome statuses too, and `component_tool`
 * normalised (componentToolOf) before its pattern is checked.
 */
function normalised(kind: ObservabilityKind, body: Record<string, unknown>): Record<string, unknown> {
  const upper = (value: unknown) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
  const copy = { ...body };
  for (const field of ENUM_FIELDS[kind]) if (field in copy) copy[field] = upper(copy[field]);
  if (typeof copy.component_tool === 'string') copy.component_tool = componentToolOf(copy.component_tool);
  if (kind === 'test-outcomes' && Array.isArray(copy.test_outcomes)) {
    copy.test_outcomes = copy.test_outcomes.map((item) =>
      item !== null && typeof item === 'object' && !Array.isArray(item) && 'status' in item ? { ...item, status: upper(item.status) } : item,
    );
  }
  return copy;
}

/**
 * DataKitchen's component rule (EventApiSchema.validate_event_keys): exactly
 * one of pipeline_key, stream_key, server_key; a pipeline event also names its
 * run_key; and a run status is about a pipeline run only
 * (RunStatusApiSchema.validate_pipeline_key).
 */
function componentKeyErrors(kind: ObservabilityKind, body: Record<string, unknown>): ErrorDetail[] {
  const named = COMPONENT_KEYS.filter((field) => body[field] != null);
  if (kind === 'run-status') {
    const missing = (['pipeline_key', 'run_key'] as const).filter((field) => body[field] == null);
    const others = named.filter((field) => field !== 'pipeline_key');
    return [
      ...missing.map((field) => ({
        field,
        message: `${field} is required: a run status is about a pipeline run (pipeline_key and run_key)`,
      })),
      ...others.map((field) => ({
        field,
        message: `${field} must not be set: run-status events are about a pipeline run, not a ${field.replace('_key', '')}`,
      })),
    ];
  }
  if (named.length === 0) {
    return [{ field: 'pipeline_key', message: 'one component key is required: pipeline_key (with run_key), stream_key or server_key' }];
  }
  if (named.length > 1) return named.map((field) => ({ field, message: `${named.join(' and ')} cannot be set at the same time` }));
  if (named[0] === 'pipeline_key' && body.run_key == null) {
    return [{ field: 'run_key', message: 'run_key is required: an event about a batch pipeline names both pipeline_key and run_key' }];
  }
  return [];
}

/** A dataset operation names a dataset_key and no pipeline run (named explicitly: a pipeline key here is a misunderstanding, not a typo). */
function datasetKeyErrors(body: Record<string, unknown>): ErrorDetail[] {
  return ['pipeline_key', 'run_key', 'task_key', 'pipeline_name', 'run_name', 'task_name']
    .filter((field) => body[field] != null)
    .map((field) => ({ field, message: `${field} must not be set: dataset-operation events name a dataset_key, not a pipeline run` }));
}

/**
 * DataKitchen's TestGen rules (TestOutcomesBaseSchema.validate_integration_present,
 * TestgenTableSchema.validate_include): test outcomes carry `integrations.testgen`
 * if and only if the event carries `component_integrations.integrations.testgen`,
 * and the tested tables name an include_list or an include_pattern.
 */
function testgenErrors(kind: ObservabilityKind, value: Record<string, unknown>): ErrorDetail[] {
  if (kind !== 'test-outcomes') return [];
  const v = value as TestOutcomesBody;
  const dataset = v.component_integrations?.integrations.testgen;
  const items = v.test_outcomes.map((item) => item.integrations?.testgen);
  if (dataset) {
    const errors: ErrorDetail[] = items.flatMap((item, i) =>
      item
        ? []
        : [{ field: `test_outcomes[${i}].integrations.testgen`, message: 'is required: component_integrations names a testgen dataset' }],
    );
    if (!dataset.tables.include_list?.length && !dataset.tables.include_pattern) {
      for (const field of ['include_list', 'include_pattern']) {
        errors.push({
          field: `component_integrations.integrations.testgen.tables.${field}`,
          message: 'one of include_list and include_pattern is required',
        });
      }
    }
    return errors;
  }
  return items.some(Boolean)
    ? [{ field: 'component_integrations.integrations.testgen', message: 'is required: some test outcomes carry integrations.testgen' }]
    : [];
}

/** An absolute http(s) URL with a host. */
function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/[^\s/?#]+\S*$/i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function targetOf(v: ComponentEventBody): ObservedTarget {
  return {
    pipelineKey: v.pipeline_key!,
    runKey: v.run_key!,
    ...defined({ taskKey: v.task_key, pipelineName: v.pipeline_name, runName: v.run_name, taskName: v.task_name }),
  };
}

/** The run (and task) a log, metric or test event is about, or the stream or server (componentKeyErrors left exactly one). */
function subjectOf(v: ComponentEventBody): { target: ObservedTarget } | { component: ObservedComponent } {
  if (v.stream_key != null) return { component: { kind: 'stream', key: v.stream_key, ...defined({ name: v.stream_name }) } };
  if (v.server_key != null) return { component: { kind: 'server', key: v.server_key, ...defined({ name: v.server_name }) } };
  return { target: targetOf(v) };
}

function contextOf(v: {
  external_url?: string | null;
  component_tool?: string | null;
  metadata?: Record<string, unknown> | null;
  payload_keys?: string[] | null;
}): {
  context?: ObservedContext;
} {
  const context = defined({
    external_url: v.external_url,
    component_tool: v.component_tool,
    metadata: v.metadata,
    payload_keys: v.payload_keys?.length ? v.payload_keys : undefined,
  });
  return Object.keys(context).length ? { context } : {};
}

function outcomeOf(item: TestOutcomeItem): ObservedTestOutcome {
  const time = (value?: string | null) => (value ? parseEventTimestamp(value)!.toISOString() : undefined);
  const number = (value?: number | string | null) => (value == null ? undefined : toFiniteNumber(value)!);
  return {
    name: item.name,
    status: item.status as TestStatus,
    ...defined({
      description: item.description,
      start_time: time(item.start_time),
      end_time: time(item.end_time),
      metric_value: number(item.metric_value),
      metric_name: item.metric_name,
      metric_description: item.metric_description,
      min_threshold: number(item.min_threshold),
      max_threshold: number(item.max_threshold),
      dimensions: item.dimensions,
      result: item.result,
      type: item.type,
      key: item.key,
      metadata: item.metadata,
      integrations: item.integrations,
    }),
  };
}

/** The entries whose value is neither undefined nor null (null means absent in this API). */
function defined<T extends Record<string, unknown>>(values: T): Partial<{ [K in keyof T]: NonNullable<T[K]> }> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v != null)) as Partial<{ [K in keyof T]: NonNullable<T[K]> }>;
}
