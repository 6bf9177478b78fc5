// Generated from the Tidings event registry (libs/events/src/registry): do not edit.

/** A project was created. */
export interface ProjectCreatedBody {
  type?: "project:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
}

/** A project was updated. */
export interface ProjectUpdatedBody {
  type?: "project:updated";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  update: {
    changes: Array<{
      type: "CREATED" | "UPDATED" | "DELETED";
      changed_object: string;
      old_value?: unknown;
      new_value?: unknown;
    }>;
  };
}

/** A project was deleted. */
export interface ProjectDeletedBody {
  type?: "project:deleted";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
}

/** A pipeline was created. */
export interface ProjectPipelineCreatedBody {
  type?: "project:pipeline:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
}

/** A pipeline was updated. */
export interface ProjectPipelineUpdatedBody {
  type?: "project:pipeline:updated";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  update: {
    changes: Array<{
      type: "CREATED" | "UPDATED" | "DELETED";
      changed_object: string;
      old_value?: unknown;
      new_value?: unknown;
    }>;
  };
}

/** A pipeline was deleted. */
export interface ProjectPipelineDeletedBody {
  type?: "project:pipeline:deleted";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
}

/** An interactive session of a pipeline started. */
export interface ProjectPipelineInteractiveSessionStartedBody {
  type?: "project:pipeline:interactive-session:started";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
}

/** An interactive session of a pipeline stopped. */
export interface ProjectPipelineInteractiveSessionStoppedBody {
  type?: "project:pipeline:interactive-session:stopped";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
}

/** An interactive session of a pipeline failed. */
export interface ProjectPipelineInteractiveSessionFailedBody {
  type?: "project:pipeline:interactive-session:failed";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
}

/** An interactive session of a pipeline succeeded. */
export interface ProjectPipelineInteractiveSessionSucceededBody {
  type?: "project:pipeline:interactive-session:succeeded";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
}

/** An interactive session of a pipeline had one of its services restarted. */
export interface ProjectPipelineInteractiveSessionServiceRestartedBody {
  type?: "project:pipeline:interactive-session:service-restarted";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
}

