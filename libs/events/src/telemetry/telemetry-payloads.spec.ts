import 'reflect-metadata';
import { markFreeText } from '@tidings/testing';
import { EventError } from '../event-error';
import { EVENT_CLASSES, eventClass } from '../event-classes';
import { EventClass, EventInput, EventSource } from '../tidings-event.entity';

const ClientViewLoaded = eventClass('client:view:loaded');
const CronJobRunPipelineRunFailed = eventClass('project:cron-job:run:pipeline-run:failed');
const CronJobUpdated = eventClass('project:cron-job:updated');
const DeliveryExhausted = eventClass('tidings:delivery:exhausted');
const JobPipelineRunFailed = eventClass('project:one-off-job:pipeline-run:failed');
const LineageDataset = eventClass('lineage:dataset');
const LineageRunFail = eventClass('lineage:run:fail');
const ObservabilityDatasetOperation = eventClass('observability:dataset-operation');
const ObservabilityMessageLog = eventClass('observability:message-log');
const ObservabilityMetricLog = eventClass('observability:metric-log');
const ObservabilityTaskFailed = eventClass('observability:task:failed');
const ObservabilityTestOutcomes = eventClass('observability:test-outcomes');
const Ping = eventClass('ping');

const APP = { version: '0.1.0', node_version: '20.18.0', os: 'linux' };
const sourceOf = (type: string): EventSource =>
  type.startsWith('lineage:')
    ? 'openlineage'
    : type.startsWith('observability:')
      ? 'observability'
      : type.startsWith('client:')
        ? 'client'
        : 'internal';
const accepts = (cls: EventClass, source: EventSource) => (input: Record<string, unknown>) => {
  try {
    cls.create(input as EventInput, source);
    return true;
  } catch (error) {
    if (error instanceof EventError) return false;
    throw error;
  }
};

