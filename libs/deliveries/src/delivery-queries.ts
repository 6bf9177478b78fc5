import { Injectable } from '@nestjs/common';
import { uuidV7Floor } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { hydrateEvent } from '@tidings/events';
import { renderPayload } from '@tidings/webhooks';
import { DataSource } from 'typeorm';
import { DeliveryError } from './delivery-error';

export interface DeliveryFilter {
  status?: string;
  webhook_id?: string;
  event_id?: string;
  event_type?: string;
  since?: Date;
  until?: Date;
  limit: number;
  cursor?: string;
}

export interface AttemptView {
  number: number;
  trigger: string;
  started_at: Date;
  duration_ms: number;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  error: string | null;
}

export interface DeliveryView {
  id: string;
  event_id: string | null;
  event_type: string;
  webhook: { id: string; name: string };
  status: string;
  attempt_count: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  last_response_status: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  payload?: Record<string, unknown> | null;
  attempts?: AttemptView[];
}

/** `claimed` is a pending delivery leased by a worker (or whose lease ran out and that waits to be claimed again). */
const STATUS = `CASE WHEN d.status = 'pending' AND d.claimed_at IS NOT NULL THEN 'claimed' ELSE d.status END`;

/** A delivery parked behind its ordering key's head ('infinity') has no time of its own yet: null, as JSON cannot say infinity. */
const COLUMNS = `d.id, d.event_id, d.event_type, ${STATUS} AS status, d.attempt_count, nullif(d.next_attempt_at, 'infinity') AS next_attempt_at,
  d.last_attempt_at, d.delivered_at,
  d.last_response_status, d.last_error, d.created_at, d.updated_at, s.id AS webhook_id, s.name AS webhook_name`;

/** Reads the delivery log: newest first, keyset-paginated on the time-ordered id. */
@Injectable()
export class DeliveryQueries {
  constructor(
    private readonly db: DataSource,
    private readonly config: TidingsConfig,
  ) {}

  async list(filter: DeliveryFilter): Promise<DeliveryView[]> {
    // Every delivery is a webhook's (telemetry has no rows): no filter is a page of all of them.
    const where: string[] = ['true'];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.status === 'claimed') where.push(`d.status = 'pending' AND d.claimed_at IS NOT NULL`);
    else if (filter.status === 'pending') where.push(`d.status = 'pending' AND d.claimed_at IS NULL`);
    else if (filter.status) add(`d.status = ?`, filter.status);
    if (filter.webhook_id) add(`d.subscriber_id = ?`, filter.webhook_id);
    if (filter.event_id) add(`d.event_id = ?`, filter.event_id);
    if (filter.event_type?.endsWith(':*')) add(`d.event_type LIKE ?`, filter.event_type.slice(0, -1).replace(/[\\%_]/g, '\\$&') + '%');
    else if (filter.event_type && filter.event_type !== '*') add(`d.event_type = ?`, filter.event_type);
    // Time windows are id ranges (UUIDv7): the primary key or the filter's own index serves them.
    if (filter.since) add(`d.id >= ?`, uuidV7Floor(filter.since));
    if (filter.until) add(`d.id < ?`, uuidV7Floor(filter.until));
    if (filter.cursor) add(`d.id < ?`, filter.cursor);
    params.push(filter.limit);
    const rows = await this.db.query(
      // The page is chosen on deliveries alone (one index, in id order), then joined for the webhook's name.
      `SELECT ${COLUMNS}
         FROM (SELECT * FROM deliveries d WHERE ${where.join(' AND ')} ORDER BY d.id DESC LIMIT $${params.length}) d
         JOIN subscribers s ON s.id = d.subscriber_id
        ORDER BY d.id DESC`,
      params,
    );
    return rows.map(toView);
  }

  async get(id: string): Promise<DeliveryView> {
    const [row] = await this.db.query(
      `SELECT ${COLUMNS}, d.payload, s.format, CASE WHEN d.payload IS NULL THEN to_jsonb(e) END AS event
         FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id LEFT JOIN events e ON e.id = d.event_id
        WHERE d.id = $1 AND s.kind = 'webhook'`,
      [id],
    );
    if (!row) throw new DeliveryError('not_found', `No delivery ${id}`);
    const attempts: AttemptView[] = await this.db.query(
      `SELECT number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error
         FROM delivery_attempts WHERE delivery_id = $1 ORDER BY number, started_at`,
      [id],
    );
    // The body as the worker sends it now: stored (older rows) or rendered from the event and the webhook's settings.
    const payload =
      row.payload ?? (row.event ? renderPayload(hydrateEvent(row.event), { id: row.webhook_id, name: row.webhook_name, format: row.format }, this.config.publicUrl) : null);
    return { ...toView(row), payload, attempts };
  }
}

function toView(row: Record<string, any>): DeliveryView {
  const { webhook_id, webhook_name, payload: _payload, format: _format, event: _event, ...rest } = row;
  return { ...rest, webhook: { id: webhook_id, name: webhook_name } } as DeliveryView;
}
