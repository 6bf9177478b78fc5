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

  it('answers 429 with Retry-After past the limit, counts each key alone, and leaves other routes alone', async () => {
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

    // Another key has its own budget; reads are not ingestion.
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key: b })).status).toBe(201);
    expect((await t.http('GET', '/v1/event-types', undefined, { key: a })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key: a })).status).toBe(201);
  });
});
