import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';

/*
 * Layer DTOs of lineage:* events (DESIGN §5: `lineage: {job, run, inputs,
 * outputs, error?}`), built by the OpenLineage ingestion from events that
 * already passed the OpenLineage schema. Names are not length-capped: the
 * OpenLineage spec sets no limit and the request body size bounds them.
 */

/** Any RFC 4122-shaped UUID: OpenLineage producers send v4 and v7, and Postgres stores any version. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A lineage run's state, as `lineage_runs` keeps it. */
export const LINEAGE_RUN_STATES = ['RUNNING', 'COMPLETED', 'FAILED', 'ABORTED'] as const;
export type LineageRunState = (typeof LINEAGE_RUN_STATES)[number];

export const OPENLINEAGE_EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;
export type OpenLineageEventType = (typeof OPENLINEAGE_EVENT_TYPES)[number];

export class LineageJobRef {
  @IsString() namespace: string;
  @IsString() name: string;
}

export class LineageDatasetRef {
  @IsString() namespace: string;
  @IsString() name: string;
}

export class LineageParentRef {
  @Matches(UUID_PATTERN, { message: 'id must be a UUID' }) id: string;
  @IsOptional() @ValidateNested() @Type(() => LineageJobRef) job?: LineageJobRef;
}

export class LineageRunRef {
  @Matches(UUID_PATTERN, { message: 'id must be a UUID' }) id: string;
  @IsIn(LINEAGE_RUN_STATES) state: LineageRunState;
  @IsOptional() @ValidateNested() @Type(() => LineageParentRef) parent?: LineageParentRef;
}

/** The OpenLineage errorMessage run facet, under its own field names. */
export class LineageErrorLayer {
  @IsString() message: string;
  @IsString() programmingLanguage: string;
  @IsOptional() @IsString() stackTrace?: string;
}

/** What every lineage layer says about where it came from. */
class LineageSourceFields {
  /** The event's `producer` URI. */
  @IsString() producer: string;
  /** The producing integration (AIRFLOW, SPARK, DBT…), from the jobType facet or the producer URI. */
  @IsOptional() @IsString() integration?: string;
}

/** `lineage:run:*` — one OpenLineage RunEvent. */
export class LineageRunLayer extends LineageSourceFields {
  @IsIn(OPENLINEAGE_EVENT_TYPES) event_type: OpenLineageEventType;
  @ValidateNested() @Type(() => LineageJobRef) job: LineageJobRef;
  @ValidateNested() @Type(() => LineageRunRef) run: LineageRunRef;
  @IsArray() @ValidateNested({ each: true }) @Type(() => LineageDatasetRef) inputs: LineageDatasetRef[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => LineageDatasetRef) outputs: LineageDatasetRef[];
  @IsOptional() @ValidateNested() @Type(() => LineageErrorLayer) error?: LineageErrorLayer;
}

/** `lineage:job` — an OpenLineage JobEvent (job metadata without a run). */
export class LineageJobLayer extends LineageSourceFields {
  @ValidateNested() @Type(() => LineageJobRef) job: LineageJobRef;
  @IsArray() @ValidateNested({ each: true }) @Type(() => LineageDatasetRef) inputs: LineageDatasetRef[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => LineageDatasetRef) outputs: LineageDatasetRef[];
}

/** `lineage:dataset` — an OpenLineage DatasetEvent (dataset metadata on its own). */
export class LineageDatasetLayer extends LineageSourceFields {
  @ValidateNested() @Type(() => LineageDatasetRef) dataset: LineageDatasetRef;
  /** Names of the dataset facets sent (schema, documentation, …); the facets themselves stay in the raw event. */
  @IsOptional() @IsArray() @IsString({ each: true }) facets?: string[];
}

/** Kept beside the layers in `data.openlineage`: the event exactly as received. */
export type RawOpenLineageEvent = Record<string, unknown>;
