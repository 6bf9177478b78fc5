import { Injectable } from '@nestjs/common';
import { isClientType } from '@tidings/common';
import { telemetryEnabled, TidingsConfig } from '@tidings/config';
import { DataSource } from 'typeorm';
import { EventError } from './event-error';
import { EventRegistrar } from './event-registrar';
import { EventTypeCatalogue } from './event-type-catalogue';
import { EVENT_CLASSES } from './event-classes';
import { anonymizeClientProperties } from './telemetry/anonymizer';

export interface ClientEventResult {
  /** The recorded event, or null when telemetry is off (nothing is recorded then). */
  id: string | null;
  recorded: boolean;
}

/**
 * `POST /v1/analytics`: a front-end analytics event `{event, properties?}`.
 * Only the catalogue's `client:*` types are accepted. Properties are
 * anonymized before anything is stored (the same rules as its telemetry), and
 * the event is recorded in the log like any other, where the telemetry
 * exporter finds it; no webhook ever matches it. While telemetry is off the
 * body is still validated, but nothing is recorded.
 */
@Injectable()
export class RecordClientEvent {
  constructor(
    private readonly db: DataSource,
    private readonly registrar: EventRegistrar,
    private readonly catalogue: EventTypeCatalogue,
    private readonly config: TidingsConfig,
  ) {}

  async execute(body: unknown): Promise<ClientEventResult> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new EventError('validation_failed', 'The body must be a JSON object: {"event": "client:…", "properties": {…}}');
    }
    const input = body as { event?: unknown; properties?: unknown };
    const allowed = await this.allowedTypes();
    const problems = Object.keys(input)
      .filter((key) => key !== 'event' && key !== 'properties')
      .map((key) => ({ field: key, message: `${key} is not a field of an analytics event (only event and properties)` }));
    if (typeof input.event !== 'string' || !allowed.includes(input.event)) {
      problems.push({ field: 'event', message: `event must be one of ${allowed.join(', ')}` });
    }
    const properties = input.properties ?? {};
    if (typeof properties !== 'object' || Array.isArray(properties)) {
      problems.push({ field: 'properties', message: 'properties must be an object' });
    }
    if (problems.length) {
      throw new EventError('validation_failed', `Invalid analytics event: ${problems.map((p) => p.message).join('; ')}`, problems);
    }

    const cls = EVENT_CLASSES.get(input.event as string)!;
    const event = cls.create({ client: { properties: anonymizeClientProperties(properties) } }, 'client');
    if (!telemetryEnabled(this.config)) return { id: null, recorded: false };
    await this.db.transaction((tx) => this.registrar.register(tx, event));
    return { id: event.id, recorded: true };
  }

  /** The client types of the catalogue (event_types) that have a class, not deprecated. */
  private async allowedTypes(): Promise<string[]> {
    const types = await this.catalogue.list();
    return types.filter((t) => isClientType(t.name) && !t.deprecated_at && EVENT_CLASSES.has(t.name)).map((t) => t.name);
  }
}
