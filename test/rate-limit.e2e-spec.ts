import { parseConfig } from '@tidings/config';
import { searchPathOption } from '@tidings/database';
import { Client } from 'pg';
import { ApiReplicas, startApiReplicas, TidingsProcess } from './support/fault-rig';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

describe('rate limiting on ingestion, per API key', () => {
  let t: Harness;

  beforeAll(async () => {
    t = await startTidings({ worker: false, env: { INGEST_RATE_LIMIT: '5/2s' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers 429 with Retry-After past the limit before reading the body, counts each key alone, and leaves other routes alone', async () => {
    const a = (await t.http('POST', '/v1/api-keys', { name: 'a', scopes: ['events:write'] })).body.key;
    const b = (await t.http('POST', '/v1/api-keys', { name: 'b', scopes: ['events:write'] })).body.key;
    for (let i = 0; i < 5; i++) expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key: a })).status).toBe(201);

    const limited = await t.http('POST', '/v1/events', pipelineRunEvent(), { key: a });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'rate_limited' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect((await t.http('POST', '/v1/events/batch', [pipelineRunEvent()], { key: a })).status).toBe(429);
    expect((await t.http('POST', '/api/v1/lineage', {}, { key: a })).status).toBe(429);
    // Refused before its body is read: not parsed, so not a 400 for the broken JSON.
    const unread = await t.http('POST', '/v1/events', '{"type": broken', { key: a });
    expect([unread.status, unread.body?.error]).toEqual([429, 'rate_limited']);

    // Another key has its own budget; reads are not ingestion.
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key: b })).status).toBe(201);
    expect((await t.http('GET', '/v1/event-types', undefined, { key: a })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key: a })).status).toBe(201);
  });
});

describe('rate limiting on ingestion across api replicas', () => {
  let replicas: ApiReplicas;
  let env: Record<string, string>;
  let apis: TidingsProcess[];

  beforeAll(async () => {
    // A window long enough that a slow machine cannot let it roll over between the requests below.
    replicas = await startApiReplicas(2, { INGEST_RATE_LIMIT: '10/60s' });
    ({ env, apis } = replicas);
  }, 120_000);

  afterAll(async () => {
    await replicas?.stop();
  }, 60_000);

  it('admits one INGEST_RATE_LIMIT per key in all, not one per process', async () => {
    const post = async (baseUrl: string, path: string, key: string, body: unknown) => {
      const res = await fetch(baseUrl + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const minted = await fetch(`${apis[0].baseUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.TIDINGS_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'producer', scopes: ['events:write'] }),
    });
    const { key } = (await minted.json()) as { key: string };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) for (const api of apis) statuses.push(await post(api.baseUrl, '/v1/events', key, pipelineRunEvent()));
    // Per process, each would have admitted 8 of its 8.
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });
});

describe('INGEST_DELIVERY_RATE_LIMIT across api replicas', () => {
  let replicas: ApiReplicas;
  let db: Client;

  beforeAll(async () => {
    // The request limit off, so that only deliveries are counted; a window no slow machine lets roll over below.
    replicas = await startApiReplicas(2, { INGEST_RATE_LIMIT: 'off', INGEST_DELIVERY_RATE_LIMIT: '10/60s' });
    db = new Client({ connectionString: replicas.env.DATABASE_URL, options: searchPathOption(parseConfig(replicas.env).databaseSchema) });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await replicas?.stop();
  }, 60_000);

  it('admits one allowance of deliveries per key in all, not one per process, and writes nothing it refuses', async () => {
    const { env, apis } = replicas;
    const post = async (baseUrl: string, path: string, key: string, body: unknown) => {
      const res = await fetch(baseUrl + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    // Two webhooks on every event: each event makes 2 deliveries.
    for (const name of ['one', 'two']) {
      const hook = await post(apis[0].baseUrl, '/v1/webhooks', env.TIDINGS_ADMIN_KEY, { name, url: `https://example.com/${name}`, subscriptions: [{ event_type: '*' }] });
      expect(hook.status).toBe(201);
    }
    const { key } = (await post(apis[0].baseUrl, '/v1/api-keys', env.TIDINGS_ADMIN_KEY, { name: 'producer', scopes: ['events:write'] })).body;
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const api of apis) {
        const { status, body } = await post(api.baseUrl, '/v1/events', key, pipelineRunEvent());
        answers.push(status === 201 ? `201 ${body.deliveries}` : `${status} ${body.error}`);
      }
    }
    // Per process, each would have admitted its 4 events (8 deliveries, within 10).
    expect(answers).toEqual([...Array(5).fill('201 2'), ...Array(3).fill('429 rate_limited')]);
    const [row] = (await db.query(`SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM deliveries)::int AS deliveries`)).rows;
    expect(row).toEqual({ events: 5, deliveries: 10 });
  });
});
