import { ErrorDetail } from '@tidings/common';
import { createBodyAjv, DatasetOperation, LogLevel, ObservedStatus, TestStatus, toErrorDetails } from '@tidings/events';
import { ValidateFunction } from 'ajv/dist/2020';
import { invalid } from '../ingest-error';
import {
  DatasetOperationBody,
  ENUM_FIELDS,
  MessageLogBody,
  MetricLogBody,
  OBSERVABILITY_BODIES,
  PipelineEventBody,
  RunStatusBody,
  TestOutcomeItem,
  TestOutcomesBody,
} from './observability-bodies';
import { parseEventTimestamp, toFiniteNumber } from './event-timestamp';
import { OBSERVABILITY_KINDS, ObservabilityInput, ObservabilityKind, ObservedContext, ObservedTarget, ObservedTestOutcome } from './observability-input';

const FORMAT_MESSAGES = {
  'event-timestamp': 'must be an ISO 8601 date-time, e.g. 2026-11-20T10:00:00Z (without an offset it is read as UTC)',
  'finite-decimal': 'must be a finite number (a JSON number or a decimal string; not NaN or Infinity)',
  'http-url': 'must be an http(s) URL',
};

let validators: Record<ObservabilityKind, ValidateFunction> | undefined;

/** Each body's schema compiled once, on the events' Ajv set-up plus the formats of this API. */
function validatorOf(kind: ObservabilityKind): ValidateFunction {
  if (!validators) {
    const ajv = createBodyAjv();
    ajv.addFormat('event-timestamp', (value: string) => parseEventTimestamp(value) !== null);
    ajv.addFormat('finite-decimal', { type: 'string', validate: (value: string) => toFiniteNumber(value) !== null });
    ajv.addFormat('http-url', isHttpUrl);
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
export function validateObservabilityEvent(kind: ObservabilityKind, body: unknown, receivedAt: Date = new Date()): ObservabilityInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('The body must be a JSON object describing one event', [{ field: 'body', message: 'the body must be a JSON object' }]);
  }
  const early: ErrorDetail[] = [];
  if (kind === 'dataset-operation') {
    // Named explicitly: a pipeline key here is a misunderstanding, not a typo.
    for (const field of ['pipeline_key', 'run_key', 'task_key', 'pipeline_name', 'run_name', 'task_name']) {
      if ((body as Record<string, unknown>)[field] != null) {
        early.push({ field, message: `${field} must not be set: dataset-operation events name a dataset_key, not a pipeline run` });
      }
    }
  }
  const value = withUpperCaseEnums(kind, body as Record<string, unknown>);
  const validate = validatorOf(kind);
  const errors = validate(value) ? [] : toErrorDetails(kind, validate.errors ?? [], value, { formats: FORMAT_MESSAGES });
  const all = [...early, ...errors.filter((e) => !early.some((x) => x.field === e.field))];
  if (all.length) throw invalid(`Invalid ${kind} event: ${[...new Set(all.map((e) => e.field))].slice(0, 10).join(', ')}`, all);

  const common = {
    at: typeof value.event_timestamp === 'string' ? parseEventTimestamp(value.event_timestamp)! : receivedAt,
    ...contextOf(value as PipelineEventBody),
  };
  switch (kind) {
    case 'run-status': {
      const v = value as RunStatusBody;
      return { kind, ...common, target: targetOf(v), status: v.status as ObservedStatus };
    }
    case 'message-log': {
      const v = value as MessageLogBody;
      return { kind, ...common, target: targetOf(v), level: v.log_level as LogLevel, message: v.message };
    }
    case 'metric-log': {
      const v = value as MetricLogBody;
      return { kind, ...common, target: targetOf(v), key: v.metric_key, value: toFiniteNumber(v.metric_value)! };
    }
    case 'test-outcomes': {
      const v = value as TestOutcomesBody;
      return {
        kind,
        ...common,
        target: targetOf(v),
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

/** Enums are case-insensitive (DESIGN §7.2): a copy of the body with them trimmed and upper-cased, outcome statuses too. */
function withUpperCaseEnums(kind: ObservabilityKind, body: Record<string, unknown>): Record<string, unknown> {
  const upper = (value: unknown) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
  const copy = { ...body };
  for (const field of ENUM_FIELDS[kind]) if (field in copy) copy[field] = upper(copy[field]);
  if (kind === 'test-outcomes' && Array.isArray(copy.test_outcomes)) {
    copy.test_outcomes = copy.test_outcomes.map((item) =>
      item !== null && typeof item === 'object' && !Array.isArray(item) && 'status' in item ? { ...item, status: upper(item.status) } : item,
    );
  }
  return copy;
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

function targetOf(v: PipelineEventBody): ObservedTarget {
  return {
    pipelineKey: v.pipeline_key,
    runKey: v.run_key,
    ...defined({ taskKey: v.task_key, pipelineName: v.pipeline_name, runName: v.run_name, taskName: v.task_name }),
  };
}

function contextOf(v: { external_url?: string | null; component_tool?: string | null; metadata?: Record<string, unknown> | null }): {
  context?: ObservedContext;
} {
  const context = defined({ external_url: v.external_url, component_tool: v.component_tool, metadata: v.metadata });
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
