import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

const run = promisify(execFile);

describe('auth, api keys, health', () => {
  let t: Harness;

  beforeAll(async () => {
    t = await startTidings({ worker: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('401 without or with a bad key, 403 with the wrong scope', async () => {
    expect((await t.http('GET', '/v1/webhooks', undefined, { key: null })).status).toBe(401);
    const bad = await t.http('GET', '/v1/webhooks', undefined, { key: 'tid_nope' });
    expect(bad).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    const malformed = await t.http('GET', '/v1/webhooks', undefined, { headers: { authorization: 'Basic abc' }, key: null });
    expect(malformed.status).toBe(401);

    const writer = await t.http('POST', '/v1/api-keys', { name: 'writer', scopes: ['events:write'] });
    expect(writer.status).toBe(201);
    expect(writer.body.key).toMatch(/^tid_/);
    const key = writer.body.key;
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key })).status).toBe(201);
    expect((await t.http('GET', '/v1/event-types', undefined, { key })).status).toBe(200);
    const forbidden = await t.http('GET', '/v1/webhooks', undefined, { key });
    expect(forbidden).toMatchObject({ status: 403, body: { error: 'forbidden' } });

    const analytics = (await t.http('POST', '/v1/api-keys', { name: 'fe', scopes: ['analytics:write'] })).body.key;
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key: analytics })).status).toBe(403);
  });

  it('stores only hashes, lists keys without them, and revocation takes effect', async () => {
    const created = await t.http('POST', '/v1/api-keys', { name: 'temp', scopes: ['admin'] });
    const [row] = await t.db.query(`SELECT hash, prefix FROM api_keys WHERE id = $1`, [created.body.id]);
    expect(row.hash).not.toContain(created.body.key);
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    const list = await t.http('GET', '/v1/api-keys');
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body.data.find((k: any) => k.id === created.body.id)).toMatchObject({ name: 'temp', scopes: ['admin'], revoked_at: null });

    expect((await t.http('GET', '/v1/webhooks', undefined, { key: created.body.key })).status).toBe(200);
    expect((await t.http('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await t.http('GET', '/v1/webhooks', undefined, { key: created.body.key })).status).toBe(401);

    const invalid = await t.http('POST', '/v1/api-keys', { name: 'x', scopes: ['root'] });
    expect(invalid).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
  });

  it('the CLI mints a key that the api accepts', async () => {
    const cli = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
    const { stdout } = await run(process.execPath, [cli, 'api-keys', 'create', '--name', 'from-cli', '--scope', 'events:write'], {
      env: { ...process.env, ...t.env },
    });
    const key = stdout.trim();
    expect(key).toMatch(/^tid_/);
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key })).status).toBe(201);
    await expect(run(process.execPath, [cli, 'api-keys', 'create', '--name', 'x', '--scope', 'root'], { env: { ...process.env, ...t.env } })).rejects.toMatchObject({ code: 1 });
  });

  it('health is public; ready reports Postgres and Redis; /docs serves the OpenAPI document', async () => {
    expect((await t.http('GET', '/health/live', undefined, { key: null })).body).toEqual({ status: 'ok' });
    const ready = await t.http('GET', '/health/ready', undefined, { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({ postgres: { status: 'up' }, redis: { reachable: true } });
    const doc = await t.http('GET', '/docs/openapi.json', undefined, { key: null });
    expect(doc.status).toBe(200);
    for (const path of ['/v1/events', '/v1/events/batch', '/v1/webhooks/{id}/recover', '/v1/deliveries/{id}/replay', '/v1/api-keys']) {
      expect(doc.body.paths).toHaveProperty([path]);
    }
  });

  it('refuses a bad configuration at start with a message naming the variable', async () => {
    const api = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');
    const failure = await run(process.execPath, [api], { env: { ...process.env, ...t.env, WEBHOOK_TIMEOUT_MS: 'soon', PORT: '70000' } }).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/WEBHOOK_TIMEOUT_MS/);
    expect(failure.stderr).toMatch(/PORT/);
  });
});
