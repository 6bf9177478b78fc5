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
 * Finds the enabled subscribers with a subscription selecting an event, with
 * the SQL function the registration statement matches with
 * (`match_subscribers`, migrations/1764700100000-SqlEntryPoint.ts): by exact
 * type, prefix wildcard or `*`, then narrowed by each scope filter the
 * subscription sets. One row per subscriber however many of its subscriptions match.
 */
@Injectable()
export class SubscriptionMatcher {
  async match(tx: EntityManager, type: string, scope: MatchScope): Promise<MatchedSubscriber[]> {
    return tx.query(`SELECT DISTINCT * FROM match_subscribers($1::text[], $2::uuid, $3::uuid, $4::text)`, [
      subscriptionPatternsFor(type),
      scope.project_uuid ?? null,
      scope.job_uuid ?? null,
      scope.pipeline_key ?? null,
    ]);
  }

  /** How many deliveries registering each of these events would create (one per matching subscriber), in their order. */
  async countDeliveries(tx: EntityManager, events: readonly (MatchScope & { type: string })[]): Promise<number[]> {
    const input = events.map((event) => ({
      patterns: subscriptionPatternsFor(event.type),
      project_uuid: event.project_uuid ?? null,
      job_uuid: event.job_uuid ?? null,
      pipeline_key: event.pipeline_key ?? null,
    }));
    const rows: { deliveries: number }[] = await tx.query(
      `SELECT (SELECT count(DISTINCT m.id) FROM match_subscribers(e.patterns, e.project_uuid, e.job_uuid, e.pipeline_key) m)::int AS deliveries
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (patterns text[], project_uuid uuid, job_uuid uuid, pipeline_key text))
              WITH ORDINALITY AS e(patterns, project_uuid, job_uuid, pipeline_key, n)
        ORDER BY e.n`,
      [JSON.stringify(input)],
    );
    return rows.map((row) => row.deliveries);
  }
}
