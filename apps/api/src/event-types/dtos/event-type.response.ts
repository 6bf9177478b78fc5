import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { EventTypeInfo, NotificationEvent, SUBSCRIPTION_FILTERS, SubscriptionFilter } from '@tidings/events';
import { NOTIFICATION_EVENT_SCHEMA } from '../../events/dtos/event.response';
import { ApiDateTime, ApiSchemaProperty } from '../../openapi/api-properties';

@ApiSchema({ name: 'EventType' })
export class EventTypeResponse implements EventTypeInfo {
  @ApiProperty({ example: 'project:one-off-job:pipeline-run:failed' }) name: string;
  @ApiProperty({ example: 'platform', description: 'platform, engine, observability, lineage or client' }) group: string;
  @ApiProperty() description: string;
  @ApiDateTime({ nullable: true }) deprecated_at: Date | null;
  @ApiProperty({ description: 'Whether POST /v1/events accepts it (platform types)' }) registrable_via_api: boolean;
  @ApiProperty({ enum: SUBSCRIPTION_FILTERS, isArray: true, description: 'The filters a subscription to this type may carry' })
  scope_filters: SubscriptionFilter[];
  @ApiSchemaProperty(NOTIFICATION_EVENT_SCHEMA, { nullable: true, description: 'An example of the event as webhooks receive it' })
  example: NotificationEvent | null;
}

@ApiSchema({ name: 'EventTypeList' })
export class EventTypeListResponse {
  @ApiProperty({ type: [EventTypeResponse] }) data: EventTypeResponse[];
}
