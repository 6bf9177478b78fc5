import { searchPathOption } from '@tidings/database';
import { EVENT_TYPES, EventRegistrar, eventClass, EventTypeName, eventTypeRows, exampleBody, JsonSchema } from '@tidings/events';
import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { leaves, prng, randomValue, setAt, wrongTypes } from './support/fuzz-values';
import { Harness, startTidings } from './support/tidings-harness';

/** One input both checkers judge: a type and a body (without `type`; the API gets it added). */
interface Case {
  label: string;
  type: string;
  body: Record<string, unknown>;
}

interface Verdict {
  accepted: boolean;
  fields: string[];
  /** Each problem as `field: message`, sorted. */
  messages?: string[];
  /** What came back when it was neither an acceptance nor a validation refusal. */
  other?: string;
}

const PRODUCER_TYPES = eventTypeRows().filter((row) => row.producer_registrable);

/** The schema of `path` inside a body schema (undefined past an open map or any-value field). */
function schemaAt(schema: JsonSchema, path: string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    if (!node) return undefined;
    node = /^\d+$/.test(key) ? (node.items as JsonSchema | undefined) : (node.properties as Record<string, JsonSchema> | undefined)?.[key];
  }
  return node;
}

/** Values at and just past a leaf's limits, from its schema: lengths (in code points), formats, minimums, enums. */
function boundaryValues(schema: JsonSchema | undefined): unknown[] {
  if (!schema) return [];
  const values: unknown[] = [null];
  const max = schema.maxLength as number | undefined;
  const min = schema.minLength as number | undefined;
  if (max !== undefined) values.push('x'.repeat(max), 'x'.repeat(max + 1), '😀'.repeat(max), '😀'.repeat(max + 1), 'é'.repeat(max + 1));
  if (min !== undefined) values.push('x'.repeat(min), 'x'.repeat(Math.max(0, min - 1)));
  else if (schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'))) values.push('');
  if (schema.format === 'date-time') {
    values.push(
      '2024-02-29T00:00:00Z', '2026-02-29T00:00:00Z', '2026-02-30T10:00:00Z', '2026-04-31T10:00:00Z', '2026-11-20T24:00:00Z',
      '2026-11-20T23:60:00Z', '2026-11-20T10:00:60Z', '2026-11-20T10:00:00+0100', '2026-11-20t10:00:00z', '2026-11-20T10:00Z',
      '2026-11-20T10:00:00.123456789Z', '2026-11-20T10:00:00.1234567890Z', '2026-11-20T10:00:00', '2026-11-20', '2026-11-20T10:00:00+24:00',
      '2026-11-20T10:00:00+23:59', '2100-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '0004-02-29T00:00:00Z', '0100-02-29T00:00:00Z', '٢٠٢٦-11-20T10:00:00Z',
      ...skewedTimes(),
    );
  }
  if (schema.format === 'uuid') {
    values.push(randomUUID().toUpperCase(), randomUUID().replace(/-/g, ''), '00000000-0000-0000-0000-000000000000', `${randomUUID()}\n`, `{${randomUUID()}}`);
  }
  if (typeof schema.minimum === 'number') values.push(schema.minimum, schema.minimum - 1, schema.minimum + 0.5, 1e300, -1e300);
  if (Array.isArray(schema.enum)) {
    const first = schema.enum.find((v) => typeof v === 'string') as string | undefined;
    if (first) values.push(first.toLowerCase(), ` ${first}`, 'NOT_A_VALUE');
  }
  if (schema.type === 'integer' || (Array.isArray(schema.type) && schema.type.includes('integer'))) values.push(1.0, 2.5, 9007199254740993);
  return values;
}

/**
 * Times around the clock's bounds (OCCURRED_AT_MAX_FUTURE 5m, OCCURRED_AT_MAX_PAST 3650d by default), far enough
 * from them that the minutes the corpus takes cannot change a verdict: within, beyond, in an offset, and the
 * years 0001 and 9999.
 */
function skewedTimes(): string[] {
  const now = Date.now();
  const inOffset = (ms: number, offsetMinutes: number) => {
    const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  };
  const day = 86_400_000;
  return [
    new Date(now + 2 * 60_000).toISOString(), new Date(now + 3_600_000).toISOString(), new Date(now + 400 * day).toISOString(),
    inOffset(now + 3_600_000, 330), inOffset(now + 60_000, -480), inOffset(now - 3 * day, 840),
    new Date(now - day).toISOString(), new Date(now - 3640 * day).toISOString(), new Date(now - 3660 * day).toISOString(),
    '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '9999-12-31T23:59:59.999-14:00',
  ];
}

/** A string of 8 or more code points made unique with the same length (keys must not repeat across the corpus's bodies). */
function unique(value: unknown): unknown {
  if (typeof value !== 'string' || [...value].length < 8) return value;
  return [...value].slice(0, -8).join('') + randomBytes(4).toString('hex');
}

/**
 * The corpus: every producer type's example; per type, each leaf given the
 * fuzzer's wrong types, its boundary values and null, each layer missing,
 * given a random value or an extra key; the envelope fields at their limits;
 * and the fuzzer's random objects.
 */
function corpus(): Case[] {
  const cases: Case[] = [];
  const rand = prng(20261203);
  const mutated = new Set<string>();
  for (const row of PRODUCER_TYPES) {
    const entry = EVENT_TYPES.find((e) => e.type === row.name)!;
    const example = exampleBody(entry);
    const add = (label: string, body: unknown) => cases.push({ label: `${row.name} ${label}`, type: row.name, body: body as Record<string, unknown> });
    add('example', example);
    add('example, no occurred_at', setAt(example, ['occurred_at'], undefined));
    add('extra field', { ...example, unexpected_field: 1 });
    for (const layer of entry.layers) {
      add(`without ${layer.key}`, setAt(example, [layer.key], undefined));
      add(`${layer.key} = random`, setAt(example, [layer.key], randomValue(rand)));
    }
    // Leaf by leaf, once per set of layers (the verbs of a family share theirs).
    const layers = entry.layers.map((layer) => layer.key).join(',');
    if (mutated.has(layers)) continue;
    mutated.add(layers);
    for (const envelope of ['idempotency_key', 'ordering_key']) {
      for (const value of ['', 'x'.repeat(8), 'x'.repeat(255), 'x'.repeat(256), '😀'.repeat(255), '😀'.repeat(256), null, 5]) {
        add(`${envelope} = ${JSON.stringify(value).slice(0, 20)}`, { ...example, [envelope]: unique(value) });
      }
    }
    for (const value of boundaryValues(schemaAt(row.schema, ['occurred_at']))) add(`occurred_at = ${JSON.stringify(value)}`, setAt(example, ['occurred_at'], value));
    for (const { path, value } of leaves(example)) {
      if (path.length < 2) continue;
      const where = path.join('.');
      for (const wrong of wrongTypes(value)) add(`${where} = ${JSON.stringify(wrong)}`, setAt(example, path, wrong));
      for (const edge of boundaryValues(schemaAt(row.schema, path))) add(`${where} = ${JSON.stringify(edge)?.slice(0, 30)}`, setAt(example, path, edge));
      add(`${where} missing`, setAt(example, path, undefined));
      add(`${where} extra sibling`, setAt(example, [...path.slice(0, -1), 'zz_unexpected'], 'x'));
    }
  }
  // The fuzzer's random objects, as bodies of a few types.
  for (let i = 0; i < 200; i++) {
    const type = PRODUCER_TYPES[Math.floor(rand() * PRODUCER_TYPES.length)].name;
    const body = Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, k) => [`zz_${k}`, randomValue(rand)]));
    cases.push({ label: `${type} random object #${i}`, type, body });
  }
  return cases;
}

