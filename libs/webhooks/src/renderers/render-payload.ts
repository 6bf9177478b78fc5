import { TidingsEvent } from '@tidings/events';
import { ChatFormat, chatMessage } from './chat-message';

/** What a rendered body depends on besides the event: the webhook's own settings at send time. */
export interface RenderSettings {
  /** The webhook's id, or null for a test ping to a webhook not saved yet. */
  id: string | null;
  name: string;
  format: 'standard' | ChatFormat;
}

/**
 * The notification body for one webhook (DESIGN §5): the standard shape
 * (`delivered_for` + the event's notification fold), or the chat platform's
 * own message. A pure function of the immutable event and the settings, so
 * every attempt and replay of a delivery sends the same bytes unless an admin
 * changed the webhook's name or format in between.
 */
export function renderPayload(event: TidingsEvent, webhook: RenderSettings, publicUrl: string | undefined): Record<string, unknown> {
  const notification = event.toNotificationPayload();
  if (webhook.format === 'standard') return { delivered_for: { id: webhook.id, name: webhook.name, type: 'webhook' }, event: notification };
  return chatMessage(webhook.format, notification, publicUrl);
}
