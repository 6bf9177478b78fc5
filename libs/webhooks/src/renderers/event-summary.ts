type Payload = Record<string, any>;

const PAST: Record<string, string> = {
  created: 'was created',
  updated: 'was updated',
  deleted: 'was deleted',
  started: 'started',
  stopped: 'stopped',
  cancelled: 'was cancelled',
  failed: 'failed',
  succeeded: 'succeeded',
  paused: 'was paused',
  unpaused: 'was unpaused',
  'service-restarted': 'had a service restarted',
};

const q = (name: unknown, fallback: unknown) => `"${String(name ?? fallback ?? 'unknown')}"`;
const inProject = (event: Payload) => ` in project ${q(event.project?.name, event.project?.uuid)}`;
const runNumber = (run: Payload | undefined) => (run?.number != null ? ` #${run.number}` : '');
const titleCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();

/**
 * One line a person reads in a chat channel, for any event, built from its
 * notification payload: `Pipeline run #12 of job "nightly" failed in project "demo"`.
 */
export function summarizeEvent(event: Payload): string {
  const type: string = event.type;
  const verb = type.split(':').pop()!;
  const did = PAST[verb] ?? verb;
  const project = event.project ?? {};

  if (type.startsWith('project:one-off-job:pipeline-run:')) {
    const job = project.job ?? {};
    return `Pipeline run${runNumber(job.pipeline_run)} of job ${q(job.name, job.uuid)} ${did}${inProject(event)}`;
  }
  if (type.startsWith('project:cron-job:run:pipeline-run:')) {
    const job = project.job ?? {};
    return `Pipeline run${runNumber(job.run?.pipeline_run)} of cron job ${q(job.name, job.uuid)} (run${runNumber(job.run)}) ${did}${inProject(event)}`;
  }
  if (type.startsWith('project:cron-job:run:')) {
    const job = project.job ?? {};
    return `Run${runNumber(job.run)} of cron job ${q(job.name, job.uuid)} ${did}${inProject(event)}`;
  }
  if (type.startsWith('project:cron-job:')) return `Cron job ${q(project.job?.name, project.job?.uuid)} ${did}${inProject(event)}`;
  if (type.startsWith('project:one-off-job:')) return `Job ${q(project.job?.name, project.job?.uuid)} ${did}${inProject(event)}`;
  if (type.startsWith('project:pipeline:interactive-session:pipeline-run:')) {
    const pipeline = project.pipeline ?? {};
    return `Interactive pipeline run${runNumber(pipeline.interactive_session?.pipeline_run)} of pipeline ${q(pipeline.name, pipeline.uuid)} ${did}${inProject(event)}`;
  }
  if (type.startsWith('project:pipeline:interactive-session:')) {
    const pipeline = project.pipeline ?? {};
    const service = pipeline.interactive_session?.service_name;
    const what = verb === 'service-restarted' && service ? `had service ${q(service, '')} restarted` : did;
    return `Interactive session of pipeline ${q(pipeline.name, pipeline.uuid)} ${what}${inProject(event)}`;
  }
  if (type.startsWith('project:pipeline:')) return `Pipeline ${q(project.pipeline?.name, project.pipeline?.uuid)} ${did}${inProject(event)}`;
  if (type.startsWith('project:environment:image-build:')) {
    return `Image build of environment ${q(project.environment?.name, project.environment?.uuid)} ${did}${inProject(event)}`;
  }
  if (type.startsWith('project:environment:')) return `Environment ${q(project.environment?.name, project.environment?.uuid)} ${did}${inProject(event)}`;
  if (type.startsWith('project:')) return `Project ${q(project.name, project.uuid)} ${did}`;
  if (type.startsWith('jupyter:image-build:')) return `Jupyter image build ${did}`;

  if (type.startsWith('lineage:run:')) {
    const lineage = event.lineage ?? {};
    const tool = lineage.integration ? `${titleCase(String(lineage.integration))} job` : 'Job';
    const job = q(lineage.job?.name, lineage.job?.namespace);
    const state = { start: 'started', running: 'is running', complete: 'completed', abort: 'was aborted', fail: 'failed', other: 'reported an update' }[verb] ?? verb;
    return verb === 'fail' && lineage.error?.message ? `${tool} ${job} failed: ${lineage.error.message}` : `${tool} ${job} ${state}`;
  }
  if (type === 'lineage:dataset') return `Dataset ${q(event.lineage?.dataset?.name, event.lineage?.dataset?.namespace)} was described`;
  if (type === 'lineage:job') return `Job ${q(event.lineage?.job?.name, event.lineage?.job?.namespace)} was described`;

  if (type.startsWith('observability:')) {
    const pipeline = event.pipeline ?? {};
    const run = pipeline.run ?? {};
    const ofRun = `run ${run.name ?? run.key} of ${pipeline.name ?? pipeline.key}`;
    if (type.startsWith('observability:run:')) {
      const failedTests = run.tests_failed ?? event.tests?.failed;
      return `Run ${run.name ?? run.key} of ${pipeline.name ?? pipeline.key} ${run.status ?? verb.toUpperCase()}${failedTests ? ` (${failedTests} test${failedTests === 1 ? '' : 's'} failed)` : ''}`;
    }
    if (type.startsWith('observability:task:')) return `Task ${run.task?.name ?? run.task?.key} of ${ofRun} ${run.task?.status ?? verb.toUpperCase()}`;
    if (type === 'observability:message-log') return `${event.log?.level ?? 'LOG'} in ${ofRun}: ${event.log?.message ?? ''}`;
    if (type === 'observability:test-outcomes') {
      const t = event.tests ?? {};
      return `Tests in ${ofRun}: ${t.failed ?? 0} failed, ${t.warning ?? 0} warning, ${t.passed ?? 0} passed`;
    }
    if (type === 'observability:metric-log') return `Metric ${event.metric?.key} = ${event.metric?.value} in ${ofRun}`;
    if (type === 'observability:dataset-operation') {
      const op = String(event.dataset?.operation ?? '').toUpperCase() === 'READ' ? 'was read' : 'was written';
      return `Dataset ${q(event.dataset?.name, event.dataset?.key)} ${op}`;
    }
  }

  if (type === 'tidings:webhook:disabled') return `Webhook ${q(event.webhook?.name, event.webhook?.id)} was disabled: ${event.webhook?.disabled_reason ?? 'no reason given'}`;
  if (type === 'tidings:delivery:exhausted') {
    const d = event.webhook?.delivery ?? {};
    return `Delivery of ${d.event_type} to webhook ${q(event.webhook?.name, event.webhook?.id)} failed after ${d.attempts} attempts (${d.last_error ?? 'no answer'})`;
  }
  if (type === 'ping') return String(event.message ?? 'Test delivery from Tidings');
  return `${type} event`;
}

/** Failures read red, successes green, the rest neutral. */
export function eventTone(type: string, event: Payload = {}): 'bad' | 'good' | 'neutral' {
  if (/:(failed|fail|abort|cancelled|exhausted|disabled)$/.test(type) || (type === 'observability:message-log' && event.log?.level === 'ERROR')) return 'bad';
  if (/:(succeeded|complete|completed)$/.test(type)) return 'good';
  return 'neutral';
}
