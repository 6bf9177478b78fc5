/**
 * The benchmark's own databases and Redis keys: created at start, removed at
 * the end (also after a failure or Ctrl-C), and leftovers of a benchmark that
 * was killed outright are swept at the next start.
 */
import { processExists } from '@tidings/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import { log, withTimeout } from './log';

// `_ceiling`: the second database of benchmarks before v2, still swept when an old run left one.
const NAME = /^tidings_bench_(\d+)(_ceiling)?$/;

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(url: string, body: (client: Client) => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'tidings-bench' });
  await client.connect();
  client.on('error', () => undefined);
  try {
    return await withTimeout('database statement', body(client), timeoutMs);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  if (!NAME.test(name)) throw new Error(`refusing to create ${name}`);
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
}

/** WITH (FORCE): ends the connections still open to it; fast whatever the size. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!NAME.test(name)) throw new Error(`refusing to drop ${name}`);
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`), 60_000);
}

/** Deletes every key under `prefix:` (BullMQ's keys for QUEUE_PREFIX=prefix). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!/^tidings_bench_\d+$/.test(prefix)) throw new Error(`refusing to delete keys of ${prefix}`);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await withTimeout('redis connect', redis.connect(), 10_000);
    let cursor = '0';
    let deleted = 0;
    const deadline = Date.now() + 30_000;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0' && Date.now() < deadline);
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** Drops databases and Redis keys of earlier benchmark runs whose process no longer exists. */
export async function sweepLeftovers(adminUrl: string, redisUrl: string): Promise<void> {
  const { rows } = await withClient(adminUrl, (c) =>
    c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'tidings\\_bench\\_%'`),
  );
  const dead = new Set<number>();
  for (const { datname } of rows) {
    const match = NAME.exec(datname);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processExists(pid)) continue;
    dead.add(pid);
    log(`dropping leftover database ${datname} (its benchmark, pid ${pid}, is gone)`);
    await dropDatabase(adminUrl, datname);
  }
  for (const pid of dead) await deleteRedisKeys(redisUrl, `tidings_bench_${pid}`).catch(() => undefined);
}

/**
 * Dead and live tuples (the statistics collector's counts) and total size
 * (indexes and TOAST included) of a table, summed over its partitions when
 * it is partitioned: what a run leaves behind when nothing vacuums it meanwhile.
 */
export async function tableHealth(client: Client, schema: string, table: string): Promise<{ dead: number; live: number; bytes: number }> {
  // A snapshot of the statistics taken earlier in this session would be stale.
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query(
    `SELECT sum(n_dead_tup)::bigint AS dead, sum(n_live_tup)::bigint AS live, sum(pg_total_relation_size(s.relid))::bigint AS bytes
       FROM pg_partition_tree(to_regclass(format('%I.%I', $1::text, $2::text))) p JOIN pg_stat_user_tables s ON s.relid = p.relid`,
    [schema, table],
  );
  if (rows[0].dead === null) throw new Error(`no statistics for table ${table}`);
  return { dead: Number(rows[0].dead), live: Number(rows[0].live), bytes: Number(rows[0].bytes) };
}