describe('telemetry payloads, layer by layer', () => {
  it.each([...EVENT_CLASSES.keys()])('%s: every layer has its telemetry', (type) => {
    const cls = EVENT_CLASSES.get(type)!;
    const event = cls.create(cls.exampleInput(), sourceOf(type));
    expect(event.telemetryLayers()).toEqual(cls.LAYERS.map((layer) => layer.key));
  });

  it.each([...EVENT_CLASSES.keys()])('%s: no name, title, URL, parameter or free text reaches the payload', (type) => {
    const cls = EVENT_CLASSES.get(type)!;
    const source = sourceOf(type);
    const { input, markers } = markFreeText(cls.exampleInput(), accepts(cls, source), { client: source === 'client' });
    expect(markers.length).toBeGreaterThan(0);
    const event = cls.create(input as EventInput, source);
    const payload = event.toTelemetryPayload(APP);
    const text = JSON.stringify(payload).toLowerCase();
    expect(markers.filter((marker) => text.includes(marker.toLowerCase()))).toEqual([]);
    // …while the event itself is still described.
    expect(payload.event_properties).toMatchObject({ event_id: event.id, event_type: type, source });
    expect(payload.app_properties).toEqual(APP);
  });

  it('a pipeline-run event: ids, statuses and numbers kept; names dropped; counts derived', () => {
    const event = CronJobRunPipelineRunFailed.create({
      occurred_at: '2026-11-20T10:00:00Z',
      project: { uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e11', name: 'demo' },
      job: {
        uuid: 'e4d3c2b1-a0f9-4e8d-9c7b-6a5f4e3d2c17',
        name: 'nightly',
        status: 'STARTED',
        pipeline_name: 'etl',
        total_runs: 12,
        schedule: '0 2 * * *',
        parameters: { a: 1, b: 2 },
        env_variables: { DB_PASSWORD: 'hunter2' },
      },
      run: { uuid: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c18', number: 7, status: 'FAILURE', total_pipeline_runs: 2, failed_pipeline_runs: 1 },
      pipeline_run: {
        uuid: '9a0f7f4e-51a7-4d43-8d0f-7d0f5d8e3c13',
        status: 'FAILURE',
        number: 12,
        parameters: { date: '2026-11-19', region: 'eu' },
        steps: [
          { uuid: 'b1a2f1e0-6b7d-4c8e-9f00-1a2b3c4d5e05', title: 'extract', status: 'SUCCESS', parameters: { source: 'sftp', limit: 10 } },
          { uuid: 'c2a3f1e0-6b7d-4c8e-9f00-1a2b3c4d5e06', title: 'load', status: 'FAILURE' },
        ],
        failed_steps: [{ uuid: 'c2a3f1e0-6b7d-4c8e-9f00-1a2b3c4d5e06', title: 'load' }],
      },
    });
    expect(event.toTelemetryPayload(APP)).toEqual({
      event_properties: {
        event_id: event.id,
        event_type: 'project:cron-job:run:pipeline-run:failed',
        occurred_at: '2026-11-20T10:00:00.000Z',
        source: 'internal',
        project_uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e11',
        job_uuid: 'e4d3c2b1-a0f9-4e8d-9c7b-6a5f4e3d2c17',
        job_status: 'STARTED',
        job_total_runs: 12,
        cron_run_uuid: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c18',
        cron_run_number: 7,
        cron_run_status: 'FAILURE',
        cron_run_total_pipeline_runs: 2,
        cron_run_failed_pipeline_runs: 1,
        pipeline_run_uuid: '9a0f7f4e-51a7-4d43-8d0f-7d0f5d8e3c13',
        pipeline_run_status: 'FAILURE',
        pipeline_run_number: 12,
      },
      derived_properties: {
        project_has_name: true,
        job_parameters_count: 2,
        job_env_variables_count: 1,
        job_has_schedule: true,
        pipeline_run_pipeline_parameters_count: 2,
        pipeline_run_steps_count: 2,
        pipeline_run_failed_steps_count: 1,
        pipeline_run_steps: [
          { uuid: 'b1a2f1e0-6b7d-4c8e-9f00-1a2b3c4d5e05', status: 'SUCCESS', parameters_count: 2 },
          { uuid: 'c2a3f1e0-6b7d-4c8e-9f00-1a2b3c4d5e06', status: 'FAILURE', parameters_count: 0 },
        ],
        pipeline_run_failed_steps: [{ uuid: 'c2a3f1e0-6b7d-4c8e-9f00-1a2b3c4d5e06', parameters_count: 0 }],
      },
      app_properties: APP,
    });
  });

  it('an update: counts of changes by type, never what changed', () => {
    const event = CronJobUpdated.create({
      ...CronJobUpdated.exampleInput(),
      update: {
        changes: [
          { type: 'UPDATED', changed_object: 'schedule', old_value: '0 * * * *', new_value: '0 2 * * *' },
          { type: 'CREATED', changed_object: 'env_variables.TOKEN', new_value: 'secret' },
          { type: 'UPDATED', changed_object: 'parameters.date', old_value: 'a', new_value: 'b' },
        ],
      },
    });
    const { derived_properties, event_properties } = event.toTelemetryPayload();
    expect(derived_properties).toMatchObject({
      update_changes_count: 3,
      update_changes_created_count: 1,
      update_changes_updated_count: 2,
      update_changes_deleted_count: 0,
    });
    expect(JSON.stringify({ derived_properties, event_properties })).not.toMatch(/"schedule"|TOKEN|secret|0 2 \*|parameters\.date/);
  });

  it('a status that is not a status constant is dropped, the rest of the layer kept', () => {
    const input = JobPipelineRunFailed.exampleInput() as Record<string, any>;
    const event = JobPipelineRunFailed.create({
      ...input,
      job: { ...input.job, status: 'x'.repeat(64) },
      pipeline_run: { ...input.pipeline_run, status: 'failed by alice' },
    });
    const { event_properties } = event.toTelemetryPayload();
    expect(event_properties).not.toHaveProperty('job_status');
    expect(event_properties).not.toHaveProperty('pipeline_run_status');
    expect(event_properties).toMatchObject({ job_uuid: input.job.uuid, pipeline_run_number: 12 });
  });

  it('lineage: run id, state and counts; the integration as a known token; no namespaces, names, URIs or errors', () => {
    const event = LineageRunFail.create(LineageRunFail.exampleInput(), 'openlineage');
    event.data.openlineage = {
      run: { facets: { parent: {}, errorMessage: {} } },
      job: { facets: { sql: {} } },
      inputs: [{ facets: { schema: {} } }],
      outputs: [],
    };
    const payload = event.toTelemetryPayload();
    expect(payload.event_properties).toMatchObject({
      lineage_event_type: 'FAIL',
      lineage_run_id: '0193689a-5bd1-7d18-b1a0-109de253e28f',
      lineage_run_state: 'FAILED',
      lineage_run_parent_id: '0193689a-5bd1-70bf-9ca2-4953116e45e1',
    });
    expect(payload.derived_properties).toEqual({
      lineage_integration: 'spark',
      lineage_inputs_count: 1,
      lineage_outputs_count: 1,
      lineage_job_facets_count: 1,
      lineage_input_facets_count: 1,
      lineage_output_facets_count: 0,
      lineage_run_facets_count: 2,
      lineage_has_parent: true,
      lineage_has_error: true,
    });
    expect(JSON.stringify(payload)).not.toMatch(/spark-prod|daily_orders|s3:|redshift|github|orders_staging|JAVA/);
  });

  it('lineage: an Airflow producer URI becomes "airflow"', () => {
    const event = LineageDataset.create(LineageDataset.exampleInput(), 'openlineage');
    expect(event.toTelemetryPayload().derived_properties).toEqual({ lineage_integration: 'airflow', lineage_facets_count: 2 });
  });

  it('observability: statuses, times, duration, log level and test counts; never keys, names, messages or metric values', () => {
    const task = ObservabilityTaskFailed.create(ObservabilityTaskFailed.exampleInput(), 'observability');
    expect(task.toTelemetryPayload()).toMatchObject({
      event_properties: {
        observed_run_status: 'FAILED',
        observed_run_started_at: '2026-11-20T09:55:00.000Z',
        observed_task_status: 'FAILED',
        observed_task_ended_at: '2026-11-20T10:00:00.000Z',
      },
      derived_properties: {
        observed_pipeline_has_name: true,
        observed_run_duration_ms: 300_000,
        observed_task_duration_ms: 120_000,
        context_component_tool: 'airflow',
        context_has_external_url: true,
        context_metadata_count: 1,
      },
    });
    const log = ObservabilityMessageLog.create(ObservabilityMessageLog.exampleInput(), 'observability').toTelemetryPayload();
    expect(log.event_properties).toMatchObject({ log_level: 'ERROR' });
    const metric = ObservabilityMetricLog.create(ObservabilityMetricLog.exampleInput(), 'observability').toTelemetryPayload();
    const tests = ObservabilityTestOutcomes.create(ObservabilityTestOutcomes.exampleInput(), 'observability').toTelemetryPayload();
    expect(tests.event_properties).toMatchObject({ tests_total: 2, tests_passed: 1, tests_failed: 1, tests_warning: 0 });
    expect(tests.derived_properties).toMatchObject({ tests_outcomes_count: 2, tests_with_thresholds_count: 1 });
    const dataset = ObservabilityDatasetOperation.create(
      ObservabilityDatasetOperation.exampleInput(),
      'observability',
    ).toTelemetryPayload();
    expect(dataset.event_properties).toMatchObject({ dataset_operation: 'WRITE' });
    expect(dataset.derived_properties).toMatchObject({ dataset_has_path: true });
    expect(Object.keys({ ...metric.event_properties, ...metric.derived_properties }).filter((key) => key.startsWith('metric'))).toEqual([]);
    const text = JSON.stringify([task.toTelemetryPayload(), log, metric, tests, dataset]);
    expect(text).not.toMatch(
      /SFTP|airflow-123|redshift_load|Load into|COPY failed|rows_loaded|row_count|customer|orders_raw|incoming|example\.com/,
    );
  });

  it.each(['stream', 'server'] as const)(
    'observability:%s:*: log level, test counts, payload key count; never the component key or name, payload keys or details',
    (component) => {
      const log = eventClass(`observability:${component}:message-log`);
      const payload = log.create(log.exampleInput(), 'observability').toTelemetryPayload();
      expect(payload.event_properties).toMatchObject({ log_level: 'ERROR' });
      expect(payload.derived_properties).toMatchObject({ [`observed_${component}_has_name`]: true, context_payload_keys_count: 1 });
      const tests = eventClass(`observability:${component}:test-outcomes`);
      expect(tests.create(tests.exampleInput(), 'observability').toTelemetryPayload().event_properties).toMatchObject({ tests_failed: 1 });
      const metric = eventClass(`observability:${component}:metric-log`);
      const text = JSON.stringify([payload, metric.create(metric.exampleInput(), 'observability').toTelemetryPayload()]);
      expect(text).not.toMatch(/kafka|Orders|redshift|Redshift|orders_2026|line 1042|COPY failed|rows_loaded/);
    },
  );

  it('engine events: ids, the catalogue type and counts; never the webhook name, host or error', () => {
    const payload = DeliveryExhausted.create(DeliveryExhausted.exampleInput()).toTelemetryPayload();
    expect(payload.event_properties).toMatchObject({
      webhook_id: 'b7c6d5e4-f3a2-4b1c-9d8e-7f6a5b4c3d09',
      delivery_id: '01933f6c-0000-7000-8000-000000000010',
      delivery_event_type: 'project:one-off-job:pipeline-run:failed',
      delivery_attempts: 8,
      delivery_last_response_status: 500,
    });
    expect(payload.derived_properties).toEqual({ webhook_has_disabled_reason: false, delivery_has_last_error: true });
    expect(JSON.stringify(payload)).not.toMatch(/ops|hooks\.example|HTTP 500/);
    expect(Ping.create(Ping.exampleInput()).toTelemetryPayload().event_properties).not.toHaveProperty('message');
  });

  it('client events: front-end properties by value, never over the event’s own facts', () => {
    const event = ClientViewLoaded.create(
      { client: { properties: { view: 'jobs', event_type: 'forged', contact: 'alice@example.com', duration_ms: 12 } } },
      'client',
    );
    expect(event.toTelemetryPayload().event_properties).toEqual({
      event_id: event.id,
      event_type: 'client:view:loaded',
      occurred_at: event.occurredAt.toISOString(),
      source: 'client',
      view: 'jobs',
      duration_ms: 12,
    });
  });
});
