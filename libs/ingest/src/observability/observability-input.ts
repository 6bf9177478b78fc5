import { DatasetOperation, LogLevel, ObservedStatus, TestStatus } from '@tidings/events';

/** The five observability ingestion endpoints, `POST /events/v1/<kind>`. */
export const OBSERVABILITY_KINDS = ['run-status', 'message-log', 'metric-log', 'test-outcomes', 'dataset-operation'] as const;
export type ObservabilityKind = (typeof OBSERVABILITY_KINDS)[number];

/** The pipeline run (and maybe task) an event is about. */
export interface ObservedTarget {
  pipelineKey: string;
  runKey: string;
  taskKey?: string;
  pipelineName?: string;
  runName?: string;
  taskName?: string;
}

export interface ObservedContext {
  external_url?: string;
  component_tool?: string;
  metadata?: Record<string, unknown>;
}

export interface ObservedTestOutcome {
  name: string;
  status: TestStatus;
  description?: string;
  start_time?: string;
  end_time?: string;
  metric_value?: number;
  metric_name?: string;
  metric_description?: string;
  min_threshold?: number;
  max_threshold?: number;
  dimensions?: string[];
  result?: string;
  type?: string;
  key?: string;
  metadata?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
}

interface Common {
  /** event_timestamp (naive = UTC), or the time it was received. */
  at: Date;
  context?: ObservedContext;
}

/** A validated, normalised observability event (enums upper-cased, numbers parsed, timestamps read). */
export type ObservabilityInput =
  | (Common & { kind: 'run-status'; target: ObservedTarget; status: ObservedStatus })
  | (Common & { kind: 'message-log'; target: ObservedTarget; level: LogLevel; message: string })
  | (Common & { kind: 'metric-log'; target: ObservedTarget; key: string; value: number })
  | (Common & {
      kind: 'test-outcomes';
      target: ObservedTarget;
      outcomes: ObservedTestOutcome[];
      componentIntegrations?: Record<string, unknown>;
    })
  | (Common & { kind: 'dataset-operation'; dataset: { key: string; name?: string; operation: DatasetOperation; path?: string } });
