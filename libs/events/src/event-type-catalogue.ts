import { Injectable } from '@nestjs/common';
import { ErrorDetail, isClientType, isPlatformType } from '@tidings/common';
import { DataSource } from 'typeorm';
import { EVENT_CLASSES } from './event-classes';
import { NotificationEvent, SUBSCRIPTION_FILTERS, SubscriptionFilter } from './tidings-event.entity';

export interface EventTypeInfo {
  name: string;
  group: string;
  description: string;
  deprecated_at: Date | null;
  /** Whether `POST /v1/events` accepts it (platform types). */
  registrable_via_api: boolean;
  scope_filters: SubscriptionFilter[];
  example: NotificationEvent | null;
}

export interface SubscriptionSpec {
  event_type: string;
  project_uuid?: string | null;
  job_uuid?: string | null;
  pipeline_key?: string | null;
}

/**
 * The catalogue as the database holds it (`event_types`, filled by
 * migrations), joined with what the code knows of each type: its scope
 * filters and an example notification payload.
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
      return { ...row, registrable_via_api: isPlatformType(row.name), scope_filters: scopeFilters, example };
    });
  }
}
