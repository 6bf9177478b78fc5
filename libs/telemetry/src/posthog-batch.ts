import { TelemetryPayload, TelemetryValue } from '@tidings/events';

/** One event of the log, anonymized, as the batch needs it. */
export interface TelemetryRow {
  /** The event id: the analytics event's `uuid`, so a batch sent twice is deduplicated by the backend. */
  id: string;
  event_type: string;
  payload: TelemetryPayload;
  recorded_at: Date;
}

export interface PostHogEvent {
  event: string;
  distinct_id: string;
  timestamp: string;
  /** PostHog deduplicates on it: the event id, the same on every retry of a batch. */
  uuid: string;
  properties: Record<string, TelemetryValue>;
}

/** The body of PostHog's capture API `POST /batch/`. */
export interface PostHogBatch {
  api_key?: string;
  batch: PostHogEvent[];
}

/**
 * The PostHog batch for some anonymized events. Properties are flat, as
 * PostHog expects: the event's own and each layer's kept properties, the
 * derived counts, and the app properties prefixed `app_` (`app_version`).
 * `$insert_id` repeats the event id for backends that deduplicate on it;
 * `$process_person_profile: false` because the installation is not a person.
 */
export function buildPostHogBatch(rows: TelemetryRow[], distinctId: string, apiKey?: string): PostHogBatch {
  return {
    ...(apiKey ? { api_key: apiKey } : {}),
    batch: rows.map((row) => {
      const { event_properties = {}, derived_properties = {}, app_properties = {} } = row.payload ?? ({} as TelemetryPayload);
      const app = Object.fromEntries(Object.entries(app_properties).map(([key, value]) => [`app_${key}`, value]));
      const occurredAt = typeof event_properties.occurred_at === 'string' ? event_properties.occurred_at : row.recorded_at.toISOString();
      return {
        event: row.event_type,
        distinct_id: distinctId,
        timestamp: occurredAt,
        uuid: row.id,
        properties: {
          ...event_properties,
          ...derived_properties,
          ...app,
          $lib: 'tidings',
          ...(typeof app_properties.version === 'string' ? { $lib_version: app_properties.version } : {}),
          $insert_id: row.id,
          $process_person_profile: false,
        },
      };
    }),
  };
}
