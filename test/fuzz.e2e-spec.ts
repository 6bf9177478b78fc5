import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pipelineRunEvent } from './support/fixtures';
import { leaves, prng, randomValue, setAt, wrongTypes } from './support/fuzz-values';
import { Harness, startTidings } from './support/tidings-harness';

/** One request the fuzzer sends: raw bytes and the headers that describe them. */
interface FuzzCase {
  label: string;
  body: string | Buffer;
  headers: Record<string, string>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

interface Template {
  body: Record<string, unknown>;
  /** Top-level fields whose absence is an error. */
  required: string[];
}

/** Valid bodies per route (path pattern → template); routes without one get the generic cases only. */
function templates(receiverUrl: string): Record<string, Template> {
  const subscription = { event_type: 'project:one-off-job:*', project_uuid: randomUUID() };
  return {
    'POST /v1/events': { body: pipelineRunEvent(), required: ['type', 'project', 'job', 'pipeline_run'] },
    'POST /v1/events/batch': { body: { events: [pipelineRunEvent()] }, required: ['events'] },
    'POST /v1/webhooks': {
      body: { name: 'fuzz', url: receiverUrl, content_type: 'application/json', verify_tls: true, ordered: true, headers: { 'x-a': 'b' }, subscriptions: [subscription] },
      required: ['name', 'url', 'subscriptions'],
    },
    'PATCH /v1/webhooks/{id}': { body: { name: 'renamed', verify_tls: false, ordered: false, enabled: true, headers: { 'x-a': 'b' } }, required: [] },
    'PUT /v1/webhooks/{id}/subscriptions': { body: { subscriptions: [subscription] }, required: ['subscriptions'] },
    'POST /v1/webhooks/test': { body: { url: receiverUrl, verify_tls: true }, required: ['url'] },
    'POST /v1/webhooks/{id}/rotate-secret': { body: { secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` }, required: [] },
    'POST /v1/webhooks/{id}/recover': { body: { since: '2026-01-01T00:00:00Z', until: '2026-12-01T00:00:00Z' }, required: ['since'] },
    'POST /v1/api-keys': { body: { name: 'fuzz', scopes: ['events:write'] }, required: ['name', 'scopes'] },
  };
}

/** Seeded random bodies: garbage bytes, and objects whose keys are all unknown to every endpoint. */
function randomCases(seed: number, count: number): FuzzCase[] {
  const rand = prng(seed);
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
      cases.push({ label: `random bytes #${i}`, body: Buffer.concat([Buffer.from('{'), bytes]), headers: JSON_HEADERS });
    } else {
      const body = Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, k) => [`zz_${k}_${Math.floor(rand() * 1e6)}`, randomValue(rand)]));
      cases.push(json(`random object #${i}`, body));
    }
  }
  return cases;
}

function json(label: string, value: unknown): FuzzCase {
  return { label, body: JSON.stringify(value), headers: JSON_HEADERS };
}

function casesFor(spec: Template | undefined): FuzzCase[] {
  const template = spec?.body;
  const deepArray = '['.repeat(5000) + ']'.repeat(5000);
  let deepObject: unknown = { leaf: 1 };
  for (let i = 0; i < 200; i++) deepObject = { a: deepObject };
  const cases: FuzzCase[] = [
    ...['{', '{"a":', '[1,2', 'nul', '{"a" 1}', "{'a':1}", '{"a":1,}', '\u0000', '{"a":"\\x"}', '{"a":01}', '--', ']'].map((body) => ({ label: `invalid JSON ${body}`, body, headers: JSON_HEADERS })),
    ...['1', '"text"', 'true', 'null', '[]', '[[]]', '[null]', '0.5'].map((body) => ({ label: `top-level ${body}`, body, headers: JSON_HEADERS })),
    { label: 'deep array', body: deepArray, headers: JSON_HEADERS },
    json('deep object', deepObject),
    { label: '__proto__ key', body: '{"__proto__":{"isAdmin":true},"name":"x"}', headers: JSON_HEADERS },
    { label: 'nested __proto__', body: `{"a":{"b":{"__proto__":{"polluted":1}}}}`, headers: JSON_HEADERS },
    json('constructor.prototype', { constructor: { prototype: { polluted: 1 } } }),
    { label: 'text/plain', body: JSON.stringify(template ?? { a: 1 }), headers: { 'content-type': 'text/plain' } },
    { label: 'form', body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { label: 'multipart', body: '--x\r\n\r\nhi\r\n--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' } },
    { label: 'no content type', body: JSON.stringify(template ?? { a: 1 }), headers: {} },
    { label: 'truncated gzip', body: gzipSync(JSON.stringify(template ?? { a: 1 })).subarray(0, 15), headers: { ...JSON_HEADERS, 'content-encoding': 'gzip' } },
    { label: 'gzip header, plain body', body: JSON.stringify(template ?? { a: 1 }), headers: { ...JSON_HEADERS, 'content-encoding': 'gzip' } },
    { label: 'unknown encoding', body: 'xyz', headers: { ...JSON_HEADERS, 'content-encoding': 'compress' } },
    { label: 'over the size cap', body: JSON.stringify({ blob: 'x'.repeat(6 * 1024 * 1024) }), headers: JSON_HEADERS },
    { label: 'gzip bomb', body: gzipSync(Buffer.concat([Buffer.from('{"blob":"'), Buffer.alloc(64 * 1024 * 1024, 97), Buffer.from('"}')])), headers: { ...JSON_HEADERS, 'content-encoding': 'gzip' } },
  ];
  if (!spec || !template) return cases;
  cases.push(json('extra field', { ...template, unexpected_field: 1 }));
  for (const { path, value } of leaves(template)) {
    const where = path.join('.');
    for (const wrong of wrongTypes(value)) cases.push(json(`${where} = ${JSON.stringify(wrong)}`, setAt(template, path, wrong)));
    if (typeof value === 'string') {
      cases.push(json(`${where} with NUL`, setAt(template, path, `${value}\u0000`)));
      cases.push(json(`${where} huge`, setAt(template, path, 'x'.repeat(200_000))));
      cases.push(json(`${where} with __proto__ sibling`, setAt(setAt(template, path, value) as object, [...path.slice(0, -1), '__proto__'], { x: 1 })));
    }
    if (path.length > 0) cases.push(json(`${where} extra sibling`, setAt(template, [...path.slice(0, -1), 'zz_unexpected'], 'x')));
  }
  for (const key of spec.required) cases.push(json(`missing ${key}`, setAt(template, [key], undefined)));
  return cases;
}

