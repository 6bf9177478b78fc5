/** Where Redis is, read from REDIS_URL: one server, or the Sentinels that know the current primary. */
export type RedisTarget =
  | { kind: 'server'; host: string; port: number; username?: string; password?: string; db: number; tls: boolean }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string; username?: string; password?: string; db: number };

/**
 * `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS), or
 * `redis+sentinel://[user:password@]host:port[,host:port…]/primary-name[/db]`
 * for a primary found through Redis Sentinel (the password is the primary's).
 * Throws a message for a config error when the value is neither.
 */
export function parseRedisUrl(raw: string): RedisTarget {
  const sentinel = /^redis\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/]+)\/([^/]+)(?:\/(\d+))?\/?$/.exec(raw);
  if (sentinel) {
    const [, user, password, hosts, name, db] = sentinel;
    const sentinels = hosts.split(',').map((hostPort) => {
      const m = /^([^:,]+):(\d+)$/.exec(hostPort.trim());
      if (!m) throw new Error(`"${hostPort}" in "${raw}" is not host:port`);
      return { host: m[1], port: Number(m[2]) };
    });
    return {
      kind: 'sentinel',
      sentinels,
      name: decodeURIComponent(name),
      username: user ? decodeURIComponent(user) : undefined,
      password: password ? decodeURIComponent(password) : undefined,
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
    throw new Error(`"${raw}" must use redis:, rediss: or redis+sentinel:`);
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
