import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ipaddr from 'ipaddr.js';
import { parseDuration } from './duration';
import { parseRedisUrl } from './redis-url';

/** So many per window (INGEST_RATE_LIMIT, INGEST_DELIVERY_RATE_LIMIT). */
export interface Rate {
  readonly limit: number;
  readonly windowMs: number;
}

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Who holds a connection pool: the api, the worker, or the CLI (which needs one connection and a spare). */
export type DatabaseRole = 'api' | 'worker' | 'cli';

/** Pool sizes when DATABASE_POOL_SIZE is unset (README "Connection budget" adds them up). */
export const DEFAULT_POOL_SIZE: { readonly [role in DatabaseRole]: number } = Object.freeze({ api: 5, worker: 10, cli: 2 });

/**
 * The one typed configuration object. Built once from the environment by
 * `parseConfig`; nothing else in the code base reads `process.env`.
 * It is an abstract class so that Nest can inject it by type.
 */
export abstract class TidingsConfig {
  readonly version: string;
  readonly databaseUrl: string;
  /** DATABASE_URL was set. Unset, `npm start` may start an embedded Postgres when nothing answers at the default URL. */
  readonly databaseUrlGiven: boolean;
  /**
   * A session connection straight to Postgres (DATABASE_DIRECT_URL, default DATABASE_URL) for what a transaction
   * pool cannot carry: migrations under their session advisory lock, and the LISTEN connections (docs/pgbouncer.md).
   */
  readonly databaseDirectUrl: string;
  /**
   * How DATABASE_URL pools (DATABASE_POOL_MODE): `session` (Postgres itself, or a session pool) keeps a server
   * connection per client connection; `transaction` (PgBouncer's transaction pooling) may hand each transaction
   * another one, so the pools send no startup options and no named prepared statements.
   */
  readonly databasePoolMode: 'session' | 'transaction';
  /**
   * Connections in each app's pool, by role. The api needs few (registrations
   * arriving together share one statement); `npm start` holds both pools.
   * DATABASE_POOL_SIZE sets the api's and the worker's alike.
   */
  readonly databasePoolSize: { readonly [role in DatabaseRole]: number };
  readonly redisUrl: string;
  /** The Postgres schema every Tidings object lives in (TIDINGS_SCHEMA), so it can share an application's database. */
  readonly databaseSchema: string;
  /** BullMQ key prefix; lets several installations (or test runs) share one Redis. */
  readonly queuePrefix: string;
  readonly port: number;
  /** The worker's own HTTP port (health and metrics); 0 picks a free one. */
  readonly workerPort: number;
  readonly adminKey?: string;
  readonly encryptionKey?: Buffer;
  readonly publicUrl?: string;
  /**
   * Which peers' X-Forwarded-For the api believes for the client address
   * (throttles, logs): Express's `trust proxy` value. Off by default, so a
   * client cannot pick its own address.
   */
  readonly trustProxy: boolean | number | string;
  readonly bodyLimitBytes: number;
  /** Requests per API key to the ingestion endpoints, per window, across every api replica; undefined = unlimited. */
  readonly ingestRateLimit?: Rate;
  /** Most deliveries one batch request may create (fan-out: events × matching webhooks). */
  readonly ingestDeliveryBudget: number;
  /** Deliveries the `/v1/events` routes may create per API key per window, across every api replica; undefined = unlimited. */
  readonly ingestDeliveryRateLimit?: Rate;
  /**
   * How far a producer's `occurred_at` (OpenLineage `eventTime`, observability `event_timestamp`) may lie from this
   * server's clock; undefined = unbounded. Events Tidings records itself are not checked (docs/ingest-limits.md).
   */
  readonly occurredAt: { readonly maxFutureMs?: number; readonly maxPastMs?: number };
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** `json`: one JSON object per line, for machines (the default); `pretty`: one readable line per entry, for a terminal. */
  readonly logFormat: 'json' | 'pretty';
  readonly webhook: {
    readonly timeoutMs: number;
    readonly retryScheduleMs: readonly number[];
    readonly allowedCidrs: readonly Cidr[];
    readonly disableAfterMs: number;
  };
  /** Telemetry is on only while `analyticsUrl` is set and `disabled` is false (see telemetryEnabled). */
  readonly telemetry: {
    readonly disabled: boolean;
    readonly analyticsUrl?: string;
    readonly analyticsApiKey?: string;
  };
  readonly worker: {
    readonly concurrency: number;
    /** Attempts in flight to one endpoint per worker process; the rest wait, so one slow endpoint cannot take every slot. */
    readonly endpointConcurrency: number;
    /** A claim older than this goes back to `pending` (a worker died or Redis lost the job). */
    readonly claimLeaseMs: number;
    /** The relay's safety-net poll; LISTEN/NOTIFY wakes it sooner. */
    readonly relayIntervalMs: number;
    readonly relayBatchSize: number;
    readonly shutdownGraceMs: number;
  };
  readonly retentionDays: number;
  /** Unset: events are kept forever (they are the audit log). */
  readonly eventRetentionDays?: number;
  /** Webhooks per process with their own `webhook_id` label in the per-webhook metrics; the rest count as "other". */
  readonly metricsWebhookLabels: number;
  /** How often the worker runs retention and endpoint-health checks. */
  readonly maintenanceIntervalMs: number;
  /** How often the worker judges expected-run schedules (observability:run:missing / :late). */
  readonly scheduleIntervalMs: number;
  /**
   * Test only (TIDINGS_TEST_CLOCK_FILE): a file holding an ISO time that the
   * schedule evaluation takes as "now", so a test drives the clock of several
   * worker processes. Unset in every real deployment.
   */
  readonly testClockFile?: string;
  /** How far V8 lets the heap grow past what survived the last full GC, in percent; 0 leaves V8's own choice. */
  readonly heapGrowthPercent: number;
}