describe('the SQL entry point register_event() (DESIGN §7.3)', () => {
  let t: Harness;
  let db: Client;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings();
    db = new Client({ connectionString: t.database.url, options: searchPathOption(t.config.databaseSchema) });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.stop();
    await receiver?.stop();
  });

  async function counts(): Promise<Record<string, number>> {
    const [row] = (
      await db.query(`SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM deliveries)::int AS deliveries,
                             (SELECT count(*) FROM event_idempotency)::int AS keys`)
    ).rows;
    return row;
  }

  /** The distinct problems of a [{field, message}] list, as `field: message`, sorted (jsonb keeps no order). */
  function problems(details: { field: string; message: string }[]): string[] {
    return [...new Set(details.map((d) => `${d.field}: ${d.message}`))].sort();
  }

  async function viaSql(type: string, body: unknown, key?: string): Promise<Verdict & { id?: string }> {
    try {
      const { rows } = await db.query(`SELECT register_event($1, $2::jsonb, $3) AS id`, [type, JSON.stringify(body), key ?? null]);
      return { accepted: true, fields: [], id: rows[0].id };
    } catch (error: any) {
      if (error.code !== '22023') return { accepted: false, fields: [], other: `${error.code} ${error.message}` };
      const details: { field: string; message: string }[] = error.detail ? JSON.parse(error.detail) : [];
      return { accepted: false, fields: [...new Set(details.map((d) => d.field))].sort(), messages: problems(details) };
    }
  }

  async function viaApi(type: string, body: Record<string, unknown>): Promise<Verdict> {
    const res = await t.http('POST', '/v1/events', { ...body, type: body.type ?? type });
    if (res.status === 201 || res.status === 200) return { accepted: true, fields: [] };
    if (res.status !== 400) return { accepted: false, fields: [], other: `${res.status} ${JSON.stringify(res.body).slice(0, 200)}` };
    const details: { field: string; message: string }[] = res.body.details ?? [];
    return { accepted: false, fields: [...new Set(details.map((d) => d.field))].sort(), messages: problems(details) };
  }

  it('judges the same corpus exactly as POST /v1/events does: same verdicts, same fields', async () => {
    const cases = corpus();
    const disagreements: string[] = [];
    const fieldDifferences: string[] = [];
    let accepted = 0;
    for (const c of cases) {
      const [api, sql] = [await viaApi(c.type, c.body), await viaSql(c.type, c.body)];
      if (api.other || sql.other) disagreements.push(`${c.label}: api ${api.other ?? api.accepted}, sql ${sql.other ?? sql.accepted}`);
      else if (api.accepted !== sql.accepted) disagreements.push(`${c.label}: api ${api.accepted ? 'accepts' : `refuses ${api.fields}`}, sql ${sql.accepted ? 'accepts' : `refuses ${sql.fields}`}`);
      else if (JSON.stringify(api.fields) !== JSON.stringify(sql.fields)) fieldDifferences.push(`${c.label}: api ${api.fields}, sql ${sql.fields}`);
      else if (JSON.stringify(api.messages) !== JSON.stringify(sql.messages)) fieldDifferences.push(`${c.label}: api ${api.messages}, sql ${sql.messages}`);
      if (api.accepted) accepted++;
    }
    const agreeing = cases.length - disagreements.length;
    console.log(
      `differential corpus: ${cases.length} bodies over ${PRODUCER_TYPES.length} types (${accepted} valid), verdicts agree on ${agreeing}/${cases.length} ` +
        `(${((100 * agreeing) / cases.length).toFixed(2)} %), field lists and messages on ${cases.length - disagreements.length - fieldDifferences.length}/${cases.length}`,
    );
    expect(disagreements.slice(0, 40)).toEqual([]);
    expect(fieldDifferences.slice(0, 40)).toEqual([]);
    expect(cases.length).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(PRODUCER_TYPES.length);
  }, 600_000);

  it('raises 22023 with the message and the [{field, message}] list the API gives, and writes nothing', async () => {
    const body = { project: { uuid: 'nope' }, job: { uuid: randomUUID(), name: 5 } };
    const api = await t.http('POST', '/v1/events', { type: 'project:one-off-job:pipeline-run:failed', ...body });
    const before = await counts();
    const error = await db.query(`SELECT register_event('project:one-off-job:pipeline-run:failed', $1::jsonb)`, [JSON.stringify(body)]).catch((e) => e);
    expect(error.code).toBe('22023');
    // The same fields; listed in another order when errors of several layers mix (jsonb keeps no key order).
    const fieldsOf = (message: string) => message.replace(/^.*event: /, '').split(', ').sort();
    expect(error.message.replace(/: .*$/, '')).toBe(api.body.message.replace(/: .*$/, ''));
    expect(fieldsOf(error.message)).toEqual(fieldsOf(api.body.message));
    expect(JSON.parse(error.detail)).toEqual(expect.arrayContaining(api.body.details));
    expect(JSON.parse(error.detail)).toHaveLength(api.body.details.length);

    // A batch with one bad event writes none of them.
    const valid = exampleBody(EVENT_TYPES.find((e) => e.type === 'project:created')!);
    const batch = [{ type: 'project:created', body: valid }, { type: 'project:created', body: { ...valid, extra: 1 } }];
    const batchError = await db.query(`SELECT * FROM register_events($1::jsonb)`, [JSON.stringify(batch)]).catch((e) => e);
    expect({ code: batchError.code, hint: batchError.hint }).toEqual({ code: '22023', hint: 'events[1]' });
    for (const [type, why] of [['ping', 'recorded by Tidings itself'], ['no:such:type', 'unknown event type no:such:type']]) {
      const refused = await db.query(`SELECT register_event($1, '{}')`, [type]).catch((e) => e);
      expect({ code: refused.code, message: refused.message }).toEqual({ code: '22023', message: expect.stringContaining(why) });
    }
    expect(await counts()).toEqual(before);
  });

  it('a rollback leaves nothing; a commit creates the deliveries, NOTIFY wakes the relay and a signed webhook arrives', async () => {
    // Ordered, so its delivery carries the event's ordering key (an unordered webhook's rows stay without one).
    const hook = await t.http('POST', '/v1/webhooks', { name: 'sql', url: receiver.url('/sql'), ordered: true, subscriptions: [{ event_type: 'project:one-off-job:*' }] });
    expect(hook.status).toBe(201);
    const body = exampleBody(EVENT_TYPES.find((e) => e.type === 'project:one-off-job:pipeline-run:failed')!);
    delete body.occurred_at;

    const before = await counts();
    await db.query('BEGIN');
    const { rows: rolledBack } = await db.query(`SELECT register_event('project:one-off-job:pipeline-run:failed', $1::jsonb, 'rolled-back') AS id`, [JSON.stringify(body)]);
    await db.query('ROLLBACK');
    expect(await counts()).toEqual(before);
    expect((await db.query(`SELECT 1 FROM events WHERE id = $1`, [rolledBack[0].id])).rowCount).toBe(0);

    await db.query('BEGIN');
    const { rows } = await db.query(`SELECT register_event('project:one-off-job:pipeline-run:failed', $1::jsonb, 'committed') AS id`, [JSON.stringify(body)]);
    const { rows: pending } = await db.query(`SELECT status, ordering_key FROM deliveries WHERE event_id = $1`, [rows[0].id]);
    await db.query('COMMIT');
    const run = (body.pipeline_run as { uuid: string }).uuid;
    expect(pending).toEqual([{ status: 'pending', ordering_key: run }]);

    // The relay polls every RELAY_INTERVAL too; its NOTIFY wake-up is what makes this fast, the arrival is what is checked.
    const [request] = await receiver.waitForRequests('/sql', 1);
    const payload = new Webhook(hook.body.secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    }) as { event: { id: string; type: string } };
    expect(payload.event).toMatchObject({ id: rows[0].id, type: 'project:one-off-job:pipeline-run:failed' });
    const [event] = (await db.query(`SELECT source, producer, ordering_key FROM events WHERE id = $1`, [rows[0].id])).rows;
    expect(event).toEqual({ source: 'sql', producer: 'postgres', ordering_key: run });
  });

  it('stores the ordering key: the body’s own, else the type’s default path joined by /, else null', async () => {
    const created = exampleBody(EVENT_TYPES.find((e) => e.type === 'project:created')!);
    const own = await viaSql('project:created', { ...created, ordering_key: 'tenant-7' });
    const byDefault = await viaSql('project:created', created);
    const rows = (await db.query(`SELECT id, ordering_key FROM events WHERE id = ANY($1::uuid[])`, [[own.id, byDefault.id]])).rows;
    expect(Object.fromEntries(rows.map((r) => [r.id, r.ordering_key]))).toEqual({
      [own.id!]: 'tenant-7',
      [byDefault.id!]: (created.project as { uuid: string }).uuid,
    });
    // A type whose default key has two parts, each read from the body.
    const multi = eventTypeRows().find((row) => row.ordering_key_path.length > 1 && row.producer_registrable);
    if (multi) {
      const body = exampleBody(EVENT_TYPES.find((e) => e.type === multi.name)!);
      const { id } = await viaSql(multi.name, body);
      const [row] = (await db.query(`SELECT ordering_key FROM events WHERE id = $1`, [id])).rows;
      const read = (path: string) => path.split('.').reduce<any>((node, key) => node?.[key], body);
      expect(row.ordering_key).toBe(multi.ordering_key_path.map(read).join('/'));
    }
    // The in-process path stores the same.
    const registrar = t.api.get(EventRegistrar);
    const event = eventClass('project:created' as EventTypeName).create(created);
    await t.db.transaction((tx) => registrar.register(tx, event));
    expect((await db.query(`SELECT ordering_key FROM events WHERE id = $1`, [event.id])).rows[0].ordering_key).toBe((created.project as { uuid: string }).uuid);
  });

  it('scopes idempotency keys per database role, and refuses a repeat with a different body (23505)', async () => {
    const body = exampleBody(EVENT_TYPES.find((e) => e.type === 'project:created')!);
    const first = await viaSql('project:created', body, 'sql-key-1');
    const again = await viaSql('project:created', { ...body, occurred_at: '2026-11-20T10:00:00Z' }, 'sql-key-1'); // the same instant, other text
    expect(again.id).toBe(first.id);
    const before = await counts();
    const conflict = await db.query(`SELECT register_event('project:created', $1::jsonb, 'sql-key-1')`, [JSON.stringify({ ...body, project: { ...(body.project as object), name: 'other' } })]).catch((e) => e);
    expect({ code: conflict.code, message: conflict.message }).toEqual({ code: '23505', message: expect.stringContaining('idempotency_conflict') });
    expect(JSON.parse(conflict.detail)).toEqual({ idempotency_key: 'sql-key-1', original_id: first.id });
    expect(await counts()).toEqual(before);
    // Within one call: the second of two equal items is the first; a differing one is a conflict.
    const { rows } = await db.query(`SELECT * FROM register_events($1::jsonb) AS id`, [JSON.stringify([{ type: 'project:created', body, idempotency_key: 'twice' }, { type: 'project:created', body, idempotency_key: 'twice' }])]);
    expect(rows[0].id).toBe(rows[1].id);
  });

  it('the trusted function refuses a type the catalogue lacks (23503, as the foreign key it replaces did) and writes nothing', async () => {
    const before = await counts();
    const record = (type: string) => `jsonb_build_object('id', tidings_uuid_v7(), 'type', '${type}', 'occurred_at', now(), 'source', 'api', 'data', '{}'::jsonb)`;
    const error = await db.query(`SELECT * FROM register_events_trusted(jsonb_build_array(${record('ping')}, ${record('no:such-type')}))`).catch((e) => e);
    expect({ code: error.code, message: error.message }).toEqual({ code: '23503', message: 'unknown event type no:such-type' });
    expect(await counts()).toEqual(before);
  });

  it('lets a role granted tidings_producer register events and nothing else', async () => {
    const role = `tidings_test_producer_${randomBytes(4).toString('hex')}`;
    await db.query(`CREATE ROLE ${role} LOGIN IN ROLE tidings_producer`);
    const producer = new Client({ connectionString: t.database.url.replace('postgres@', `${role}@`), options: searchPathOption(t.config.databaseSchema) });
    try {
      await producer.connect();
      const body = exampleBody(EVENT_TYPES.find((e) => e.type === 'project:created')!);
      const mine = await producer.query(`SELECT register_event('project:created', $1::jsonb, 'shared-key') AS id`, [JSON.stringify(body)]);
      const theirs = await viaSql('project:created', { ...body, project: { ...(body.project as object), name: 'theirs' } }, 'shared-key');
      expect(theirs.id).not.toBe(mine.rows[0].id); // another producer: another key space
      const [row] = (await db.query(`SELECT producer, source FROM events WHERE id = $1`, [mine.rows[0].id])).rows;
      expect(row).toEqual({ producer: role, source: 'sql' });
      const { rows: many } = await producer.query(`SELECT * FROM register_events($1::jsonb) AS id`, [JSON.stringify([{ type: 'project:created', body }])]);
      expect(many).toHaveLength(1);

      const denied: string[] = [];
      for (const statement of [
        `SELECT * FROM events LIMIT 1`,
        `SELECT * FROM event_types LIMIT 1`,
        `SELECT * FROM subscribers LIMIT 1`,
        `INSERT INTO event_idempotency (producer, key, event_id, body_hash) VALUES ('x', 'y', gen_random_uuid(), 'z')`,
        `DELETE FROM deliveries`,
        `SELECT * FROM register_events_trusted('[]')`,
        `SELECT event_body_errors('{}', '{}', '', 'x')`,
      ]) {
        const error = await producer.query(statement).catch((e) => e);
        if (error?.code === '42501') denied.push(statement);
      }
      expect(denied).toHaveLength(7);
    } finally {
      await producer.end().catch(() => undefined);
      await db.query(`DROP ROLE ${role}`);
    }
  });

  it('per-event cost: register_event() (validating in SQL) against the trusted path the api uses', async () => {
    const entry = EVENT_TYPES.find((e) => e.type === 'project:one-off-job:pipeline-run:failed')!;
    const body = JSON.stringify(exampleBody(entry));
    const n = 2000;
    // The backend's own CPU time (utime + stime from /proc: Postgres runs on this machine).
    const cpu = async (on: { query(sql: string): Promise<any> }) => {
      const result = await on.query(`SELECT pg_backend_pid() AS pid`);
      const rows = Array.isArray(result) ? result : result.rows;
      const stat = readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(stat[11]) + Number(stat[12])) * 1000) / 100; // in ms, at 100 ticks/s
    };
    await db.query('BEGIN');
    let [cpu0, t0] = [await cpu(db), performance.now()];
    await db.query(`SELECT register_event('project:one-off-job:pipeline-run:failed', $1::jsonb) FROM generate_series(1, ${n})`, [body]);
    const sql = { ms: (performance.now() - t0) / n, pg_cpu_ms: ((await cpu(db)) - cpu0) / n };
    await db.query('ROLLBACK');

    const registrar = t.api.get(EventRegistrar);
    const cls = eventClass(entry.type as EventTypeName);
    const events = Array.from({ length: n }, () => cls.create(JSON.parse(body)));
    const runner = t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    [cpu0, t0] = [await cpu(runner), performance.now()];
    for (let i = 0; i < n; i += 100) await registrar.registerMany(runner.manager, events.slice(i, i + 100));
    const trusted = { ms: (performance.now() - t0) / n, pg_cpu_ms: ((await cpu(runner)) - cpu0) / n };
    await runner.rollbackTransaction();
    await runner.release();
    console.log(
      `per event over ${n}: register_event() ${sql.ms.toFixed(3)} ms wall, ${sql.pg_cpu_ms.toFixed(3)} ms Postgres CPU; ` +
        `trusted path (registrar, groups of 100) ${trusted.ms.toFixed(3)} ms wall, ${trusted.pg_cpu_ms.toFixed(3)} ms Postgres CPU`,
    );
    expect(sql.ms).toBeGreaterThan(0);
  }, 300_000);
});
