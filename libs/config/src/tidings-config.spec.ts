import { randomBytes } from 'node:crypto';
import * as ipaddr from 'ipaddr.js';
import { formatDuration, parseDuration } from './duration';
import { ConfigError, EXAMPLE_SECRETS, parseConfig, TidingsConfig, withDatabaseUrl } from './tidings-config';

/** The ConfigError thrown by `parseConfig(env)`; fails the test if it does not throw one. */
function configErrorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5 * SECOND],
    ['5m', 5 * MINUTE],
    ['2h', 2 * HOUR],
    ['5d', 5 * DAY],
    ['250', 250],
    ['0', 0],
    ['1.5s', 1500],
    [' 30m ', 30 * MINUTE],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5x', 's', '-5s', '5 minutes', '1e3', '5s5'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });

  it('formats durations in the largest whole unit, which parseDuration reads back', () => {
    expect(formatDuration(5 * MINUTE)).toBe('5m');
    expect(formatDuration(2 * HOUR)).toBe('2h');
    expect(formatDuration(90 * SECOND)).toBe('90s');
    expect(formatDuration(1500)).toBe('1500ms');
    expect(formatDuration(0)).toBe('0ms');
    for (const ms of [0, 1, 999, 1500, 5 * SECOND, 90 * SECOND, 5 * MINUTE, 36 * HOUR, 5 * DAY]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config).toBeInstanceOf(TidingsConfig);
    expect(config.databaseUrl).toBe('postgres://postgres:postgres@localhost:5432/tidings');
    expect(config.databaseUrlGiven).toBe(false); // `npm start` may start an embedded Postgres
    expect(config.redisUrl).toBe('redis://localhost:6379');
    expect(config.port).toBe(3000);
    expect(config.adminKey).toBeUndefined();
    expect(config.encryptionKey).toBeUndefined();
    expect(config.publicUrl).toBeUndefined();
    expect(config.bodyLimitBytes).toBe(5 * 1024 * 1024);
    // DESIGN §6: 15 s timeout; immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; disable after 5 days.
    expect(config.webhook.timeoutMs).toBe(15 * SECOND);
    expect(config.webhook.retryScheduleMs).toEqual([0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
    expect(config.webhook.allowedCidrs).toEqual([]);
    expect(config.webhook.disableAfterMs).toBe(5 * DAY);
    expect(config.telemetry.disabled).toBe(false);
    expect(config.worker.claimLeaseMs).toBeGreaterThan(config.webhook.timeoutMs);
    expect(config.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('treats blank values as unset', () => {
    const config = parseConfig({ PORT: '', WEBHOOK_TIMEOUT_MS: '   ', TIDINGS_ENCRYPTION_KEY: '' });
    expect(config.port).toBe(3000);
    expect(config.webhook.timeoutMs).toBe(15 * SECOND);
    expect(config.encryptionKey).toBeUndefined();
  });

  it('reads the values it is given', () => {
    const config = parseConfig({
      DATABASE_URL: 'postgresql://u:p@db:5433/other',
      REDIS_URL: 'rediss://cache:6380',
      PORT: '8080',
      PUBLIC_URL: 'https://tidings.example.com',
      WEBHOOK_TIMEOUT_MS: '2500',
      WEBHOOK_RETRY_SCHEDULE: '0, 500ms ,1m',
      WEBHOOK_DISABLE_AFTER: '3d',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8, ::1/128',
      TELEMETRY_DISABLED: 'yes',
      BODY_LIMIT: '512kb',
    });
    expect(config.databaseUrl).toBe('postgresql://u:p@db:5433/other');
    expect(config.databaseUrlGiven).toBe(true);
    const embedded = withDatabaseUrl(config, 'postgres://postgres:postgres@localhost:5499/tidings');
    expect(embedded).toBeInstanceOf(TidingsConfig);
    expect(embedded).toMatchObject({ databaseUrl: 'postgres://postgres:postgres@localhost:5499/tidings', port: 8080, redisUrl: 'rediss://cache:6380' });
    expect(config.redisUrl).toBe('rediss://cache:6380');
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('https://tidings.example.com');
    expect(config.webhook.timeoutMs).toBe(2500);
    expect(config.webhook.retryScheduleMs).toEqual([0, 500, MINUTE]);
    expect(config.webhook.disableAfterMs).toBe(3 * DAY);
    expect(config.webhook.allowedCidrs.map(([ip, bits]) => `${ip.toString()}/${bits}`)).toEqual(['127.0.0.0/8', '::1/128']);
    expect(config.telemetry.disabled).toBe(true);
    expect(config.bodyLimitBytes).toBe(512 * 1024);
  });

  it('reads TIDINGS_SCHEMA (default tidings) and refuses what is not a plain identifier', () => {
    expect(parseConfig({}).databaseSchema).toBe('tidings');
    expect(parseConfig({ TIDINGS_SCHEMA: 'outbox_v2' }).databaseSchema).toBe('outbox_v2');
    for (const bad of ['Tidings', 'a-b', 'x; DROP', '9lives']) {
      expect(() => parseConfig({ TIDINGS_SCHEMA: bad })).toThrow(/TIDINGS_SCHEMA/);
    }
  });

  it('accepts every retry-schedule step form and keeps their order', () => {
    const config = parseConfig({ WEBHOOK_RETRY_SCHEDULE: '0,500ms,5s,5m,2h,5d,250' });
    expect(config.webhook.retryScheduleMs).toEqual([0, 500, 5 * SECOND, 5 * MINUTE, 2 * HOUR, 5 * DAY, 250]);
  });

  it('cannot be changed after it is built', () => {
    const config = parseConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reports every bad value together, each naming its variable', () => {
    const error = configErrorFor({
      WEBHOOK_TIMEOUT_MS: 'abc',
      PORT: '70000',
      WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/99',
      TIDINGS_ENCRYPTION_KEY: randomBytes(16).toString('hex'),
      WEBHOOK_RETRY_SCHEDULE: '0,5x',
    });
    const variables = ['WEBHOOK_TIMEOUT_MS', 'PORT', 'WEBHOOK_ALLOWED_CIDRS', 'TIDINGS_ENCRYPTION_KEY', 'WEBHOOK_RETRY_SCHEDULE'];
    expect(error.problems).toHaveLength(variables.length);
    for (const name of variables) {
      expect(error.problems.filter((p) => p.startsWith(`${name}: `))).toHaveLength(1);
      expect(error.message).toContain(`${name}: `);
    }
    // The offending values are quoted back so an operator sees what was wrong.
    expect(error.message).toContain('"abc"');
    expect(error.message).toContain('70000');
    expect(error.message).toContain('10.0.0.0/99');
    expect(error.message).toContain('5x');
  });

  it.each([
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['WEBHOOK_TIMEOUT_MS', '99'],
    ['WEBHOOK_TIMEOUT_MS', '300001'],
    ['WEBHOOK_TIMEOUT_MS', '5s'],
    ['WEBHOOK_RETRY_SCHEDULE', '0,,5s'],
    ['WEBHOOK_RETRY_SCHEDULE', '0,-5s'],
    ['WEBHOOK_ALLOWED_CIDRS', '10.0.0.0'],
    ['WEBHOOK_ALLOWED_CIDRS', '127.0.0.0/8,not-a-cidr'],
    ['WEBHOOK_ALLOWED_CIDRS', '::1/129'],
    ['WEBHOOK_DISABLE_AFTER', '500ms'],
    ['DATABASE_URL', 'mysql://localhost/tidings'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'redis+cluster://node1:7000/1'],
    ['REDIS_URL', 'redis+cluster://node1'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['TIDINGS_ADMIN_KEY', 'too-short'],
    ['TELEMETRY_DISABLED', 'maybe'],
    ['BODY_LIMIT', '5gb'],
    ['LOG_LEVEL', 'trace'],
    ['LOG_FORMAT', 'text'],
  ])('refuses %s=%j', (name, value) => {
    const error = configErrorFor({ [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('reads HEAP_GROWTH_PERCENT (default 50; 0 leaves V8 its own heuristics) and refuses what is not a percentage', () => {
    expect(parseConfig({}).heapGrowthPercent).toBe(50);
    expect(parseConfig({ HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(parseConfig({ HEAP_GROWTH_PERCENT: '120' }).heapGrowthPercent).toBe(120);
    for (const bad of ['-1', '1001', 'half']) expect(configErrorFor({ HEAP_GROWTH_PERCENT: bad }).problems).toEqual([expect.stringMatching(/^HEAP_GROWTH_PERCENT: /)]);
  });

  describe('DATABASE_POOL_SIZE', () => {
    it('defaults by role: the api needs few connections (group commit), the worker more, the CLI two', () => {
      expect(parseConfig({}).databasePoolSize).toEqual({ api: 5, worker: 10, cli: 2 });
    });

    it('fits the issue\'s deployment (2 api, 3 workers) into the 97 connections a default Postgres leaves, with room to spare', () => {
      const pool = parseConfig({}).databasePoolSize;
      // README "Connection budget": api × (pool + 1 LISTEN) + workers × (pool + 1 LISTEN) + a migration or CLI run.
      const needed = 2 * (pool.api + 1) + 3 * (pool.worker + 1) + pool.cli;
      expect(needed).toBe(47);
      expect(needed).toBeLessThanOrEqual(100 - 3);
    });

    it('overrides the api\'s and the worker\'s pool alike; the CLI keeps its two', () => {
      expect(parseConfig({ DATABASE_POOL_SIZE: '20' }).databasePoolSize).toEqual({ api: 20, worker: 20, cli: 2 });
      expect(parseConfig({ DATABASE_POOL_SIZE: '1' }).databasePoolSize.api).toBe(1);
      expect(Object.isFrozen(parseConfig({ DATABASE_POOL_SIZE: '7' }).databasePoolSize)).toBe(true);
    });

    it.each(['0', '501', 'ten', '5.5'])('refuses %j', (value) => {
      expect(configErrorFor({ DATABASE_POOL_SIZE: value }).problems).toEqual([expect.stringMatching(/^DATABASE_POOL_SIZE: /)]);
    });
  });

  describe('DATABASE_DIRECT_URL and DATABASE_POOL_MODE (docs/pgbouncer.md)', () => {
    const pooled = 'postgres://tidings@pgbouncer:6432/tidings';
    const direct = 'postgres://tidings@postgres:5432/tidings';

    it('default to a session pool, and to DATABASE_URL for the direct connection', () => {
      const config = parseConfig({ DATABASE_URL: pooled });
      expect(config.databasePoolMode).toBe('session');
      expect(config.databaseDirectUrl).toBe(pooled);
      expect(parseConfig({}).databaseDirectUrl).toBe(parseConfig({}).databaseUrl);
    });

    it('read a transaction pool with its direct URL', () => {
      const config = parseConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct, DATABASE_POOL_MODE: 'transaction' });
      expect(config).toMatchObject({ databaseUrl: pooled, databaseDirectUrl: direct, databasePoolMode: 'transaction' });
    });

    it('refuse a transaction pool without a direct URL: migrations and LISTEN need a session', () => {
      expect(configErrorFor({ DATABASE_URL: pooled, DATABASE_POOL_MODE: 'transaction' }).problems).toEqual([
        expect.stringMatching(/^DATABASE_DIRECT_URL: must be set when DATABASE_POOL_MODE=transaction/),
      ]);
    });

    it('refuse an unknown mode and a direct URL that is not Postgres, naming each variable', () => {
      const error = configErrorFor({ DATABASE_POOL_MODE: 'statement', DATABASE_DIRECT_URL: 'http://postgres' });
      expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_DIRECT_URL', 'DATABASE_POOL_MODE']);
    });

    it('point the embedded Postgres\'s configuration at it for both', () => {
      const embedded = withDatabaseUrl(parseConfig({}), 'postgres://postgres@localhost:5499/tidings');
      expect(embedded.databaseDirectUrl).toBe('postgres://postgres@localhost:5499/tidings');
    });
  });

  describe('the ingestion limits', () => {
    it('default to 5000 requests a second and 100,000 deliveries a minute per key, occurred_at within 5 minutes ahead and 10 years behind', () => {
      const config = parseConfig({});
      expect(config.ingestRateLimit).toEqual({ limit: 5000, windowMs: SECOND });
      expect(config.ingestDeliveryRateLimit).toEqual({ limit: 100_000, windowMs: MINUTE });
      expect(config.occurredAt).toEqual({ maxFutureMs: 5 * MINUTE, maxPastMs: 3650 * DAY });
    });

    it('read a rate or a duration, and off for none', () => {
      const config = parseConfig({ INGEST_DELIVERY_RATE_LIMIT: '500/10s', OCCURRED_AT_MAX_FUTURE: '30s', OCCURRED_AT_MAX_PAST: 'off', INGEST_RATE_LIMIT: 'off' });
      expect(config.ingestDeliveryRateLimit).toEqual({ limit: 500, windowMs: 10 * SECOND });
      expect(config.occurredAt).toEqual({ maxFutureMs: 30 * SECOND, maxPastMs: undefined });
      expect(config.ingestRateLimit).toBeUndefined();
      expect(parseConfig({ INGEST_DELIVERY_RATE_LIMIT: 'off', OCCURRED_AT_MAX_FUTURE: 'off' })).toMatchObject({
        ingestDeliveryRateLimit: undefined,
        occurredAt: { maxFutureMs: undefined },
      });
    });

    it('refuse what is neither, naming the variable', () => {
      const error = configErrorFor({ INGEST_DELIVERY_RATE_LIMIT: '0/1m', OCCURRED_AT_MAX_FUTURE: 'soon', OCCURRED_AT_MAX_PAST: '-1d' });
      expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['INGEST_DELIVERY_RATE_LIMIT', 'OCCURRED_AT_MAX_FUTURE', 'OCCURRED_AT_MAX_PAST']);
    });
  });

  it('accepts the PORT bounds 0 and 65535', () => {
    expect(parseConfig({ PORT: '0' }).port).toBe(0);
    expect(parseConfig({ PORT: '65535' }).port).toBe(65535);
  });

  describe('DELIVERY_CLAIM_LEASE', () => {
    it('must be longer than WEBHOOK_TIMEOUT_MS: a claim must outlive the attempt it covers', () => {
      const equal = configErrorFor({ WEBHOOK_TIMEOUT_MS: '30000', DELIVERY_CLAIM_LEASE: '30s' });
      expect(equal.problems).toEqual([expect.stringMatching(/^DELIVERY_CLAIM_LEASE: .*WEBHOOK_TIMEOUT_MS/)]);
      const shorter = configErrorFor({ WEBHOOK_TIMEOUT_MS: '30000', DELIVERY_CLAIM_LEASE: '10s' });
      expect(shorter.problems).toEqual([expect.stringMatching(/^DELIVERY_CLAIM_LEASE: /)]);
      expect(parseConfig({ WEBHOOK_TIMEOUT_MS: '30000', DELIVERY_CLAIM_LEASE: '31s' }).worker.claimLeaseMs).toBe(31 * SECOND);
    });

    it('is compared with the default timeout when WEBHOOK_TIMEOUT_MS is not set', () => {
      expect(configErrorFor({ DELIVERY_CLAIM_LEASE: '15s' }).message).toContain('DELIVERY_CLAIM_LEASE');
      expect(parseConfig({ DELIVERY_CLAIM_LEASE: '16s' }).worker.claimLeaseMs).toBe(16 * SECOND);
    });

    it('defaults to something longer than a long timeout', () => {
      const config = parseConfig({ WEBHOOK_TIMEOUT_MS: '300000' });
      expect(config.worker.claimLeaseMs).toBeGreaterThan(300_000);
    });
  });

  describe('TIDINGS_ENCRYPTION_KEY', () => {
    const key = randomBytes(32);

    it('is read from 64 hex characters', () => {
      expect(parseConfig({ TIDINGS_ENCRYPTION_KEY: key.toString('hex') }).encryptionKey).toEqual(key);
      expect(parseConfig({ TIDINGS_ENCRYPTION_KEY: key.toString('hex').toUpperCase() }).encryptionKey).toEqual(key);
    });

    it('is read from base64 of 32 bytes', () => {
      expect(parseConfig({ TIDINGS_ENCRYPTION_KEY: key.toString('base64') }).encryptionKey).toEqual(key);
    });

    it.each([
      ['16 bytes in hex', randomBytes(16).toString('hex')],
      ['62 hex characters', randomBytes(31).toString('hex')],
      ['31 bytes in base64', randomBytes(31).toString('base64')],
      ['33 bytes in base64', randomBytes(33).toString('base64')],
      ['a passphrase', 'correct horse battery staple'],
    ])('refuses %s', (_, value) => {
      const error = configErrorFor({ TIDINGS_ENCRYPTION_KEY: value });
      expect(error.problems).toEqual([expect.stringMatching(/^TIDINGS_ENCRYPTION_KEY: .*32 bytes/)]);
    });

    it.each(EXAMPLE_SECRETS.map((value) => [value]))('takes the compose example %s only outside production', (value) => {
      const variable = value.startsWith('change-me') ? 'TIDINGS_ADMIN_KEY' : 'TIDINGS_ENCRYPTION_KEY';
      expect(() => parseConfig({ [variable]: value })).not.toThrow();
      expect(() => parseConfig({ [variable]: value, NODE_ENV: 'development' })).not.toThrow();
      const error = configErrorFor({ [variable]: value, NODE_ENV: 'production' });
      expect(error.problems).toEqual([expect.stringMatching(new RegExp(`^${variable}: is the example value from docker-compose.yml`))]);
    });

    it('never echoes the key in the error', () => {
      const secret = randomBytes(20).toString('base64');
      expect(configErrorFor({ TIDINGS_ENCRYPTION_KEY: secret }).message).not.toContain(secret);
    });
  });

  it('parses allowed CIDRs into ranges that match their members only', () => {
    const [[range, bits]] = parseConfig({ WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/8' }).webhook.allowedCidrs;
    expect(ipaddr.parse('10.200.3.4').match(range, bits)).toBe(true);
    expect(ipaddr.parse('11.0.0.1').match(range, bits)).toBe(false);
  });
});
