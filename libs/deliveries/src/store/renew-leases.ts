import { preparedStatement, Queryable } from '@tidings/common';

/**
 * Renew: a live worker keeps the leases of the attempts it has in flight
 * (started, not yet recorded), so that a lease runs out only when its worker
 * has died, never because a send or a record was slow on a busy machine:
 * an attempt whose lease ran out is claimed and sent again by another
 * worker. Guarded by the attempt number, so a delivery already settled, or
 * moved on by a cancel or another attempt, is left alone. HOT, like the claim.
 */
const RENEW_SQL = `
  UPDATE deliveries d SET claimed_at = now()
    FROM unnest($1::uuid[], $2::int[]) AS x(id, attempt_count)
   WHERE d.id = ANY($1::uuid[]) AND d.id = x.id AND d.attempt_count = x.attempt_count
     AND d.status = 'pending' AND d.claimed_at IS NOT NULL`;

export async function renewLeases(db: Queryable, attempts: ReadonlyMap<string, number>): Promise<void> {
  if (attempts.size === 0) return;
  await db.query(preparedStatement('tidings_renew_leases_v1', RENEW_SQL), [[...attempts.keys()], [...attempts.values()]]);
}
