import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { versionReportOf } from './lineage-version';
import { OpenLineageValidator } from './openlineage-validator';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'openlineage');
const validator = new OpenLineageValidator();
const fixture = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
const report = (event: object) => versionReportOf(validator.validate(event));

describe('versionReportOf (DESIGN §7.1)', () => {
  const spark = fixture('spark-run-start.json');
  const flink = fixture('flink-stream-running.json');

  it('a COMPLETE run event reports its datasets, even none', () => {
    const complete = { ...spark, eventType: 'COMPLETE', outputs: [{ namespace: 'db', name: 'out' }] };
    expect(report(complete)).toEqual({
      job: { namespace: 'spark-prod', name: 'daily_orders.load_orders' },
      runId: spark.run.runId,
      at: new Date(spark.eventTime),
      inputs: [{ namespace: 's3://raw-bucket', name: 'orders/2026-11-19' }],
      outputs: [{ namespace: 'db', name: 'out' }],
    });
    expect(report({ ...complete, inputs: [], outputs: [] })).toMatchObject({ inputs: [], outputs: [] });
  });

  it('START, RUNNING, FAIL, ABORT and OTHER of a batch job report nothing', () => {
    for (const eventType of ['START', 'RUNNING', 'FAIL', 'ABORT', 'OTHER']) expect(report({ ...spark, eventType })).toBeNull();
  });

  it('START and RUNNING of a streaming job report its datasets; a heartbeat without datasets does not', () => {
    expect(report(flink)).toMatchObject({
      runId: flink.run.runId,
      inputs: flink.inputs.map(({ namespace, name }: any) => ({ namespace, name })),
    });
    expect(report({ ...flink, eventType: 'START' })).not.toBeNull();
    expect(report({ ...flink, inputs: [], outputs: [] })).toBeNull();
    expect(report({ ...flink, eventType: 'FAIL' })).toBeNull();
    const lowerCase = {
      ...flink,
      job: { ...flink.job, facets: { jobType: { ...flink.job.facets.jobType, processingType: 'streaming' } } },
    };
    expect(report(lowerCase)).not.toBeNull();
  });

  it('a JobEvent reports its datasets with no run; a DatasetEvent reports nothing', () => {
    expect(report(fixture('job-event.json'))).toMatchObject({
      runId: null,
      job: { namespace: 'dbt-prod', name: 'analytics.orders_daily' },
    });
    expect(report(fixture('dataset-event.json'))).toBeNull();
  });
});
