import { TelemetryPayload, TelemetryValue } from '@tidings/events';

/** One claimed analytics delivery, as the batch needs it. */
export interface AnalyticsDeliveryRow {
  id: string;
  event_type: string;
  payload: TelemetryPayload;
  created_at: Date;
}

export interface PostHogEvent {
  event: string;
  distinct_id: string;
  timestamp: string;
  /** PostHog deduplicates on it: the delivery id, the same on every retry. */
  uuid: string;
  properties: Record<string, TelemetryValue>;
}

/** The body of PostHog's capture API `POST /batch/`. */
export interface PostHogBatch {
  api_key?: string;
  batch: PostHogEvent[];
}

/**
 * The PostHog batch for some telemetry deliveries. Properties are flat, as
 * PostHog expects: the event's own and each layer's kept properties, the
 * derived counts, and the app properties prefixed `app_` (`app_version`).
 * `$insert_id` repeats the delivery id for backends that deduplicate on it;
 * `$process_person_profile: false` because the installation is not a person.
 */
export function buildPostHogBatch(rows: AnalyticsDeliveryRow[], distinctId: string, apiKey?: string): PostHogBatch {
  return {
    ...(apiKey ? { api_key: apiKey } : {}),
    batch: rows.map((row) => {
      const { event_properties = {}, derived_properties = {}, app_properties = {} } = row.payload ?? ({} as TelemetryPayload);
      const app = Object.fromEntries(Object.entries(app_properties).map(([key, value]) => [`app_${key}`, value]));
      const occurredAt = typeof event_properties.occurred_at === 'string' ? event_properties.occurred_at : row.created_at.toISOString();
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
