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

/** A component without runs (DataKitchen's `stream_key` / `server_key`). */
export interface ObservedComponent {
  kind: 'stream' | 'server';
  key: string;
  name?: string;
}

export interface ObservedContext {
  external_url?: string;
  component_tool?: string;
  metadata?: Record<string, unknown>;
  payload_keys?: string[];
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

/** What a log, metric or test event is about: a pipeline run (maybe one of its tasks), or a component without runs. */
type Subject = { target: ObservedTarget; component?: undefined } | { component: ObservedComponent; target?: undefined };

interface Common {
  /** event_timestamp (naive = UTC), or the time it was received. */
  at: Date;
  context?: ObservedContext;
}

/** A validated, normalised observability event (enums upper-cased, numbers parsed, timestamps read). */
export type ObservabilityInput =
  | (Common & { kind: 'run-status'; target: ObservedTarget; component?: undefined; status: ObservedStatus })
  | (Common & Subject & { kind: 'message-log'; level: LogLevel; message: string; details?: string })
  | (Common & Subject & { kind: 'metric-log'; key: string; value: number })
  | (Common &
      Subject & {
        kind: 'test-outcomes';
        outcomes: ObservedTestOutcome[];
        componentIntegrations?: Record<string, unknown>;
      })
  | (Common & { kind: 'dataset-operation'; dataset: { key: string; name?: string; operation: DatasetOperation; path?: string } });
