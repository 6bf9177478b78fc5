import { INestApplication } from '@nestjs/common';
import { parseConfig, TidingsConfig } from '@tidings/config';
import { clearQueuePrefix, createTestDatabase, TEMPLATE_ENV, TEST_REDIS_URL, TestDatabase } from '@tidings/testing';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app';

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Harness {
  config: TidingsConfig;
  env: Record<string, string>;
  database: TestDatabase;
  adminKey: string;
  baseUrl: string;
  api: INestApplication;
  worker?: INestApplication;
  /** The api's DataSource: for transactions in-process callers make, and for assertions. */
  db: DataSource;
  http<T = any>(method: string, path: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string> }): Promise<HttpResult<T>>;
  startWorker(): Promise<INestApplication>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** The environment a test run uses: its own database and queue prefix, a short retry schedule, loopback allowed. */
export function testEnv(database: TestDatabase, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    // Named after the run's template, so that global teardown removes whatever keys a test leaves.
    QUEUE_PREFIX: `${process.env[TEMPLATE_ENV] ?? 'tidings_test'}_${randomBytes(4).toString('hex')}`,
    TIDINGS_ADMIN_KEY: `admin_${randomBytes(16).toString('hex')}`,
    WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,::1/128',
    WEBHOOK_RETRY_SCHEDULE: '0,300ms,300ms,300ms',
    WEBHOOK_TIMEOUT_MS: '2000',
    DELIVERY_CLAIM_LEASE: '5s',
    RELAY_INTERVAL: '200ms',
    DATABASE_POOL_SIZE: '5',
    LOG_LEVEL: 'error',
    WORKER_PORT: '0',
    PORT: '0',
    ...overrides,
  };
}

/** Starts the api (listening on a free port) and, unless told not to, a worker, in this process. */
export async function startTidings(options: { env?: Record<string, string>; worker?: boolean; database?: TestDatabase } = {}): Promise<Harness> {
  const database = options.database ?? (await createTestDatabase());
  const env = testEnv(database, options.env);
  const config = parseConfig(env);
  const api = await createApiApp(config);
  await api.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;

  const harness: Harness = {
    config,
    env,
    database,
    adminKey: env.TIDINGS_ADMIN_KEY,
    baseUrl,
    api,
    db: api.get(DataSource),
    async http(method, path, body, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const key = opts.key === undefined ? harness.adminKey : opts.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    async startWorker() {
      harness.worker = await createWorkerApp(config);
      return harness.worker;
    },
    async stopWorker() {
      await harness.worker?.close();
      harness.worker = undefined;
    },
    async stop() {
      await harness.stopWorker();
      await api.close();
      await clearQueuePrefix(config.queuePrefix);
      await database.drop();
    },
  };
  if (options.worker !== false) await harness.startWorker();
  return harness;
}
