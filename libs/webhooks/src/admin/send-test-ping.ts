import { Injectable } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { Ping } from '@tidings/events';
import { renderPayload } from '../renderers/render-payload';
import { v7 as uuidv7 } from 'uuid';
import { SecretBox } from '../secret-box';
import { WebhookContentType, WebhookFormat } from '../subscriber.entity';
import { WebhookError } from '../webhook-error';
import { generateWebhookSecret, isValidWebhookSecret } from '../webhook-secret';
import { buildWebhookRequest } from '../webhook-request';
import { WebhookSender } from '../webhook-sender';
import { CheckWebhookUrl } from './check-webhook-url';
import { WebhookStore } from './webhook-store';

export interface PingResult {
  ok: boolean;
  status?: number;
  duration_ms: number;
  error?: string;
  /** The id the receiver saw as `webhook-id`. */
  webhook_id: string;
  /** Only for an unsaved webhook without a secret: the one generated to sign this ping. */
  secret?: string;
}

export interface UnsavedWebhook {
  url: string;
  format?: WebhookFormat;
  secret?: string;
  content_type?: WebhookContentType;
  verify_tls?: boolean;
  headers?: Record<string, string>;
}

/** Sends a signed `ping` now, synchronously, to a saved or a not-yet-saved webhook. Nothing is stored. */
@Injectable()
export class SendTestPing {
  constructor(
    private readonly store: WebhookStore,
    private readonly sender: WebhookSender,
    private readonly box: SecretBox,
    private readonly checkUrl: CheckWebhookUrl,
    private readonly config: TidingsConfig,
  ) {}

  async toSaved(id: string): Promise<PingResult> {
    const webhook = await this.store.get(id);
    const secrets = this.box.signingSecrets(webhook.secrets);
    return this.send(
      { id: webhook.id, name: webhook.name },
      { url: webhook.url, format: webhook.format, content_type: webhook.contentType, verify_tls: webhook.verifyTls, headers: this.box.openHeaders(webhook.headers) },
      secrets,
    );
  }

  async toUnsaved(target: UnsavedWebhook): Promise<PingResult> {
    await this.checkUrl.execute(target.url);
    if (target.secret !== undefined && !isValidWebhookSecret(target.secret)) {
      throw new WebhookError('validation_failed', 'Invalid secret', [
        { field: 'secret', message: 'secret must be whsec_ followed by base64' },
      ]);
    }
    const secret = target.secret ?? generateWebhookSecret();
    const result = await this.send({ id: null, name: 'test' }, target, [secret]);
    return target.secret === undefined ? { ...result, secret } : result;
  }

  private async send(deliveredFor: { id: string | null; name: string }, target: UnsavedWebhook, secrets: string[]): Promise<PingResult> {
    const ping = Ping.create({ ping: { message: 'Test delivery from Tidings' } });
    const id = uuidv7();
    const contentType = target.content_type ?? 'application/json';
    const { body, headers } = buildWebhookRequest({
      id,
      payload: renderPayload(ping, { ...deliveredFor, format: target.format ?? 'standard' }, this.config.publicUrl),
      contentType,
      eventType: ping.type,
      attempt: 1,
      secrets,
      customHeaders: target.headers ?? {},
      version: this.config.version,
    });
    const result = await this.sender.send({ url: target.url, headers, body, verifyTls: target.verify_tls ?? true });
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300 && !result.error;
    return {
      ok,
      status: result.status,
      duration_ms: result.durationMs,
      error: result.error ?? (ok ? undefined : `HTTP ${result.status}`),
      webhook_id: id,
    };
  }
}
