import { FakeWebhookReceiver, startProcess } from '@tidings/testing';
import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { transactionTraces, verifiedWebhook } from './support/producer-traces';
import { readmeCodeBlocks } from './support/readme-requests';
import { Harness, startTidings } from './support/tidings-harness';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', 'examples', 'python', 'register_in_transaction.py');

/*
 * examples/python/register_in_transaction.py, run as a user would run it
 * (Debian's python3 and python3-psycopg2, which .ci/run installs), against a
 * real api, worker, Postgres and webhook receiver.
 */
describe('the Python example: register_event in the same transaction as a business row', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  let secret: string;

  beforeAll(async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install python3 python3-psycopg2 (.ci/run does)`);
    [t, receiver] = await Promise.all([startTidings(), FakeWebhookReceiver.start()]);
    const webhook = await t.http('POST', '/v1/webhooks', { name: 'projects', url: receiver.url('/projects'), subscriptions: [{ event_type: 'project:created' }] });
    expect(webhook.status).toBe(201);
    secret = webhook.body.secret;
    // The example's business table, in the service's own schema (public) of the database Tidings lives in.
    await t.db.query('CREATE TABLE public.projects (uuid text PRIMARY KEY, name text NOT NULL)');
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  async function example(...args: string[]): Promise<{ code: number | null; out: any }> {
    const run = startProcess({ name: 'register_in_transaction.py', command: PYTHON, args: [SCRIPT, ...args], env: { ...process.env, DATABASE_URL: t.database.url } });
    const exit = await run.waitExit(60_000);
    await run.outputRead();
    if (exit.error) throw new Error(`${PYTHON} did not start: ${exit.error.message}`);
    const last = run.lines().filter((line) => line.startsWith('{')).pop();
    if (!last) throw new Error(`the example printed no result (exit ${exit.code}):\n${run.tail()}`);
    return { code: exit.code, out: JSON.parse(last) };
  }

  const rows = (uuid: string, eventId: string) => transactionTraces(t.db, 'public.projects', uuid, eventId);

  it('commit: the business row, the event and its delivery are kept, and the receiver gets a webhook whose signature verifies', async () => {
    const uuid = randomUUID();
    const { code, out } = await example('--project-uuid', uuid, '--name', 'from python');
    expect({ code, committed: out.committed }).toEqual({ code: 0, committed: true });
    expect(await rows(uuid, out.id)).toEqual({ business: 1, events: 1, deliveries: 1 });
    const [event] = await t.db.query('SELECT type, idempotency_key FROM events WHERE id = $1', [out.id]);
    expect(event).toEqual({ type: 'project:created', idempotency_key: `project:${uuid}:created` });

    const { payload } = await verifiedWebhook(receiver, '/projects', secret, out.id);
    expect(payload.event).toMatchObject({ type: 'project:created', project: { uuid, name: 'from python' } });
  });

  it('rollback: neither the business row nor the event nor a delivery is left', async () => {
    const uuid = randomUUID();
    const { code, out } = await example('--project-uuid', uuid, '--name', 'rolled back', '--rollback');
    expect({ code, committed: out.committed }).toEqual({ code: 0, committed: false });
    expect(out.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await rows(uuid, out.id)).toEqual({ business: 0, events: 0, deliveries: 0 });
  });

  it("the README's Python excerpt is the example's code, line for line", () => {
    const [excerpt] = readmeCodeBlocks('Registering from another service', 'python');
    const script = new Set(readFileSync(SCRIPT, 'utf8').split('\n').map((line) => line.trim()));
    const lines = excerpt.split('\n').map((line) => line.trim()).filter(Boolean);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.filter((line) => !script.has(line))).toEqual([]);
  });

  it('a body its type refuses: SQLSTATE 22023 with the bad fields in DETAIL, and the business row is not kept either', async () => {
    const { code, out } = await example('--project-uuid', 'not-a-uuid', '--name', 'refused');
    expect(code).toBe(2);
    expect(out.details.map((d: { field: string }) => d.field)).toEqual(['project.uuid']);
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM public.projects WHERE uuid = 'not-a-uuid'`);
    expect(count).toBe(0);
  });
});
