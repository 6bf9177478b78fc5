import { FakeAnalyticsBackend, FakeWebhookReceiver, waitFor } from '@tidings/testing';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, HttpResult, startTidings } from './support/tidings-harness';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const lineageFixture = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', 'openlineage', name), 'utf8'));

/**
 * The OpenAPI document is a contract (DESIGN §7): real answers of the api,
 * success and error, are validated against the schema the live
 * /docs/openapi.json declares for their operation and status. An answer with
 * a status the document does not declare, or a field it does not describe,
 * fails. The specs together call every operation of the document once at least.
 */
describe('OpenAPI contract: real answers fit the schemas /docs/openapi.json declares', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  let analytics: FakeAnalyticsBackend;
  let doc: any;
  let contract: Contract;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    // Telemetry on, so that the analytics relay answers with the id it recorded.
    analytics = await FakeAnalyticsBackend.start();
    t = await startTidings({ worker: false, env: { ANALYTICS_URL: analytics.url, ANALYTICS_API_KEY: 'phc_contract' } });
    doc = (await t.http('GET', '/docs/openapi.json', undefined, { key: null })).body;
    contract = new Contract(doc, t);
  });

  // Each test answers for its own calls.
  beforeEach(() => contract?.takeProblems());

  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
    await analytics?.stop();
  });

  it('declares, for every operation, a success schema (or 204) and its errors with the one Error schema; keys are bearer API keys', () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        const op = item[method];
        const name = `${method.toUpperCase()} ${path}`;
        const successes = Object.entries<any>(op.responses).filter(([status]) => /^2/.test(status));
        if (!successes.length) problems.push(`${name}: no 2xx response`);
        for (const [status, response] of successes) {
          if (status !== '204' && !Object.values<any>(response.content ?? {})[0]?.schema) problems.push(`${name} ${status}: no schema`);
        }
        for (const [status, response] of Object.entries<any>(op.responses).filter(([s]) => /^[45]/.test(s))) {
          // /health/ready's 503 is Terminus's own report of what is down, not an error body.
          if (name === 'GET /health/ready') continue;
          const schema = response.content?.['application/json']?.schema;
          if (schema?.$ref !== '#/components/schemas/Error') problems.push(`${name} ${status}: not the Error schema`);
        }
        if (op.security?.length) {
          for (const status of ['401', '503']) if (!op.responses[status]) problems.push(`${name}: needs a key but declares no ${status}`);
          if (!op['x-required-scope']) problems.push(`${name}: no x-required-scope`);
        } else if (!Array.isArray(op.security)) {
          problems.push(`${name}: security not stated`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.bearer.bearerFormat).not.toMatch(/jwt/i);
    expect(doc.components.securitySchemes.ServiceAccountAuthenticationKey).toMatchObject({ type: 'apiKey', in: 'header' });
    expect(doc.components.schemas.Error).toMatchObject({ required: ['error', 'message'] });
    // The one place event bodies are described: the registry's oneOf, one closed alternative per platform type.
    expect(doc.components.schemas.EventInput.oneOf).toHaveLength(58);
    for (const alternative of doc.components.schemas.EventInput.oneOf) {
      expect(alternative).toMatchObject({ type: 'object', required: expect.arrayContaining(['type']), additionalProperties: false });
      expect(alternative.properties.type.enum).toEqual([alternative.title]);
    }
    expect(doc.paths['/v1/events'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/EventInput',
    });
  });

  it('webhooks, events and deliveries: every answer of the walk-through and its errors', async () => {
    const c = contract;
    const webhook = await c.call('POST', '/v1/webhooks', {
      body: {
        name: 'ops',
        url: receiver.url('/hooks'),
        headers: { 'x-team': 'data' },
        subscriptions: [{ event_type: 'project:one-off-job:pipeline-run:failed' }],
      },
      expect: 201,
    });
    const id = webhook.body.id;
    await c.call('POST', '/v1/webhooks', { body: { name: 'ops', url: 'ftp://nowhere', subscriptions: [] }, expect: 400 });
    await c.call('GET', '/v1/webhooks', { query: { limit: '1' }, expect: 200 });
    await c.call('GET', '/v1/webhooks/{id}', { path: { id }, expect: 200 });
    await c.call('GET', '/v1/webhooks/{id}', { path: { id: randomUUID() }, expect: 404 });
    await c.call('GET', '/v1/webhooks/{id}', { path: { id: 'not-a-uuid' }, expect: 400 });
    await c.call('PATCH', '/v1/webhooks/{id}', { path: { id }, body: { name: 'ops team' }, expect: 200 });
    await c.call('PUT', '/v1/webhooks/{id}/subscriptions', {
      path: { id },
      body: {
        subscriptions: [
          { event_type: 'project:one-off-job:*', project_uuid: randomUUID() },
          { event_type: 'project:one-off-job:pipeline-run:failed' },
        ],
      },
      expect: 200,
    });
    await c.call('POST', '/v1/webhooks/{id}/test', { path: { id }, expect: 200 });
    const unsaved = await c.call('POST', '/v1/webhooks/test', { body: { url: receiver.url('/unsaved') }, expect: 200 });
    expect(unsaved.body.secret).toMatch(/^whsec_/);
    await c.call('POST', '/v1/webhooks/{id}/rotate-secret', { path: { id }, body: {}, expect: 200 });
    await c.call('POST', '/v1/webhooks/{id}/rotate-secret', { path: { id }, body: { secret: 'short' }, expect: 400 });

    // Worker stopped: the delivery waits, so that it can be cancelled, then replayed.
    const key = `contract-${randomUUID()}`;
    const body = pipelineRunEvent();
    const event = await c.call('POST', '/v1/events', { body, headers: { 'Idempotency-Key': key }, expect: 201 });
    await c.call('POST', '/v1/events', { body, headers: { 'Idempotency-Key': key }, expect: 200 });
    await c.call('POST', '/v1/events', { body: { type: 'project:one-off-job:pipeline-run:failed', project: 'demo' }, expect: 400 });
    await c.call('POST', '/v1/events', { body: 'type=ping', headers: { 'content-type': 'text/plain' }, expect: 415 });
    await c.call('POST', '/v1/events', { body: '{"type": ', expect: 400 });
    const batch = await c.call('POST', '/v1/events/batch', { body: [pipelineRunEvent(), { type: 'no:such:type' }], expect: 200 });
    expect(batch.body).toMatchObject({ status: 'partial_success', summary: { received: 2, successful: 1, failed: 1 } });
    await c.call('POST', '/v1/events/batch', { body: { events: [] }, expect: 400 });
    await c.call('GET', '/v1/events', { query: { type: 'project:*', limit: '2' }, expect: 200 });
    await c.call('GET', '/v1/events/{id}', { path: { id: event.body.id }, expect: 200 });
    await c.call('GET', '/v1/events/{id}', { path: { id: randomUUID() }, expect: 404 });

    const pending = await c.call('GET', '/v1/deliveries', { query: { event_id: event.body.id }, expect: 200 });
    const deliveryId = pending.body.data[0].id;
    await c.call('GET', '/v1/deliveries', { query: { status: 'nonsense' }, expect: 400 });
    await c.call('POST', '/v1/deliveries/{id}/replay', { path: { id: deliveryId }, expect: 409 });
    await c.call('POST', '/v1/deliveries/{id}/cancel', { path: { id: deliveryId }, expect: 200 });
    await c.call('POST', '/v1/deliveries/{id}/cancel', { path: { id: deliveryId }, expect: 409 });
    await c.call('POST', '/v1/deliveries/{id}/replay', { path: { id: deliveryId }, expect: 202 });
    await c.call('POST', '/v1/deliveries/{id}/replay', { path: { id: randomUUID() }, expect: 404 });
    await c.call('POST', '/v1/webhooks/{id}/recover', { path: { id }, body: { since: '2026-01-01T00:00:00Z' }, expect: 202 });

    await t.startWorker();
    await waitFor('the replayed delivery to be delivered', async () => {
      const res = await t.http('GET', `/v1/deliveries/${deliveryId}`);
      return res.body.status === 'delivered';
    });
    const delivered = await c.call('GET', '/v1/deliveries/{id}', { path: { id: deliveryId }, expect: 200 });
    expect(delivered.body.attempts.length).toBeGreaterThan(0);
    await c.call('GET', '/v1/deliveries/{id}', { path: { id: randomUUID() }, expect: 404 });
    await c.call('GET', '/v1/deliveries', { query: { webhook_id: id }, expect: 200 });

    await c.call('PATCH', '/v1/webhooks/{id}', { path: { id }, body: { enabled: false }, expect: 200 });
    await c.call('POST', '/v1/webhooks/{id}/recover', { path: { id }, body: { since: '2026-01-01T00:00:00Z' }, expect: 409 });
    await c.call('DELETE', '/v1/webhooks/{id}', { path: { id }, expect: 204 });
    await c.call('DELETE', '/v1/webhooks/{id}', { path: { id: randomUUID() }, expect: 404 });
    expect(c.takeProblems()).toEqual([]);
  }, 60_000);

  it('api keys and the auth errors every protected route declares', async () => {
    const c = contract;
    const created = await c.call('POST', '/v1/api-keys', { body: { name: 'billing', scopes: ['events:write'] }, expect: 201 });
    await c.call('POST', '/v1/api-keys', { body: { name: 'billing', scopes: ['root'] }, expect: 400 });
    await c.call('GET', '/v1/api-keys', { expect: 200 });
    await c.call('GET', '/v1/api-keys', { key: null, expect: 401 });
    await c.call('GET', '/v1/api-keys', { key: created.body.key, expect: 403 });
    await c.call('GET', '/v1/event-types', { key: created.body.key, expect: 200 });
    await c.call('DELETE', '/v1/api-keys/{id}', { path: { id: created.body.id }, expect: 204 });
    await c.call('DELETE', '/v1/api-keys/{id}', { path: { id: randomUUID() }, expect: 404 });
    await c.call('POST', '/v1/events', { body: pipelineRunEvent(), key: created.body.key, expect: 401 });
    expect(c.takeProblems()).toEqual([]);
  });

  it('lineage and observability: ingestion and reads', async () => {
    const c = contract;
    await c.call('POST', '/api/v1/lineage', { body: lineageFixture('spark-run-start.json'), expect: 201 });
    await c.call('POST', '/api/v1/lineage', { body: { eventType: 'START' }, expect: 400 });
    const failed = lineageFixture('spark-run-fail.json');
    // Another run of the same job that completes: its inputs and outputs become edges of the graph.
    const completed = { ...failed, eventType: 'COMPLETE', run: { runId: randomUUID() } };
    const batch = await c.call('POST', '/api/v1/lineage/batch', {
      body: [failed, completed, lineageFixture('job-event.json'), lineageFixture('dataset-event.json'), { eventTime: 'soon' }],
      expect: 200,
    });
    expect(batch.body.summary).toEqual({ received: 5, successful: 4, failed: 1 });
    await c.call('POST', '/api/v1/lineage/batch', { body: [], expect: 400 });
    const lineageRun = await c.call('GET', '/v1/lineage/runs/{run_id}', { path: { run_id: failed.run.runId }, expect: 200 });
    expect(lineageRun.body.parent).toMatchObject({ state: null });
    await c.call('GET', '/v1/lineage/runs/{run_id}', { path: { run_id: randomUUID() }, expect: 404 });
    const graph = await c.call('GET', '/v1/lineage/graph', {
      query: { namespace: failed.outputs[0].namespace, name: failed.outputs[0].name, depth: '3' },
      expect: 200,
    });
    expect(graph.body.edges.length).toBeGreaterThan(0);
    await c.call('GET', '/v1/lineage/graph', { query: { namespace: 'nowhere', name: 'nothing' }, expect: 404 });
    await c.call('GET', '/v1/lineage/graph', { query: { namespace: 'x' }, expect: 400 });

    const run1 = { pipeline_key: 'SFTP_to_Tableau', run_key: `airflow-${randomUUID()}` };
    const task = { ...run1, task_key: 'redshift_load' };
    await c.call('POST', '/events/v1/run-status', { body: { ...run1, status: 'RUNNING' }, expect: 204 });
    await c.call('POST', '/events/v1/run-status', { body: { ...task, status: 'FAILED' }, expect: 204 });
    await c.call('POST', '/events/v1/message-log', { body: { ...task, log_level: 'ERROR', message: 'COPY failed' }, expect: 204 });
    await c.call('POST', '/events/v1/metric-log', { body: { ...task, metric_key: 'rows_loaded', metric_value: 120000 }, expect: 204 });
    await c.call('POST', '/events/v1/test-outcomes', {
      body: { ...task, test_outcomes: [{ name: 'no_null_ids', status: 'FAILED', metric_value: 12, min_threshold: 0, max_threshold: 0 }] },
      expect: 204,
    });
    await c.call('POST', '/events/v1/dataset-operation', { body: { dataset_key: 'orders_raw', operation: 'WRITE' }, expect: 204 });
    await c.call('POST', '/events/v1/run-status', { body: { ...run1, status: 'DONE', colour: 'red' }, expect: 400 });
    await c.call('POST', '/events/v1/run-status', {
      body: { ...run1, status: 'COMPLETED' },
      key: null,
      headers: { ServiceAccountAuthenticationKey: t.adminKey },
      expect: 204,
    });
    const pipeline = { pipeline_key: 'SFTP_to_Tableau' };
    const schedulePath = '/v1/observability/pipelines/{pipeline_key}/schedule';
    await c.call('GET', schedulePath, { path: pipeline, expect: 404 });
    await c.call('PUT', schedulePath, { path: pipeline, body: { cron: '0 25 * * *', start_within: '30m' }, expect: 400 });
    await c.call('PUT', schedulePath, {
      path: pipeline,
      body: { cron: '30 2 * * *', timezone: 'Europe/Paris', start_within: '30m', finish_within: '2h' },
      expect: 200,
    });
    await c.call('GET', schedulePath, { path: pipeline, expect: 200 });
    await c.call('GET', '/v1/observability/runs', { query: { pipeline_key: 'SFTP_to_Tableau' }, expect: 200 });
    const summary = await c.call('GET', '/v1/observability/pipelines/{pipeline_key}/runs/{run_key}', { path: run1, expect: 200 });
    expect(summary.body.tests.not_passed).toHaveLength(1);
    expect(summary.body.schedule).toMatchObject({ cron: '30 2 * * *', last_missing: null, last_late: null });
    await c.call('GET', '/v1/observability/pipelines/{pipeline_key}/runs/{run_key}', { path: { ...run1, run_key: 'never' }, expect: 404 });
    await c.call('DELETE', schedulePath, { path: pipeline, expect: 204 });
    await c.call('DELETE', schedulePath, { path: pipeline, expect: 404 });
    expect(c.takeProblems()).toEqual([]);
  }, 30_000);

  it('the catalogue, the analytics relay, health and metrics', async () => {
    const c = contract;
    const types = await c.call('GET', '/v1/event-types', { expect: 200 });
    await c.call('GET', '/v1/event-types/{type}', { path: { type: 'project:one-off-job:pipeline-run:failed' }, expect: 200 });
    await c.call('GET', '/v1/event-types/{type}', { path: { type: 'no:such:type' }, expect: 404 });
    const clientType = types.body.data.find((type: { group: string }) => type.group === 'client').name;
    const relayed = await c.call('POST', '/v1/analytics', {
      body: { event: clientType, properties: { view: 'jobs', duration_ms: 412 } },
      expect: 202,
    });
    expect(relayed.body).toMatchObject({ recorded: true, id: expect.any(String) });
    await c.call('POST', '/v1/analytics', { body: { event: 'project:created' }, expect: 400 });
    await c.call('GET', '/health/live', { key: null, expect: 200 });
    await c.call('GET', '/health/ready', { key: null, expect: 200 });
    await c.call('GET', '/metrics', { key: null, expect: 200 });
    expect(c.takeProblems()).toEqual([]);
  });

  it('every operation of the document was called', () => {
    const all = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(all.filter((op) => !contract.called.has(op))).toEqual([]);
    process.stderr.write(`OpenAPI contract: ${contract.called.size} operations called, ${contract.validated} answers validated\n`);
  });
});

