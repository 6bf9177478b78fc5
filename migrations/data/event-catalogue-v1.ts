/**
 * The event catalogue as first seeded (DESIGN §4). Frozen: a later change to
 * the catalogue is a new migration, never an edit here.
 */
export type EventGroup = 'platform' | 'observability' | 'lineage' | 'engine' | 'client';

function family(group: EventGroup, prefix: string, subject: string, verbs: Record<string, string>) {
  return Object.entries(verbs).map(([verb, text]) => ({
    name: `${prefix}:${verb}`,
    group,
    description: `${subject} ${text}.`,
  }));
}

const lifecycle = { created: 'was created', started: 'started', cancelled: 'was cancelled', failed: 'failed', succeeded: 'succeeded' };

export const EVENT_CATALOGUE_V1: { name: string; group: EventGroup; description: string }[] = [
  ...family('platform', 'project', 'A project', { created: 'was created', updated: 'was updated', deleted: 'was deleted' }),
  ...family('platform', 'project:pipeline', 'A pipeline', { created: 'was created', updated: 'was updated', deleted: 'was deleted' }),
  ...family('platform', 'project:pipeline:interactive-session', 'An interactive session of a pipeline', {
    started: 'started',
    stopped: 'stopped',
    failed: 'failed',
    succeeded: 'succeeded',
    'service-restarted': 'had one of its services restarted',
  }),
  ...family('platform', 'project:pipeline:interactive-session:pipeline-run', 'An interactive pipeline run', lifecycle),
  ...family('platform', 'project:environment', 'An environment', { created: 'was created', deleted: 'was deleted' }),
  ...family('platform', 'project:environment:image-build', 'An environment image build', lifecycle),
  ...family('platform', 'project:one-off-job', 'A one-off job', {
    created: 'was created',
    started: 'started',
    deleted: 'was deleted',
    cancelled: 'was cancelled',
    failed: 'failed',
    succeeded: 'succeeded',
    updated: 'was updated',
  }),
  ...family('platform', 'project:one-off-job:pipeline-run', 'A pipeline run of a one-off job', { ...lifecycle, deleted: 'was deleted' }),
  ...family('platform', 'project:cron-job', 'A cron job', {
    created: 'was created',
    started: 'started',
    deleted: 'was deleted',
    cancelled: 'was cancelled',
    failed: 'failed',
    updated: 'was updated',
    paused: 'was paused',
    unpaused: 'was unpaused',
  }),
  ...family('platform', 'project:cron-job:run', 'A scheduled run of a cron job', {
    started: 'started',
    succeeded: 'succeeded',
    failed: 'failed',
  }),
  ...family('platform', 'project:cron-job:run:pipeline-run', 'A pipeline run within a cron job run', {
    ...lifecycle,
    deleted: 'was deleted',
  }),
  ...family('platform', 'jupyter:image-build', 'A Jupyter image build', lifecycle),

  ...family('observability', 'observability:run', 'An observed pipeline run', {
    running: 'is running',
    completed: 'completed',
    'completed-with-warnings': 'completed with warnings',
    failed: 'failed',
  }),
  ...family('observability', 'observability:task', 'A task of an observed pipeline run', {
    running: 'is running',
    completed: 'completed',
    'completed-with-warnings': 'completed with warnings',
    failed: 'failed',
  }),
  { name: 'observability:message-log', group: 'observability', description: 'A data tool logged a message for a run or task.' },
  { name: 'observability:test-outcomes', group: 'observability', description: 'A data tool reported test outcomes for a run or task.' },
  { name: 'observability:metric-log', group: 'observability', description: 'A data tool logged a metric for a run or task.' },
  { name: 'observability:dataset-operation', group: 'observability', description: 'A data tool read or wrote a dataset.' },

  ...family('lineage', 'lineage:run', 'An OpenLineage run event', {
    start: 'reported START',
    running: 'reported RUNNING',
    complete: 'reported COMPLETE',
    abort: 'reported ABORT',
    fail: 'reported FAIL',
    other: 'reported OTHER (or no eventType)',
  }),
  { name: 'lineage:dataset', group: 'lineage', description: 'An OpenLineage DatasetEvent described a dataset.' },
  { name: 'lineage:job', group: 'lineage', description: 'An OpenLineage JobEvent described a job.' },

  { name: 'tidings:webhook:disabled', group: 'engine', description: 'Tidings disabled a webhook (410 Gone, or failing for too long).' },
  {
    name: 'tidings:delivery:exhausted',
    group: 'engine',
    description: 'A delivery used up its retry schedule and is now failed (replayable).',
  },
  { name: 'ping', group: 'engine', description: 'A test delivery sent from the API to check an endpoint.' },

  { name: 'client:alert:shown', group: 'client', description: 'The front end showed an alert.' },
  { name: 'client:confirm:shown', group: 'client', description: 'The front end showed a confirmation dialog.' },
  { name: 'client:view:loaded', group: 'client', description: 'The front end loaded a view.' },
  { name: 'client:heartbeat', group: 'client', description: 'The front end is open and active.' },
  { name: 'client:job:duplicated', group: 'client', description: 'A user duplicated a job in the front end.' },
  { name: 'client:pipeline:saved', group: 'client', description: 'A user saved a pipeline in the front end.' },
  { name: 'client:debug-ping', group: 'client', description: 'A debug ping from the front end.' },
];
