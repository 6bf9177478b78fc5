import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/*
 * Layer DTOs of observability:* events (DESIGN §5: `pipeline: {key, name,
 * run: {key, name, status, task: {key, name, status}}}`), built by the
 * observability ingestion (DESIGN §7.2). Statuses in run and task layers are
 * the stored state after the event was applied, not only what it reported.
 */

export const OBSERVED_STATUSES = ['RUNNING', 'COMPLETED', 'COMPLETED_WITH_WARNINGS', 'FAILED'] as const;
export type ObservedStatus = (typeof OBSERVED_STATUSES)[number];
export const LOG_LEVELS = ['ERROR', 'WARNING', 'INFO'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const TEST_STATUSES = ['PASSED', 'FAILED', 'WARNING'] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];
export const DATASET_OPERATIONS = ['READ', 'WRITE'] as const;
export type DatasetOperation = (typeof DATASET_OPERATIONS)[number];

/** Keys and names (DESIGN §7.2: 1–255 characters). */
export const OBSERVED_KEY_MAX = 255;
/** Log messages and other free text: generous, but bounded so one field cannot fill a row. */
export const OBSERVED_TEXT_MAX = 65_536;
export const OBSERVED_URL_MAX = 4096;
export const MAX_TEST_OUTCOMES = 500;

export class ObservedPipelineLayer {
  @IsString() @Length(1, OBSERVED_KEY_MAX) key: string;
  @IsOptional() @IsString() @Length(1, OBSERVED_KEY_MAX) name?: string;
}

export class ObservedRunLayer {
  @IsString() @Length(1, OBSERVED_KEY_MAX) key: string;
  @IsOptional() @IsString() @Length(1, OBSERVED_KEY_MAX) name?: string;
  @IsIn(OBSERVED_STATUSES) status: ObservedStatus;
  @IsOptional() @IsISO8601() started_at?: string;
  @IsOptional() @IsISO8601() ended_at?: string;
  /** On a run's own status events: how many of its tests have failed so far. */
  @IsOptional() @IsInt() @Min(0) tests_failed?: number;
}

export class ObservedTaskLayer extends ObservedRunLayer {}

/** What the reporting tool said about the event itself; sits on the event, not in the pipeline tree. */
export class ObservedContextLayer {
  @IsOptional() @IsString() @Length(1, OBSERVED_URL_MAX) external_url?: string;
  @IsOptional() @IsString() @Length(1, OBSERVED_KEY_MAX) component_tool?: string;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}

export class MessageLogLayer {
  @IsIn(LOG_LEVELS) level: LogLevel;
  @IsString() @Length(1, OBSERVED_TEXT_MAX) message: string;
}

export class MetricLogLayer {
  @IsString() @Length(1, OBSERVED_KEY_MAX) key: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) value: number;
}

export class TestOutcomeLayer {
  @IsString() @Length(1, OBSERVED_KEY_MAX) name: string;
  @IsIn(TEST_STATUSES) status: TestStatus;
  @IsOptional() @IsString() @MaxLength(OBSERVED_TEXT_MAX) description?: string;
  @IsOptional() @IsISO8601() start_time?: string;
  @IsOptional() @IsISO8601() end_time?: string;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) metric_value?: number;
  @IsOptional() @IsString() @MaxLength(OBSERVED_KEY_MAX) metric_name?: string;
  @IsOptional() @IsString() @MaxLength(OBSERVED_TEXT_MAX) metric_description?: string;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) min_threshold?: number;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) max_threshold?: number;
  @IsOptional() @IsArray() @IsString({ each: true }) dimensions?: string[];
  @IsOptional() @IsString() @MaxLength(OBSERVED_TEXT_MAX) result?: string;
  @IsOptional() @IsString() @MaxLength(OBSERVED_KEY_MAX) type?: string;
  @IsOptional() @IsString() @MaxLength(OBSERVED_KEY_MAX) key?: string;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  @IsOptional() @IsObject() integrations?: Record<string, unknown>;
}

export class TestOutcomesLayer {
  @IsInt() @Min(0) total: number;
  @IsInt() @Min(0) passed: number;
  @IsInt() @Min(0) failed: number;
  @IsInt() @Min(0) warning: number;
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TEST_OUTCOMES)
  @ValidateNested({ each: true })
  @Type(() => TestOutcomeLayer)
  outcomes: TestOutcomeLayer[];
  @IsOptional() @IsObject() component_integrations?: Record<string, unknown>;
}

export class DatasetOperationLayer {
  @IsString() @Length(1, OBSERVED_KEY_MAX) key: string;
  @IsOptional() @IsString() @Length(1, OBSERVED_KEY_MAX) name?: string;
  @IsIn(DATASET_OPERATIONS) operation: DatasetOperation;
  @IsOptional() @IsString() @Length(1, OBSERVED_URL_MAX) path?: string;
}