interface CallOptions {
  path?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  key?: string | null;
  /** The status this call is meant to produce: the answer is validated whatever it is, but a different one is a problem. */
  expect: number;
}

/** Sends requests and checks each answer against the document: its status is declared, its body fits that status's schema. */
class Contract {
  private problems: string[] = [];
  readonly called = new Set<string>();
  validated = 0;
  private readonly ajv = new Ajv({ allErrors: true, strictTypes: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    private readonly doc: any,
    private readonly t: Harness,
  ) {
    addFormats(this.ajv);
    this.ajv.addVocabulary(['example']);
    this.ajv.addSchema({ $id: 'openapi', definitions: asJsonSchema(doc.components.schemas) });
  }

  async call(method: string, template: string, options: CallOptions): Promise<HttpResult> {
    const name = `${method} ${template}`;
    const path = template.replace(/\{([^}]+)\}/g, (_, param) => encodeURIComponent(options.path![param]));
    const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
    const res = await this.t.http(method, path + query, options.body, { key: options.key, headers: options.headers });
    this.called.add(name);
    const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
    if (res.status !== options.expect) this.problems.push(`${name}: expected ${options.expect}, got ${res.status} ${text?.slice(0, 200)}`);
    const response = this.doc.paths[template]?.[method.toLowerCase()]?.responses[res.status];
    if (!response) {
      this.problems.push(`${name}: answered ${res.status}, which the document does not declare`);
      return res;
    }
    const [media, content] = Object.entries<any>(response.content ?? {})[0] ?? [];
    if (!media) {
      if (res.body !== undefined) this.problems.push(`${name} ${res.status}: a body where the document declares none`);
    } else if (media === 'application/json') {
      const validate = this.validator(`${name} ${res.status}`, content.schema);
      if (!validate(res.body)) {
        this.problems.push(`${name} ${res.status}: ${this.ajv.errorsText(validate.errors, { separator: '; ' })} in ${text?.slice(0, 300)}`);
      }
    } else if (media.startsWith('text/') && typeof res.body !== 'string') {
      this.problems.push(`${name} ${res.status}: not text`);
    }
    this.validated++;
    return res;
  }

  /** What went wrong since the last call of this. */
  takeProblems(): string[] {
    const problems = this.problems;
    this.problems = [];
    return problems;
  }

  private validator(key: string, schema: object): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) this.validators.set(key, (validate = this.ajv.compile(asJsonSchema(schema))));
    return validate;
  }
}

/**
 * An OpenAPI 3.0 schema as JSON Schema for Ajv: `nullable` becomes a `null`
 * alternative, references point into the document's schemas, and an object
 * listing its properties is closed, so that a field the document does not
 * describe is reported (a schema that allows more says so with additionalProperties).
 */
function asJsonSchema(node: any): any {
  if (Array.isArray(node)) return node.map(asJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: any = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref') out.$ref = (value as string).replace('#/components/schemas/', 'openapi#/definitions/');
    else if (key === 'properties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value as object).map(([name, schema]) => [name, asJsonSchema(schema)]));
    } else if (key === 'example') out.example = value;
    else if (key !== 'nullable') out[key] = asJsonSchema(value);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return node.nullable ? { anyOf: [out, { type: 'null' }] } : out;
}
