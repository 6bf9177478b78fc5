import { Module, OnModuleInit } from '@nestjs/common';
import { EventQueries } from './event-queries';
import { EventRegistrar } from './event-registrar';
import { RecordApiEvents } from './record-api-events';
import { EventTypeCatalogue } from './event-type-catalogue';
import { SubscriptionMatcher } from './subscription-matcher';
import { RecordClientEvent } from './record-client-event';
import { eventBodyValidator } from './registry/event-validator';

@Module({
  providers: [EventRegistrar, EventTypeCatalogue, SubscriptionMatcher, RecordApiEvents, EventQueries, RecordClientEvent],
  exports: [EventRegistrar, EventTypeCatalogue, SubscriptionMatcher, RecordApiEvents, EventQueries, RecordClientEvent],
})
export class EventsModule implements OnModuleInit {
  /** Compiles every type's validator at startup rather than on the first request. */
  onModuleInit(): void {
    eventBodyValidator();
  }
}
