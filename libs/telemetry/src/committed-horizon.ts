/**
 * The lowest transaction id that may still write an event: the snapshot's
 * in-progress transactions (pg_snapshot_xip), leaving out those that
 * pg_stat_activity shows working in another database of the server (they
 * cannot write here, so another database's long write does not hold
 * telemetry back); the snapshot's xmax when none is left. An in-progress xid
 * it cannot place (it ended meanwhile, a prepared transaction, no privilege)
 * counts as this database's: waiting is safe, skipping is not.
 */
export const COMMITTED_HORIZON = `
  SELECT LEAST(pg_snapshot_xmax(s.snapshot),
               (SELECT min(x.xid) FROM pg_snapshot_xip(s.snapshot) AS x(xid)
                 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                                    WHERE a.backend_xid::text = (x.xid::text::bigint % 4294967296)::text
                                      AND a.datname IS DISTINCT FROM current_database()))) AS xid
    FROM (SELECT pg_current_snapshot() AS snapshot) s`;
