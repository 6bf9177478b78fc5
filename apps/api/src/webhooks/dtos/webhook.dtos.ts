import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsHeaderMap, IsIsoDate } from '../../http/validators';
import { MAX_ROTATION_OVERLAP_S, WEBHOOK_CONTENT_TYPES, WEBHOOK_FORMATS, WebhookContentType, WebhookFormat } from '@tidings/webhooks';

/** Custom headers: at most 20, names not owned by Tidings (IsHeaderMap), string values. */
const HEADER_MAP = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 1024 },
  maxProperties: 20,
  description: 'Sent with every request: at most 20; not content-type, expect, upgrade, keep-alive, webhook-*, x-tidings-* or other reserved names; values of visible ASCII, spaces and tabs',
} as const;

export class SubscriptionDto {
  @ApiProperty({
    example: 'project:one-off-job:pipeline-run:failed',
    description: 'Exact type, prefix wildcard (project:one-off-job:*) or *',
  })
  @IsString()
  @Matches(/^(\*|[a-z0-9:-]+(:\*)?)$/, { message: 'event_type must be an event type, a prefix wildcard or *' })
  event_type: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() project_uuid?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() job_uuid?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) pipeline_key?: string;
}

export class CreateWebhookDto {
  @ApiProperty({ example: 'ops' }) @IsString() @IsNotEmpty() @MaxLength(255) name: string;
  @ApiProperty({ example: 'https://hooks.example.com/tidings' }) @IsString() @MaxLength(2048) url: string;
  @ApiPropertyOptional({ description: 'whsec_<base64>; generated when absent' }) @IsOptional() @IsString() secret?: string;
  @ApiPropertyOptional({ enum: WEBHOOK_CONTENT_TYPES }) @IsOptional() @IsIn(WEBHOOK_CONTENT_TYPES) content_type?: WebhookContentType;
  // No `default` in the document, here and below: generators type a property with a default as required, and on PATCH absent means unchanged.
  @ApiPropertyOptional({
    enum: WEBHOOK_FORMATS,
    description:
      'standard (when absent at creation): {delivered_for, event}; slack, discord, teams: that platform\'s incoming-webhook message with a one-line summary',
  })
  @IsOptional()
  @IsIn(WEBHOOK_FORMATS)
  format?: WebhookFormat;
  @ApiPropertyOptional({ description: 'true when absent at creation' }) @IsOptional() @IsBoolean() verify_tls?: boolean;
  @ApiPropertyOptional({
    description:
      'Ordered delivery: the deliveries of one ordering key are sent one at a time, in event occurred_at order; a failing key blocks only itself. false when absent at creation; switched on, it applies to deliveries created from then on; switched off, at once',
  })
  @IsOptional()
  @IsBoolean()
  ordered?: boolean;
  @ApiPropertyOptional({ ...HEADER_MAP, example: { 'x-team': 'data' } }) @IsOptional() @IsHeaderMap() headers?: Record<string, string>;
  @ApiPropertyOptional({ description: 'true when absent at creation' }) @IsOptional() @IsBoolean() enabled?: boolean;

  @ApiProperty({ type: [SubscriptionDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SubscriptionDto)
  subscriptions: SubscriptionDto[];
}

/** Every field of a webhook but its secret (rotate-secret changes that); `enabled: true` re-enables a disabled one. */
export class UpdateWebhookDto extends PartialType(OmitType(CreateWebhookDto, ['secret'] as const)) {}

export class ReplaceSubscriptionsDto {
  @ApiProperty({ type: [SubscriptionDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SubscriptionDto)
  subscriptions: SubscriptionDto[];
}

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'whsec_<base64>; generated when absent' }) @IsOptional() @IsString() secret?: string;
  @ApiPropertyOptional({
    description: 'Seconds the previous secrets keep signing (default 86400); 0 retires them now, e.g. after a leak. Never lengthens one already retiring.',
    minimum: 0,
    maximum: MAX_ROTATION_OVERLAP_S,
    type: 'integer',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ROTATION_OVERLAP_S)
  expire_previous_in?: number;
}

export class RecoverDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-19T00:00:00Z' }) @IsIsoDate() since: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsIsoDate() until?: string;
}

export class TestUnsavedWebhookDto {
  @ApiProperty() @IsString() @MaxLength(2048) url: string;
  @ApiPropertyOptional({ enum: WEBHOOK_FORMATS }) @IsOptional() @IsIn(WEBHOOK_FORMATS) format?: WebhookFormat;
  @ApiPropertyOptional() @IsOptional() @IsString() secret?: string;
  @ApiPropertyOptional({ enum: WEBHOOK_CONTENT_TYPES }) @IsOptional() @IsIn(WEBHOOK_CONTENT_TYPES) content_type?: WebhookContentType;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() verify_tls?: boolean;
  @ApiPropertyOptional(HEADER_MAP) @IsOptional() @IsHeaderMap() headers?: Record<string, string>;
}
