import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { Webhook } from 'standardwebhooks';
import { Harness, startTidings } from './support/tidings-harness';

/** Real Airflow OpenLineage events and the spec's examples (Apache-2.0); CI has ../shared beside the repo. */
const SHARED = join(__dirname, '..', '..', 'shared', 'fixtures', 'openlineage');
const OURS = join(__dirname, 'fixtures', 'openlineage');
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const ours = (file: string) => read(join(OURS, file));

const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.24.2/integration/spark';

/** A minimal valid RunEvent. */
function runEvent(
  over: {
    runId?: string;
    eventType?: string;
    eventTime?: string;
    job?: string;
    namespace?: string;
    inputs?: object[];
    outputs?: object[];
  } = {},
) {
  return {
    eventType: over.eventType ?? 'COMPLETE',
    eventTime: over.eventTime ?? '2026-11-20T10:00:00.000Z',
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: over.runId ?? randomUUID() },
    job: { namespace: over.namespace ?? 'e2e', name: over.job ?? `job-${randomUUID()}` },
    inputs: over.inputs ?? [],
    outputs: over.outputs ?? [],
  };
}

describe('OpenLineage ingestion (POST /api/v1/lineage, /api/v1/lineage/batch)', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings();
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  const post = (body: unknown, options?: { key?: string | null; headers?: Record<string, string> }) =>
    t.http('POST', '/api/v1/lineage', body, options);
  const postBatch = (body: unknown) => t.http('POST', '/api/v1/lineage/batch', body);

  /** Rows in every table ingestion writes, to prove a refusal wrote nothing. */
  async function counts() {
    const [row] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM deliveries) AS deliveries,
              (SELECT count(*)::int FROM lineage_runs) AS runs, (SELECT count(*)::int FROM lineage_edges) AS edges,
              (SELECT count(*)::int FROM lineage_jobs) AS jobs`,
    );
    return row as Record<string, number>;
  }

  const lineageRun = async (runId: string) => (await t.http('GET', `/v1/lineage/runs/${runId}`)).body;

  describe('the Airflow fixtures', () => {
    if (!existsSync(SHARED)) {
      console.log(`Skipping the Airflow OpenLineage fixtures: ${SHARED} is absent (CI has it)`);
      it.skip('needs ../shared/fixtures/openlineage', () => undefined);
      return;
    }
    const files = readdirSync(join(SHARED, 'airflow'))
      .filter((f) => f.endsWith('.json'))
      .sort();
    const fixtures = files.map((file) => ({ file, event: read(join(SHARED, 'airflow', file)) }));

    it('accepts every one, each as a typed lineage:run:* event keeping the raw event and its scope', async () => {
      expect(fixtures.length).toBeGreaterThanOrEqual(30);
      const before = await counts();
      for (const { file, event } of fixtures) {
        const res = await post(event);
        expect({ file, status: res.status, body: res.body }).toMatchObject({
          file,
          status: 201,
          body: { type: `lineage:run:${event.eventType.toLowerCase()}` },
        });
        const [row] = await t.db.query(
          `SELECT type, source, occurred_at, lineage_namespace, lineage_job, lineage_run_id, lineage_parent_run_id, data FROM events WHERE id = $1`,
          [res.body.id],
        );
        expect(row).toMatchObject({
          source: 'openlineage',
          lineage_namespace: event.job.namespace,
          lineage_job: event.job.name,
          lineage_run_id: event.run.runId,
          lineage_parent_run_id: event.run.facets?.parent?.run.runId ?? null,
        });
        expect(row.occurred_at.getTime()).toBe(new Date(event.eventTime).getTime());
        expect(row.data.openlineage).toEqual(event);
        expect(row.data.lineage.integration).toBe('AIRFLOW');
      }
      expect((await counts()).events).toBe(before.events + fixtures.length);
    });

    it('keeps one state per runId and links each task run to its DAG run through the parent facet', async () => {
      const dagRuns = fixtures.filter(({ event }) => !event.run.facets?.parent).map(({ event }) => event.run.runId);
      expect(new Set(dagRuns).size).toBe(3);
      for (const runId of new Set(dagRuns)) {
        const dag = await lineageRun(runId);
        expect(dag).toMatchObject({ run_id: runId, namespace: 'airflow', state: 'COMPLETED', last_event_type: 'COMPLETE', parent: null });
        const tasks = fixtures.filter(({ event }) => event.run.facets?.parent?.run.runId === runId);
        const taskRunIds = new Set(tasks.map(({ event }) => event.run.runId));
        expect(new Set(dag.children.map((c: any) => c.run_id))).toEqual(taskRunIds);
        for (const child of dag.children) expect(child.state).toBe('COMPLETED');
      }
      const upload = fixtures.find(({ event }) => event.job.name === 'BQ.upload' && event.eventType === 'COMPLETE')!.event;
      const run = await lineageRun(upload.run.runId);
      expect(run).toMatchObject({
        job: 'BQ.upload',
        state: 'COMPLETED',
        event_count: 2,
        parent: { run_id: upload.run.facets.parent.run.runId, namespace: 'airflow', job: 'BQ', state: 'COMPLETED' },
      });
      expect(new Date(run.ended_at).getTime()).toBe(new Date(upload.eventTime).getTime());
      expect(new Date(run.started_at).getTime()).toBeLessThan(new Date(run.ended_at).getTime());
    });

    it('builds job → dataset edges from the COMPLETE events, readable as a graph', async () => {
      const upload = fixtures.find(({ event }) => event.job.name === 'BQ.upload' && event.eventType === 'COMPLETE')!.event;
      const graph = await t.http('GET', `/v1/lineage/graph?namespace=airflow&name=BQ.upload&depth=1`);
      expect(graph.status).toBe(200);
      expect(graph.body.root).toEqual([{ type: 'job', namespace: 'airflow', name: 'BQ.upload' }]);
      const names = (nodes: any[]) => nodes.map((n) => `${n.namespace}/${n.name}`).sort();
      expect(names(graph.body.upstream.datasets)).toEqual(names(upload.inputs));
      expect(names(graph.body.downstream.datasets)).toEqual(names(upload.outputs));
      expect(graph.body.upstream.jobs).toEqual([]);

      // From the dataset BQ.upload wrote: its writer upstream, and whoever read it downstream.
      const written = upload.outputs[0];
      const fromDataset = await t.http(
        'GET',
        `/v1/lineage/graph?namespace=${encodeURIComponent(written.namespace)}&name=${encodeURIComponent(written.name)}&type=dataset`,
      );
      expect(fromDataset.status).toBe(200);
      expect(fromDataset.body.upstream.jobs).toContainEqual({ type: 'job', namespace: 'airflow', name: 'BQ.upload', distance: 1 });
      const readers = fixtures
        .filter(
          ({ event }) =>
            event.eventType === 'COMPLETE' &&
            (event.inputs ?? []).some((d: any) => d.namespace === written.namespace && d.name === written.name),
        )
        .map(({ event }) => event.job.name);
      expect(fromDataset.body.downstream.jobs.map((j: any) => j.name).sort()).toEqual([...new Set(readers)].sort());
    });

    it('answers 200 with an empty neighbourhood for the jobs whose completed runs carried no datasets', async () => {
      const datasetsOf = (name: string) =>
        fixtures.filter(({ event }) => event.job.name === name).flatMap(({ event }) => [...(event.inputs ?? []), ...(event.outputs ?? [])]);
      const bare = [...new Set(fixtures.map(({ event }) => event.job.name))].filter((name) => datasetsOf(name).length === 0);
      expect(bare).toEqual(expect.arrayContaining(['BQ', 'dag', 'dag.task_0', 'gcs_hook']));
      for (const name of bare) {
        const graph = await t.http('GET', `/v1/lineage/graph?namespace=airflow&name=${encodeURIComponent(name)}`);
        expect({ name, status: graph.status }).toEqual({ name, status: 200 });
        expect(graph.body).toEqual({
          root: [{ type: 'job', namespace: 'airflow', name }],
          depth: 2,
          upstream: { jobs: [], datasets: [] },
          downstream: { jobs: [], datasets: [] },
          edges: [],
          truncated: false,
        });
      }
    });

    it('refuses the invalid fixtures at /run/runId and writes nothing', async () => {
      const before = await counts();
      for (const file of ['no_run_id.json', 'run_id_not_uuid.json']) {
        const res = await post(read(join(SHARED, 'invalid', file)));
        expect({ file, status: res.status }).toEqual({ file, status: 400 });
        expect(res.body).toMatchObject({ error: 'validation_failed' });
        expect(res.body.details.map((d: any) => d.field)).toEqual(['/run/runId']);
      }
      expect(await counts()).toEqual(before);
    });
  });

  describe('our fixtures', () => {
    it('a DatasetEvent becomes lineage:dataset, scoped by the dataset namespace, with no run and no edge', async () => {
      const event = ours('dataset-event.json');
      const before = await counts();
      const res = await post(event);
      expect(res).toMatchObject({ status: 201, body: { type: 'lineage:dataset' } });
      const [row] = await t.db.query(`SELECT lineage_namespace, lineage_job, lineage_run_id, data FROM events WHERE id = $1`, [
        res.body.id,
      ]);
      expect(row).toMatchObject({ lineage_namespace: event.dataset.namespace, lineage_job: null, lineage_run_id: null });
      expect(row.data.lineage).toEqual({
        producer: event.producer,
        integration: 'DBT',
        dataset: { namespace: event.dataset.namespace, name: event.dataset.name },
        facets: ['schema', 'documentation'],
      });
      expect(row.data.openlineage).toEqual(event);
      const after = await counts();
      expect(after).toEqual({ ...before, events: before.events + 1 });
    });

    it('a JobEvent becomes lineage:job and adds its inputs and outputs as static edges, with no run', async () => {
      const event = ours('job-event.json');
      const before = await counts();
      const res = await post(event);
      expect(res).toMatchObject({ status: 201, body: { type: 'lineage:job' } });
      const [row] = await t.db.query(`SELECT lineage_namespace, lineage_job, data FROM events WHERE id = $1`, [res.body.id]);
      expect(row).toMatchObject({ lineage_namespace: 'dbt-prod', lineage_job: 'analytics.orders_daily' });
      expect(row.data.lineage.inputs).toEqual([{ namespace: event.inputs[0].namespace, name: event.inputs[0].name }]);
      expect(await counts()).toEqual({ ...before, events: before.events + 1, edges: before.edges + 2, jobs: before.jobs + 1 });

      const graph = await t.http('GET', `/v1/lineage/graph?namespace=dbt-prod&name=analytics.orders_daily&depth=1`);
      expect(graph.status).toBe(200);
      expect(graph.body.upstream.datasets).toEqual([{ type: 'dataset', ...event.inputs[0], distance: 1 }]);
      expect(graph.body.downstream.datasets).toEqual([{ type: 'dataset', ...event.outputs[0], distance: 1 }]);
      expect(graph.body.edges).toHaveLength(2);
      for (const edge of graph.body.edges) {
        expect(edge).toMatchObject({ last_run_id: null, current: true, last_seen_at: '2026-11-20T08:00:00.000Z' });
      }
    });

    it('a failed Spark run alerts a lineage:run:fail webhook with the errorMessage facet, and links its parent run', async () => {
      const hook = await t.http('POST', '/v1/webhooks', {
        name: 'spark-failures',
        url: receiver.url('/spark-failed'),
        subscriptions: [{ event_type: 'lineage:run:fail' }],
      });
      expect(hook.status).toBe(201);
      const start = ours('spark-run-start.json');
      const fail = ours('spark-run-fail.json');
      const started = await post(start);
      expect(started).toMatchObject({ status: 201, body: { type: 'lineage:run:start', run_state: 'RUNNING', deliveries: 0 } });
      const failed = await post(fail);
      expect(failed).toMatchObject({ status: 201, body: { type: 'lineage:run:fail', run_state: 'FAILED', deliveries: 1 } });

      const [request] = await receiver.waitForRequests('/spark-failed', 1);
      const payload = new Webhook(hook.body.secret).verify(request.body, request.headers as Record<string, string>) as any;
      expect(request.headers['x-tidings-event-type']).toBe('lineage:run:fail');
      expect(payload.event).toEqual({
        id: failed.body.id,
        type: 'lineage:run:fail',
        occurred_at: '2026-11-20T10:04:12.345Z',
        lineage: {
          event_type: 'FAIL',
          producer: fail.producer,
          integration: 'SPARK',
          job: { namespace: 'spark-prod', name: 'daily_orders.load_orders' },
          run: {
            id: fail.run.runId,
            state: 'FAILED',
            parent: { id: fail.run.facets.parent.run.runId, job: { namespace: 'airflow', name: 'daily_orders' } },
          },
          inputs: [{ namespace: 's3://raw-bucket', name: 'orders/2026-11-19' }],
          outputs: [{ namespace: 'redshift://warehouse.example.com:5439', name: 'analytics.public.orders' }],
          error: {
            message: fail.run.facets.errorMessage.message,
            programmingLanguage: 'JAVA',
            stackTrace: fail.run.facets.errorMessage.stackTrace,
          },
        },
      });
      // The raw event (custom facets, unknown fields) is stored but not sent.
      expect(request.body).not.toContain('spark_properties');
      const [row] = await t.db.query(`SELECT data FROM events WHERE id = $1`, [failed.body.id]);
      expect(row.data.openlineage.unknownTopLevelField).toEqual({ kept: true });
      expect(row.data.openlineage.run.facets.spark_properties.properties['spark.master']).toBe('yarn');

      const run = await lineageRun(fail.run.runId);
      expect(run).toMatchObject({
        state: 'FAILED',
        last_event_type: 'FAIL',
        event_count: 2,
        parent: { run_id: fail.run.facets.parent.run.runId, job: 'daily_orders', state: null },
      });
      expect(run.started_at).toBe('2026-11-20T10:00:00.000Z');
      expect(run.ended_at).toBe('2026-11-20T10:04:12.345Z');
      // A FAIL adds no edges: only what a COMPLETE run read and wrote is lineage. The job is known all the same.
      const graph = await t.http('GET', `/v1/lineage/graph?namespace=spark-prod&name=daily_orders.load_orders`);
      expect(graph.status).toBe(200);
      expect(graph.body).toMatchObject({ upstream: { jobs: [], datasets: [] }, downstream: { jobs: [], datasets: [] }, edges: [] });
    });
  });

  describe('run state', () => {
    it('never moves a finished run back because of an older event, whatever the arrival order', async () => {
      const runId = randomUUID();
      const job = `ordering-${runId}`;
      expect((await post(runEvent({ runId, job, eventType: 'COMPLETE', eventTime: '2026-11-20T10:05:00Z' }))).body.run_state).toBe(
        'COMPLETED',
      );
      // START and RUNNING delivered late: the start moves earlier, the state stays.
      expect((await post(runEvent({ runId, job, eventType: 'START', eventTime: '2026-11-20T10:00:00Z' }))).body.run_state).toBe(
        'COMPLETED',
      );
      expect((await post(runEvent({ runId, job, eventType: 'RUNNING', eventTime: '2026-11-20T10:02:00Z' }))).body.run_state).toBe(
        'COMPLETED',
      );
      // An older FAIL does not replace the newer COMPLETE; OTHER after completion only adds metadata.
      expect((await post(runEvent({ runId, job, eventType: 'FAIL', eventTime: '2026-11-20T10:04:00Z' }))).body.run_state).toBe('COMPLETED');
      const other = await post({ ...runEvent({ runId, job, eventTime: '2026-11-20T10:06:00Z' }), eventType: undefined });
      expect(other.body).toMatchObject({ type: 'lineage:run:other', run_state: 'COMPLETED' });
      const run = await lineageRun(runId);
      expect(run).toMatchObject({
        state: 'COMPLETED',
        started_at: '2026-11-20T10:00:00.000Z',
        ended_at: '2026-11-20T10:05:00.000Z',
        event_count: 5,
      });
      expect(run.last_event_at).toBe('2026-11-20T10:06:00.000Z');

      // A newer terminal event does apply: the run was aborted after all.
      expect((await post(runEvent({ runId, job, eventType: 'ABORT', eventTime: '2026-11-20T10:07:00Z' }))).body.run_state).toBe('ABORTED');
      expect(await lineageRun(runId)).toMatchObject({ state: 'ABORTED', ended_at: '2026-11-20T10:07:00.000Z' });
    });

    it('one run however many of its events arrive at once', async () => {
      const runId = randomUUID();
      const job = `concurrent-${runId}`;
      const times = Array.from({ length: 12 }, (_, i) => `2026-11-20T11:00:${String(i).padStart(2, '0')}Z`);
      const results = await Promise.all(
        times.map((eventTime, i) => post(runEvent({ runId, job, eventTime, eventType: i === 11 ? 'COMPLETE' : 'RUNNING' }))),
      );
      expect(results.map((r) => r.status)).toEqual(times.map(() => 201));
      const [row] = await t.db.query(
        `SELECT count(*)::int AS n, max(state) AS state, max(event_count) AS events FROM lineage_runs WHERE run_id = $1`,
        [runId],
      );
      expect(row).toEqual({ n: 1, state: 'COMPLETED', events: 12 });
    });
  });

  describe('the lineage graph', () => {
    it('walks upstream and downstream jobs and datasets to the depth asked', async () => {
      const ns = `graph-${randomUUID().slice(0, 8)}`;
      const d = (name: string) => ({ namespace: `${ns}-store`, name });
      // raw → [extract] → staging → [transform] → warehouse → [publish] → extract.csv
      //                              staging → [audit] → audit_report
      for (const [job, inputs, outputs] of [
        ['extract', [d('raw')], [d('staging')]],
        ['transform', [d('staging')], [d('warehouse')]],
        ['publish', [d('warehouse')], [d('extract.csv')]],
        ['audit', [d('staging')], [d('audit_report')]],
      ] as const) {
        expect((await post(runEvent({ namespace: ns, job, inputs: [...inputs], outputs: [...outputs] }))).status).toBe(201);
      }
      // A START listing datasets adds nothing.
      await post(runEvent({ namespace: ns, job: 'never-completed', eventType: 'START', inputs: [d('staging')], outputs: [d('ghost')] }));

      const near = await t.http('GET', `/v1/lineage/graph?namespace=${ns}-store&name=staging`);
      expect(near.status).toBe(200);
      expect(near.body).toMatchObject({
        root: [{ type: 'dataset', namespace: `${ns}-store`, name: 'staging' }],
        depth: 2,
        truncated: false,
      });
      const names = (nodes: any[]) => nodes.map((n) => `${n.name}@${n.distance}`).sort();
      expect(names(near.body.upstream.jobs)).toEqual(['extract@1']);
      expect(names(near.body.upstream.datasets)).toEqual(['raw@2']);
      expect(names(near.body.downstream.jobs)).toEqual(['audit@1', 'transform@1']);
      expect(names(near.body.downstream.datasets)).toEqual(['audit_report@2', 'warehouse@2']);
      expect(near.body.edges).toContainEqual(
        expect.objectContaining({
          from: { type: 'dataset', namespace: `${ns}-store`, name: 'staging' },
          to: { type: 'job', namespace: ns, name: 'transform' },
        }),
      );
      expect(near.body.edges).toContainEqual(
        expect.objectContaining({
          from: { type: 'job', namespace: ns, name: 'extract' },
          to: { type: 'dataset', namespace: `${ns}-store`, name: 'staging' },
        }),
      );
      expect(near.body.edges).toHaveLength(6);

      const far = await t.http('GET', `/v1/lineage/graph?namespace=${ns}-store&name=staging&depth=4`);
      expect(names(far.body.downstream.jobs)).toEqual(['audit@1', 'publish@3', 'transform@1']);
      expect(names(far.body.downstream.datasets)).toEqual(['audit_report@2', 'extract.csv@4', 'warehouse@2']);

      const job = await t.http('GET', `/v1/lineage/graph?namespace=${ns}&name=transform&depth=1`);
      expect(job.body.root).toEqual([{ type: 'job', namespace: ns, name: 'transform' }]);
      expect(names(job.body.upstream.datasets)).toEqual(['staging@1']);
      expect(names(job.body.downstream.datasets)).toEqual(['warehouse@1']);
    });

    it('answers 404 for an unknown node and 400 for bad parameters', async () => {
      expect((await t.http('GET', `/v1/lineage/graph?namespace=nowhere&name=nothing`)).status).toBe(404);
      for (const query of [
        'namespace=a',
        'name=b',
        'namespace=a&name=b&depth=0',
        'namespace=a&name=b&depth=11',
        'namespace=a&name=b&depth=two',
        'namespace=a&name=b&type=table',
      ]) {
        const res = await t.http('GET', `/v1/lineage/graph?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
      }
      expect((await t.http('GET', `/v1/lineage/runs/not-a-uuid`)).status).toBe(400);
      expect((await t.http('GET', `/v1/lineage/runs/${randomUUID()}`)).status).toBe(404);
    });
  });

  describe('graph rules (DESIGN §7.1)', () => {
    const names = (nodes: any[]) => nodes.map((n) => n.name).sort();
    const graphOf = (namespace: string, name: string, extra = '') =>
      t.http('GET', `/v1/lineage/graph?namespace=${encodeURIComponent(namespace)}&name=${encodeURIComponent(name)}${extra}`);

    it('a streaming job reaches the graph from its RUNNING events, before (or without) any COMPLETE', async () => {
      const running = ours('flink-stream-running.json');
      const res = await post(running);
      expect(res).toMatchObject({ status: 201, body: { type: 'lineage:run:running', run_state: 'RUNNING' } });
      const graph = await graphOf('flink-prod', 'orders_enrichment', '&depth=1');
      expect(graph.status).toBe(200);
      expect(names(graph.body.upstream.datasets)).toEqual(['customers', 'orders']);
      expect(names(graph.body.downstream.datasets)).toEqual(['orders_enriched']);
      for (const edge of graph.body.edges) expect(edge).toMatchObject({ current: true, last_run_id: running.run.runId });
      // From the topic: the streaming job reads it.
      const topic = await graphOf('kafka://kafka-prod:9092', 'orders', '&depth=1');
      expect(topic.body.downstream.jobs).toEqual([{ type: 'job', namespace: 'flink-prod', name: 'orders_enrichment', distance: 1 }]);

      // A heartbeat without datasets says nothing of them: the topics stay current.
      await post({ ...running, eventTime: '2026-11-20T10:20:00.000Z', inputs: [], outputs: [] });
      expect(names((await graphOf('flink-prod', 'orders_enrichment', '&depth=1')).body.upstream.datasets)).toEqual(['customers', 'orders']);
      // The job now reads a third topic instead of customers: that RUNNING event is its current version.
      const changed = {
        ...running,
        eventTime: '2026-11-20T10:25:00.000Z',
        inputs: [running.inputs[0], { namespace: 'kafka://kafka-prod:9092', name: 'returns' }],
      };
      expect((await post(changed)).status).toBe(201);
      const now = await graphOf('flink-prod', 'orders_enrichment', '&depth=1');
      expect(names(now.body.upstream.datasets)).toEqual(['orders', 'returns']);
    });

    it('a batch job adds no edge from RUNNING (only its COMPLETE does), yet is known: 200, empty', async () => {
      const ns = `batch-${randomUUID().slice(0, 8)}`;
      const runId = randomUUID();
      const inputs = [{ namespace: ns, name: 'in' }];
      const outputs = [{ namespace: ns, name: 'out' }];
      await post(runEvent({ runId, namespace: ns, job: 'nightly', eventType: 'START', inputs, outputs }));
      await post(
        runEvent({ runId, namespace: ns, job: 'nightly', eventType: 'RUNNING', inputs, outputs, eventTime: '2026-11-20T10:01:00Z' }),
      );
      const before = await graphOf(ns, 'nightly');
      expect(before.status).toBe(200);
      expect(before.body.edges).toEqual([]);
      await post(
        runEvent({ runId, namespace: ns, job: 'nightly', eventType: 'COMPLETE', inputs, outputs, eventTime: '2026-11-20T10:02:00Z' }),
      );
      const after = await graphOf(ns, 'nightly');
      expect(after.body.edges).toHaveLength(2);
      // An unknown job (no event named it) is still 404.
      expect((await graphOf(ns, 'never-seen')).status).toBe(404);
    });

    it("marks the latest completed run's inputs and outputs current and keeps older ones as history", async () => {
      const ns = `versions-${randomUUID().slice(0, 8)}`;
      const d = (name: string) => ({ namespace: `${ns}-store`, name });
      const complete = (eventTime: string, inputs: object[], outputs: object[]) =>
        post(runEvent({ namespace: ns, job: 'load', eventTime, inputs, outputs }));
      const first = await complete('2026-11-20T10:00:00Z', [d('a')], [d('out')]);
      expect(first.status).toBe(201);
      // The job's inputs change from a to b.
      const second = runEvent({ namespace: ns, job: 'load', eventTime: '2026-11-20T11:00:00Z', inputs: [d('b')], outputs: [d('out')] });
      expect((await post(second)).status).toBe(201);
      // An older run reported late (it read c) does not become current.
      expect((await complete('2026-11-20T09:00:00Z', [d('c')], [d('out')])).status).toBe(201);

      const current = await graphOf(ns, 'load', '&depth=1');
      expect(current.status).toBe(200);
      expect(names(current.body.upstream.datasets)).toEqual(['b']);
      expect(names(current.body.downstream.datasets)).toEqual(['out']);
      expect(current.body.edges.every((e: any) => e.current)).toBe(true);
      expect(current.body.edges.find((e: any) => e.from.name === 'b')).toMatchObject({
        last_run_id: second.run.runId,
        last_seen_at: '2026-11-20T11:00:00.000Z',
      });

      const history = await graphOf(ns, 'load', '&depth=1&include=history');
      expect(names(history.body.upstream.datasets)).toEqual(['a', 'b', 'c']);
      const byInput = Object.fromEntries(
        history.body.edges.filter((e: any) => e.to.type === 'job').map((e: any) => [e.from.name, e.current]),
      );
      expect(byInput).toEqual({ a: false, b: true, c: false });
      expect(history.body.edges.find((e: any) => e.to.name === 'out')).toMatchObject({ current: true });

      // Walking from a former input: it no longer feeds the job, except in history.
      const fromA = await graphOf(`${ns}-store`, 'a', '&depth=1');
      expect(fromA.status).toBe(200);
      expect(fromA.body.downstream.jobs).toEqual([]);
      const fromAHistory = await graphOf(`${ns}-store`, 'a', '&depth=1&include=history');
      expect(names(fromAHistory.body.downstream.jobs)).toEqual(['load']);
      expect((await graphOf(ns, 'load', '&include=all')).status).toBe(400);

      // A completed run with no datasets is a version with none: everything becomes history.
      expect((await complete('2026-11-20T12:00:00Z', [], [])).status).toBe(201);
      const empty = await graphOf(ns, 'load');
      expect(empty.status).toBe(200);
      expect(empty.body.edges).toEqual([]);
      expect((await graphOf(ns, 'load', '&include=history')).body.edges).toHaveLength(4);
    });

    it('a JobEvent and completed runs combine by time: the newest report is the current version', async () => {
      const ns = `static-${randomUUID().slice(0, 8)}`;
      const d = (name: string) => ({ namespace: `${ns}-store`, name });
      const jobEvent = (eventTime: string, inputs: object[], outputs: object[]) => ({
        ...ours('job-event.json'),
        eventTime,
        job: { namespace: ns, name: 'model' },
        inputs,
        outputs,
      });
      expect((await post(jobEvent('2026-11-20T08:00:00Z', [d('declared_in')], [d('declared_out')]))).status).toBe(201);
      // A run completes later, reading something else: the run is the current version.
      await post(
        runEvent({ namespace: ns, job: 'model', eventTime: '2026-11-20T09:00:00Z', inputs: [d('run_in')], outputs: [d('declared_out')] }),
      );
      let graph = await graphOf(ns, 'model', '&depth=1');
      expect(names(graph.body.upstream.datasets)).toEqual(['run_in']);
      // The job is declared again, newer still: the declaration is current, the run's edges history.
      expect((await post(jobEvent('2026-11-20T10:00:00Z', [d('declared_in')], [d('declared_out')]))).status).toBe(201);
      graph = await graphOf(ns, 'model', '&depth=1');
      expect(names(graph.body.upstream.datasets)).toEqual(['declared_in']);
      expect(graph.body.edges.every((e: any) => e.current && e.last_run_id === null)).toBe(true);
      const history = await graphOf(ns, 'model', '&depth=1&include=history');
      expect(history.body.edges.find((e: any) => e.from.name === 'run_in')).toMatchObject({ current: false });
    });

    it("batches apply a run's events in order, and concurrent batches sharing runs all succeed", async () => {
      const ns = `batched-${randomUUID().slice(0, 8)}`;
      const runs = Array.from({ length: 10 }, () => randomUUID());
      const batch = (shift: number) =>
        runs.flatMap((runId, i) =>
          ['START', 'RUNNING', 'COMPLETE'].map((eventType, k) =>
            runEvent({
              runId,
              namespace: ns,
              job: `job-${i}`,
              eventType,
              eventTime: new Date(Date.UTC(2026, 10, 20, 10, shift, k)).toISOString(),
              inputs: [{ namespace: ns, name: `in-${i}` }],
              outputs: [{ namespace: ns, name: `out-${i}-${shift}` }],
            }),
          ),
        );
      // Four batches at once, each with every run, in opposite orders: no deadlock, nothing lost.
      const bodies = [0, 1, 2, 3].map((shift) => (shift % 2 ? batch(shift).reverse() : batch(shift)));
      const results = await Promise.all(bodies.map((body) => postBatch(body)));
      for (const res of results) expect(res).toMatchObject({ status: 200, body: { status: 'success', summary: { failed: 0 } } });
      const rows = await t.db.query(`SELECT state, event_count FROM lineage_runs WHERE run_id = ANY($1::uuid[])`, [runs]);
      expect(rows).toHaveLength(10);
      for (const row of rows) expect(row).toEqual({ state: 'COMPLETED', event_count: 12 });
      // Each job's current version is the newest COMPLETE (shift 3); the others are history.
      const graph = await graphOf(ns, 'job-0', '&depth=1');
      expect(names(graph.body.downstream.datasets)).toEqual(['out-0-3']);
      const history = await graphOf(ns, 'job-0', '&depth=1&include=history');
      expect(names(history.body.downstream.datasets)).toEqual(['out-0-0', 'out-0-1', 'out-0-2', 'out-0-3']);
      // In one batch, START then COMPLETE of a new run: the state after each event.
      const runId = randomUUID();
      const single = await postBatch([
        runEvent({ runId, namespace: ns, job: 'once', eventType: 'START', eventTime: '2026-11-20T10:00:00Z' }),
        runEvent({ runId, namespace: ns, job: 'once', eventType: 'COMPLETE', eventTime: '2026-11-20T10:01:00Z' }),
      ]);
      expect(single.body.summary).toEqual({ received: 2, successful: 2, failed: 0 });
      const types = await t.db.query(
        `SELECT type, data->'lineage'->'run'->>'state' AS state FROM events WHERE id = ANY($1::uuid[]) ORDER BY occurred_at`,
        [single.body.events.map((e: any) => e.id)],
      );
      expect(types).toEqual([
        { type: 'lineage:run:start', state: 'RUNNING' },
        { type: 'lineage:run:complete', state: 'COMPLETED' },
      ]);
      expect(await lineageRun(runId)).toMatchObject({ state: 'COMPLETED', event_count: 2 });
    });
  });

  describe('validation, batches, compression, auth', () => {
    it('refuses bad events with 400 and JSON-pointer paths, and writes nothing', async () => {
      const before = await counts();
      const missing = { ...runEvent(), run: {} };
      const res = await post(missing);
      expect(res).toMatchObject({ status: 400, body: { error: 'validation_failed', details: [{ field: '/run/runId' }] } });
      expect(typeof res.body.message).toBe('string');

      const facets = runEvent();
      (facets.run as any).facets = { parent: { _producer: PRODUCER, _schemaURL: 'https://x', run: {}, job: { namespace: 'a' } } };
      const bad = await post({ ...facets, eventType: 'FINISHED', eventTime: '2026-11-20 10:00:00' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: any) => d.field).sort()).toEqual([
        '/eventTime',
        '/eventType',
        '/run/facets/parent/job/name',
        '/run/facets/parent/run/runId',
      ]);

      for (const body of [
        '[1,2',
        'null',
        '"text"',
        '42',
        '[]',
        JSON.stringify([runEvent()]),
        JSON.stringify({ ...runEvent(), run: { runId: 'x'.repeat(100_000) } }),
      ]) {
        const r = await post(body);
        expect({ body: body.slice(0, 40), status: r.status, error: typeof r.body?.error }).toEqual({
          body: body.slice(0, 40),
          status: 400,
          error: 'string',
        });
      }
      expect(await counts()).toEqual(before);
    });

    it('accepts a gzip-compressed event', async () => {
      const event = runEvent({ eventType: 'START' });
      const res = await fetch(`${t.baseUrl}/api/v1/lineage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify(event)),
      });
      expect(res.status).toBe(201);
      expect((await lineageRun(event.run.runId)).state).toBe('RUNNING');
    });

    it('refuses a 200 MiB gzip bomb with 413 without inflating it into memory', async () => {
      // ~200 KB on the wire: a JSON string of 200 MiB of zeros, compressed in a stream (never held whole here either).
      const gzip = createGzip({ level: 9 });
      const chunks: Buffer[] = [];
      gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
      const done = new Promise((resolve) => gzip.on('end', resolve));
      gzip.write('{"eventTime":"');
      const zeros = Buffer.alloc(1024 * 1024, 48);
      for (let i = 0; i < 200; i++) gzip.write(zeros);
      gzip.end('"}');
      await done;
      const bomb = Buffer.concat(chunks);
      expect(bomb.length).toBeLessThan(1024 * 1024);

      const before = await counts();
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      const res = await fetch(`${t.baseUrl}/api/v1/lineage/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: bomb,
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
      // The api runs in this process: inflating 200 MiB would show here.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
      expect(await counts()).toEqual(before);
    });

    it('a batch stores each valid event alone and reports each bad one by index', async () => {
      const ok1 = runEvent({ eventType: 'START' });
      const ok2 = ours('job-event.json');
      const before = await counts();
      const res = await postBatch([
        ok1,
        { ...runEvent(), run: { runId: 'not-a-uuid' } },
        ok2,
        'text',
        null,
        { ...runEvent(), eventType: 'DONE' },
      ]);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'partial_success', summary: { received: 6, successful: 2, failed: 4 } });
      expect(res.body.failed_events.map((f: any) => f.index)).toEqual([1, 3, 4, 5]);
      expect(res.body.failed_events[0]).toMatchObject({ index: 1, details: [{ field: '/run/runId' }] });
      expect(res.body.failed_events[0].reason).toContain('/run/runId');
      expect(res.body.failed_events[3].reason).toContain('/eventType');
      expect(res.body.events.map((e: any) => [e.index, e.type])).toEqual([
        [0, 'lineage:run:start'],
        [2, 'lineage:job'],
      ]);
      const after = await counts();
      expect(after.events).toBe(before.events + 2);
      expect(after.runs).toBe(before.runs + 1);

      const allBad = await postBatch([{}, { eventTime: 'now' }]);
      expect(allBad).toMatchObject({ status: 200, body: { status: 'failure', summary: { received: 2, successful: 0, failed: 2 } } });
      const allGood = await postBatch([runEvent(), runEvent()]);
      expect(allGood).toMatchObject({
        status: 200,
        body: { status: 'success', summary: { received: 2, successful: 2, failed: 0 }, failed_events: [] },
      });

      // Several events of one run in one batch, among others: they all count, and the run ends where its events say.
      const runId = randomUUID();
      const job = `batched-${runId}`;
      const mixed = await postBatch([
        runEvent({ runId, job, eventType: 'START', eventTime: '2026-11-20T09:00:00Z' }),
        ...Array.from({ length: 6 }, () => runEvent({ eventType: 'START' })),
        runEvent({ runId, job, eventType: 'RUNNING', eventTime: '2026-11-20T09:01:00Z' }),
        runEvent({ runId, job, eventType: 'COMPLETE', eventTime: '2026-11-20T09:02:00Z' }),
      ]);
      expect(mixed.body.summary).toEqual({ received: 9, successful: 9, failed: 0 });
      expect(mixed.body.events.map((e: any) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await lineageRun(runId)).toMatchObject({
        state: 'COMPLETED',
        event_count: 3,
        started_at: '2026-11-20T09:00:00.000Z',
        ended_at: '2026-11-20T09:02:00.000Z',
      });
    });

    it('stores each event of a batch as its own text received, in meaning the event that was validated', async () => {
      const [first, second] = [runEvent({ eventType: 'START' }), runEvent({ eventType: 'COMPLETE' })];
      // Pretty-printed and gzip, a string holding `,]` and escapes, non-ASCII text, and a number beyond a double.
      const custom = { _producer: PRODUCER, _schemaURL: 'https://example.com/custom.json', note: 'a,] "quoted" \\ é ✓' };
      const text = `[\n  ${JSON.stringify({ ...first, run: { ...first.run, facets: { custom } } }, null, 2)} ,\n${JSON.stringify(
        second,
      ).replace(/}$/, ', "counter": 12345678901234567890}')}\n]\n`;
      const res = await fetch(`${t.baseUrl}/api/v1/lineage/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(text),
      });
      const body: any = await res.json();
      expect({ status: res.status, summary: body.summary }).toEqual({ status: 200, summary: { received: 2, successful: 2, failed: 0 } });
      const rows = await t.db.query(
        `SELECT data->'openlineage' AS event, data->'openlineage'->>'counter' AS counter, data->'lineage' AS lineage FROM events WHERE id = ANY($1) ORDER BY id`,
        [body.events.map((e: any) => e.id)],
      );
      expect(rows[0].event).toEqual({ ...first, run: { ...first.run, facets: { custom } } });
      expect(rows[0].lineage).toMatchObject({ event_type: 'START', run: { id: first.run.runId, state: 'RUNNING' } });
      expect(rows[1].event).toEqual({ ...second, counter: 12345678901234567890 });
      // Its text as received: serialized again from the parsed event it would read 12345678901234567000.
      expect(rows[1].counter).toBe('12345678901234567890');
    });

    it('refuses a batch that is not an array, is empty, or holds more than 1000 events', async () => {
      const before = await counts();
      for (const body of [runEvent(), { events: [runEvent()] }, [], Array.from({ length: 1001 }, () => ({}))]) {
        const res = await postBatch(body);
        expect(res).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      }
      expect(await counts()).toEqual(before);
    });

    it('needs an events:write (or admin) key', async () => {
      const writer = (await t.http('POST', '/v1/api-keys', { name: 'airflow', scopes: ['events:write'] })).body.key;
      const analytics = (await t.http('POST', '/v1/api-keys', { name: 'fe', scopes: ['analytics:write'] })).body.key;
      expect((await post(runEvent(), { key: null })).status).toBe(401);
      expect((await post(runEvent(), { key: 'tid_nope' })).status).toBe(401);
      expect((await post(runEvent(), { key: analytics })).status).toBe(403);
      expect((await post(runEvent(), { key: writer })).status).toBe(201);
      expect((await t.http('POST', '/api/v1/lineage/batch', [runEvent()], { key: writer })).status).toBe(200);
      // Reading the graph and runs is for admins.
      expect((await t.http('GET', '/v1/lineage/graph?namespace=a&name=b', undefined, { key: writer })).status).toBe(403);
    });

    it('lineage types cannot be registered through POST /v1/events', async () => {
      const res = await t.http('POST', '/v1/events', { type: 'lineage:run:fail', lineage: {} });
      expect(res).toMatchObject({ status: 400, body: { details: [{ field: 'type' }] } });
    });

    it('a webhook may subscribe to lineage:* and is told of every kind', async () => {
      const hook = await t.http('POST', '/v1/webhooks', {
        name: 'all-lineage',
        url: receiver.url('/lineage-all'),
        subscriptions: [{ event_type: 'lineage:*' }],
      });
      expect(hook.status).toBe(201);
      await post(ours('dataset-event.json'));
      await post(runEvent({ eventType: 'START' }));
      const requests = await receiver.waitForRequests('/lineage-all', 2);
      expect(requests.map((r) => r.headers['x-tidings-event-type']).sort()).toEqual(['lineage:dataset', 'lineage:run:start']);
      await waitFor('both delivered', async () => {
        const res = await t.http('GET', `/v1/deliveries?webhook_id=${hook.body.id}`);
        return res.body.data.length === 2 && res.body.data.every((d: any) => d.status === 'delivered');
      });
    });
  });
});
