import { FakeWebhookReceiver } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientProject, installClientTarball, TSC } from './support/client-tarball';
import { FlakyProxy } from './support/flaky-proxy';
import { transactionTraces, verifiedWebhook } from './support/producer-traces';
import { readmeCodeBlocks } from './support/readme-requests';
import { Harness, startTidings } from './support/tidings-harness';

/** Installed only into the consumer project, to register through a real Knex transaction. */
const KNEX = 'knex@3.3.0';

const ROOT = join(__dirname, '..');

/**
 * The members of the client `prisma generate` writes that the README uses,
 * with Prisma's signatures: there is no Prisma schema to generate one from here.
 */
const PRISMA_CLIENT_TYPES = `
  export interface PrismaPromise<T> extends Promise<T> { [Symbol.toStringTag]: 'PrismaPromise' }
  type TransactionClient = Omit<PrismaClient, '$connect' | '$disconnect' | '$transaction'>;
  export declare class PrismaClient {
    $connect(): Promise<void>;
    $disconnect(): Promise<void>;
    $transaction<R>(fn: (tx: TransactionClient) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
    $executeRawUnsafe(query: string, ...values: any[]): PrismaPromise<number>;
    $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): PrismaPromise<T>;
  }
`;

/*
 * @tidings/client as a user gets it: packed with `npm pack`, installed with
 * `pg` into a project outside this repository, and driven by a plain Node
 * script there (support/client-consumer.js) against a real api, worker,
 * Postgres and webhook receiver.
 */
