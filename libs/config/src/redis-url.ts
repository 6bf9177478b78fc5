export interface RedisNode {
  host: string;
  port: number;
}

/** Where Redis is, read from REDIS_URL: one server, the Sentinels that know the current primary, or a Cluster's seed nodes. */
export type RedisTarget =
  | { kind: 'server'; host: string; port: number; username?: string; password?: string; db: number; tls: boolean }
  | { kind: 'sentinel'; sentinels: RedisNode[]; name: string; username?: string; password?: string; db: number }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string; tls: boolean };

/**
 * `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS),
 * `redis+sentinel://[user:password@]host:port[,host:port…]/primary-name[/db]`
 * for a primary found through Redis Sentinel (the password is the primary's), or
 * `redis+cluster://[user:password@]host:port[,host:port…]` (`rediss+cluster://`
 * for TLS): seed nodes of a Redis Cluster, which has no databases.
 * Throws a message for a config error when the value is none of these.
 */
export function parseRedisUrl(raw: string): RedisTarget {
  const cluster = /^(rediss?)\+cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/]+?)(\/.*)?$/.exec(raw);
  if (cluster) {
    const [, scheme, user, password, hosts, path] = cluster;
    if (path && path !== '/') throw new Error(`"${raw}": a Redis Cluster has no databases; give only host:port seed nodes`);
    return { kind: 'cluster', nodes: hostPorts(hosts, raw), ...credentials(user, password), tls: scheme === 'rediss' };
  }
  const sentinel = /^redis\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/]+)\/([^/]+)(?:\/(\d+))?\/?$/.exec(raw);
  if (sentinel) {
    const [, user, password, hosts, name, db] = sentinel;
    return {
      kind: 'sentinel',
      sentinels: hostPorts(hosts, raw),
      name: decodeURIComponent(name),
      ...credentials(user, password),
      db: db ? Number(db) : 0,
    };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`"${raw}" must use redis:, rediss:, redis+sentinel: or redis+cluster:`);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    kind: 'server',
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    tls: url.protocol === 'rediss:',
  };
}

/** `host:port,host:port…` of a Sentinel or Cluster URL. */
function hostPorts(list: string, raw: string): RedisNode[] {
  return list.split(',').map((hostPort) => {
    const m = /^([^:,]+):(\d+)$/.exec(hostPort.trim());
    if (!m) throw new Error(`"${hostPort}" in "${raw}" is not host:port`);
    return { host: m[1], port: Number(m[2]) };
  });
}

function credentials(user: string | undefined, password: string | undefined): { username?: string; password?: string } {
  return { username: user ? decodeURIComponent(user) : undefined, password: password ? decodeURIComponent(password) : undefined };
}
