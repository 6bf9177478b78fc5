import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { SubscriptionSpec } from '@tidings/events';
import { PingResult, WEBHOOK_CONTENT_TYPES, WEBHOOK_FORMATS, WebhookView } from '@tidings/webhooks';
import { PageOf } from '../../http/pagination';
import { ApiDateTime, ApiInteger, ApiSchemaProperty, ApiUuid, STRING_MAP } from '../../openapi/api-properties';

/** Optional in SubscriptionSpec's type, always present (null when unset) in an answer. */
@ApiSchema({ name: 'Subscription' })
export class SubscriptionResponse implements SubscriptionSpec {
  @ApiProperty({ example: 'project:one-off-job:pipeline-run:failed' }) event_type: string;
  @ApiUuid({ nullable: true }) project_uuid?: string | null;
  @ApiUuid({ nullable: true }) job_uuid?: string | null;
  @ApiProperty({ type: String, nullable: true }) pipeline_key?: string | null;
}

@ApiSchema({ name: 'Webhook' })
export class WebhookResponse implements WebhookView {
  @ApiUuid() id: string;
  @ApiProperty() name: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: WEBHOOK_CONTENT_TYPES }) content_type: string;
  @ApiProperty({ enum: WEBHOOK_FORMATS }) format: string;
  @ApiProperty() verify_tls: boolean;
  @ApiProperty({ description: "Each ordering key's deliveries one at a time, in event order" }) ordered: boolean;
  @ApiSchemaProperty(STRING_MAP, { description: 'Sent with every request' }) headers: Record<string, string>;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why Tidings or an admin disabled it' }) disabled_reason: string | null;
  @ApiDateTime({ nullable: true }) disabled_at: Date | null;
  @ApiDateTime({ nullable: true, description: 'Start of the current run of failed attempts' }) failing_since: Date | null;
  @ApiProperty({ type: [SubscriptionResponse] }) subscriptions: SubscriptionResponse[];
  @ApiDateTime() created_at: Date;
  @ApiDateTime() updated_at: Date;
}

@ApiSchema({ name: 'CreatedWebhook' })
export class CreatedWebhookResponse extends WebhookResponse {
  @ApiProperty({ example: 'whsec_zmN1FCNiGf…', description: 'The signing secret: shown only in this answer' }) secret: string;
}

export const WebhookPage = PageOf(WebhookResponse, 'WebhookPage');

@ApiSchema({ name: 'PingResult' })
export class PingResponse implements PingResult {
  @ApiProperty({ description: 'A 2xx answer came' }) ok: boolean;
  @ApiPropertyOptional({ type: 'integer', description: "The receiver's HTTP status, when it answered" }) status?: number;
  @ApiInteger() duration_ms: number;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ description: 'The webhook-id the receiver saw' }) webhook_id: string;
  @ApiPropertyOptional({ description: 'Only for an unsaved webhook without a secret: the one generated to sign this ping' })
  secret?: string;
}

@ApiSchema({ name: 'WebhookSecret' })
export class WebhookSecretResponse {
  @ApiProperty({ example: 'whsec_zmN1FCNiGf…' }) secret: string;
}

@ApiSchema({ name: 'RecoverResult' })
export class RecoverResponse {
  @ApiInteger({ description: 'Failed deliveries given one manual attempt' }) replayed: number;
}
