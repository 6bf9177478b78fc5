import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { EventTypeDetail, EventTypeInfo, JsonSchema, NotificationEvent, SUBSCRIPTION_FILTERS, SubscriptionFilter } from '@tidings/events';
import { NOTIFICATION_EVENT_SCHEMA } from '../../events/dtos/event.response';
import { ApiDateTime, ApiSchemaProperty, OPEN_OBJECT } from '../../openapi/api-properties';

@ApiSchema({ name: 'EventType' })
export class EventTypeResponse implements EventTypeInfo {
  @ApiProperty({ example: 'project:one-off-job:pipeline-run:failed' }) name: string;
  @ApiProperty({ example: 'platform', description: 'platform, engine, observability, lineage or client' }) group: string;
  @ApiProperty() description: string;
  @ApiDateTime({ nullable: true }) deprecated_at: Date | null;
  @ApiProperty({ description: 'Whether POST /v1/events accepts it (platform types)' }) registrable_via_api: boolean;
  @ApiProperty({ enum: SUBSCRIPTION_FILTERS, isArray: true, description: 'The filters a subscription to this type may carry' })
  scope_filters: SubscriptionFilter[];
  @ApiProperty({
    type: [String],
    example: ['pipeline_run.uuid'],
    description: 'Body paths whose values, joined by "/", make the default ordering key; empty when the type is not ordered',
  })
  ordering_key: string[];
  @ApiSchemaProperty(NOTIFICATION_EVENT_SCHEMA, { nullable: true, description: 'An example of the event as webhooks receive it' })
  example: NotificationEvent | null;
}

@ApiSchema({ name: 'EventTypeDetail' })
export class EventTypeDetailResponse extends EventTypeResponse implements EventTypeDetail {
  @ApiSchemaProperty(OPEN_OBJECT, {
    nullable: true,
    description: 'The JSON Schema (draft 2020-12) of the body this type accepts: from POST /v1/events, the SQL entry point and in-process create()',
  })
  schema: JsonSchema | null;
  @ApiSchemaProperty(OPEN_OBJECT, { nullable: true, description: 'A body the schema accepts' })
  example_body: Record<string, unknown> | null;
}

@ApiSchema({ name: 'EventTypeList' })
export class EventTypeListResponse {
  @ApiProperty({ type: [EventTypeResponse] }) data: EventTypeResponse[];
}
