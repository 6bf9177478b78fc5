import { Injectable } from '@nestjs/common';
import { uuidV7Floor } from '@tidings/common';
import { DataSource } from 'typeorm';
import { hydrateEvent } from './event-classes';
import { EventError } from './event-error';
import { EventScope, NotificationEvent } from './tidings-event.entity';

export interface EventFilter {
  type?: string;
  source?: string;
  project_uuid?: string;
  job_uuid?: string;
  pipeline_run_uuid?: string;
  since?: Date;
  until?: Date;
  limit: number;
  cursor?: string;
}

export interface EventView {
  id: string;
  type: string;
  source: string;
  occurred_at: Date;
  recorded_at: Date;
  idempotency_key: string | null;
  request_id: string | null;
  scope: EventScope;
  payload: NotificationEvent;
  delivery_count: number;
}

/** Reads the event log: newest first, keyset-paginated on the time-ordered id. */
@Injectable()
export class EventQueries {
  constructor(private readonly db: DataSource) {}

  async list(filter: EventFilter): Promise<EventView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.type === '*') {
      // every type
    } else if (filter.type?.endsWith(':*')) {
      add(`e.type LIKE ?`, filter.type.slice(0, -1).replace(/[\\%_]/g, '\\$&') + '%');
    } else if (filter.type) {
      add(`e.type = ?`, filter.type);
    }
    if (filter.source) add(`e.source = ?`, filter.source);
    if (filter.project_uuid) add(`e.project_uuid = ?`, filter.project_uuid);
    if (filter.job_uuid) add(`e.job_uuid = ?`, filter.job_uuid);
    if (filter.pipeline_run_uuid) add(`e.pipeline_run_uuid = ?`, filter.pipeline_run_uuid);
    // Time windows are id ranges (UUIDv7): the primary key or the filter's own index serves them.
    if (filter.since) add(`e.id >= ?`, uuidV7Floor(filter.since));
    if (filter.until) add(`e.id < ?`, uuidV7Floor(filter.until));
    if (filter.cursor) add(`e.id < ?`, filter.cursor);
    params.push(filter.limit);
    const rows = await this.db.query(
      `SELECT e.*, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id) AS delivery_count
         FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY e.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toView);
  }

  async get(id: string): Promise<EventView> {
    const [row] = await this.db.query(
      `SELECT e.*, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id) AS delivery_count FROM events e WHERE e.id = $1`,
      [id],
    );
    if (!row) throw new EventError('not_found', `No event ${id}`);
    return toView(row);
  }
}

function toView(row: Record<string, any>): EventView {
  const event = hydrateEvent(row);
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    occurred_at: event.occurredAt,
    recorded_at: event.recordedAt!,
    idempotency_key: event.idempotencyKey,
    request_id: event.requestId ?? null,
    scope: event.scope,
    payload: event.toNotificationPayload(),
    delivery_count: row.delivery_count,
  };
}