/** Where Postgres is looked for when DATABASE_URL is unset. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres:postgres@localhost:5432/tidings';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * The secrets docker-compose.yml uses when none are given (TIDINGS_ADMIN_KEY,
 * TIDINGS_ENCRYPTION_KEY): a quick start works, and a production process
 * (NODE_ENV=production, as the image sets) refuses to start with them.
 */
export const EXAMPLE_SECRETS = [
  'change-me-admin-key-0123456789',
  '0000000000000000000000000000000000000000000000000000000000000000',
] as const;

function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')).version;
  } catch {
    try {
      return JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')).version;
    } catch {
      return '0.0.0';
    }
  }
}

/**
 * Validates the environment once. Every problem is collected and reported
 * together, each naming its variable, so a bad deployment fails at start with
 * one clear message rather than at the first request.
 */
export function parseConfig(env: Env): TidingsConfig {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T): T => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    try {
      return parse(raw.trim());
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return fallback;
    }
  };
  // The example secrets docker-compose.yml falls back to are for trying Tidings out, never for production.
  const notAnExample = (raw: string) => {
    if (env.NODE_ENV === 'production' && (EXAMPLE_SECRETS as readonly string[]).includes(raw)) {
      throw new Error('is the example value from docker-compose.yml, refused when NODE_ENV=production; set your own (e.g. openssl rand -hex 32)');
    }
    return raw;
  };
  const int = (min: number, max: number) => (raw: string) => {
    if (!/^\d+$/.test(raw)) throw new Error(`"${raw}" is not a whole number`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`${n} is outside ${min}..${max}`);
    return n;
  };
  const duration = (min: number) => (raw: string) => {
    const ms = parseDuration(raw);
    if (ms < min) throw new Error(`"${raw}" is shorter than the minimum of ${min} ms`);
    return ms;
  };
  const orOff =
    <T>(parse: (raw: string) => T) =>
    (raw: string): T | undefined =>
      raw === 'off' ? undefined : parse(raw);
  const rate = orOff((raw): Rate => {
    const [count, window] = raw.split('/');
    if (!/^\d+$/.test(count ?? '') || Number(count) < 1 || window === undefined) throw new Error(`"${raw}" is not a rate (e.g. 5000/1s, 100/1m, or off)`);
    return { limit: Number(count), windowMs: duration(1)(window) };
  });
  const url = (protocols: string[]) => (raw: string) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error(`"${raw}" is not a URL`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new Error(`"${raw}" must use ${protocols.join(' or ')}`);
    }
    return raw;
  };
  const bool = (raw: string) => {
    const v = raw.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    throw new Error(`"${raw}" is not a boolean (true/false)`);
  };
  const size = (raw: string) => {
    const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw);
    if (!m) throw new Error(`"${raw}" is not a size (e.g. 5mb, 512kb)`);
    const mult = { b: 1, kb: 1024, mb: 1024 * 1024 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
    return Number(m[1]) * mult;
  };

  const timeoutMs = read('WEBHOOK_TIMEOUT_MS', 15_000, int(100, 300_000));
  const concurrency = read('WORKER_CONCURRENCY', 50, int(1, 1000));
  const config = {
    version: packageVersion(),
    databaseUrl: read('DATABASE_URL', DEFAULT_DATABASE_URL, url(['postgres:', 'postgresql:'])),
    databaseUrlGiven: (env.DATABASE_URL ?? '').trim() !== '',
    databaseDirectUrl: read<string | undefined>('DATABASE_DIRECT_URL', undefined, url(['postgres:', 'postgresql:'])),
    databasePoolMode: read('DATABASE_POOL_MODE', 'session' as TidingsConfig['databasePoolMode'], (raw) => {
      if (raw !== 'session' && raw !== 'transaction') throw new Error(`"${raw}" is not one of session, transaction`);
      return raw;
    }),
    databasePoolSize: read('DATABASE_POOL_SIZE', DEFAULT_POOL_SIZE, (raw) => {
      const size = int(1, 500)(raw);
      return Object.freeze({ api: size, worker: size, cli: DEFAULT_POOL_SIZE.cli });
    }),
    redisUrl: read('REDIS_URL', 'redis://localhost:6379', (raw) => (parseRedisUrl(raw), raw)),
    databaseSchema: read('TIDINGS_SCHEMA', 'tidings', (raw) => {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new Error(`"${raw}" is not a plain lower-case Postgres identifier`);
      return raw;
    }),
    queuePrefix: read('QUEUE_PREFIX', 'tidings', (raw) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(raw)) throw new Error(`"${raw}" may hold only letters, digits, ".", "_" and "-"`);
      return raw;
    }),
    port: read('PORT', 3000, int(0, 65535)),
    workerPort: read('WORKER_PORT', 3001, int(0, 65535)),
    adminKey: read<string | undefined>('TIDINGS_ADMIN_KEY', undefined, (raw) => {
      if (raw.length < 16) throw new Error('must be at least 16 characters');
      return notAnExample(raw);
    }),
    encryptionKey: read<Buffer | undefined>('TIDINGS_ENCRYPTION_KEY', undefined, (raw) => parseEncryptionKey(notAnExample(raw))),
    publicUrl: read<string | undefined>('PUBLIC_URL', undefined, url(['http:', 'https:'])),
    trustProxy: read<boolean | number | string>('TRUST_PROXY', false, (raw) => {
      if (/^(false|off|no|0)$/i.test(raw)) return false;
      if (/^(true|on|yes)$/i.test(raw)) return true;
      if (/^\d+$/.test(raw)) return Number(raw);
      const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
      for (const entry of entries) {
        if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) continue;
        try {
          if (entry.includes('/')) ipaddr.parseCIDR(entry);
          else ipaddr.parse(entry);
        } catch {
          throw new Error(`"${entry}" is not an address, a CIDR or one of loopback, linklocal, uniquelocal (or use true, false, or a hop count)`);
        }
      }
      return entries.join(', ');
    }),
    bodyLimitBytes: read('BODY_LIMIT', 5 * 1024 * 1024, size),
    ingestDeliveryBudget: read('INGEST_DELIVERY_BUDGET', 10_000, int(1, 10_000_000)),
    ingestRateLimit: read<Rate | undefined>('INGEST_RATE_LIMIT', { limit: 5000, windowMs: 1000 }, rate),
    ingestDeliveryRateLimit: read<Rate | undefined>('INGEST_DELIVERY_RATE_LIMIT', { limit: 100_000, windowMs: 60_000 }, rate),
    occurredAt: {
      maxFutureMs: read<number | undefined>('OCCURRED_AT_MAX_FUTURE', 5 * 60_000, orOff(duration(0))),
      maxPastMs: read<number | undefined>('OCCURRED_AT_MAX_PAST', 3650 * 86_400_000, orOff(duration(0))),
    },
    logLevel: read('LOG_LEVEL', 'log' as TidingsConfig['logLevel'], (raw) => {
      const levels = ['error', 'warn', 'log', 'debug', 'verbose'];
      if (!levels.includes(raw)) throw new Error(`"${raw}" is not one of ${levels.join(', ')}`);
      return raw as TidingsConfig['logLevel'];
    }),
    logFormat: read('LOG_FORMAT', 'json' as TidingsConfig['logFormat'], (raw) => {
      if (raw !== 'json' && raw !== 'pretty') throw new Error(`"${raw}" is not one of json, pretty`);
      return raw;
    }),
    webhook: {
      timeoutMs,
      retryScheduleMs: read('WEBHOOK_RETRY_SCHEDULE', [0, 5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6], (raw) => {
        const steps = raw.split(',').map((step) => parseDuration(step));
        if (steps.length < 1 || steps.length > 50) throw new Error('must list 1 to 50 steps');
        return steps;
      }),
      allowedCidrs: read('WEBHOOK_ALLOWED_CIDRS', [] as Cidr[], (raw) =>
        raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((cidr) => {
            try {
              return ipaddr.parseCIDR(cidr) as Cidr;
            } catch {
              throw new Error(`"${cidr}" is not a CIDR (e.g. 10.0.0.0/8, 127.0.0.1/32, ::1/128)`);
            }
          }),
      ),
      disableAfterMs: read('WEBHOOK_DISABLE_AFTER', 5 * 86_400_000, duration(1000)),
    },
    telemetry: {
      disabled: read('TELEMETRY_DISABLED', false, bool),
      analyticsUrl: read<string | undefined>('ANALYTICS_URL', undefined, url(['http:', 'https:'])),
      analyticsApiKey: read<string | undefined>('ANALYTICS_API_KEY', undefined, (raw) => raw),
    },
    worker: {
      concurrency,
      endpointConcurrency: read('WEBHOOK_ENDPOINT_CONCURRENCY', Math.max(1, Math.floor(concurrency / 4)), int(1, 1000)),
      claimLeaseMs: read('DELIVERY_CLAIM_LEASE', Math.max(60_000, timeoutMs * 2), duration(1000)),
      relayIntervalMs: read('RELAY_INTERVAL', 1000, duration(10)),
      relayBatchSize: read('RELAY_BATCH_SIZE', 500, int(1, 10_000)),
      shutdownGraceMs: read('SHUTDOWN_GRACE', timeoutMs + 5000, duration(0)),
    },
    retentionDays: read('RETENTION_DAYS', 30, int(1, 36500)),
    eventRetentionDays: read<number | undefined>('EVENT_RETENTION_DAYS', undefined, int(1, 36500)),
    metricsWebhookLabels: read('METRICS_WEBHOOK_LABELS', 100, int(0, 10_000)),
    maintenanceIntervalMs: read('MAINTENANCE_INTERVAL', 60_000, duration(100)),
    scheduleIntervalMs: read('SCHEDULE_INTERVAL', 15_000, duration(100)),
    testClockFile: read<string | undefined>('TIDINGS_TEST_CLOCK_FILE', undefined, (raw) => raw),
    heapGrowthPercent: read('HEAP_GROWTH_PERCENT', 50, int(0, 1000)),
  };
  if (config.databasePoolMode === 'transaction' && config.databaseDirectUrl === undefined) {
    problems.push('DATABASE_DIRECT_URL: must be set when DATABASE_POOL_MODE=transaction (migrations and LISTEN need a session connection to Postgres itself)');
  }
  if (config.worker.claimLeaseMs <= timeoutMs) {
    problems.push(`DELIVERY_CLAIM_LEASE: must be longer than WEBHOOK_TIMEOUT_MS (${timeoutMs} ms)`);
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(Object.setPrototypeOf({ ...config, databaseDirectUrl: config.databaseDirectUrl ?? config.databaseUrl }, TidingsConfig.prototype)) as TidingsConfig;
}

/** The same configuration on another database, reached directly: the embedded Postgres `npm start` started. */
export function withDatabaseUrl(config: TidingsConfig, databaseUrl: string): TidingsConfig {
  return Object.freeze(Object.setPrototypeOf({ ...config, databaseUrl, databaseDirectUrl: databaseUrl }, TidingsConfig.prototype)) as TidingsConfig;
}

function parseEncryptionKey(raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new Error('must be 32 bytes, given as 64 hex characters or base64');
  return key;
}
