import { ErrorDetail, validatePlain } from '@tidings/common';
import { DatasetOperation, LogLevel, ObservedStatus, TestStatus } from '@tidings/events';
import { invalid } from '../ingest-error';
import {
  DatasetOperationBody,
  MessageLogBody,
  MetricLogBody,
  PipelineEventBody,
  RunStatusBody,
  TestOutcomeItem,
  TestOutcomesBody,
} from './observability-bodies';
import { parseEventTimestamp, toFiniteNumber } from './event-timestamp';
import { ObservabilityInput, ObservabilityKind, ObservedContext, ObservedTarget, ObservedTestOutcome } from './observability-input';

const BODIES: Record<ObservabilityKind, new () => object> = {
  'run-status': RunStatusBody,
  'message-log': MessageLogBody,
  'metric-log': MetricLogBody,
  'test-outcomes': TestOutcomesBody,
  'dataset-operation': DatasetOperationBody,
};

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
  const { value, errors } = validatePlain(BODIES[kind], body, '');
  const all = [...early, ...errors.filter((e) => !early.some((x) => x.field === e.field)).map((e) => plainer(kind, e))];
  if (all.length || !value) throw invalid(`Invalid ${kind} event: ${[...new Set(all.map((e) => e.field))].slice(0, 10).join(', ')}`, all);

  const common = {
    at: (value as { event_timestamp?: string }).event_timestamp
      ? parseEventTimestamp((value as { event_timestamp: string }).event_timestamp)!
      : receivedAt,
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
        dataset: { key: v.dataset_key, operation: v.operation as DatasetOperation, ...defined({ name: v.dataset_name, path: v.path }) },
      };
    }
  }
}

/** class-validator's wording for unknown fields and non-object items, said plainly. */
function plainer(kind: ObservabilityKind, detail: ErrorDetail): ErrorDetail {
  if (/: property .+ should not exist$/.test(detail.message))
    return { field: detail.field, message: `${detail.field} is not a field of ${kind} events` };
  if (/nested property .+ must be either object or array$/.test(detail.message))
    return { field: detail.field, message: `${detail.field} must be an object` };
  return detail;
}

function targetOf(v: PipelineEventBody): ObservedTarget {
  return {
    pipelineKey: v.pipeline_key,
    runKey: v.run_key,
    ...defined({ taskKey: v.task_key, pipelineName: v.pipeline_name, runName: v.run_name, taskName: v.task_name }),
  };
}

function contextOf(v: { external_url?: string; component_tool?: string; metadata?: Record<string, unknown> }): {
  context?: ObservedContext;
} {
  const context = defined({ external_url: v.external_url, component_tool: v.component_tool, metadata: v.metadata });
  return Object.keys(context).length ? { context } : {};
}

function outcomeOf(item: TestOutcomeItem): ObservedTestOutcome {
  const time = (value?: string) => (value ? parseEventTimestamp(value)!.toISOString() : undefined);
  const number = (value?: number | string) => (value == null ? undefined : toFiniteNumber(value)!);
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
