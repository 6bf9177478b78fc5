import { SubscriptionSpec } from '@tidings/events';
import { SecretBox } from '../secret-box';
import { WebhookSubscriber } from '../subscriber.entity';
import { Subscription } from '../subscription.entity';

export interface WebhookView {
  id: string;
  name: string;
  url: string;
  content_type: string;
  format: string;
  verify_tls: boolean;
  ordered: boolean;
  headers: Record<string, string>;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  subscriptions: SubscriptionSpec[];
  created_at: Date;
  updated_at: Date;
}

/** A webhook as the API shows it: no secret, custom header values opened. */
export function toWebhookView(webhook: WebhookSubscriber, subscriptions: Subscription[], box: SecretBox): WebhookView {
  return {
    id: webhook.id,
    name: webhook.name,
    url: webhook.url,
    content_type: webhook.contentType,
    format: webhook.format,
    verify_tls: webhook.verifyTls,
    ordered: webhook.ordered,
    headers: box.openHeaders(webhook.headers),
    enabled: webhook.enabled,
    disabled_reason: webhook.disabledReason,
    disabled_at: webhook.disabledAt,
    failing_since: webhook.failingSince,
    subscriptions: subscriptions.map((s) => ({
      event_type: s.eventType,
      project_uuid: s.projectUuid,
      job_uuid: s.jobUuid,
      pipeline_key: s.pipelineKey,
    })),
    created_at: webhook.createdAt,
    updated_at: webhook.updatedAt,
  };
}
