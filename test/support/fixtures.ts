import { randomUUID } from 'node:crypto';

/** A valid pipeline-run event body for `type`, with fresh ids unless given. */
export function pipelineRunEvent(overrides: { type?: string; project?: string; job?: string; run?: string; number?: number } = {}) {
  return {
    type: overrides.type ?? 'project:one-off-job:pipeline-run:failed',
    project: { uuid: overrides.project ?? randomUUID(), name: 'demo' },
    job: { uuid: overrides.job ?? randomUUID(), name: 'nightly', status: 'FAILURE', pipeline_name: 'etl', total_runs: 12 },
    pipeline_run: {
      uuid: overrides.run ?? randomUUID(),
      status: 'FAILURE',
      number: overrides.number ?? 12,
      parameters: { date: '2026-11-19' },
      failed_steps: [{ uuid: randomUUID(), title: 'load' }],
    },
  };
}