/** An interactive pipeline run was created. */
export interface ProjectPipelineInteractiveSessionPipelineRunCreatedBody {
  type?: "project:pipeline:interactive-session:pipeline-run:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** An interactive pipeline run started. */
export interface ProjectPipelineInteractiveSessionPipelineRunStartedBody {
  type?: "project:pipeline:interactive-session:pipeline-run:started";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** An interactive pipeline run was cancelled. */
export interface ProjectPipelineInteractiveSessionPipelineRunCancelledBody {
  type?: "project:pipeline:interactive-session:pipeline-run:cancelled";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** An interactive pipeline run failed. */
export interface ProjectPipelineInteractiveSessionPipelineRunFailedBody {
  type?: "project:pipeline:interactive-session:pipeline-run:failed";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** An interactive pipeline run succeeded. */
export interface ProjectPipelineInteractiveSessionPipelineRunSucceededBody {
  type?: "project:pipeline:interactive-session:pipeline-run:succeeded";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  pipeline: {
    uuid: string;
    name?: string | null;
    path?: string | null;
  };
  interactive_session?: {
    status?: string | null;
    service_name?: string | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** An environment was created. */
export interface ProjectEnvironmentCreatedBody {
  type?: "project:environment:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  environment: {
    uuid: string;
    name?: string | null;
    language?: string | null;
  };
}

/** An environment was deleted. */
export interface ProjectEnvironmentDeletedBody {
  type?: "project:environment:deleted";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  environment: {
    uuid: string;
    name?: string | null;
    language?: string | null;
  };
}

/** An environment image build was created. */
export interface ProjectEnvironmentImageBuildCreatedBody {
  type?: "project:environment:image-build:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  environment: {
    uuid: string;
    name?: string | null;
    language?: string | null;
  };
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** An environment image build started. */
export interface ProjectEnvironmentImageBuildStartedBody {
  type?: "project:environment:image-build:started";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  environment: {
    uuid: string;
    name?: string | null;
    language?: string | null;
  };
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** An environment image build was cancelled. */
export interface ProjectEnvironmentImageBuildCancelledBody {
  type?: "project:environment:image-build:cancelled";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  environment: {
    uuid: string;
    name?: string | null;
    language?: string | null;
  };
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** An environment image build failed. */
export interface ProjectEnvironmentImageBuildFailedBody {
  type?: "project:environment:image-build:failed";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  environment: {
    uuid: string;
    name?: string | null;
    language?: string | null;
  };
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** An environment image build succeeded. */
export interface ProjectEnvironmentImageBuildSucceededBody {
  type?: "project:environment:image-build:succeeded";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  environment: {
    uuid: string;
    name?: string | null;
    language?: string | null;
  };
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** A one-off job was created. */
export interface ProjectOneOffJobCreatedBody {
  type?: "project:one-off-job:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A one-off job started. */
export interface ProjectOneOffJobStartedBody {
  type?: "project:one-off-job:started";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A one-off job was deleted. */
export interface ProjectOneOffJobDeletedBody {
  type?: "project:one-off-job:deleted";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A one-off job was cancelled. */
export interface ProjectOneOffJobCancelledBody {
  type?: "project:one-off-job:cancelled";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A one-off job failed. */
export interface ProjectOneOffJobFailedBody {
  type?: "project:one-off-job:failed";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A one-off job succeeded. */
export interface ProjectOneOffJobSucceededBody {
  type?: "project:one-off-job:succeeded";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A one-off job was updated. */
export interface ProjectOneOffJobUpdatedBody {
  type?: "project:one-off-job:updated";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  update: {
    changes: Array<{
      type: "CREATED" | "UPDATED" | "DELETED";
      changed_object: string;
      old_value?: unknown;
      new_value?: unknown;
    }>;
  };
}

/** A pipeline run of a one-off job was created. */
export interface ProjectOneOffJobPipelineRunCreatedBody {
  type?: "project:one-off-job:pipeline-run:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run of a one-off job started. */
export interface ProjectOneOffJobPipelineRunStartedBody {
  type?: "project:one-off-job:pipeline-run:started";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run of a one-off job was cancelled. */
export interface ProjectOneOffJobPipelineRunCancelledBody {
  type?: "project:one-off-job:pipeline-run:cancelled";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run of a one-off job failed. */
export interface ProjectOneOffJobPipelineRunFailedBody {
  type?: "project:one-off-job:pipeline-run:failed";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run of a one-off job succeeded. */
export interface ProjectOneOffJobPipelineRunSucceededBody {
  type?: "project:one-off-job:pipeline-run:succeeded";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run of a one-off job was deleted. */
export interface ProjectOneOffJobPipelineRunDeletedBody {
  type?: "project:one-off-job:pipeline-run:deleted";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A cron job was created. */
export interface ProjectCronJobCreatedBody {
  type?: "project:cron-job:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A cron job started. */
export interface ProjectCronJobStartedBody {
  type?: "project:cron-job:started";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A cron job was deleted. */
export interface ProjectCronJobDeletedBody {
  type?: "project:cron-job:deleted";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A cron job was cancelled. */
export interface ProjectCronJobCancelledBody {
  type?: "project:cron-job:cancelled";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A cron job failed. */
export interface ProjectCronJobFailedBody {
  type?: "project:cron-job:failed";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A cron job was updated. */
export interface ProjectCronJobUpdatedBody {
  type?: "project:cron-job:updated";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  update: {
    changes: Array<{
      type: "CREATED" | "UPDATED" | "DELETED";
      changed_object: string;
      old_value?: unknown;
      new_value?: unknown;
    }>;
  };
}

/** A cron job was paused. */
export interface ProjectCronJobPausedBody {
  type?: "project:cron-job:paused";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A cron job was unpaused. */
export interface ProjectCronJobUnpausedBody {
  type?: "project:cron-job:unpaused";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
}

/** A scheduled run of a cron job started. */
export interface ProjectCronJobRunStartedBody {
  type?: "project:cron-job:run:started";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  run: {
    uuid: string;
    number?: number | null;
    status?: string | null;
    total_pipeline_runs?: number | null;
    failed_pipeline_runs?: number | null;
  };
}

/** A scheduled run of a cron job succeeded. */
export interface ProjectCronJobRunSucceededBody {
  type?: "project:cron-job:run:succeeded";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  run: {
    uuid: string;
    number?: number | null;
    status?: string | null;
    total_pipeline_runs?: number | null;
    failed_pipeline_runs?: number | null;
  };
}

/** A scheduled run of a cron job failed. */
export interface ProjectCronJobRunFailedBody {
  type?: "project:cron-job:run:failed";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  run: {
    uuid: string;
    number?: number | null;
    status?: string | null;
    total_pipeline_runs?: number | null;
    failed_pipeline_runs?: number | null;
  };
}

/** A pipeline run within a cron job run was created. */
export interface ProjectCronJobRunPipelineRunCreatedBody {
  type?: "project:cron-job:run:pipeline-run:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  run: {
    uuid: string;
    number?: number | null;
    status?: string | null;
    total_pipeline_runs?: number | null;
    failed_pipeline_runs?: number | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run within a cron job run started. */
export interface ProjectCronJobRunPipelineRunStartedBody {
  type?: "project:cron-job:run:pipeline-run:started";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  run: {
    uuid: string;
    number?: number | null;
    status?: string | null;
    total_pipeline_runs?: number | null;
    failed_pipeline_runs?: number | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run within a cron job run was cancelled. */
export interface ProjectCronJobRunPipelineRunCancelledBody {
  type?: "project:cron-job:run:pipeline-run:cancelled";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  run: {
    uuid: string;
    number?: number | null;
    status?: string | null;
    total_pipeline_runs?: number | null;
    failed_pipeline_runs?: number | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run within a cron job run failed. */
export interface ProjectCronJobRunPipelineRunFailedBody {
  type?: "project:cron-job:run:pipeline-run:failed";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  run: {
    uuid: string;
    number?: number | null;
    status?: string | null;
    total_pipeline_runs?: number | null;
    failed_pipeline_runs?: number | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run within a cron job run succeeded. */
export interface ProjectCronJobRunPipelineRunSucceededBody {
  type?: "project:cron-job:run:pipeline-run:succeeded";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  run: {
    uuid: string;
    number?: number | null;
    status?: string | null;
    total_pipeline_runs?: number | null;
    failed_pipeline_runs?: number | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A pipeline run within a cron job run was deleted. */
export interface ProjectCronJobRunPipelineRunDeletedBody {
  type?: "project:cron-job:run:pipeline-run:deleted";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  project: {
    uuid: string;
    name?: string | null;
  };
  job: {
    uuid: string;
    name?: string | null;
    status?: string | null;
    pipeline_name?: string | null;
    pipeline_uuid?: string | null;
    total_runs?: number | null;
    schedule?: string | null;
    parameters?: Record<string, unknown> | null;
    env_variables?: Record<string, unknown> | null;
  };
  run: {
    uuid: string;
    number?: number | null;
    status?: string | null;
    total_pipeline_runs?: number | null;
    failed_pipeline_runs?: number | null;
  };
  pipeline_run: {
    uuid: string;
    status?: string | null;
    number?: number | null;
    parameters?: Record<string, unknown> | null;
    steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
    failed_steps?: Array<{
      uuid: string;
      title?: string | null;
      status?: string | null;
      parameters?: Record<string, unknown> | null;
    }> | null;
  };
}

/** A Jupyter image build was created. */
export interface JupyterImageBuildCreatedBody {
  type?: "jupyter:image-build:created";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** A Jupyter image build started. */
export interface JupyterImageBuildStartedBody {
  type?: "jupyter:image-build:started";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** A Jupyter image build was cancelled. */
export interface JupyterImageBuildCancelledBody {
  type?: "jupyter:image-build:cancelled";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** A Jupyter image build failed. */
export interface JupyterImageBuildFailedBody {
  type?: "jupyter:image-build:failed";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** A Jupyter image build succeeded. */
export interface JupyterImageBuildSucceededBody {
  type?: "jupyter:image-build:succeeded";
  /** When it happened: ISO 8601 with a time zone; defaults to the time it is recorded */
  occurred_at?: string;
  /** A repeat with the same key (per producer) returns the original event */
  idempotency_key?: string;
  /** Orders this event's deliveries to ordered webhooks; defaults to the type's ordering key */
  ordering_key?: string;
  image_build: {
    uuid: string;
    status?: string | null;
    image_tag?: string | null;
  };
}

/** Each type name with its body. */
export interface EventBodies {
  "project:created": ProjectCreatedBody;
  "project:updated": ProjectUpdatedBody;
  "project:deleted": ProjectDeletedBody;
  "project:pipeline:created": ProjectPipelineCreatedBody;
  "project:pipeline:updated": ProjectPipelineUpdatedBody;
  "project:pipeline:deleted": ProjectPipelineDeletedBody;
  "project:pipeline:interactive-session:started": ProjectPipelineInteractiveSessionStartedBody;
  "project:pipeline:interactive-session:stopped": ProjectPipelineInteractiveSessionStoppedBody;
  "project:pipeline:interactive-session:failed": ProjectPipelineInteractiveSessionFailedBody;
  "project:pipeline:interactive-session:succeeded": ProjectPipelineInteractiveSessionSucceededBody;
  "project:pipeline:interactive-session:service-restarted": ProjectPipelineInteractiveSessionServiceRestartedBody;
  "project:pipeline:interactive-session:pipeline-run:created": ProjectPipelineInteractiveSessionPipelineRunCreatedBody;
  "project:pipeline:interactive-session:pipeline-run:started": ProjectPipelineInteractiveSessionPipelineRunStartedBody;
  "project:pipeline:interactive-session:pipeline-run:cancelled": ProjectPipelineInteractiveSessionPipelineRunCancelledBody;
  "project:pipeline:interactive-session:pipeline-run:failed": ProjectPipelineInteractiveSessionPipelineRunFailedBody;
  "project:pipeline:interactive-session:pipeline-run:succeeded": ProjectPipelineInteractiveSessionPipelineRunSucceededBody;
  "project:environment:created": ProjectEnvironmentCreatedBody;
  "project:environment:deleted": ProjectEnvironmentDeletedBody;
  "project:environment:image-build:created": ProjectEnvironmentImageBuildCreatedBody;
  "project:environment:image-build:started": ProjectEnvironmentImageBuildStartedBody;
  "project:environment:image-build:cancelled": ProjectEnvironmentImageBuildCancelledBody;
  "project:environment:image-build:failed": ProjectEnvironmentImageBuildFailedBody;
  "project:environment:image-build:succeeded": ProjectEnvironmentImageBuildSucceededBody;
  "project:one-off-job:created": ProjectOneOffJobCreatedBody;
  "project:one-off-job:started": ProjectOneOffJobStartedBody;
  "project:one-off-job:deleted": ProjectOneOffJobDeletedBody;
  "project:one-off-job:cancelled": ProjectOneOffJobCancelledBody;
  "project:one-off-job:failed": ProjectOneOffJobFailedBody;
  "project:one-off-job:succeeded": ProjectOneOffJobSucceededBody;
  "project:one-off-job:updated": ProjectOneOffJobUpdatedBody;
  "project:one-off-job:pipeline-run:created": ProjectOneOffJobPipelineRunCreatedBody;
  "project:one-off-job:pipeline-run:started": ProjectOneOffJobPipelineRunStartedBody;
  "project:one-off-job:pipeline-run:cancelled": ProjectOneOffJobPipelineRunCancelledBody;
  "project:one-off-job:pipeline-run:failed": ProjectOneOffJobPipelineRunFailedBody;
  "project:one-off-job:pipeline-run:succeeded": ProjectOneOffJobPipelineRunSucceededBody;
  "project:one-off-job:pipeline-run:deleted": ProjectOneOffJobPipelineRunDeletedBody;
  "project:cron-job:created": ProjectCronJobCreatedBody;
  "project:cron-job:started": ProjectCronJobStartedBody;
  "project:cron-job:deleted": ProjectCronJobDeletedBody;
  "project:cron-job:cancelled": ProjectCronJobCancelledBody;
  "project:cron-job:failed": ProjectCronJobFailedBody;
  "project:cron-job:updated": ProjectCronJobUpdatedBody;
  "project:cron-job:paused": ProjectCronJobPausedBody;
  "project:cron-job:unpaused": ProjectCronJobUnpausedBody;
  "project:cron-job:run:started": ProjectCronJobRunStartedBody;
  "project:cron-job:run:succeeded": ProjectCronJobRunSucceededBody;
  "project:cron-job:run:failed": ProjectCronJobRunFailedBody;
  "project:cron-job:run:pipeline-run:created": ProjectCronJobRunPipelineRunCreatedBody;
  "project:cron-job:run:pipeline-run:started": ProjectCronJobRunPipelineRunStartedBody;
  "project:cron-job:run:pipeline-run:cancelled": ProjectCronJobRunPipelineRunCancelledBody;
  "project:cron-job:run:pipeline-run:failed": ProjectCronJobRunPipelineRunFailedBody;
  "project:cron-job:run:pipeline-run:succeeded": ProjectCronJobRunPipelineRunSucceededBody;
  "project:cron-job:run:pipeline-run:deleted": ProjectCronJobRunPipelineRunDeletedBody;
  "jupyter:image-build:created": JupyterImageBuildCreatedBody;
  "jupyter:image-build:started": JupyterImageBuildStartedBody;
  "jupyter:image-build:cancelled": JupyterImageBuildCancelledBody;
  "jupyter:image-build:failed": JupyterImageBuildFailedBody;
  "jupyter:image-build:succeeded": JupyterImageBuildSucceededBody;
}

export type EventTypeName = keyof EventBodies;

/** An event with its type: the body of that type and nothing else. */
export type EventInput<T extends EventTypeName = EventTypeName> = { [K in T]: EventBodies[K] & { type: K } }[T];
