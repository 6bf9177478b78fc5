import { FakeWebhookReceiver } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Harness, startTidings } from './support/tidings-harness';

const PIPELINE = 'SFTP_to_Tableau';
const RUN = 'airflow-123';
const T = (time: string) => `2026-11-20T${time}Z`;

describe('observability ingestion (POST /events/v1/*) and observed runs', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  /** An events:write key, sent the DataKitchen way: "ServiceAccountAuthenticationKey: <key>". */
  let toolKey: string;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings();
    toolKey = (await t.http('POST', '/v1/api-keys', { name: 'airflow', scopes: ['events:write'] })).body.key;
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  /** Sends one event as a data tool does; returns the response. */
  const send = (kind: string, body: unknown, headers: Record<string, string> = { serviceaccountauthenticationkey: toolKey }) =>
    t.http('POST', `/events/v1/${kind}`, body, { key: null, headers });

  async function ok(kind: string, body: object) {
    const res = await send(kind, body);
    expect({ kind, body, status: res.status, response: res.body }).toEqual({ kind, body, status: 204, response: undefined });
  }

  const summary = async (pipeline: string, run: string) => {
    const res = await t.http('GET', `/v1/observability/pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(run)}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  async function counts() {
    const [row] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM deliveries) AS deliveries,
              (SELECT count(*)::int FROM observed_runs) AS runs, (SELECT count(*)::int FROM observed_run_tasks) AS tasks,
              (SELECT count(*)::int FROM observed_run_tests) AS tests, (SELECT count(*)::int FROM observed_run_metrics) AS metrics`,
    );
    return row as Record<string, number>;
  }

  async function webhook(path: string, subscriptions: object[]) {
    const res = await t.http('POST', '/v1/webhooks', { name: path, url: receiver.url(path), subscriptions });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  }

  it('the seed walkthrough: SFTP → S3 → Redshift → Tableau, out of order, ends in the right states and fires observability:run:failed', async () => {
    const failedRuns = await webhook('/runs-failed', [{ event_type: 'observability:run:failed', pipeline_key: PIPELINE }]);
    const otherPipeline = await webhook('/other-pipeline', [{ event_type: 'observability:run:failed', pipeline_key: 'another_pipeline' }]);
    const taskEvents = await webhook('/tasks', [{ event_type: 'observability:task:*', pipeline_key: PIPELINE }]);

    const run = { pipeline_key: PIPELINE, run_key: RUN };
    const task = (task_key: string, more: object) => ({ ...run, task_key, ...more });

    // The DAG run starts.
    await ok('run-status', {
      ...run,
      status: 'RUNNING',
      event_timestamp: T('10:00:00'),
      pipeline_name: 'SFTP → S3 → Redshift → Tableau',
      run_name: 'nightly 2026-11-20',
      component_tool: 'AIRFLOW',
    });
    // sftp_download: runs, logs, completes.
    await ok('run-status', task('sftp_download', { status: 'RUNNING', task_name: 'Download from SFTP', event_timestamp: T('10:00:05') }));
    await ok(
      'message-log',
      task('sftp_download', { log_level: 'INFO', message: 'Downloaded 3 files (42 MB)', event_timestamp: T('10:01:30') }),
    );
    await ok('run-status', task('sftp_download', { status: 'COMPLETED', event_timestamp: T('10:02:00') }));
    // s3_upload: its COMPLETED arrives before its RUNNING, and a metric in between.
    await ok('run-status', task('s3_upload', { status: 'COMPLETED', task_name: 'Upload to S3', event_timestamp: T('10:05:00') }));
    await ok('metric-log', task('s3_upload', { metric_key: 'files_uploaded', metric_value: 3, event_timestamp: T('10:04:00') }));
    await ok('run-status', task('s3_upload', { status: 'RUNNING', event_timestamp: T('10:02:10') }));
    // redshift_load: lower-case status, a warning, tests with a failure, an error, a metric with a naive (UTC) timestamp, then fails.
    await ok('run-status', task('redshift_load', { status: 'running', task_name: 'Load into Redshift', event_timestamp: T('10:05:10') }));
    await ok(
      'message-log',
      task('redshift_load', { log_level: 'warning', message: 'COPY is slow: 3 min for 1.2M rows', event_timestamp: T('10:06:00') }),
    );
    await ok(
      'test-outcomes',
      task('redshift_load', {
        event_timestamp: T('10:07:30'),
        test_outcomes: [
          { name: 'row_count_matches_source', status: 'PASSED', metric_value: 1200000 },
          {
            name: 'no_null_customer_ids',
            status: 'FAILED',
            description: '12 rows with a null customer_id',
            metric_value: 12,
            max_threshold: 0,
          },
          { name: 'freshness_under_24h', status: 'warning', metric_value: '26.5', max_threshold: '24' },
        ],
      }),
    );
    await ok(
      'message-log',
      task('redshift_load', {
        log_level: 'ERROR',
        message: 'COPY failed: column "amount" is of type numeric but expression is of type text',
        event_timestamp: T('10:07:45'),
      }),
    );
    await ok(
      'metric-log',
      task('redshift_load', { metric_key: 'rows_loaded', metric_value: 1199988, event_timestamp: '2026-11-20T10:07:50' }),
    );
    await ok('run-status', task('redshift_load', { status: 'FAILED', event_timestamp: T('10:08:00') }));
    // tableau_refresh never reports a status: its log marks it RUNNING.
    await ok(
      'message-log',
      task('tableau_refresh', {
        log_level: 'INFO',
        message: 'Waiting for the extract',
        task_name: 'Refresh Tableau extract',
        event_timestamp: T('10:08:30'),
      }),
    );
    // The run fails.
    await ok('run-status', {
      ...run,
      status: 'FAILED',
      event_timestamp: T('10:09:00'),
      external_url: 'https://airflow.example.com/dags/sftp_to_tableau/grid',
    });
    // Late arrivals: an older RUNNING only moves the start; an older end changes nothing; an old task failure neither.
    await ok('run-status', { ...run, status: 'RUNNING', event_timestamp: T('09:59:00') });
    await ok('run-status', { ...run, status: 'COMPLETED', event_timestamp: T('10:08:59') });
    await ok('run-status', task('sftp_download', { status: 'FAILED', event_timestamp: T('10:01:00') }));

    const s = await summary(PIPELINE, RUN);
    expect(s.pipeline).toEqual({ key: PIPELINE, name: 'SFTP → S3 → Redshift → Tableau' });
    expect(s.run).toEqual({
      key: RUN,
      name: 'nightly 2026-11-20',
      status: 'FAILED',
      started_at: T('09:59:00.000'),
      ended_at: T('10:09:00.000'),
      duration_ms: 10 * 60 * 1000,
    });
    expect(s.tasks).toEqual([
      {
        key: 'sftp_download',
        name: 'Download from SFTP',
        status: 'COMPLETED',
        started_at: T('10:00:05.000'),
        ended_at: T('10:02:00.000'),
        logs: { error: 0, warning: 0, info: 1 },
      },
      {
        key: 's3_upload',
        name: 'Upload to S3',
        status: 'COMPLETED',
        started_at: T('10:02:10.000'),
        ended_at: T('10:05:00.000'),
        logs: { error: 0, warning: 0, info: 0 },
      },
      {
        key: 'redshift_load',
        name: 'Load into Redshift',
        status: 'FAILED',
        started_at: T('10:05:10.000'),
        ended_at: T('10:08:00.000'),
        logs: { error: 1, warning: 1, info: 0 },
      },
      {
        key: 'tableau_refresh',
        name: 'Refresh Tableau extract',
        status: 'RUNNING',
        started_at: T('10:08:30.000'),
        ended_at: null,
        logs: { error: 0, warning: 0, info: 1 },
      },
    ]);
    expect(s.task_counts).toEqual({ total: 4, running: 1, completed: 2, completed_with_warnings: 0, failed: 1 });
    expect(s.running_tasks).toEqual(['tableau_refresh']);
    expect(s.failed_tasks).toEqual(['redshift_load']);
    expect(s.logs).toMatchObject({ error: 1, warning: 1, info: 2 });
    expect(s.logs.latest.map((m: any) => [m.level, m.task_key, m.timestamp])).toEqual([
      ['INFO', 'tableau_refresh', T('10:08:30.000')],
      ['ERROR', 'redshift_load', T('10:07:45.000')],
      ['WARNING', 'redshift_load', T('10:06:00.000')],
      ['INFO', 'sftp_download', T('10:01:30.000')],
    ]);
    expect(s.logs.latest[1].message).toMatch(/^COPY failed/);
    expect(s.tests).toEqual({
      total: 3,
      passed: 1,
      failed: 1,
      warning: 1,
      not_passed: [
        {
          name: 'no_null_customer_ids',
          task_key: 'redshift_load',
          status: 'FAILED',
          description: '12 rows with a null customer_id',
          metric_value: 12,
          min_threshold: null,
          max_threshold: 0,
          reported_at: T('10:07:30.000'),
        },
        {
          name: 'freshness_under_24h',
          task_key: 'redshift_load',
          status: 'WARNING',
          description: null,
          metric_value: 26.5,
          min_threshold: null,
          max_threshold: 24,
          reported_at: T('10:07:30.000'),
        },
      ],
    });
    expect(s.metrics).toEqual([
      {
        key: 'rows_loaded',
        task_key: 'redshift_load',
        value: 1199988,
        reported_at: T('10:07:50.000'),
        samples: 1,
        min: 1199988,
        max: 1199988,
      },
      { key: 'files_uploaded', task_key: 's3_upload', value: 3, reported_at: T('10:04:00.000'), samples: 1, min: 3, max: 3 },
    ]);

    // The webhook for failed runs of this pipeline got exactly one signed delivery, nesting pipeline.run.
    const [request] = await receiver.waitForRequests('/runs-failed', 1);
    const payload = new Webhook(failedRuns.secret).verify(request.body, request.headers as Record<string, string>) as any;
    expect(request.headers['x-tidings-event-type']).toBe('observability:run:failed');
    expect(payload.delivered_for).toEqual({ id: failedRuns.id, name: '/runs-failed', type: 'webhook' });
    expect(payload.event).toMatchObject({
      type: 'observability:run:failed',
      occurred_at: T('10:09:00.000'),
      pipeline: {
        key: PIPELINE,
        name: 'SFTP → S3 → Redshift → Tableau',
        run: { key: RUN, name: 'nightly 2026-11-20', status: 'FAILED', started_at: T('10:00:00.000'), ended_at: T('10:09:00.000') },
      },
      context: { external_url: 'https://airflow.example.com/dags/sftp_to_tableau/grid' },
    });
    expect(payload.event.pipeline.run.task).toBeUndefined();
    const [{ n: failedDeliveries }] = await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE subscriber_id = $1`, [
      failedRuns.id,
    ]);
    expect(failedDeliveries).toBe(1);
    const [{ n: otherDeliveries }] = await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE subscriber_id = $1`, [
      otherPipeline.id,
    ]);
    expect(otherDeliveries).toBe(0);

    // Every task status event went to the task webhook, typed by the status reported.
    const taskTypes = await t.db.query(`SELECT event_type FROM deliveries WHERE subscriber_id = $1 ORDER BY created_at, id`, [
      taskEvents.id,
    ]);
    expect(taskTypes.map((r: any) => r.event_type)).toEqual([
      'observability:task:running',
      'observability:task:completed',
      'observability:task:completed',
      'observability:task:running',
      'observability:task:running',
      'observability:task:failed',
      'observability:task:failed',
    ]);
    const taskRequests = await receiver.waitForRequests('/tasks', 7);
    const failedTask = taskRequests
      .map((r) => JSON.parse(r.body).event)
      .find((e) => e.type === 'observability:task:failed' && e.pipeline.run.task.key === 'redshift_load');
    expect(failedTask.pipeline.run.task).toEqual({
      key: 'redshift_load',
      name: 'Load into Redshift',
      status: 'FAILED',
      started_at: T('10:05:10.000'),
      ended_at: T('10:08:00.000'),
    });

    // The events themselves carry the scope columns.
    const rows = await t.db.query(
      `SELECT type, source, task_key FROM events WHERE pipeline_key = $1 AND run_key = $2 ORDER BY occurred_at, id`,
      [PIPELINE, RUN],
    );
    expect(rows).toHaveLength(18);
    expect(rows.every((r: any) => r.source === 'observability')).toBe(true);
    expect(rows[0]).toEqual({ type: 'observability:run:running', source: 'observability', task_key: null });
  });

  it('RUNNING newer than the end reopens a run; an end older than the reopen then closes it again, as DataKitchen resolves it', async () => {
    const run = { pipeline_key: 'reopen', run_key: randomUUID() };
    await ok('run-status', { ...run, status: 'COMPLETED', event_timestamp: T('11:00:00') });
    expect((await summary(run.pipeline_key, run.run_key)).run).toMatchObject({
      status: 'COMPLETED',
      started_at: T('11:00:00.000'),
      ended_at: T('11:00:00.000'),
    });
    await ok('run-status', { ...run, status: 'RUNNING', event_timestamp: T('11:10:00') });
    expect((await summary(run.pipeline_key, run.run_key)).run).toMatchObject({ status: 'RUNNING', ended_at: null, duration_ms: null });
    // DataKitchen's update_state: the reopen cleared the end, so any end applies, even one older than the reopen.
    await ok('run-status', { ...run, status: 'FAILED', event_timestamp: T('11:05:00') });
    expect((await summary(run.pipeline_key, run.run_key)).run).toMatchObject({ status: 'FAILED', ended_at: T('11:05:00.000') });
    // An older RUNNING now neither reopens nor changes the end; a newer end replaces it.
    await ok('run-status', { ...run, status: 'RUNNING', event_timestamp: T('11:04:00') });
    expect((await summary(run.pipeline_key, run.run_key)).run).toMatchObject({ status: 'FAILED', ended_at: T('11:05:00.000') });
    await ok('run-status', { ...run, status: 'completed_with_warnings', event_timestamp: T('11:20:00') });
    expect((await summary(run.pipeline_key, run.run_key)).run).toMatchObject({
      status: 'COMPLETED_WITH_WARNINGS',
      started_at: T('11:00:00.000'),
      ended_at: T('11:20:00.000'),
    });
  });

  it('a log, metric or test event starts an unstarted task RUNNING, and never moves a start, ends or reopens (DataKitchen task_handler)', async () => {
    const run = { pipeline_key: 'touch', run_key: randomUUID() };
    await ok('metric-log', { ...run, task_key: 'load', metric_key: 'rows', metric_value: 1, event_timestamp: T('14:05:00') });
    await ok('run-status', { ...run, task_key: 'done', status: 'COMPLETED', event_timestamp: T('14:06:00') });
    // Older events about the run and its tasks after they exist.
    await ok('message-log', { ...run, task_key: 'load', log_level: 'INFO', message: 'late', event_timestamp: T('14:00:00') });
    await ok('test-outcomes', {
      ...run,
      task_key: 'done',
      test_outcomes: [{ name: 't', status: 'PASSED' }],
      event_timestamp: T('14:10:00'),
    });
    const s = await summary(run.pipeline_key, run.run_key);
    // The run was created by the first task event; later task events leave its start alone.
    expect(s.run).toMatchObject({ status: 'RUNNING', started_at: T('14:05:00.000'), ended_at: null });
    expect(s.tasks.map((k: any) => [k.key, k.status, k.started_at, k.ended_at])).toEqual([
      ['load', 'RUNNING', T('14:05:00.000'), null],
      ['done', 'COMPLETED', T('14:06:00.000'), T('14:06:00.000')],
    ]);
  });

  it('keeps the latest outcome of each test and the latest value of each metric, by event time', async () => {
    const run = { pipeline_key: 'latest', run_key: randomUUID() };
    const outcome = (status: string, time: string) => ({
      ...run,
      event_timestamp: T(time),
      test_outcomes: [{ name: 'unique_ids', status }],
    });
    await ok('test-outcomes', outcome('FAILED', '12:00:00'));
    await ok('test-outcomes', outcome('PASSED', '12:10:00'));
    await ok('test-outcomes', outcome('WARNING', '12:05:00'));
    await ok('metric-log', { ...run, metric_key: 'lag_s', metric_value: 30, event_timestamp: T('12:00:00') });
    await ok('metric-log', { ...run, metric_key: 'lag_s', metric_value: '12.5', event_timestamp: T('12:10:00') });
    await ok('metric-log', { ...run, metric_key: 'lag_s', metric_value: -4, event_timestamp: T('12:05:00') });
    const s = await summary(run.pipeline_key, run.run_key);
    expect(s.tests).toMatchObject({ total: 1, passed: 1, failed: 0, warning: 0, not_passed: [] });
    expect(s.metrics).toEqual([
      { key: 'lag_s', task_key: null, value: 12.5, reported_at: T('12:10:00.000'), samples: 3, min: -4, max: 30 },
    ]);
    // Run-level events created the run as RUNNING from the earliest of them, with no tasks.
    expect(s.run).toMatchObject({ status: 'RUNNING', started_at: T('12:00:00.000'), ended_at: null });
    expect(s.tasks).toEqual([]);
  });

  it('takes a naive event_timestamp as UTC and a missing one as the time received', async () => {
    const naive = { pipeline_key: 'times', run_key: randomUUID() };
    await ok('run-status', { ...naive, status: 'RUNNING', event_timestamp: '2026-11-20T08:30:00.250' });
    expect((await summary(naive.pipeline_key, naive.run_key)).run.started_at).toBe('2026-11-20T08:30:00.250Z');
    const offset = { pipeline_key: 'times', run_key: randomUUID() };
    await ok('run-status', { ...offset, status: 'RUNNING', event_timestamp: '2026-11-20T10:30:00+02:00' });
    expect((await summary(offset.pipeline_key, offset.run_key)).run.started_at).toBe('2026-11-20T08:30:00.000Z');
    const now = { pipeline_key: 'times', run_key: randomUUID() };
    const before = Date.now();
    await ok('run-status', { ...now, status: 'RUNNING' });
    const started = new Date((await summary(now.pipeline_key, now.run_key)).run.started_at).getTime();
    expect(started).toBeGreaterThanOrEqual(before - 5);
    expect(started).toBeLessThanOrEqual(Date.now());
  });

  it('two events for a new run at once make one run; many tasks at once all count', async () => {
    const run = { pipeline_key: 'concurrent', run_key: randomUUID() };
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        send('message-log', {
          ...run,
          task_key: `task_${i % 6}`,
          log_level: i % 2 ? 'ERROR' : 'INFO',
          message: `message ${i}`,
          event_timestamp: T(`13:00:${String(i).padStart(2, '0')}`),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 204));
    const [row] = await t.db.query(
      `SELECT count(*)::int AS runs, max(error_count) AS errors, max(info_count) AS infos,
              (SELECT count(*)::int FROM observed_run_tasks k JOIN observed_runs r ON r.id = k.run_id WHERE r.pipeline_key = $1 AND r.run_key = $2) AS tasks
         FROM observed_runs WHERE pipeline_key = $1 AND run_key = $2`,
      [run.pipeline_key, run.run_key],
    );
    expect(row).toEqual({ runs: 1, errors: 12, infos: 12, tasks: 6 });
    const s = await summary(run.pipeline_key, run.run_key);
    // The run starts at the time of whichever event created it (DataKitchen: later logs never move a start).
    expect(Array.from({ length: 24 }, (_, i) => T(`13:00:${String(i).padStart(2, '0')}.000`))).toContain(s.run.started_at);
    expect(s.tasks.every((k: any) => k.status === 'RUNNING')).toBe(true);
  });

  it('a dataset operation is recorded as observability:dataset-operation, outside any run', async () => {
    const before = await counts();
    await ok('dataset-operation', {
      dataset_key: 'orders_raw',
      dataset_name: 'Raw orders',
      operation: 'write',
      path: 'incoming/orders.csv',
      event_timestamp: T('09:00:00'),
    });
    const [event] = await t.db.query(
      `SELECT type, source, pipeline_key, data FROM events WHERE type = 'observability:dataset-operation' ORDER BY recorded_at DESC LIMIT 1`,
    );
    expect(event).toMatchObject({
      source: 'observability',
      pipeline_key: null,
      data: { dataset: { key: 'orders_raw', name: 'Raw orders', operation: 'WRITE', path: 'incoming/orders.csv' } },
    });
    expect(await counts()).toEqual({ ...before, events: before.events + 1 });
    // A pipeline filter on dataset operations could never match.
    const refused = await t.http('POST', '/v1/webhooks', {
      name: 'x',
      url: receiver.url('/never'),
      subscriptions: [{ event_type: 'observability:dataset-operation', pipeline_key: 'p' }],
    });
    expect(refused.status).toBe(400);
  });

  it('DataKitchen v1 parity: message_details, payload_keys, a normalised component_tool and TestGen integrations are taken and kept', async () => {
    // Shapes from DataKitchen's own schema examples (common/events/v1 in dataops-observability).
    const run = { pipeline_key: 'UI Test Pipeline', run_key: randomUUID(), pipeline_name: 'UI Test Pipeline', run_name: 'run 2023-02-15' };
    const common = { metadata: { external_id: '2f107d18-1e2f-40f1-acf7-16d0bdd13a04' }, payload_keys: ['dataset-11', 'dataset-59'] };
    await ok('run-status', { ...run, ...common, status: 'RUNNING', component_tool: ' Power BI ', run_name: 'r'.repeat(1024) });
    await ok('message-log', {
      ...run,
      ...common,
      task_key: '18c469e7-db4c-45d4-9414-7c58f196e199',
      log_level: 'ERROR',
      message: 'The job has completed.',
      message_details: 'Traceback (most recent call last): …',
    });
    await ok('metric-log', { ...run, ...common, metric_key: 'aaff79f0-5e10-4038-b847-28c0e5f42f0d', metric_value: 10.22 });
    await ok('test-outcomes', {
      ...run,
      ...common,
      component_tool: 'testgen',
      test_outcomes: [
        {
          name: 'Health-check',
          status: 'PASSED',
          description: 'System health check.',
          metric_value: '20.4',
          min_threshold: '13.8',
          max_threshold: '27.8',
          integrations: {
            testgen: {
              table: 'orders',
              columns: ['amount'],
              test_suite: 'default',
              version: 1,
              test_parameters: [{ name: 'threshold', value: 0.5 }],
            },
          },
        },
      ],
      component_integrations: {
        integrations: {
          testgen: {
            version: 1,
            database_name: 'dw',
            connection_name: 'prod',
            schema: 'public',
            tables: { include_list: ['orders'], include_pattern: null, exclude_pattern: null },
            table_group_configuration: { group_id: randomUUID(), project_code: 'DEFAULT', uses_sampling: false },
          },
        },
      },
    });
    const events = await t.db.query(`SELECT type, data FROM events WHERE pipeline_key = $1 AND run_key = $2 ORDER BY recorded_at, id`, [
      run.pipeline_key,
      run.run_key,
    ]);
    expect(events.map((e: any) => e.type)).toEqual([
      'observability:run:running',
      'observability:message-log',
      'observability:metric-log',
      'observability:test-outcomes',
    ]);
    expect(events[0].data.context).toEqual({ ...common, component_tool: 'POWER_BI' });
    expect(events[0].data.run.name).toHaveLength(1024);
    expect(events[1].data.log).toEqual({
      level: 'ERROR',
      message: 'The job has completed.',
      details: 'Traceback (most recent call last): …',
    });
    expect(events[1].data.context.payload_keys).toEqual(['dataset-11', 'dataset-59']);
    expect(events[3].data.context.component_tool).toBe('TESTGEN');
    expect(events[3].data.tests.component_integrations.integrations.testgen).toMatchObject({ database_name: 'dw' });
    expect(events[3].data.tests.outcomes[0].integrations.testgen).toMatchObject({ table: 'orders', version: 1 });
  });

  it('stream_key and server_key events become observability:stream:* and observability:server:* events that webhooks receive, signed', async () => {
    const streams = await webhook('/streams', [{ event_type: 'observability:stream:*' }]);
    const servers = await webhook('/servers', [{ event_type: 'observability:server:*' }]);
    const chat = await t.http('POST', '/v1/webhooks', {
      name: 'chat',
      url: receiver.url('/stream-chat'),
      format: 'slack',
      subscriptions: [{ event_type: 'observability:stream:message-log' }],
    });
    expect(chat.status).toBe(201);
    const before = await counts();
    const stream = { stream_key: `orders-${randomUUID()}`, stream_name: 'UI Test Streaming Pipeline', component_tool: 'kafka' };
    const server = { server_key: '897279df-9d37-4e82-8b14-2be4a6a2d9ab', server_name: 'Azure server' };
    await ok('message-log', {
      ...stream,
      log_level: 'warning',
      message: 'Consumer lag above 10k',
      message_details: 'partition 3',
      event_timestamp: T('15:00:00'),
    });
    await ok('metric-log', {
      ...stream,
      metric_key: 'lag',
      metric_value: '10250',
      payload_keys: ['orders'],
      event_timestamp: T('15:00:01'),
    });
    await ok('test-outcomes', { ...server, test_outcomes: [{ name: 'disk_free', status: 'failed', metric_value: 3, min_threshold: 10 }] });
    // No run, task or log count is kept for them: only the events and their deliveries.
    expect(await counts()).toMatchObject({
      runs: before.runs,
      tasks: before.tasks,
      tests: before.tests,
      metrics: before.metrics,
      events: before.events + 3,
    });

    const streamRequests = await receiver.waitForRequests('/streams', 2);
    const received = streamRequests.map((r) => new Webhook(streams.secret).verify(r.body, r.headers as Record<string, string>) as any);
    const byType = new Map(received.map((p) => [p.event.type, p.event]));
    expect(byType.get('observability:stream:message-log')).toMatchObject({
      occurred_at: T('15:00:00.000'),
      stream: { key: stream.stream_key, name: 'UI Test Streaming Pipeline' },
      context: { component_tool: 'KAFKA' },
      log: { level: 'WARNING', message: 'Consumer lag above 10k', details: 'partition 3' },
    });
    expect(byType.get('observability:stream:metric-log')).toMatchObject({
      stream: { key: stream.stream_key },
      context: { payload_keys: ['orders'] },
      metric: { key: 'lag', value: 10250 },
    });
    expect(byType.get('observability:stream:message-log').pipeline).toBeUndefined();

    const [serverRequest] = await receiver.waitForRequests('/servers', 1);
    const serverEvent = (new Webhook(servers.secret).verify(serverRequest.body, serverRequest.headers as Record<string, string>) as any)
      .event;
    expect(serverRequest.headers['x-tidings-event-type']).toBe('observability:server:test-outcomes');
    expect(serverEvent).toMatchObject({
      type: 'observability:server:test-outcomes',
      server: { key: server.server_key, name: 'Azure server' },
      tests: { total: 1, failed: 1, outcomes: [{ name: 'disk_free', status: 'FAILED', metric_value: 3, min_threshold: 10 }] },
    });

    const [chatRequest] = await receiver.waitForRequests('/stream-chat', 1);
    expect(JSON.parse(chatRequest.body).text).toBe('WARNING in streaming pipeline "UI Test Streaming Pipeline": Consumer lag above 10k');
    // The catalogue describes them: ordered by the component's key, no scope filter.
    const type = await t.http('GET', '/v1/event-types/observability:server:test-outcomes');
    expect(type.body).toMatchObject({ group: 'observability', ordering_key: ['server.key'], scope_filters: [] });
  });

  it('refuses bad bodies with 400 {error, details} naming each field, and writes nothing', async () => {
    const before = await counts();
    const unknown = await send('run-status', { pipeline_key: 'p', run_key: 'r', status: 'RUNNING', colour: 'blue' });
    expect(unknown).toMatchObject({
      status: 400,
      body: { error: 'validation_failed', details: [{ field: 'colour', message: 'colour is not a field of run-status events' }] },
    });
    const cases: [string, unknown, string[]][] = [
      ['run-status', { pipeline_key: 'p', run_key: 'r', status: 'DONE' }, ['status']],
      ['run-status', { run_key: 'r', status: 'RUNNING' }, ['pipeline_key']],
      ['run-status', { pipeline_key: 'x'.repeat(256), run_key: 'r', status: 'RUNNING' }, ['pipeline_key']],
      ['run-status', { pipeline_key: 'p', run_key: 'r', status: 'RUNNING', event_timestamp: 'yesterday' }, ['event_timestamp']],
      ['message-log', { pipeline_key: 'p', run_key: 'r', log_level: 'INFO', message: '' }, ['message']],
      ['message-log', { pipeline_key: 'p', run_key: 'r', log_level: 'TRACE', message: 'x' }, ['log_level']],
      ['metric-log', { pipeline_key: 'p', run_key: 'r', metric_key: 'm', metric_value: 'NaN' }, ['metric_value']],
      ['metric-log', { pipeline_key: 'p', run_key: 'r', metric_key: 'm', metric_value: 'Infinity' }, ['metric_value']],
      ['metric-log', { pipeline_key: 'p', run_key: 'r', metric_key: 'm', metric_value: [1] }, ['metric_value']],
      ['test-outcomes', { pipeline_key: 'p', run_key: 'r', test_outcomes: [] }, ['test_outcomes']],
      [
        'test-outcomes',
        { pipeline_key: 'p', run_key: 'r', test_outcomes: Array.from({ length: 501 }, (_, i) => ({ name: `t${i}`, status: 'PASSED' })) },
        ['test_outcomes'],
      ],
      [
        'test-outcomes',
        { pipeline_key: 'p', run_key: 'r', test_outcomes: [{ name: 't', status: 'SKIPPED' }] },
        ['test_outcomes[0].status'],
      ],
      ['dataset-operation', { pipeline_key: 'p', run_key: 'r', dataset_key: 'd', operation: 'READ' }, ['pipeline_key', 'run_key']],
      ['dataset-operation', { dataset_key: 'd', operation: 'MERGE' }, ['operation']],
      // DataKitchen v1 parity: its own refusals.
      ['metric-log', { pipeline_key: 'p', run_key: 'r', metric_key: 'm', metric_value: 1, component_tool: 'my-tool' }, ['component_tool']],
      ['run-status', { pipeline_key: 'p', run_key: 'r', status: 'RUNNING', component_tool: '_airflow' }, ['component_tool']],
      ['message-log', { stream_key: 's', server_key: 'v', log_level: 'INFO', message: 'x' }, ['stream_key', 'server_key']],
      ['message-log', { log_level: 'INFO', message: 'x' }, ['pipeline_key']],
      ['metric-log', { pipeline_key: 'p', metric_key: 'm', metric_value: 1 }, ['run_key']],
      ['run-status', { stream_key: 's', status: 'RUNNING' }, ['stream_key', 'pipeline_key', 'run_key']],
      [
        'test-outcomes',
        {
          pipeline_key: 'p',
          run_key: 'r',
          test_outcomes: [{ name: 't', status: 'PASSED', integrations: { testgen: { table: 'orders', test_suite: 's', version: 1 } } }],
        },
        ['component_integrations.integrations.testgen'],
      ],
    ];
    for (const [kind, body, fields] of cases) {
      const res = await send(kind, body);
      expect({ kind, body, status: res.status, error: res.body.error, fields: res.body.details?.map((d: any) => d.field).sort() }).toEqual({
        kind,
        body,
        status: 400,
        error: 'validation_failed',
        fields: [...fields].sort(),
      });
    }
    for (const raw of ['null', '[]', '"text"', '[{"pipeline_key":"p"}]', '{"pipeline_key":']) {
      const res = await send('message-log', raw, { serviceaccountauthenticationkey: toolKey, 'content-type': 'application/json' });
      expect({ raw, status: res.status }).toEqual({ raw, status: 400 });
    }
    const huge = await send('message-log', { pipeline_key: 'p', run_key: 'r', log_level: 'INFO', message: 'x'.repeat(6 * 1024 * 1024) });
    expect(huge).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
    expect(await counts()).toEqual(before);
  });

  it('takes the key as ServiceAccountAuthenticationKey or Bearer: 401 without a valid one, 403 without events:write', async () => {
    const body = { pipeline_key: 'auth', run_key: randomUUID(), status: 'RUNNING' };
    expect((await send('run-status', body, {})).status).toBe(401);
    expect((await send('run-status', body, { serviceaccountauthenticationkey: 'tid_not_a_key' })).status).toBe(401);
    const analytics = (await t.http('POST', '/v1/api-keys', { name: 'fe', scopes: ['analytics:write'] })).body.key;
    expect((await send('run-status', body, { serviceaccountauthenticationkey: analytics })).status).toBe(403);
    expect((await send('run-status', body, { authorization: `Bearer ${toolKey}` })).status).toBe(204);
    expect((await send('run-status', body, { serviceaccountauthenticationkey: toolKey })).status).toBe(204);
    // Only the ingestion routes read that header.
    expect(
      (await t.http('GET', '/v1/event-types', undefined, { key: null, headers: { serviceaccountauthenticationkey: toolKey } })).status,
    ).toBe(401);
    // The run summary is for admins.
    expect((await t.http('GET', `/v1/observability/pipelines/auth/runs/${body.run_key}`, undefined, { key: toolKey })).status).toBe(403);
    expect((await t.http('GET', `/v1/observability/pipelines/auth/runs/${body.run_key}`)).status).toBe(200);
    expect((await t.http('GET', `/v1/observability/pipelines/auth/runs/no-such-run`)).status).toBe(404);
  });

  it('observability types cannot be registered through POST /v1/events', async () => {
    const res = await t.http('POST', '/v1/events', {
      type: 'observability:run:failed',
      pipeline: { key: 'p' },
      run: { key: 'r', status: 'FAILED' },
    });
    expect(res).toMatchObject({ status: 400, body: { details: [{ field: 'type' }] } });
  });

  it('GET /v1/event-types describes the new types with their filters and example payloads', async () => {
    const res = await t.http('GET', '/v1/event-types');
    const byName = new Map(res.body.data.map((type: any) => [type.name, type]));
    expect(byName.get('observability:run:failed')).toMatchObject({
      group: 'observability',
      registrable_via_api: false,
      scope_filters: ['pipeline_key'],
      example: { type: 'observability:run:failed', pipeline: { key: 'SFTP_to_Tableau', run: { key: 'airflow-123', status: 'FAILED' } } },
    });
    expect(byName.get('observability:dataset-operation')).toMatchObject({ scope_filters: [] });
    expect(byName.get('lineage:run:fail')).toMatchObject({
      group: 'lineage',
      scope_filters: [],
      example: { lineage: { run: { state: 'FAILED' }, error: { programmingLanguage: 'JAVA' } } },
    });
  });
});
