import { parseRedisUrl, RedisTarget, TidingsConfig } from '@tidings/config';
import Redis, { Cluster, RedisOptions } from 'ioredis';

/**
 * `worker`: BullMQ workers need `maxRetriesPerRequest: null` (they block and
 * reconnect by themselves). `producer`: fails fast instead of buffering while
 * Redis is away, so the relay can hand its claims back to Postgres at once
 * (and probes answer within their timeout).
 */
export type RedisRole = 'worker' | 'producer';

/** Options every client of ours may add: a name in CLIENT LIST, a shorter connect timeout. */
export type RedisClientExtras = Pick<RedisOptions, 'connectionName' | 'connectTimeout'>;

const retry = (times: number) => Math.min(times * 200, 2000);

/**
 * ioredis options for REDIS_URL when it names one server or a Sentinel
 * group: what BullMQ takes as `connection` (it then opens and closes its
 * connections itself). A Cluster is not reachable through options: see
 * createRedisClient() and QueueConnection.
 */
export function redisOptions(redisUrl: string, role: RedisRole): RedisOptions {
  const target = parseRedisUrl(redisUrl);
  if (target.kind === 'cluster') throw new Error('REDIS_URL names a Redis Cluster, which takes a client (createRedisClient), not options');
  const common: RedisOptions = { ...nodeOptions(target, role), db: target.db, enableOfflineQueue: role === 'worker', retryStrategy: retry };
  if (target.kind === 'sentinel') {
    // ioredis asks the Sentinels for the current primary, and again after a failover.
    return { ...common, sentinels: target.sentinels, name: target.name, sentinelRetryStrategy: retry };
  }
  return { ...common, host: target.host, port: target.port, tls: target.tls ? {} : undefined };
}

/**
 * The one place a Redis client is built for REDIS_URL: a `Redis` for a
 * server or Sentinel target, a `Cluster` (which follows MOVED/ASK and
 * refreshes its slot map) for a cluster. Not connected yet (`lazyConnect`):
 * BullMQ, or the owner, calls connect().
 */
export function createRedisClient(redisUrl: string, role: RedisRole, extras: RedisClientExtras = {}): Redis | Cluster {
  const target = parseRedisUrl(redisUrl);
  if (target.kind !== 'cluster') return new Redis({ ...redisOptions(redisUrl, role), ...extras, lazyConnect: true });
  return createCluster(target, role, { ...extras, lazyConnect: true });
}

function createCluster(
  target: Extract<RedisTarget, { kind: 'cluster' }>,
  role: RedisRole,
  { lazyConnect, ...extras }: RedisClientExtras & { lazyConnect: boolean },
): Cluster {
  return new Cluster(target.nodes, {
    lazyConnect,
    enableOfflineQueue: role === 'worker',
    clusterRetryStrategy: retry,
    // The slot map is read at connect: on a busy machine at start-up, the default 1 s is too short.
    slotsRefreshTimeout: 5000,
    redisOptions: { ...nodeOptions(target, role), tls: target.tls ? {} : undefined, ...extras },
  });
}

/**
 * Where REDIS_URL points, for log lines: never with its password.
 */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: { host: string; port: number }[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (target.kind === 'server') return `${target.host}:${target.port}`;
  if (target.kind === 'sentinel') return `primary ${target.name} via Sentinel ${list(target.sentinels)}`;
  return `Cluster ${list(target.nodes)}`;
}

/**
 * The key prefix of our BullMQ queues. On a Cluster, every key a queue's Lua
 * scripts touch must live in one hash slot, so QUEUE_PREFIX is wrapped in a
 * hash tag (`{tidings}`): Redis hashes only what is inside the braces. Any
 * other key of ours touched by one script on a Cluster must use the same tag.
 */
export function queueKeyPrefix(config: Pick<TidingsConfig, 'redisUrl' | 'queuePrefix'>): string {
  return parseRedisUrl(config.redisUrl).kind === 'cluster' ? `{${config.queuePrefix}}` : config.queuePrefix;
}

/**
 * What BullMQ queues and workers of one role are given as `connection`: the
 * options of a server or Sentinel target (BullMQ owns those connections), or
 * one Cluster they share. BullMQ never closes a client it was given, so
 * close() quits the Cluster; call it only after every queue and worker on
 * it has closed, or their last commands fail with "Connection is closed".
 */
export class QueueConnection {
  readonly connection: RedisOptions | Cluster;
  readonly prefix: string;

  constructor(config: Pick<TidingsConfig, 'redisUrl' | 'queuePrefix'>, role: RedisRole) {
    const target = parseRedisUrl(config.redisUrl);
    this.prefix = queueKeyPrefix(config);
    // Connecting now, not lazily: BullMQ would call connect() itself, whose first failure (one slot map
    // read timing out) rejects for good, leaving the queue without Redis; this way it waits for 'ready'
    // while the Cluster retries.
    this.connection = target.kind === 'cluster' ? createCluster(target, role, { lazyConnect: false }) : redisOptions(config.redisUrl, role);
  }

  async close(): Promise<void> {
    if (!(this.connection instanceof Cluster) || this.connection.status === 'end') return;
    const cluster = this.connection;
    // Never connected (`wait`): nothing to say goodbye to.
    if (cluster.status === 'wait') return cluster.disconnect();
    await cluster.quit().catch(() => cluster.disconnect());
  }
}

function nodeOptions(target: RedisTarget, role: RedisRole): RedisOptions {
  return {
    username: target.username,
    password: target.password,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    connectTimeout: 5000,
  };
}
