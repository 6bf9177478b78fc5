import { createHmac } from 'node:crypto';
import { secretKeyBytes } from './webhook-secret';

/**
 * Standard Webhooks signature: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`,
 * one per valid secret, space-separated (a rotated-out secret keeps signing for 24 h).
 */
export function signWebhook(id: string, timestampSeconds: number, body: string, secrets: readonly string[]): string {
  const content = `${id}.${timestampSeconds}.${body}`;
  return secrets.map((secret) => `v1,${createHmac('sha256', secretKeyBytes(secret)).update(content).digest('base64')}`).join(' ');
}