describe('fuzz: every write endpoint refuses bad input with a 4xx and writes nothing', () => {
  let t: Harness;

  beforeAll(async () => {
    t = await startTidings({ worker: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** A checksum of every table, to prove nothing was written. */
  async function snapshot(): Promise<Record<string, string>> {
    const tables: { table_name: string }[] = await t.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'migrations'`,
    );
    // Never vacuous: the tables must be found where the app keeps them.
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['events', 'deliveries', 'delivery_attempts', 'subscribers']));
    const sums: Record<string, string> = {};
    for (const { table_name } of tables) {
      // api_keys.last_used_at moves on use (at most once a minute), not on writes: left out of the checksum.
      const [row] = await t.db.query(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg((to_jsonb(x) - 'last_used_at')::text, '|' ORDER BY (to_jsonb(x) - 'last_used_at')::text), '')) AS sum FROM ${table_name} x`,
      );
      sums[table_name] = `${row.n}:${row.sum}`;
    }
    return sums;
  }

  it('sends at least 1,000 generated bad bodies; every answer is a 4xx with the error shape', async () => {
    const receiverUrl = 'http://127.0.0.1:9/unused';
    const webhook = await t.http('POST', '/v1/webhooks', { name: 'target', url: receiverUrl, subscriptions: [{ event_type: '*' }] });
    expect(webhook.status).toBe(201);
    const doc = await t.http('GET', '/docs/openapi.json');
    const routes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'put', 'patch'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(expect.arrayContaining(['POST /v1/events', 'POST /v1/events/batch', 'POST /v1/webhooks', 'POST /v1/api-keys']));

    const before = await snapshot();
    const bodies = templates(receiverUrl);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const route of routes) {
      const [method, pattern] = route.split(' ');
      // Ids: the real webhook where the body is validated against it; a random (absent) id elsewhere.
      const usesWebhook = /^\/v1\/webhooks\/\{id\}(\/(subscriptions|rotate-secret|recover))?$/.test(pattern);
      const path = pattern.replace(/\{[^}]+\}/g, usesWebhook ? webhook.body.id : randomUUID());
      for (const c of [...casesFor(bodies[route]), ...randomCases(routes.indexOf(route) + 1, 40)]) {
        const res = await fetch(t.baseUrl + path, {
          method,
          headers: { authorization: `Bearer ${t.adminKey}`, ...c.headers },
          body: c.body,
        });
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        let shape = false;
        try {
          const parsed = JSON.parse(text);
          shape = typeof parsed.error === 'string' && typeof parsed.message === 'string';
        } catch {
          shape = false;
        }
        // A batch answers 200 with a summary by contract; refusing every event in it is still "nothing written".
        const refusedBatch = /\/batch$/.test(pattern) && res.status === 200 && /"status":"failure"/.test(text) && /"successful":0/.test(text);
        if (!refusedBatch && (res.status < 400 || res.status >= 500 || !shape)) failures.push(`${route} [${c.label}] → ${res.status} ${text.slice(0, 160)}`);
      }
    }
    process.stderr.write(`FUZZ: ${sent} bodies to ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(await snapshot()).toEqual(before);
  }, 240_000);

  it('the api still works after the fuzzing', async () => {
    expect((await t.http('POST', '/v1/events', pipelineRunEvent())).status).toBe(201);
  });
});
