import { isPresent } from '../telemetry/anonymizer';
import { anyText, integer, object, openMap, text, uuid } from './json-schema';
import { layer } from './layer';

/* Layers of the events Tidings records about itself, and of front-end analytics events. */

const NAME = 1024;

/** One of our own webhooks. */
export const WEBHOOK = layer({
  key: 'webhook',
  schema: object({ id: uuid() }, { name: text(NAME), url_host: text(NAME), disabled_reason: text(NAME) }),
  required: true,
  identity: ['webhook.id'],
  example: { id: 'b7c6d5e4-f3a2-4b1c-9d8e-7f6a5b4c3d09', name: 'ops', url_host: 'hooks.example.com' },
  telemetry: {
    prefix: 'webhook',
    keep: { id: 'uuid' },
    derive: { has_disabled_reason: { kind: 'boolean', from: (w) => isPresent(w.disabled_reason) } },
  },
});

/** A delivery to a webhook; nested in `webhook`. */
export const DELIVERY = layer({
  key: 'delivery',
  schema: object(
    { id: uuid(), event_type: text(255), attempts: integer(0) },
    { event_id: uuid(), last_response_status: integer(), last_error: anyText() },
  ),
  required: true,
  identity: ['delivery.id'],
  example: {
    id: '01933f6c-0000-7000-8000-000000000010',
    event_type: 'project:one-off-job:pipeline-run:failed',
    attempts: 8,
    last_response_status: 500,
    last_error: 'HTTP 500',
  },
  telemetry: {
    prefix: 'delivery',
    keep: { id: 'uuid', event_id: 'uuid', event_type: 'event_type', attempts: 'count', last_response_status: 'integer' },
    derive: { has_last_error: { kind: 'boolean', from: (d) => isPresent(d.last_error) } },
  },
});

/** The test delivery: its message sits on the event itself. A ping's message is free text: nothing of it is sent to telemetry. */
export const PING = layer({
  key: 'ping',
  schema: object({ message: text(NAME) }),
  required: true,
  placement: 'merge',
  example: { message: 'Test delivery from Tidings' },
  telemetry: { prefix: 'ping' },
});

/**
 * `client:*` — what the front end sent through /v1/analytics, already
 * anonymized (anonymizeClientProperties); its properties are kept by value,
 * not by name.
 */
export const CLIENT = layer({
  key: 'client',
  schema: object({}, { properties: openMap() }),
  required: false,
  example: { properties: { view: 'jobs', duration_ms: 412, first_visit: false } },
  telemetry: { prefix: '', clientProperties: true },
});
