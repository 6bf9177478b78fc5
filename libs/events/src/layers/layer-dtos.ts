import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/*
 * One DTO per payload layer. Identifiers are required (they drive scoping and
 * subscription filters); everything a human reads is optional.
 */
const NAME = 1024;

export class ProjectLayer {
  @IsUUID() uuid: string;
  @IsOptional() @IsString() @MaxLength(NAME) name?: string;
}

export class PipelineLayer {
  @IsUUID() uuid: string;
  @IsOptional() @IsString() @MaxLength(NAME) name?: string;
  @IsOptional() @IsString() @MaxLength(NAME) path?: string;
}

export class InteractiveSessionLayer {
  @IsOptional() @IsString() @MaxLength(64) status?: string;
  @IsOptional() @IsString() @MaxLength(NAME) service_name?: string;
}

export class StepLayer {
  @IsUUID() uuid: string;
  @IsOptional() @IsString() @MaxLength(NAME) title?: string;
  @IsOptional() @IsString() @MaxLength(64) status?: string;
  @IsOptional() @IsObject() parameters?: Record<string, unknown>;
}

export class PipelineRunLayer {
  @IsUUID() uuid: string;
  @IsOptional() @IsString() @MaxLength(64) status?: string;
  @IsOptional() @IsInt() @Min(0) number?: number;
  @IsOptional() @IsObject() parameters?: Record<string, unknown>;
  @IsOptional() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => StepLayer) steps?: StepLayer[];
  @IsOptional() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => StepLayer) failed_steps?: StepLayer[];
}

export class EnvironmentLayer {
  @IsUUID() uuid: string;
  @IsOptional() @IsString() @MaxLength(NAME) name?: string;
  @IsOptional() @IsString() @MaxLength(64) language?: string;
}

export class ImageBuildLayer {
  @IsUUID() uuid: string;
  @IsOptional() @IsString() @MaxLength(64) status?: string;
  @IsOptional() @IsString() @MaxLength(NAME) image_tag?: string;
}

export class JobLayer {
  @IsUUID() uuid: string;
  @IsOptional() @IsString() @MaxLength(NAME) name?: string;
  @IsOptional() @IsString() @MaxLength(64) status?: string;
  @IsOptional() @IsString() @MaxLength(NAME) pipeline_name?: string;
  @IsOptional() @IsUUID() pipeline_uuid?: string;
  @IsOptional() @IsInt() @Min(0) total_runs?: number;
  @IsOptional() @IsString() @MaxLength(255) schedule?: string;
  @IsOptional() @IsObject() parameters?: Record<string, unknown>;
  @IsOptional() @IsObject() env_variables?: Record<string, unknown>;
}

export class CronRunLayer {
  @IsUUID() uuid: string;
  @IsOptional() @IsInt() @Min(0) number?: number;
  @IsOptional() @IsString() @MaxLength(64) status?: string;
  @IsOptional() @IsInt() @Min(0) total_pipeline_runs?: number;
  @IsOptional() @IsInt() @Min(0) failed_pipeline_runs?: number;
}

export const CHANGE_TYPES = ['CREATED', 'UPDATED', 'DELETED'] as const;

export class ChangeLayer {
  @IsIn(CHANGE_TYPES) type: (typeof CHANGE_TYPES)[number];
  @IsString() @IsNotEmpty() @MaxLength(NAME) changed_object: string;
  @IsOptional() old_value?: unknown;
  @IsOptional() new_value?: unknown;
}

export class UpdateLayer {
  @ArrayMinSize(1) @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => ChangeLayer) changes: ChangeLayer[];
}

export class WebhookLayer {
  @IsUUID() id: string;
  @IsOptional() @IsString() @MaxLength(NAME) name?: string;
  @IsOptional() @IsString() @MaxLength(NAME) url_host?: string;
  @IsOptional() @IsString() @MaxLength(NAME) disabled_reason?: string;
}

export class DeliveryLayer {
  @IsUUID() id: string;
  @IsOptional() @IsUUID() event_id?: string;
  @IsString() @MaxLength(255) event_type: string;
  @IsInt() @Min(0) attempts: number;
  @IsOptional() @IsInt() last_response_status?: number;
  @IsOptional() @IsString() last_error?: string;
}

export class PingLayer {
  @IsString() @MaxLength(NAME) message: string;
}

/** `client:*` — what the front end sent through /v1/analytics, already anonymized (see anonymizeClientProperties). */
export class ClientLayer {
  @IsOptional() @IsObject() properties?: Record<string, unknown>;
}
