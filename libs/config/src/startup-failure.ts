import { parseRedisUrl } from './redis-url';
import { ConfigError, TidingsConfig } from './tidings-config';

/** Which entry point failed: it decides which port setting a busy port belongs to. */
export type StartingProcess = 'api' | 'worker' | 'tidings' | 'cli';

interface SystemErrorLike {
  code?: string;
  syscall?: string;
  address?: string;
  hostname?: string;
  port?: number;
  severity?: string;
  message?: string;
  errors?: SystemErrorLike[];
}

/**
 * The one line a process prints when it cannot start: the cause as Node or
 * Postgres gave it, preceded by the setting to fix (DATABASE_URL, DATABASE_DIRECT_URL,
 * REDIS_URL, PORT, WORKER_PORT) and where it points. A newcomer reading
 * `connect ECONNREFUSED 127.0.0.1:3199` alone cannot tell which service that is.
 * URLs are shown as host:port only, never with their password.
 */
export function describeStartupFailure(error: unknown, config: TidingsConfig | undefined, process: StartingProcess): string {
  if (error instanceof ConfigError) return error.message;
  const e = (error ?? {}) as SystemErrorLike;
  // Node reports a refused `localhost` (tried on ::1 and 127.0.0.1) as an AggregateError with an empty message.
  const first = e.errors?.[0] ?? e;
  const detail = String(e.message || (e.errors ?? []).map((inner) => inner.message).join('; ') || error);
  if (!config) return detail;

  if (e.syscall === 'listen' || first.syscall === 'listen') {
    const port = first.port ?? e.port;
    // `npm start` listens on PORT only: its worker shares the api's port.
    const setting = process === 'worker' ? 'WORKER_PORT' : 'PORT';
    const why = (first.code ?? e.code) === 'EADDRINUSE' ? 'is already in use' : 'cannot be opened';
    return `Port ${port} ${why}: set ${setting} to a free port (${detail})`;
  }

  const database = endpoint(config.databaseUrl, 5432);
  const redis = redisEndpoint(config.redisUrl);
  if (e.severity || first.severity) return `Postgres at ${database.label} refused the connection: ${detail}. Check DATABASE_URL`;
  const port = first.port ?? e.port;
  const host = first.hostname ?? e.hostname;
  const points = (target: Endpoint) => (port !== undefined && port === target.port) || (host !== undefined && host === target.host);
  if (points(redis) && !points(database)) return `Cannot reach Redis at ${redis.label}: ${detail}. Check REDIS_URL (is Redis running?)`;
  // Through a pool, migrations and LISTEN go to DATABASE_DIRECT_URL: often the same host as the pool, on another port.
  const direct = endpoint(config.databaseDirectUrl, 5432);
  if (port !== undefined && port === direct.port && port !== database.port) {
    return `Cannot reach Postgres at ${direct.label}: ${detail}. Check DATABASE_DIRECT_URL (is Postgres running?)`;
  }
  if (points(database)) return `Cannot reach Postgres at ${database.label}: ${detail}. Check DATABASE_URL (is Postgres running?)`;
  return detail;
}

interface Endpoint {
  host: string;
  port: number;
  label: string;
}

function endpoint(url: string, defaultPort: number): Endpoint {
  const parsed = new URL(url);
  const port = Number(parsed.port || defaultPort);
  const database = parsed.pathname.length > 1 ? parsed.pathname : '';
  return { host: parsed.hostname, port, label: `${parsed.hostname}:${port}${database}` };
}

/** Where REDIS_URL points; for Sentinel or Cluster, the first Sentinel or seed node (the one a refused connection most likely names). */
function redisEndpoint(url: string): Endpoint {
  const target = parseRedisUrl(url);
  if (target.kind === 'server') return endpoint(url, 6379);
  if (target.kind === 'cluster') {
    const [first] = target.nodes;
    return { host: first.host, port: first.port, label: `Cluster node ${first.host}:${first.port}` };
  }
  const [first] = target.sentinels;
  return { host: first.host, port: first.port, label: `Sentinel ${first.host}:${first.port} (primary ${target.name})` };
}
