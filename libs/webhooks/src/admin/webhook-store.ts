import { Injectable } from '@nestjs/common';
import { EventTypeCatalogue, SubscriptionSpec } from '@tidings/events';
import { DataSource, EntityManager, In, IsNull, LessThan } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { SecretBox } from '../secret-box';
import { WebhookSubscriber } from '../subscriber.entity';
import { Subscription } from '../subscription.entity';
import { WebhookError } from '../webhook-error';
import { toWebhookView, WebhookView } from './webhook-view';

/** Reads and writes webhooks and their subscriptions; shared by the webhook use-cases. */
@Injectable()
export class WebhookStore {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: EventTypeCatalogue,
    private readonly box: SecretBox,
  ) {}

  /** `forUpdate` (in a transaction) locks the row until it ends, so a concurrent change is judged after this one. */
  async get(id: string, tx: EntityManager = this.db.manager, forUpdate = false): Promise<WebhookSubscriber> {
    const webhook = await tx
      .getRepository(WebhookSubscriber)
      .findOne({ where: { id, deletedAt: IsNull() }, ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!webhook) throw new WebhookError('not_found', `No webhook ${id}`);
    return webhook;
  }

  async view(id: string, tx: EntityManager = this.db.manager): Promise<WebhookView> {
    const webhook = await this.get(id, tx);
    const subscriptions = await tx.getRepository(Subscription).find({ where: { subscriberId: id }, order: { createdAt: 'ASC' } });
    return toWebhookView(webhook, subscriptions, this.box);
  }

  /** Newest first; `cursor` is the last id of the previous page (ids are time-ordered). */
  async list(limit: number, cursor?: string): Promise<WebhookView[]> {
    const webhooks = await this.db.getRepository(WebhookSubscriber).find({
      where: { deletedAt: IsNull(), ...(cursor ? { id: LessThan(cursor) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
    const subscriptions = webhooks.length
      ? await this.db
          .getRepository(Subscription)
          .find({ where: { subscriberId: In(webhooks.map((w) => w.id)) }, order: { createdAt: 'ASC' } })
      : [];
    return webhooks.map((w) =>
      toWebhookView(
        w,
        subscriptions.filter((s) => s.subscriberId === w.id),
        this.box,
      ),
    );
  }

  /** Validates every subscription against the catalogue (all problems at once), then replaces them. */
  async replaceSubscriptions(tx: EntityManager, webhookId: string, subscriptions: SubscriptionSpec[]): Promise<void> {
    const problems = (await Promise.all(subscriptions.map((s, i) => this.catalogue.checkSubscription(s, `subscriptions[${i}]`)))).flat();
    if (problems.length) throw new WebhookError('validation_failed', 'Invalid subscriptions', problems);
    await tx.delete(Subscription, { subscriberId: webhookId });
    const unique = new Map(
      subscriptions.map((s) => [JSON.stringify([s.event_type, s.project_uuid ?? null, s.job_uuid ?? null, s.pipeline_key ?? null]), s]),
    );
    if (unique.size === 0) return;
    await tx.insert(
      Subscription,
      [...unique.values()].map((s) => ({
        id: uuidv7(),
        subscriberId: webhookId,
        eventType: s.event_type,
        projectUuid: s.project_uuid ?? null,
        jobUuid: s.job_uuid ?? null,
        pipelineKey: s.pipeline_key ?? null,
      })),
    );
  }
}
