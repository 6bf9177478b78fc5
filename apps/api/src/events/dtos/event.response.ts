import { ApiProperty, ApiSchema, SchemaObject } from '@nestjs/swagger';
import { BatchSummary, EVENT_SOURCES, EventScope, EventView, NotificationEvent, SCOPE_COLUMNS } from '@tidings/events';
import { DeliveryResponse } from '../../deliveries/dtos/delivery.response';
import { BATCH_STATUSES, BatchCountsResponse, FailedBatchItemResponse } from '../../http/batch-summary.dto';
import { PageOf } from '../../http/pagination';
import { ApiDateTime, ApiInteger, ApiSchemaProperty, ApiUuid } from '../../openapi/api-properties';

/** The `event` object of a standard webhook body: id, type and time, then the type's layers nested. */
export const NOTIFICATION_EVENT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'type', 'occurred_at'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string' },
    occurred_at: { type: 'string', format: 'date-time' },
  },
  additionalProperties: true,
};

const SCOPE_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'The scope columns the event filled (the ones subscriptions and list filters match on)',
  properties: Object.fromEntries(SCOPE_COLUMNS.map((column) => [column, { type: 'string' }])),
};

@ApiSchema({ name: 'Event' })
export class EventResponse implements EventView {
  @ApiUuid() id: string;
  @ApiProperty() type: string;
  @ApiProperty({ enum: EVENT_SOURCES }) source: string;
  @ApiDateTime() occurred_at: Date;
  @ApiDateTime() recorded_at: Date;
  @ApiProperty({ type: String, nullable: true }) idempotency_key: string | null;
  @ApiProperty({ type: String, nullable: true }) request_id: string | null;
  @ApiSchemaProperty(SCOPE_SCHEMA) scope: EventScope;
  @ApiSchemaProperty(NOTIFICATION_EVENT_SCHEMA, { description: 'The event as webhooks receive it (the standard format)' })
  payload: NotificationEvent;
  @ApiInteger({ description: 'Webhook deliveries of the event' }) delivery_count: number;
}

@ApiSchema({ name: 'EventWithDeliveries' })
export class EventWithDeliveriesResponse extends EventResponse {
  @ApiProperty({ type: [DeliveryResponse] }) deliveries: DeliveryResponse[];
}

export const EventPage = PageOf(EventResponse, 'EventPage');

@ApiSchema({ name: 'RegisteredBatchEvent' })
export class RegisteredBatchEventResponse {
  @ApiInteger({ description: 'Position in the batch, from 0' }) index: number;
  @ApiUuid() id: string;
  @ApiInteger() deliveries: number;
  @ApiProperty() duplicate: boolean;
}

@ApiSchema({ name: 'EventBatchResult' })
export class EventBatchResponse implements BatchSummary {
  @ApiProperty({ enum: BATCH_STATUSES }) status: (typeof BATCH_STATUSES)[number];
  @ApiProperty() summary: BatchCountsResponse;
  @ApiProperty({ type: [FailedBatchItemResponse] }) failed_events: FailedBatchItemResponse[];
  @ApiProperty({ type: [RegisteredBatchEventResponse], description: 'The registered events, by their index in the batch' })
  events: RegisteredBatchEventResponse[];
}
