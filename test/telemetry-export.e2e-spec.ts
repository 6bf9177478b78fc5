import { EventRegistrar, ProjectCreated } from '@tidings/events';
import { AnalyticsSender, ExportTelemetryBatch, lockTelemetryCursor, TelemetryCursor } from '@tidings/telemetry';
import { FakeAnalyticsBackend } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { Harness, startTidings } from './support/tidings-harness';

/*
 * The exporter's cursor and batch against real Postgres, one batch at a
 * time (no worker: the spec calls the use-case itself), with concurrent
 * transactions committed in a chosen order.
 */
describe('telemetry export: commit order, one exporter at a time, the same uuid when sent twice', () => {
  let t: Harness;
  let backend: FakeAnalyticsBackend;
  let exporter: ExportTelemetryBatch;
  let sender: AnalyticsSender;

  beforeAll(async () => {
    backend = await FakeAnalyticsBackend.start();
    t = await startTidings({ worker: false, env: { ANALYTICS_URL: backend.url, ANALYTICS_API_KEY: 'phc_export_spec' } });
    sender = new AnalyticsSender(t.config);
    exporter = new ExportTelemetryBatch(t.db, sender, t.config);
  });
  afterAll(async () => {
    await sender?.onApplicationShutdown();
    await t?.stop();
    await backend?.stop();
  });

  const project = () => ProjectCreated.create({ project: { uuid: randomUUID(), name: 'acme' } });
  const cursor = async (): Promise<TelemetryCursor> => {
    const [row] = await t.db.query(`SELECT xid::text AS xid, event_id FROM telemetry_cursor`);
    return { xid: row.xid, eventId: row.event_id };
  };
  const sentIds = (from: number) => backend.requests.slice(from).flatMap((r) => (r.json?.batch ?? []).map((e) => e.uuid));

  /** Exports until nothing committed is left past the cursor (bounded). */
  async function drain(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const outcome = await exporter.execute();
      if (outcome.kind === 'idle') return;
      expect(outcome.kind).toMatch(/exported|started/);
    }
    throw new Error('the export did not settle within 50 batches');
  }

  it('starts at the current position: what was committed before telemetry was on is not sent', async () => {
    const before = project();
    await t.db.transaction((tx) => t.api.get(EventRegistrar).register(tx, before));
    expect(await t.db.query(`SELECT count(*)::int AS n FROM telemetry_cursor`)).toEqual([{ n: 0 }]);
    expect(await exporter.execute()).toEqual({ kind: 'started' });
    await drain();
    expect(sentIds(0)).not.toContain(before.id);
  });

  it('a transaction that commits after an event with a later id is waited for, never skipped', async () => {
    await drain();
    const from = backend.requests.length;
    const registrar = t.api.get(EventRegistrar);
    const earlier = project();
    const later = project();
    expect(earlier.id < later.id).toBe(true);

    // T1 writes the earlier id and stays open; T2 writes the later id and commits.
    const t1 = t.db.createQueryRunner();
    await t1.connect();
    try {
      await t1.startTransaction();
      await registrar.register(t1.manager, earlier);
      await t.db.transaction((tx) => registrar.register(tx, later));

      // T1 is below no snapshot's xmin yet: nothing past its event goes out, not even T2's committed one.
      const position = await cursor();
      expect(await exporter.execute()).toEqual({ kind: 'idle' });
      expect(await cursor()).toEqual(position);
      expect(sentIds(from)).toEqual([]);

      await t1.commitTransaction();
    } finally {
      await t1.release();
    }
    await drain();
    expect(sentIds(from)).toEqual([earlier.id, later.id]);
    expect((await cursor()).eventId).toBe(later.id);
  });

  it('a rolled-back transaction leaves no gap and sends nothing', async () => {
    await drain();
    const from = backend.requests.length;
    const registrar = t.api.get(EventRegistrar);
    const rolledBack = project();
    const kept = project();
    await t.db
      .transaction(async (tx) => {
        await registrar.register(tx, rolledBack);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await t.db.transaction((tx) => registrar.register(tx, kept));
    await drain();
    expect(sentIds(from)).toEqual([kept.id]);
  });

  it('one exporter at a time: while one replica holds the cursor, another skips its turn', async () => {
    await t.db.transaction((tx) => t.api.get(EventRegistrar).register(tx, project()));
    const holder = t.db.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      expect(await lockTelemetryCursor(holder)).toEqual(expect.objectContaining({ xid: expect.any(String) }));
      expect(await exporter.execute()).toEqual({ kind: 'busy' });
      await holder.rollbackTransaction();
    } finally {
      await holder.release();
    }
    await drain();
  });

  it('backend refuses: the cursor waits; a batch sent twice carries the same uuids (the event ids)', async () => {
    await drain();
    const from = backend.requests.length;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const event = project();
      await t.db.transaction((tx) => t.api.get(EventRegistrar).register(tx, event));
      ids.push(event.id);
    }
    const position = await cursor();
    backend.answer({ status: 503 });
    try {
      expect(await exporter.execute()).toEqual(expect.objectContaining({ kind: 'failed', error: 'HTTP 503' }));
      expect(await cursor()).toEqual(position);
    } finally {
      backend.answer({ ok: true });
    }
    expect(await exporter.execute()).toEqual({ kind: 'exported', count: 3, more: false });
    const [refused, accepted] = backend.requests.slice(from);
    expect(refused.answered).toBe('error');
    expect(accepted.answered).toBe('ok');
    expect(refused.json?.batch?.map((e) => e.uuid)).toEqual(ids);
    expect(accepted.json?.batch?.map((e) => e.uuid)).toEqual(ids);
    expect(accepted.json?.batch?.map((e) => e.properties.$insert_id)).toEqual(ids);

    // The commit after a 2xx lost (the cursor set back): the same batch again, the same uuids, for the backend to drop.
    await t.db.query(`UPDATE telemetry_cursor SET xid = $1::xid8, event_id = $2`, [position.xid, position.eventId]);
    expect(await exporter.execute()).toEqual({ kind: 'exported', count: 3, more: false });
    const again = backend.requests[backend.requests.length - 1];
    expect(again.json?.batch?.map((e) => e.uuid)).toEqual(ids);
    expect(again.json?.batch).toEqual(accepted.json?.batch);
  });

  it('batches of at most 100, in (xid, id) order', async () => {
    await drain();
    const from = backend.requests.length;
    const events = Array.from({ length: 150 }, project);
    await t.db.transaction((tx) => t.api.get(EventRegistrar).registerMany(tx, events));
    expect(await exporter.execute()).toEqual({ kind: 'exported', count: 100, more: true });
    expect(await exporter.execute()).toEqual({ kind: 'exported', count: 50, more: false });
    const sizes = backend.requests.slice(from).map((r) => r.json?.batch?.length);
    expect(sizes).toEqual([100, 50]);
    // One transaction: one xid, so id order.
    expect(sentIds(from)).toEqual(events.map((e) => e.id).sort());
  });
});
