import { Injectable } from '@nestjs/common';
import { ErrorDetail, isClientType, isPlatformType } from '@tidings/common';
import { DataSource } from 'typeorm';
import { EVENT_CLASSES } from './event-classes';
import { EventError } from './event-error';
import { bodySchema, exampleBody } from './registry/body-schema';
import { JsonSchema } from './registry/json-schema';
import { NotificationEvent, SUBSCRIPTION_FILTERS, SubscriptionFilter } from './tidings-event.entity';

export interface EventTypeInfo {
  name: string;
  group: string;
  description: string;
  deprecated_at: Date | null;
  /** Whether `POST /v1/events` accepts it (platform types). */
  registrable_via_api: boolean;
  scope_filters: SubscriptionFilter[];
  /** Body paths whose values, joined by `/`, make the default ordering key (DESIGN §4). */
  ordering_key: string[];
  example: NotificationEvent | null;
}

/** One type as `GET /v1/event-types/{type}` publishes it: also the JSON Schema of its body and a body it accepts. */
export interface EventTypeDetail extends EventTypeInfo {
  schema: JsonSchema | null;
  example_body: Record<string, unknown> | null;
}

export interface SubscriptionSpec {
  event_type: string;
  project_uuid?: string | null;
  job_uuid?: string | null;
  pipeline_key?: string | null;
}

/**
 * The catalogue as the database holds it (`event_types`, filled by
 * migrations from the registry; a deprecated type stays listed), joined with
 * what the registry says of each type: its scope filters, ordering key,
 * body schema and examples.
 */
@Injectable()
export class EventTypeCatalogue {
  private loaded?: Promise<EventTypeInfo[]>;

  constructor(private readonly db: DataSource) {}

  list(): Promise<EventTypeInfo[]> {
    this.loaded ??= this.load().catch((error) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  /** One type with the JSON Schema of its body, or a not_found EventError. */
  async get(name: string): Promise<EventTypeDetail> {
    const info = (await this.list()).find((t) => t.name === name);
    if (!info) throw new EventError('not_found', `unknown event type ${name}`);
    const entry = EVENT_CLASSES.get(name)?.ENTRY;
    return { ...info, schema: entry ? bodySchema(entry) : null, example_body: entry ? exampleBody(entry) : null };
  }

  /** Problems with one subscription (unknown type or pattern, a filter the type cannot match). */
  async checkSubscription(sub: SubscriptionSpec, path: string): Promise<ErrorDetail[]> {
    const types = await this.list();
    const pattern = sub.event_type;
    let selected: EventTypeInfo[];
    if (pattern === '*') {
      selected = types.filter((t) => !isClientType(t.name) && t.group !== 'engine');
    } else if (pattern.endsWith(':*')) {
      const prefix = pattern.slice(0, -1);
      selected = types.filter((t) => t.name.startsWith(prefix));
      if (selected.length === 0) return [{ field: `${path}.event_type`, message: `${pattern} matches no event type` }];
    } else {
      selected = types.filter((t) => t.name === pattern);
      if (selected.length === 0) return [{ field: `${path}.event_type`, message: `unknown event type ${pattern}` }];
    }
    if (selected.every((t) => isClientType(t.name))) {
      return [{ field: `${path}.event_type`, message: 'client events are delivered to analytics only' }];
    }
    const problems: ErrorDetail[] = [];
    for (const filter of SUBSCRIPTION_FILTERS) {
      if (sub[filter] != null && !selected.some((t) => t.scope_filters.includes(filter))) {
        problems.push({ field: `${path}.${filter}`, message: `${pattern} events carry no ${filter}, so this filter would never match` });
      }
    }
    return problems;
  }

  private async load(): Promise<EventTypeInfo[]> {
    const rows: { name: string; group: string; description: string; deprecated_at: Date | null }[] = await this.db.query(
      `SELECT name, "group", description, deprecated_at FROM event_types ORDER BY name`,
    );
    return rows.map((row) => {
      const cls = EVENT_CLASSES.get(row.name);
      let example: NotificationEvent | null = null;
      if (cls) {
        const event = cls.create(cls.exampleInput());
        event.id = '01933f6c-0000-7000-8000-000000000001';
        example = event.toNotificationPayload();
      }
      const scopeFilters: SubscriptionFilter[] = cls ? cls.scopeFilters() : [];
      const orderingKey = cls?.ENTRY ? [...cls.ENTRY.orderingKey] : [];
      return { ...row, registrable_via_api: isPlatformType(row.name), scope_filters: scopeFilters, ordering_key: orderingKey, example };
    });
  }
}
