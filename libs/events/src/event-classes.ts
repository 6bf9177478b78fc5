import { isPlatformType } from '@tidings/common';
import { ChildEntity } from 'typeorm';
import { EventError } from './event-error';
import { EVENT_TYPES, EventTypeName } from './registry/event-registry';
import { EventTypeEntry, NotificationEvent } from './registry/event-type';
import { registerTelemetryEventType } from './telemetry/anonymizer';
import { EventClass, EventSource, SCOPE_COLUMNS, TidingsEvent } from './tidings-event.entity';

/**
 * Makes the class of one registry type: a TypeORM child entity whose
 * discriminator is the type name, carrying the entry its behaviour folds over.
 */
function defineEventType(entry: EventTypeEntry): EventClass {
  const name = entry.type
    .split(/[:-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  const concrete = {
    [name]: class extends TidingsEvent {
      static override readonly TYPE = entry.type;
      static override readonly ENTRY = entry;
      static override readonly LAYERS = entry.layers;
    },
  }[name];
  ChildEntity(entry.type)(concrete);
  registerTelemetryEventType(entry.type);
  return concrete as EventClass;
}

/** The class of every registry type, by name. */
export const EVENT_CLASSES: ReadonlyMap<string, EventClass> = new Map(EVENT_TYPES.map((entry) => [entry.type, defineEventType(entry)]));

/** The class of a registry type, for in-process callers: `eventClass('project:created').create({...})`. */
export function eventClass(type: EventTypeName): EventClass {
  return EVENT_CLASSES.get(type)!;
}

// The classes the code base names itself.
export const ProjectCreated = eventClass('project:created');
export const JobPipelineRunFailed = eventClass('project:one-off-job:pipeline-run:failed');
export const WebhookDisabled = eventClass('tidings:webhook:disabled');
export const DeliveryExhausted = eventClass('tidings:delivery:exhausted');
export const Ping = eventClass('ping');
export const ObservedRunMissing = eventClass('observability:run:missing');
export const ObservedRunLate = eventClass('observability:run:late');

/** The class for `type` as the given source may register it, or an `EventError`. */
export function eventClassFor(type: unknown, source: EventSource): EventClass {
  if (typeof type !== 'string' || type.length === 0) {
    throw new EventError('validation_failed', 'type is required', [{ field: 'type', message: 'type must be a non-empty string' }]);
  }
  const cls = EVENT_CLASSES.get(type);
  const allowed = source === 'api' ? isPlatformType(type) : true;
  if (!cls || !allowed) {
    const reason = cls ? `${type} events are recorded by Tidings itself or by their own ingestion API` : `unknown event type ${type}`;
    throw new EventError('validation_failed', reason, [{ field: 'type', message: reason }]);
  }
  return cls;
}

/** A stored event of a type the registry no longer defines: its data is shown as stored. */
class StoredEvent extends TidingsEvent {
  override toNotificationPayload(): NotificationEvent {
    return Object.assign(super.toNotificationPayload(), this.data);
  }
}

/** Turns an `events` row (snake_case columns) back into its typed event. */
export function hydrateEvent(row: Record<string, any>): TidingsEvent {
  const cls = EVENT_CLASSES.get(row.type) ?? StoredEvent;
  const event = new cls();
  event.id = row.id;
  event.type = row.type;
  event.occurredAt = new Date(row.occurred_at);
  event.recordedAt = new Date(row.recorded_at);
  event.idempotencyKey = row.idempotency_key;
  event.source = row.source;
  event.producer = row.producer ?? null;
  event.orderingKey = row.ordering_key ?? null;
  event.requestId = row.request_id ?? undefined;
  event.data = row.data ?? {};
  for (const column of SCOPE_COLUMNS) if (row[column] != null) event[column] = row[column];
  return event;
}
