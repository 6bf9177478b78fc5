import { Module } from '@nestjs/common';
import { EventQueries } from './event-queries';
import { EventRegistrar } from './event-registrar';
import { RecordApiEvents } from './record-api-events';
import { EventTypeCatalogue } from './event-type-catalogue';
import { SubscriptionMatcher } from './subscription-matcher';

@Module({
  providers: [EventRegistrar, EventTypeCatalogue, SubscriptionMatcher, RecordApiEvents, EventQueries],
  exports: [EventRegistrar, EventTypeCatalogue, SubscriptionMatcher, RecordApiEvents, EventQueries],
})
export class EventsModule {}
