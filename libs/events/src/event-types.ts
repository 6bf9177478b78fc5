import { ChildEntity } from 'typeorm';
import { registerTelemetryEventType } from './telemetry/anonymizer';
import { EventClass, TidingsEvent } from './tidings-event.entity';
import { ClientEvent } from './types/client-event';
import { CronJobRunEvent } from './types/cron-job-run-event';
import { CronJobRunPipelineRunEvent } from './types/cron-job-run-pipeline-run-event';
import { DeliveryEvent, PingEvent, WebhookEvent } from './types/engine-events';
import { EnvironmentEvent } from './types/environment-event';
import { EnvironmentImageBuildEvent } from './types/environment-image-build-event';
import { InteractivePipelineRunEvent } from './types/interactive-pipeline-run-event';
import { InteractiveSessionEvent } from './types/interactive-session-event';
import { JobEvent } from './types/job-event';
import { JobPipelineRunEvent } from './types/job-pipeline-run-event';
import { JupyterImageBuildEvent } from './types/jupyter-image-build-event';
import { LineageDatasetEvent } from './types/lineage-dataset-event';
import { LineageJobEvent } from './types/lineage-job-event';
import { LineageRunEvent } from './types/lineage-run-event';
import { ObservabilityDatasetOperationEvent } from './types/observability-dataset-operation-event';
import { ObservabilityMessageLogEvent } from './types/observability-message-log-event';
import { ObservabilityMetricLogEvent } from './types/observability-metric-log-event';
import { ObservabilityRunEvent } from './types/observability-run-event';
import { ObservabilityTaskEvent } from './types/observability-task-event';
import { ObservabilityTestOutcomesEvent } from './types/observability-test-outcomes-event';
import { PipelineEvent } from './types/pipeline-event';
import { ProjectEvent } from './types/project-event';

const classes = new Map<string, EventClass>();

/**
 * Makes the concrete class of one event type: a TypeORM child entity whose
 * discriminator is the type name, on top of the layer class that shapes it.
 */
