import {
  DATASET_OPERATIONS,
  LOG_LEVELS,
  MAX_TEST_OUTCOMES,
  OBSERVED_KEY_MAX,
  OBSERVED_STATUSES,
  OBSERVED_TEXT_MAX,
  OBSERVED_URL_MAX,
  TEST_STATUSES,
} from '@tidings/events';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsEventTimestamp, IsFiniteNumeric } from './event-timestamp';

/*
 * Request bodies of the observability ingestion API (DataKitchen Event
 * Ingestion API v1 shape, DESIGN §7.2). Every field is declared: anything
 * else is refused. Enums are case-insensitive (upper-cased before checking);
 * null means absent for optional fields.
 */

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const Key = () => (target: object, property: string) => {
  IsString()(target, property);
  Length(1, OBSERVED_KEY_MAX)(target, property);
};
const OptionalKey = () => (target: object, property: string) => {
  IsOptional()(target, property);
  Key()(target, property);
};

/** Fields every event may carry (external_url, metadata, component_tool, event_timestamp). */
class CommonFields {
  @IsOptional() @IsEventTimestamp() event_timestamp?: string;
  @IsOptional()
  @IsString()
  @MaxLength(OBSERVED_URL_MAX)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'external_url must be an http(s) URL' })
  external_url?: string;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  @OptionalKey() component_tool?: string;
}

/** Events about a pipeline run (or one of its tasks). */
export class PipelineEventBody extends CommonFields {
  @Key() pipeline_key: string;
  @Key() run_key: string;
  @OptionalKey() task_key?: string;
  @OptionalKey() pipeline_name?: string;
  @OptionalKey() run_name?: string;
  @OptionalKey() task_name?: string;
}

export class RunStatusBody extends PipelineEventBody {
  @Transform(upper) @IsIn(OBSERVED_STATUSES, { message: `status must be one of ${OBSERVED_STATUSES.join(', ')}` }) status: string;
}

export class MessageLogBody extends PipelineEventBody {
  @Transform(upper) @IsIn(LOG_LEVELS, { message: `log_level must be one of ${LOG_LEVELS.join(', ')}` }) log_level: string;
  @IsString()
  @Length(1, OBSERVED_TEXT_MAX, { message: `message must be a non-empty string of at most ${OBSERVED_TEXT_MAX} characters` })
  message: string;
}

export class MetricLogBody extends PipelineEventBody {
  @Key() metric_key: string;
  @IsFiniteNumeric() metric_value: number | string;
}

export class TestOutcomeItem {
  @Key() name: string;
  @Transform(upper) @IsIn(TEST_STATUSES, { message: `status must be one of ${TEST_STATUSES.join(', ')}` }) status: string;
  @IsOptional() @IsString() @MaxLength(OBSERVED_TEXT_MAX) description?: string;
  @IsOptional() @IsEventTimestamp() start_time?: string;
  @IsOptional() @IsEventTimestamp() end_time?: string;
  @IsOptional() @IsFiniteNumeric() metric_value?: number | string;
  @OptionalKey() metric_name?: string;
  @IsOptional() @IsString() @MaxLength(OBSERVED_TEXT_MAX) metric_description?: string;
  @IsOptional() @IsFiniteNumeric() min_threshold?: number | string;
  @IsOptional() @IsFiniteNumeric() max_threshold?: number | string;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Length(1, OBSERVED_KEY_MAX, { each: true }) dimensions?: string[];
  @IsOptional() @IsString() @MaxLength(OBSERVED_TEXT_MAX) result?: string;
  @OptionalKey() type?: string;
  @OptionalKey() key?: string;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  @IsOptional() @IsObject() integrations?: Record<string, unknown>;
}

export class TestOutcomesBody extends PipelineEventBody {
  @IsArray()
  @ArrayMinSize(1, { message: 'test_outcomes must hold at least 1 test outcome' })
  @ArrayMaxSize(MAX_TEST_OUTCOMES, { message: `test_outcomes must hold at most ${MAX_TEST_OUTCOMES} test outcomes` })
  @ValidateNested({ each: true })
  @Type(() => TestOutcomeItem)
  test_outcomes: TestOutcomeItem[];
  @IsOptional() @IsObject() component_integrations?: Record<string, unknown>;
}

/** About a dataset, not a pipeline run: `dataset_key` instead of `pipeline_key` + `run_key`. */
export class DatasetOperationBody extends CommonFields {
  @Key() dataset_key: string;
  @OptionalKey() dataset_name?: string;
  @Transform(upper) @IsIn(DATASET_OPERATIONS, { message: `operation must be one of ${DATASET_OPERATIONS.join(', ')}` }) operation: string;
  @IsOptional() @IsString() @Length(1, OBSERVED_URL_MAX) path?: string;
}
