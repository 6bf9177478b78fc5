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
  kind: 'webhook';
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
    return tx.query(
      `WITH e AS (SELECT NULL::uuid AS id, $1::text[] AS patterns, $2::uuid AS project_uuid, $3::uuid AS job_uuid, $4::text AS pipeline_key)
       SELECT m.id, m.name, m.kind, m.format, m.content_type FROM (${this.sql('e')}) m`,
      [subscriptionPatternsFor(type), scope.project_uuid ?? null, scope.job_uuid ?? null, scope.pipeline_key ?? null],
    );
  }

  /**
   * The matching query for a whole set of events, for use inside a larger
   * statement (register() runs it as a CTE). `events` names a relation with
   * the columns id, patterns (text[], from subscriptionPatternsFor; empty
   * matches nothing), project_uuid, job_uuid and pipeline_key. One row per
   * (event_id, subscriber).
   */
  sql(events: string): string {
    // OFFSET 0 keeps the subquery a per-event lookup (subscriptions by type index, then subscribers by key):
    // flattened, the planner would guess 100 events and hash-join against every subscriber.
    return `SELECT DISTINCT e.id AS event_id, m.id, m.name, m.kind, m.format, m.content_type
              FROM ${events} e
              CROSS JOIN LATERAL (
                SELECT s.id, s.name, s.kind, s.format, s.content_type
                  FROM subscriptions sub
                  JOIN subscribers s ON s.id = sub.subscriber_id
                 WHERE sub.event_type = ANY(e.patterns)
                   AND s.enabled AND s.deleted_at IS NULL
                   AND (sub.project_uuid IS NULL OR sub.project_uuid = e.project_uuid)
                   AND (sub.job_uuid IS NULL OR sub.job_uuid = e.job_uuid)
                   AND (sub.pipeline_key IS NULL OR sub.pipeline_key = e.pipeline_key)
                OFFSET 0) m`;
  }
}