describe('@tidings/client from its packed tarball, in a project outside the repository', () => {
  let t: Harness;
  let project: ClientProject;
  let receiver: FakeWebhookReceiver;
  let proxy: FlakyProxy;
  let apiKey: string;
  let secret: string;

  beforeAll(async () => {
    [project, t, receiver] = await Promise.all([installClientTarball({ extra: [KNEX] }), startTidings(), FakeWebhookReceiver.start()]);
    proxy = await FlakyProxy.start(t.baseUrl);
    apiKey = (await t.http('POST', '/v1/api-keys', { name: 'client-package', scopes: ['events:write'] })).body.key;
    const webhook = await t.http('POST', '/v1/webhooks', { name: 'projects', url: receiver.url('/projects'), subscriptions: [{ event_type: 'project:created' }] });
    expect(webhook.status).toBe(201);
    secret = webhook.body.secret;
    // The consuming service's own table, in the same database as Tidings (in its own schema, public).
    await t.db.query('CREATE TABLE public.client_projects (uuid uuid PRIMARY KEY, name text NOT NULL)');
  }, 240_000);
  afterAll(async () => {
    await proxy?.stop();
    await t?.stop();
    await receiver?.stop();
    project?.remove();
  });

  /** Runs one instruction of client-consumer.js in the consumer project. */
  async function consumer(instruction: Record<string, unknown>): Promise<{ result?: any; error?: any; ms: number }> {
    const env = { DATABASE_URL: t.database.url, TIDINGS_URL: proxy.url(), TIDINGS_API_KEY: apiKey };
    const lines = (await project.node('consumer.js', [JSON.stringify(instruction)], env)).trim().split('\n');
    return JSON.parse(lines[lines.length - 1]);
  }

  async function eventsWithKey(key: string): Promise<number> {
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM events WHERE idempotency_key = $1', [key]);
    return count;
  }

  const deliveredEvent = (id: string) => verifiedWebhook(receiver, '/projects', secret, id);
  const traces = (uuid: string, id: string) => transactionTraces(t.db, 'public.client_projects', uuid, id);

  describe('typed inputs', () => {
    it('compile in the consumer under tsc --strict for right bodies, and not for wrong ones', async () => {
      writeFileSync(
        join(project.dir, 'right.ts'),
        `import { registerEvent, EventInput, Queryable, TidingsClient, TidingsValidationError } from '@tidings/client';
         declare const db: Queryable;
         export async function right(): Promise<string> {
           const created: EventInput = { type: 'project:created', project: { uuid: 'u', name: 'demo' } };
           await new TidingsClient({ baseUrl: 'http://tidings', apiKey: 'k' }).events.register(created, { idempotencyKey: 'k' });
           try {
             return await registerEvent(db, {
               type: 'project:one-off-job:pipeline-run:failed',
               occurred_at: '2026-11-20T10:00:00Z',
               project: { uuid: 'p' },
               job: { uuid: 'j' },
               pipeline_run: { uuid: 'r', number: 12, failed_steps: [{ uuid: 's', title: 'load' }] },
             });
           } catch (error) {
             if (error instanceof TidingsValidationError) return error.details.map((d) => d.field).join();
             throw error;
           }
         }
        `,
      );
      const wrong = {
        'wrong-layer.ts': `registerEvent(db, { type: 'project:created', job: { uuid: 'j' } });`,
        'wrong-field-type.ts': `registerEvent(db, { type: 'project:created', project: { uuid: 42 } });`,
        'unknown-field.ts': `registerEvent(db, { type: 'project:created', project: { uuid: 'u', colour: 'red' } });`,
        'unknown-type.ts': `registerEvent(db, { type: 'project:exploded', project: { uuid: 'u' } });`,
        'engine-type.ts': `registerEvent(db, { type: 'tidings:webhook:disabled', webhook: { id: 'w' } });`,
      };
      for (const [file, statement] of Object.entries(wrong)) {
        writeFileSync(join(project.dir, file), `import { registerEvent, Queryable } from '@tidings/client';\ndeclare const db: Queryable;\n${statement}\n`);
      }
      // One compiler run over all of them (a run costs seconds): right.ts must have no error, each wrong file one at least.
      const { ok, output } = await project.typecheck(['right.ts', ...Object.keys(wrong)]);
      expect(ok).toBe(false);
      const failing = new Set([...output.matchAll(/^(\S+\.ts)\(\d+,\d+\): error TS\d+/gm)].map((match) => match[1]));
      expect([...failing].sort()).toEqual(Object.keys(wrong).sort());
    });
  });

  it("the README's Node examples compile under tsc --strict against the installed package", async () => {
    const blocks = readmeCodeBlocks('Registering from another service', 'ts');
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const files = blocks.map((block, index) => {
      writeFileSync(join(project.dir, `readme-${index + 1}.ts`), block);
      return `readme-${index + 1}.ts`;
    });
    writeFileSync(join(project.dir, 'prisma-client.d.ts'), PRISMA_CLIENT_TYPES);
    // knex and @tidings/client as installed in the project; pg's and TypeORM's types from this repository's copies.
    const modules = join(ROOT, 'node_modules');
    const compilerOptions = {
      strict: true,
      noEmit: true,
      target: 'es2022',
      lib: ['es2022'],
      module: 'commonjs',
      moduleResolution: 'node',
      esModuleInterop: true,
      skipLibCheck: true,
      typeRoots: [join(modules, '@types')],
      types: ['node'],
      baseUrl: '.',
      paths: { pg: [join(modules, '@types', 'pg')], typeorm: [join(modules, 'typeorm')], '@prisma/client': ['./prisma-client.d.ts'] },
    };
    writeFileSync(join(project.dir, 'tsconfig.readme.json'), JSON.stringify({ compilerOptions, files }));
    const result = await project.node(TSC, ['-p', 'tsconfig.readme.json']).then(
      () => 'ok',
      (error: Error) => error.message,
    );
    expect(result).toBe('ok');
  });

  describe('TidingsClient over HTTP', () => {
    const created = () => ({ type: 'project:created', project: { uuid: randomUUID(), name: 'demo' } });

    it('waits out a 503 with Retry-After in seconds, sends again with the same Idempotency-Key, and one event is recorded', async () => {
      proxy.script({ status: 503, headers: { 'retry-after': '1' } });
      const key = `retry-503-${randomUUID()}`;
      const { result, error } = await consumer({ op: 'http', event: created(), idempotencyKey: key });
      expect(error).toBeUndefined();
      expect(result).toMatchObject({ type: 'project:created', deliveries: 1, duplicate: false });
      expect(proxy.requests.map((r) => [r.headers['idempotency-key'], typeof r.step === 'object' ? r.step.status : r.step])).toEqual([
        [key, 503],
        [key, 'forward'],
      ]);
      expect(proxy.requests[1].at - proxy.requests[0].at).toBeGreaterThanOrEqual(950);
      expect(await eventsWithKey(key)).toBe(1);
      await deliveredEvent(result.id);
    });

    it('after a dropped connection (the api had recorded it) and a 429 with an HTTP-date Retry-After, gets the original event back, recorded once', async () => {
      const retryAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000);
      proxy.script('forward-then-drop', { status: 429, headers: { 'retry-after': retryAt.toUTCString() } });
      const { result, error } = await consumer({ op: 'http', event: created() });
      expect(error).toBeUndefined();
      expect(result.duplicate).toBe(true);
      const keys = proxy.requests.map((r) => r.headers['idempotency-key']);
      expect(keys).toHaveLength(3);
      expect(new Set(keys).size).toBe(1);
      expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(proxy.requests[2].at).toBeGreaterThanOrEqual(retryAt.getTime() - 50);
      expect(await eventsWithKey(keys[0] as string)).toBe(1);
      const [{ id }] = await t.db.query('SELECT id FROM events WHERE idempotency_key = $1', [keys[0]]);
      expect(result.id).toBe(id);
    });

    it('does not retry a refused body: one request, a TidingsApiError with status, code and every bad field', async () => {
      proxy.script();
      const { error } = await consumer({ op: 'http', event: { type: 'project:created', project: { uuid: 'not-a-uuid', colour: 'red' } } });
      expect(error).toMatchObject({ name: 'TidingsApiError', status: 400, code: 'validation_failed', attempts: 1 });
      expect(error.details.map((d: { field: string }) => d.field).sort()).toEqual(['project.colour', 'project.uuid']);
      expect(proxy.requests).toHaveLength(1);
    });

    it('does not retry an idempotency conflict (the same key for another body): a TidingsApiError 409 idempotency_conflict', async () => {
      proxy.script();
      const key = `conflict-${randomUUID()}`;
      expect((await consumer({ op: 'http', event: created(), idempotencyKey: key })).error).toBeUndefined();
      const { error } = await consumer({ op: 'http', event: created(), idempotencyKey: key });
      expect(error).toMatchObject({ name: 'TidingsApiError', status: 409, code: 'idempotency_conflict', attempts: 1 });
      expect(proxy.requests).toHaveLength(2);
      expect(await eventsWithKey(key)).toBe(1);
    });

    it('without Retry-After backs off and stops after maxAttempts, every try with the same key, the last answer in the error', async () => {
      const unavailable = { status: 503, body: JSON.stringify({ error: 'unavailable', message: 'database down' }) };
      proxy.script(unavailable, unavailable, unavailable);
      const { error } = await consumer({ op: 'http', event: created(), idempotencyKey: 'exhausted', options: { maxAttempts: 3 } });
      expect(error).toMatchObject({ name: 'TidingsApiError', status: 503, code: 'unavailable', message: 'database down', attempts: 3 });
      expect(proxy.requests.map((r) => r.headers['idempotency-key'])).toEqual(['exhausted', 'exhausted', 'exhausted']);
      // 125–250 ms, then 250–500 ms.
      expect(proxy.requests[1].at - proxy.requests[0].at).toBeGreaterThanOrEqual(120);
      expect(proxy.requests[2].at - proxy.requests[1].at).toBeGreaterThanOrEqual(245);
      expect(await eventsWithKey('exhausted')).toBe(0);
    });

    it('gives up at once when Retry-After asks for longer than maxDelayMs, saying how long', async () => {
      proxy.script({ status: 503, headers: { 'retry-after': '120' } });
      const { error } = await consumer({ op: 'http', event: created(), options: { maxDelayMs: 5000 } });
      expect(error).toMatchObject({ name: 'TidingsApiError', status: 503, code: 'unavailable', attempts: 1, retryAfterMs: 120_000 });
      expect(proxy.requests).toHaveLength(1);
    });

    it('registers a batch, giving each event without a key one of its own, so a retried batch records each event once', async () => {
      const events = [created(), { ...created(), idempotency_key: `batch-${randomUUID()}` }];
      proxy.script('forward-then-drop');
      const { result, error } = await consumer({ op: 'batch', events });
      expect(error).toBeUndefined();
      expect(result).toMatchObject({ status: 'success', summary: { received: 2, successful: 2, failed: 0 } });
      expect(result.events.map((e: { duplicate: boolean }) => e.duplicate)).toEqual([true, true]);
      expect(proxy.requests).toHaveLength(2);
      expect(proxy.requests[0].body).toBe(proxy.requests[1].body);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM events WHERE project_uuid = ANY($1::uuid[])', [
        events.map((event) => event.project.uuid),
      ]);
      expect(count).toBe(2);
    });
  });

  describe('registerEvent in the service’s own transaction', () => {
    it('node-postgres: ROLLBACK leaves no business row, no event and no delivery', async () => {
      const uuid = randomUUID();
      const { result, error } = await consumer({ op: 'sql', outcome: 'rollback', uuid, name: 'rolled back' });
      expect(error).toBeUndefined();
      expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await traces(uuid, result.id)).toEqual({ business: 0, events: 0, deliveries: 0 });
    });

    it('node-postgres: COMMIT keeps the business row and the event, and the receiver gets a webhook whose signature verifies', async () => {
      const uuid = randomUUID();
      const { result, error } = await consumer({ op: 'sql', outcome: 'commit', uuid, name: 'committed', idempotencyKey: `project:${uuid}:created` });
      expect(error).toBeUndefined();
      const { request, payload } = await deliveredEvent(result.id);
      expect(request.headers['x-tidings-event-type']).toBe('project:created');
      expect(payload.event).toMatchObject({ id: result.id, type: 'project:created', project: { uuid, name: 'committed' } });
      expect(await traces(uuid, result.id)).toEqual({ business: 1, events: 1, deliveries: 1 });
      expect(await eventsWithKey(`project:${uuid}:created`)).toBe(1);
    });

    it('Knex: a rolled-back transaction leaves nothing, a committed one is delivered', async () => {
      const [rolledBack, committed] = [randomUUID(), randomUUID()];
      const rollback = await consumer({ op: 'knex', outcome: 'rollback', uuid: rolledBack, name: 'knex rolled back' });
      expect(rollback.error).toBeUndefined();
      expect(await traces(rolledBack, rollback.result.id)).toEqual({ business: 0, events: 0, deliveries: 0 });
      const commit = await consumer({ op: 'knex', outcome: 'commit', uuid: committed, name: 'knex committed' });
      expect(commit.error).toBeUndefined();
      const { payload } = await deliveredEvent(commit.result.id);
      expect(payload.event.project).toEqual({ uuid: committed, name: 'knex committed' });
      expect(await traces(committed, commit.result.id)).toEqual({ business: 1, events: 1, deliveries: 1 });
    });

    it('node-postgres: a body its type refuses is a TidingsValidationError listing every bad field, and nothing is written', async () => {
      const uuid = randomUUID();
      const event = { type: 'project:created', project: { uuid: 'not-a-uuid', colour: 'red' } };
      const { error } = await consumer({ op: 'sql', outcome: 'commit', uuid, name: 'refused', event });
      expect(error).toMatchObject({ name: 'TidingsValidationError', code: 'validation_failed' });
      expect(error.details.map((d: { field: string }) => d.field).sort()).toEqual(['project.colour', 'project.uuid']);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM public.client_projects WHERE uuid = $1', [uuid]);
      expect(count).toBe(0);
    });
  });
});