export function defineEventType<B extends typeof TidingsEvent>(type: string, base: B): B {
  const name = type
    .split(/[:-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  const concrete = {
    [name]: class extends (base as typeof TidingsEvent) {
      static override readonly TYPE = type;
      static override readonly HAS_UPDATE = type.endsWith(':updated');
    },
  }[name];
  ChildEntity(type)(concrete);
  classes.set(type, concrete as EventClass);
  registerTelemetryEventType(type);
  return concrete as unknown as B;
}

/** Every type with a class of its own, by name. */
export const EVENT_CLASSES: ReadonlyMap<string, EventClass> = classes;

export const ProjectCreated = defineEventType('project:created', ProjectEvent);
export const ProjectUpdated = defineEventType('project:updated', ProjectEvent);
export const ProjectDeleted = defineEventType('project:deleted', ProjectEvent);

export const PipelineCreated = defineEventType('project:pipeline:created', PipelineEvent);
export const PipelineUpdated = defineEventType('project:pipeline:updated', PipelineEvent);
export const PipelineDeleted = defineEventType('project:pipeline:deleted', PipelineEvent);

export const InteractiveSessionStarted = defineEventType('project:pipeline:interactive-session:started', InteractiveSessionEvent);
export const InteractiveSessionStopped = defineEventType('project:pipeline:interactive-session:stopped', InteractiveSessionEvent);
export const InteractiveSessionFailed = defineEventType('project:pipeline:interactive-session:failed', InteractiveSessionEvent);
export const InteractiveSessionSucceeded = defineEventType('project:pipeline:interactive-session:succeeded', InteractiveSessionEvent);
export const InteractiveSessionServiceRestarted = defineEventType(
  'project:pipeline:interactive-session:service-restarted',
  InteractiveSessionEvent,
);

export const InteractivePipelineRunCreated = defineEventType(
  'project:pipeline:interactive-session:pipeline-run:created',
  InteractivePipelineRunEvent,
);
export const InteractivePipelineRunStarted = defineEventType(
  'project:pipeline:interactive-session:pipeline-run:started',
  InteractivePipelineRunEvent,
);
export const InteractivePipelineRunCancelled = defineEventType(
  'project:pipeline:interactive-session:pipeline-run:cancelled',
  InteractivePipelineRunEvent,
);
export const InteractivePipelineRunFailed = defineEventType(
  'project:pipeline:interactive-session:pipeline-run:failed',
  InteractivePipelineRunEvent,
);
export const InteractivePipelineRunSucceeded = defineEventType(
  'project:pipeline:interactive-session:pipeline-run:succeeded',
  InteractivePipelineRunEvent,
);

export const EnvironmentCreated = defineEventType('project:environment:created', EnvironmentEvent);
export const EnvironmentDeleted = defineEventType('project:environment:deleted', EnvironmentEvent);

export const EnvironmentImageBuildCreated = defineEventType('project:environment:image-build:created', EnvironmentImageBuildEvent);
export const EnvironmentImageBuildStarted = defineEventType('project:environment:image-build:started', EnvironmentImageBuildEvent);
export const EnvironmentImageBuildCancelled = defineEventType('project:environment:image-build:cancelled', EnvironmentImageBuildEvent);
export const EnvironmentImageBuildFailed = defineEventType('project:environment:image-build:failed', EnvironmentImageBuildEvent);
export const EnvironmentImageBuildSucceeded = defineEventType('project:environment:image-build:succeeded', EnvironmentImageBuildEvent);

export const JobCreated = defineEventType('project:one-off-job:created', JobEvent);
export const JobStarted = defineEventType('project:one-off-job:started', JobEvent);
export const JobDeleted = defineEventType('project:one-off-job:deleted', JobEvent);
export const JobCancelled = defineEventType('project:one-off-job:cancelled', JobEvent);
export const JobFailed = defineEventType('project:one-off-job:failed', JobEvent);
export const JobSucceeded = defineEventType('project:one-off-job:succeeded', JobEvent);
export const JobUpdated = defineEventType('project:one-off-job:updated', JobEvent);

export const JobPipelineRunCreated = defineEventType('project:one-off-job:pipeline-run:created', JobPipelineRunEvent);
export const JobPipelineRunStarted = defineEventType('project:one-off-job:pipeline-run:started', JobPipelineRunEvent);
export const JobPipelineRunCancelled = defineEventType('project:one-off-job:pipeline-run:cancelled', JobPipelineRunEvent);
export const JobPipelineRunFailed = defineEventType('project:one-off-job:pipeline-run:failed', JobPipelineRunEvent);
export const JobPipelineRunDeleted = defineEventType('project:one-off-job:pipeline-run:deleted', JobPipelineRunEvent);
export const JobPipelineRunSucceeded = defineEventType('project:one-off-job:pipeline-run:succeeded', JobPipelineRunEvent);

export const CronJobCreated = defineEventType('project:cron-job:created', JobEvent);
export const CronJobStarted = defineEventType('project:cron-job:started', JobEvent);
export const CronJobDeleted = defineEventType('project:cron-job:deleted', JobEvent);
export const CronJobCancelled = defineEventType('project:cron-job:cancelled', JobEvent);
export const CronJobFailed = defineEventType('project:cron-job:failed', JobEvent);
export const CronJobUpdated = defineEventType('project:cron-job:updated', JobEvent);
export const CronJobPaused = defineEventType('project:cron-job:paused', JobEvent);
export const CronJobUnpaused = defineEventType('project:cron-job:unpaused', JobEvent);

export const CronJobRunStarted = defineEventType('project:cron-job:run:started', CronJobRunEvent);
export const CronJobRunSucceeded = defineEventType('project:cron-job:run:succeeded', CronJobRunEvent);
export const CronJobRunFailed = defineEventType('project:cron-job:run:failed', CronJobRunEvent);

export const CronJobRunPipelineRunCreated = defineEventType('project:cron-job:run:pipeline-run:created', CronJobRunPipelineRunEvent);
export const CronJobRunPipelineRunStarted = defineEventType('project:cron-job:run:pipeline-run:started', CronJobRunPipelineRunEvent);
export const CronJobRunPipelineRunCancelled = defineEventType('project:cron-job:run:pipeline-run:cancelled', CronJobRunPipelineRunEvent);
export const CronJobRunPipelineRunFailed = defineEventType('project:cron-job:run:pipeline-run:failed', CronJobRunPipelineRunEvent);
export const CronJobRunPipelineRunDeleted = defineEventType('project:cron-job:run:pipeline-run:deleted', CronJobRunPipelineRunEvent);
export const CronJobRunPipelineRunSucceeded = defineEventType('project:cron-job:run:pipeline-run:succeeded', CronJobRunPipelineRunEvent);

export const JupyterImageBuildCreated = defineEventType('jupyter:image-build:created', JupyterImageBuildEvent);
export const JupyterImageBuildStarted = defineEventType('jupyter:image-build:started', JupyterImageBuildEvent);
export const JupyterImageBuildCancelled = defineEventType('jupyter:image-build:cancelled', JupyterImageBuildEvent);
export const JupyterImageBuildFailed = defineEventType('jupyter:image-build:failed', JupyterImageBuildEvent);
export const JupyterImageBuildSucceeded = defineEventType('jupyter:image-build:succeeded', JupyterImageBuildEvent);

export const WebhookDisabled = defineEventType('tidings:webhook:disabled', WebhookEvent);
export const DeliveryExhausted = defineEventType('tidings:delivery:exhausted', DeliveryEvent);
export const Ping = defineEventType('ping', PingEvent);

// Recorded by the observability ingestion (POST /events/v1/*), never by POST /v1/events.
export const ObservabilityRunRunning = defineEventType('observability:run:running', ObservabilityRunEvent);
export const ObservabilityRunCompleted = defineEventType('observability:run:completed', ObservabilityRunEvent);
export const ObservabilityRunCompletedWithWarnings = defineEventType('observability:run:completed-with-warnings', ObservabilityRunEvent);
export const ObservabilityRunFailed = defineEventType('observability:run:failed', ObservabilityRunEvent);
export const ObservabilityTaskRunning = defineEventType('observability:task:running', ObservabilityTaskEvent);
export const ObservabilityTaskCompleted = defineEventType('observability:task:completed', ObservabilityTaskEvent);
export const ObservabilityTaskCompletedWithWarnings = defineEventType('observability:task:completed-with-warnings', ObservabilityTaskEvent);
export const ObservabilityTaskFailed = defineEventType('observability:task:failed', ObservabilityTaskEvent);
export const ObservabilityMessageLog = defineEventType('observability:message-log', ObservabilityMessageLogEvent);
export const ObservabilityTestOutcomes = defineEventType('observability:test-outcomes', ObservabilityTestOutcomesEvent);
export const ObservabilityMetricLog = defineEventType('observability:metric-log', ObservabilityMetricLogEvent);
export const ObservabilityDatasetOperation = defineEventType('observability:dataset-operation', ObservabilityDatasetOperationEvent);

// Recorded by the OpenLineage ingestion (POST /api/v1/lineage*), never by POST /v1/events.
export const LineageRunStart = defineEventType('lineage:run:start', LineageRunEvent);
export const LineageRunRunning = defineEventType('lineage:run:running', LineageRunEvent);
export const LineageRunComplete = defineEventType('lineage:run:complete', LineageRunEvent);
export const LineageRunAbort = defineEventType('lineage:run:abort', LineageRunEvent);
export const LineageRunFail = defineEventType('lineage:run:fail', LineageRunEvent);
export const LineageRunOther = defineEventType('lineage:run:other', LineageRunEvent);
export const LineageDataset = defineEventType('lineage:dataset', LineageDatasetEvent);
export const LineageJob = defineEventType('lineage:job', LineageJobEvent);

// Relayed from the front end by POST /v1/analytics, exported to analytics only.
export const ClientAlertShown = defineEventType('client:alert:shown', ClientEvent);
export const ClientConfirmShown = defineEventType('client:confirm:shown', ClientEvent);
export const ClientViewLoaded = defineEventType('client:view:loaded', ClientEvent);
export const ClientHeartbeat = defineEventType('client:heartbeat', ClientEvent);
export const ClientJobDuplicated = defineEventType('client:job:duplicated', ClientEvent);
export const ClientPipelineSaved = defineEventType('client:pipeline:saved', ClientEvent);
export const ClientDebugPing = defineEventType('client:debug-ping', ClientEvent);
