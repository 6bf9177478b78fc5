import { signWebhook } from './webhook-signer';

export interface WebhookRequestInput {
  /** The delivery id: `webhook-id`, the same on every retry and replay. */
  id: string;
  payload: Record<string, unknown>;
  contentType: string;
  eventType: string;
  attempt: number;
  /** Plain secrets currently valid (the newest first). */
  secrets: readonly string[];
  customHeaders: Record<string, string>;
  version: string;
  now?: Date;
}

/** The exact bytes sent (and signed): JSON, or `delivered_for` and `event` as JSON strings in form fields. */
export function encodeWebhookBody(payload: Record<string, unknown>, contentType: string): string {
  if (contentType === 'application/x-www-form-urlencoded') {
    return new URLSearchParams(Object.entries(payload).map(([key, value]): [string, string] => [key, JSON.stringify(value)])).toString();
  }
  return JSON.stringify(payload);
}

/** Body and headers of one webhook request; our headers win over custom ones of the same name. */
export function buildWebhookRequest(input: WebhookRequestInput): { body: string; headers: Record<string, string> } {
  const body = encodeWebhookBody(input.payload, input.contentType);
  const timestamp = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const custom = Object.fromEntries(Object.entries(input.customHeaders).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    body,
    headers: {
      ...custom,
      'content-type': input.contentType,
      'user-agent': `Tidings/${input.version}`,
      'webhook-id': input.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(input.id, timestamp, body, input.secrets),
      'x-tidings-event-type': input.eventType,
      'x-tidings-attempt': String(input.attempt),
    },
  };
}
