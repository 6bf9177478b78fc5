import { randomUUID } from 'node:crypto';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, HttpResult, startTidings } from './support/tidings-harness';

/**
 * `POST /v1/events` is served off the HTTP server (apps/api/src/http/direct-route.ts); any other
 * spelling of the route, such as `/v1/events/`, still goes through Express and Nest. Both must
 * answer every request alike: same status, body and headers (bar the ETag Express adds to a 2xx).
 */
describe('POST /v1/events served directly answers as Nest does', () => {
  let t: Harness;
  let writer: string;
  let analyst: string;
  const DIRECT = '/v1/events';
  const NEST = '/v1/events/';

  beforeAll(async () => {
    t = await startTidings({ worker: false, env: { INGEST_RATE_LIMIT: '1000/60s' } });
    writer = (await t.http('POST', '/v1/api-keys', { name: 'writer', scopes: ['events:write'] })).body.key;
    analyst = (await t.http('POST', '/v1/api-keys', { name: 'analyst', scopes: ['analytics:write'] })).body.key;
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** The headers of an answer, but those that differ from one request to the next (and a 2xx's ETag). */
  const headersOf = (res: HttpResult) =>
    Object.fromEntries(
      [...res.headers.entries()].filter(
        ([name]) =>
          !['date', 'x-request-id', 'x-ratelimit-remaining', 'x-ratelimit-reset'].includes(name) &&
          !(res.status < 300 && ['etag', 'content-length'].includes(name)),
      ),
    );

  async function both(body: unknown, options: { key?: string | null; headers?: Record<string, string> } = {}) {
    const direct = await t.http('POST', DIRECT, body, options);
    const nest = await t.http('POST', NEST, body, options);
    return { direct, nest };
  }

  function expectAlike({ direct, nest }: { direct: HttpResult; nest: HttpResult }) {
    expect(direct.status).toBe(nest.status);
    expect(headersOf(direct)).toEqual(headersOf(nest));
    expect(direct.headers.get('x-request-id')).toBeTruthy();
    // The direct route it is: Express would have put an ETag on its 2xx.
    if (direct.status < 300) {
      expect(direct.headers.get('etag')).toBeNull();
      expect(nest.headers.get('etag')).not.toBeNull();
    }
  }

  it('refuses a missing key, a key without events:write, bad JSON, a bad event and a wrong media type alike', async () => {
    const event = pipelineRunEvent();
    for (const [body, options, status] of [
      [event, { key: null }, 401],
      [event, { key: 'tdg_not_a_key' }, 401],
      [event, { key: analyst }, 403],
      ['{"type": ', { key: writer }, 400],
      [{ type: 'project:exploded' }, { key: writer }, 400],
      [{ ...event, colour: 'blue' }, { key: writer }, 400],
      ['type=x', { key: writer, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415],
    ] as const) {
      const answers = await both(body, options);
      expect(answers.direct.status).toBe(status);
      expect(answers.direct.body).toEqual(answers.nest.body);
      expectAlike(answers);
    }
  });

  it('registers, repeats and refuses a conflicting idempotency key alike, with the rate-limit headers and the caller’s request id', async () => {
    const first = pipelineRunEvent();
    const created = await both(first, { key: writer, headers: { 'x-request-id': 'req-direct-1' } });
    expect(created.direct.status).toBe(201);
    expectAlike(created);
    expect(created.direct.headers.get('x-request-id')).toBe('req-direct-1');
    expect(created.direct.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(Object.keys(created.direct.body).sort()).toEqual(Object.keys(created.nest.body).sort());
    expect(created.direct.body).toMatchObject({ type: first.type, deliveries: 0, duplicate: false });

    // One key, each route in turn: the repeat is the original (200), a different body a conflict (409).
    const key = randomUUID();
    const original = await t.http('POST', DIRECT, first, { key: writer, headers: { 'idempotency-key': key } });
    expect(original.status).toBe(201);
    const repeats = await both(first, { key: writer, headers: { 'idempotency-key': key } });
    expect(repeats.direct.status).toBe(200);
    expect(repeats.direct.body).toEqual({ ...original.body, duplicate: true });
    expect(repeats.nest.body).toEqual(repeats.direct.body);
    expectAlike(repeats);
    const conflicts = await both(pipelineRunEvent(), { key: writer, headers: { 'idempotency-key': key } });
    expect(conflicts.direct.status).toBe(409);
    expect(conflicts.direct.body).toEqual(conflicts.nest.body);
    expectAlike(conflicts);
  });
});
