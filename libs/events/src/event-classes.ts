import { isPlatformType } from '@tidings/common';
import { EventClass, EventSource, NotificationTree, SCOPE_COLUMNS, TidingsEvent } from './tidings-event.entity';
import { EVENT_CLASSES } from './event-types';
import { EventError } from './event-error';

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

/** A stored event of a type without a class of its own yet: its data is shown as stored. */
class StoredEvent extends TidingsEvent {
  protected override notificationTree(): NotificationTree {
    const tree = super.notificationTree();
    Object.assign(tree.root, this.data);
    return tree;
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
  event.requestId = row.request_id ?? undefined;
  event.data = row.data ?? {};
  for (const column of SCOPE_COLUMNS) if (row[column] != null) event[column] = row[column];
  return event;
}
