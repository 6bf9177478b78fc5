import { eventClassFor, ObservedRunLayer, ObservedStatus, TestOutcomesLayer, TidingsEvent } from '@tidings/events';
import { ObservabilityInput } from './observability-input';
import { ObservedRunRow, ObservedTaskRow } from './observed-run-store';
import { ObservedState } from './observed-state';

const STATUS_SLUG: Record<ObservedStatus, string> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  COMPLETED_WITH_WARNINGS: 'completed-with-warnings',
  FAILED: 'failed',
};

/** The typed event an observability request becomes (run-status → the run's or the task's status type). */
export function observabilityTypeOf(input: ObservabilityInput): string {
  switch (input.kind) {
    case 'run-status':
      return `observability:${input.target.taskKey ? 'task' : 'run'}:${STATUS_SLUG[input.status]}`;
    case 'dataset-operation':
      return `observability:${input.kind}`;
    default:
      // A stream's or server's events have types of their own (observability:stream:message-log).
      return input.component ? `observability:${input.component.kind}:${input.kind}` : `observability:${input.kind}`;
  }
}

/**
 * The typed observability:* event for a validated request. The run and task
 * layers carry their state after this event was applied and the names stored
 * so far, so a webhook sees `pipeline.run.status` even on a log event.
 */
export function toObservabilityEvent(input: ObservabilityInput, run?: ObservedRunRow, task?: ObservedTaskRow, testsFailed?: number): TidingsEvent {
  const layers: Record<string, unknown> = { occurred_at: input.at, ...(input.context ? { context: input.context } : {}) };
  if (input.kind === 'dataset-operation') {
    layers.dataset = input.dataset;
  } else if (input.component) {
    const { kind, ...component } = input.component;
    layers[kind] = component;
    Object.assign(layers, reported(input));
  } else {
    layers.pipeline = { key: input.target.pipelineKey, ...(run?.pipelineName ? { name: run.pipelineName } : {}) };
    layers.run = {
      key: input.target.runKey,
      ...(run?.runName ? { name: run.runName } : {}),
      ...stateLayer(run!),
      ...(testsFailed !== undefined ? { tests_failed: testsFailed } : {}),
    };
    if (task) layers.task = { key: task.taskKey, ...(task.taskName ? { name: task.taskName } : {}), ...stateLayer(task) };
    Object.assign(layers, reported(input));
  }
  return eventClassFor(observabilityTypeOf(input), 'observability').create(layers, 'observability');
}

/** What a log, metric or test event reported: its `log`, `metric` or `tests` layer. */
function reported(input: ObservabilityInput): Record<string, unknown> {
  switch (input.kind) {
    case 'message-log':
      return { log: { level: input.level, message: input.message, ...(input.details !== undefined ? { details: input.details } : {}) } };
    case 'metric-log':
      return { metric: { key: input.key, value: input.value } };
    case 'test-outcomes':
      return { tests: testsLayer(input.outcomes, input.componentIntegrations) };
    default:
      return {};
  }
}

function stateLayer(state: ObservedState): Pick<ObservedRunLayer, 'status' | 'started_at' | 'ended_at'> {
  return {
    status: state.status,
    started_at: state.startedAt.toISOString(),
    ...(state.endedAt ? { ended_at: state.endedAt.toISOString() } : {}),
  };
}

function testsLayer(outcomes: TestOutcomesLayer['outcomes'], componentIntegrations?: Record<string, unknown>): TestOutcomesLayer {
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  return {
    total: outcomes.length,
    passed: count('PASSED'),
    failed: count('FAILED'),
    warning: count('WARNING'),
    outcomes,
    ...(componentIntegrations ? { component_integrations: componentIntegrations } : {}),
  };
}
