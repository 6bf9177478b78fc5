/**
 * `d.status = 'pending'` for statements that find their deliveries by id
 * (start, settle), written so that the planner cannot match it to the
 * partial indexes on `status = 'pending'`. Matched, it scanned every entry of
 * such an index per statement (with autovacuum off and the table never
 * analyzed it looks small; it holds every pending row and, until a vacuum,
 * every settled one: 60 pages for a job of 2 after a minute at 200 events/s,
 * each pass of the latency path) instead of probing the primary key once per
 * id, pruned to the id's partition (3 pages). Same truth value: status is NOT NULL.
 */
export const BY_ID_PENDING = `(d.status = 'pending') IS TRUE`;
