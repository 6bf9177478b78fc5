import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { AttemptTrigger, AttemptView, DELIVERY_STATUSES, DeliveryView } from '@tidings/deliveries';
import { PageOf } from '../../http/pagination';
import { ApiDateTime, ApiInteger, ApiSchemaProperty, ApiUuid, OPEN_OBJECT, STRING_MAP } from '../../openapi/api-properties';

const TRIGGERS: AttemptTrigger[] = ['auto', 'manual'];

@ApiSchema({ name: 'DeliveryAttempt' })
export class DeliveryAttemptResponse implements AttemptView {
  @ApiInteger({ description: 'From 1' }) number: number;
  @ApiProperty({ enum: TRIGGERS, description: 'auto: the retry schedule; manual: a replay or recovery' }) trigger: string;
  @ApiDateTime() started_at: Date;
  @ApiInteger() duration_ms: number;
  @ApiInteger({ nullable: true, description: 'Null when no response came (timeout, refused connection)' }) response_status: number | null;
  @ApiSchemaProperty(STRING_MAP, { nullable: true }) response_headers: Record<string, string> | null;
  @ApiProperty({ type: String, nullable: true, description: 'The first 4 KiB' }) response_body: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

@ApiSchema({ name: 'WebhookRef' })
export class WebhookRefResponse {
  @ApiUuid() id: string;
  @ApiProperty() name: string;
}

@ApiSchema({ name: 'Delivery' })
export class DeliveryResponse implements DeliveryView {
  @ApiUuid({ description: 'Also the webhook-id header of every attempt' }) id: string;
  @ApiUuid({ nullable: true }) event_id: string | null;
  @ApiProperty() event_type: string;
  @ApiProperty() webhook: WebhookRefResponse;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: string;
  @ApiInteger() attempt_count: number;
  @ApiDateTime({ nullable: true }) next_attempt_at: Date | null;
  @ApiDateTime({ nullable: true }) last_attempt_at: Date | null;
  @ApiDateTime({ nullable: true }) delivered_at: Date | null;
  @ApiInteger({ nullable: true }) last_response_status: number | null;
  @ApiProperty({ type: String, nullable: true }) last_error: string | null;
  @ApiDateTime() created_at: Date;
  @ApiDateTime() updated_at: Date;
}

/* TypeScript types here are DeliveryView's (optional where one view serves both list and detail); the schema says what the detail always holds. */
@ApiSchema({ name: 'DeliveryDetail' })
export class DeliveryDetailResponse extends DeliveryResponse {
  @ApiSchemaProperty(OPEN_OBJECT, {
    nullable: true,
    description: "The body as the worker sends it (rendered from the event and the webhook's format)",
  })
  payload?: Record<string, unknown> | null;

  @ApiProperty({ type: [DeliveryAttemptResponse] }) attempts?: DeliveryAttemptResponse[];
}

export const DeliveryPage = PageOf(DeliveryResponse, 'DeliveryPage');

@ApiSchema({ name: 'ReplayedDelivery' })
export class ReplayedDeliveryResponse {
  @ApiUuid() id: string;
  @ApiProperty({ enum: ['pending'], description: 'Its one manual attempt is due now' }) status: 'pending';
}

@ApiSchema({ name: 'CancelledDelivery' })
export class CancelledDeliveryResponse {
  @ApiUuid() id: string;
  @ApiProperty({ enum: ['cancelled'] }) status: 'cancelled';
}
