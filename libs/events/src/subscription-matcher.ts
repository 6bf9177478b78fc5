import { Injectable } from '@nestjs/common';
import { subscriptionPatternsFor } from '@tidings/common';
import { EntityManager } from 'typeorm';

export interface MatchScope {
  project_uuid?: string;
  job_uuid?: string;
  pipeline_key?: string;
}

export interface MatchedSubscriber {
  id: string;
  name: string;
  kind: 'webhook' | 'analytics';
  format: string;
  content_type: string;
}

/**
 * Finds the enabled subscribers with a subscription selecting an event: by
 * exact type, prefix wildcard or `*` (looked up by index as a list of
 * candidate patterns), then narrowed by each scope filter the subscription
 * sets. One row per subscriber however many of its subscriptions match.
 */
@Injectable()
export class SubscriptionMatcher {
  async match(tx: EntityManager, type: string, scope: MatchScope): Promise<MatchedSubscriber[]> {
    const params: unknown[] = [];
    return tx.query(this.sql(type, scope, (value) => `$${params.push(value)}`), params);
  }

  /**
   * The matching query, for use inside a larger statement (register() runs it
   * as a CTE); `param` adds a bound value and returns its placeholder.
   */
  sql(type: string, scope: MatchScope, param: (value: unknown) => string): string {
    return `SELECT DISTINCT s.id, s.name, s.kind, s.format, s.content_type
              FROM subscriptions sub
              JOIN subscribers s ON s.id = sub.subscriber_id
             WHERE sub.event_type = ANY(${param(subscriptionPatternsFor(type))}::text[])
               AND s.enabled AND s.deleted_at IS NULL
               AND (sub.project_uuid IS NULL OR sub.project_uuid = ${param(scope.project_uuid ?? null)}::uuid)
               AND (sub.job_uuid IS NULL OR sub.job_uuid = ${param(scope.job_uuid ?? null)}::uuid)
               AND (sub.pipeline_key IS NULL OR sub.pipeline_key = ${param(scope.pipeline_key ?? null)}::text)`;
  }
}
