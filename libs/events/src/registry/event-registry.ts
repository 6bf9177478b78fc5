import { CLIENT, DELIVERY, PING, WEBHOOK } from './engine-layers';
import { EventGroup, EventTypeEntry } from './event-type';
import { LayerDefinition } from './layer';
import { LINEAGE_DATASET, LINEAGE_JOB, LINEAGE_RUN } from './lineage-layers';
import {
  DATASET_OPERATION,
  MESSAGE_LOG,
  METRIC_LOG,
  OBSERVED_CONTEXT,
  OBSERVED_PIPELINE,
  OBSERVED_RUN,
  OBSERVED_SERVER,
  OBSERVED_STREAM,
  OBSERVED_TASK,
  OPTIONAL_OBSERVED_TASK,
  TEST_OUTCOMES,
} from './observability-layers';
import { EXPECTED_RUN, scheduleClock } from './schedule-layers';
import { CRON_RUN, ENVIRONMENT, IMAGE_BUILD, INTERACTIVE_SESSION, JOB, PIPELINE, PIPELINE_RUN, PROJECT, UPDATE } from './platform-layers';

/*
 * The event registry (DESIGN §4): every event type, once. A family declares
 * the types sharing a prefix, layers and summary, one verb each; adding a
 * type is adding a verb (or an entry) here. `*:updated` types also carry the
 * `update` layer.
 */

type Payload = Readonly<Record<string, any>>;

interface Family<P extends string, V extends string> {
  group: EventGroup;
  prefix: P;
  /** The description is `<subject> <verb text>.` */
  subject: string;
  layers: readonly LayerDefinition[];
  verbs: Record<V, string>;
  /** The chat line, given the notification payload and the verb's text (`failed`, `was created`). */
  summary: (event: Payload, did: string, verb: V) => string;
  /** Overrides the default ordering key (the identity of the most specific layer). */
  orderingKey?: readonly string[];
}

function family<const P extends string, const V extends string>(spec: Family<P, V>): EventTypeEntry<`${P}:${V}`>[] {
  return (Object.entries(spec.verbs) as [V, string][]).map(([verb, did]) => {
    const layers = verb === 'updated' ? [...spec.layers, UPDATE] : spec.layers;
    return {
      type: `${spec.prefix}:${verb}`,
      group: spec.group,
      description: `${spec.subject} ${did}.`,
      layers,
      orderingKey: spec.orderingKey ?? defaultOrderingKey(layers),
      summary: (event) => spec.summary(event, did, verb),
    };
  });
}

function single<const T extends string>(
  spec: Omit<EventTypeEntry<T>, 'orderingKey' | 'summary'> & { orderingKey?: readonly string[]; summary: (event: Payload) => string },
): EventTypeEntry<T> {
  return { ...spec, orderingKey: spec.orderingKey ?? defaultOrderingKey(spec.layers) };
}

/** DESIGN §4: the most specific entity of the type — the identity of its last layer that has one. */
function defaultOrderingKey(layers: readonly LayerDefinition[]): readonly string[] {
  return [...layers].reverse().find((layer) => layer.identity)?.identity ?? [];
}

// Summary helpers: a name in quotes, falling back to the id; never throwing on a sparse payload.
const q = (name: unknown, fallback: unknown) => `"${String(name ?? fallback ?? 'unknown')}"`;
const inProject = (event: Payload) => ` in project ${q(event.project?.name, event.project?.uuid)}`;
const runNumber = (run: Payload | undefined) => (run?.number != null ? ` #${run.number}` : '');
const titleCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
const job = (event: Payload): Payload => event.project?.job ?? {};
const pipeline = (event: Payload): Payload => event.project?.pipeline ?? {};
const environment = (event: Payload): Payload => event.project?.environment ?? {};
const ofObservedRun = (event: Payload) => {
  const observed = event.pipeline ?? {};
  return `run ${observed.run?.name ?? observed.run?.key} of ${observed.name ?? observed.key}`;
};

const CREATED_UPDATED_DELETED = { created: 'was created', updated: 'was updated', deleted: 'was deleted' };
const LIFECYCLE = { created: 'was created', started: 'started', cancelled: 'was cancelled', failed: 'failed', succeeded: 'succeeded' };
const OBSERVED_STATUS_VERBS = {
  running: 'is running',
  completed: 'completed',
  'completed-with-warnings': 'completed with warnings',
  failed: 'failed',
};
const LINEAGE_STATES = { start: 'started', running: 'is running', complete: 'completed', abort: 'was aborted', fail: 'failed', other: 'reported an update' };

/**
 * The log, metric and test types of a component without runs (DESIGN §4:
 * `observability:stream:*`, `observability:server:*`): the component's layer,
 * the context, and what was reported.
 */
function observedComponentTypes<const C extends 'stream' | 'server'>(component: C, componentLayer: LayerDefinition, subject: string) {
  const about = (e: Payload) => `${subject} ${q(e[component]?.name, e[component]?.key)}`;
  const layers = [componentLayer, OBSERVED_CONTEXT];
  return [
    single({
      type: `observability:${component}:message-log` as const,
      group: 'observability',
      description: `A data tool logged a message for a ${subject}.`,
      layers: [...layers, MESSAGE_LOG],
      summary: (e) => `${e.log?.level ?? 'LOG'} in ${about(e)}: ${e.log?.message ?? ''}`,
    }),
    single({
      type: `observability:${component}:test-outcomes` as const,
      group: 'observability',
      description: `A data tool reported test outcomes for a ${subject}.`,
      layers: [...layers, TEST_OUTCOMES],
      summary: (e) =>
        `Tests in ${about(e)}: ${e.tests?.failed ?? 0} failed, ${e.tests?.warning ?? 0} warning, ${e.tests?.passed ?? 0} passed`,
    }),
    single({
      type: `observability:${component}:metric-log` as const,
      group: 'observability',
      description: `A data tool logged a metric for a ${subject}.`,
      layers: [...layers, METRIC_LOG],
      summary: (e) => `Metric ${e.metric?.key} = ${e.metric?.value} in ${about(e)}`,
    }),
  ];
}

const OBSERVED_RUN_LAYERS = [OBSERVED_PIPELINE, OBSERVED_CONTEXT, OBSERVED_RUN];
const OBSERVED_RUN_OR_TASK_LAYERS = [...OBSERVED_RUN_LAYERS, OPTIONAL_OBSERVED_TASK];

export const EVENT_TYPES = [
  // Platform events: project → pipeline / environment / job → run → pipeline run.
  ...family({
    group: 'platform',
    prefix: 'project',
    subject: 'A project',
    layers: [PROJECT],
    verbs: CREATED_UPDATED_DELETED,
    summary: (e, did) => `Project ${q(e.project?.name, e.project?.uuid)} ${did}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'project:pipeline',
    subject: 'A pipeline',
    layers: [PROJECT, PIPELINE],
    verbs: CREATED_UPDATED_DELETED,
    summary: (e, did) => `Pipeline ${q(pipeline(e).name, pipeline(e).uuid)} ${did}${inProject(e)}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'project:pipeline:interactive-session',
    subject: 'An interactive session of a pipeline',
    layers: [PROJECT, PIPELINE, INTERACTIVE_SESSION],
    verbs: {
      started: 'started',
      stopped: 'stopped',
      failed: 'failed',
      succeeded: 'succeeded',
      'service-restarted': 'had one of its services restarted',
    },
    summary: (e, did, verb) => {
      const service = pipeline(e).interactive_session?.service_name;
      const what = verb === 'service-restarted' && service ? `had service ${q(service, '')} restarted` : did;
      return `Interactive session of pipeline ${q(pipeline(e).name, pipeline(e).uuid)} ${what}${inProject(e)}`;
    },
  }),
  ...family({
    group: 'platform',
    prefix: 'project:pipeline:interactive-session:pipeline-run',
    subject: 'An interactive pipeline run',
    layers: [PROJECT, PIPELINE, INTERACTIVE_SESSION, PIPELINE_RUN],
    verbs: LIFECYCLE,
    summary: (e, did) =>
      `Interactive pipeline run${runNumber(pipeline(e).interactive_session?.pipeline_run)} of pipeline ${q(pipeline(e).name, pipeline(e).uuid)} ${did}${inProject(e)}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'project:environment',
    subject: 'An environment',
    layers: [PROJECT, ENVIRONMENT],
    verbs: { created: 'was created', deleted: 'was deleted' },
    summary: (e, did) => `Environment ${q(environment(e).name, environment(e).uuid)} ${did}${inProject(e)}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'project:environment:image-build',
    subject: 'An environment image build',
    layers: [PROJECT, ENVIRONMENT, IMAGE_BUILD],
    verbs: LIFECYCLE,
    summary: (e, did) => `Image build of environment ${q(environment(e).name, environment(e).uuid)} ${did}${inProject(e)}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'project:one-off-job',
    subject: 'A one-off job',
    layers: [PROJECT, JOB],
    verbs: {
      created: 'was created',
      started: 'started',
      deleted: 'was deleted',
      cancelled: 'was cancelled',
      failed: 'failed',
      succeeded: 'succeeded',
      updated: 'was updated',
    },
    summary: (e, did) => `Job ${q(job(e).name, job(e).uuid)} ${did}${inProject(e)}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'project:one-off-job:pipeline-run',
    subject: 'A pipeline run of a one-off job',
    layers: [PROJECT, JOB, PIPELINE_RUN],
    verbs: { ...LIFECYCLE, deleted: 'was deleted' },
    summary: (e, did) => `Pipeline run${runNumber(job(e).pipeline_run)} of job ${q(job(e).name, job(e).uuid)} ${did}${inProject(e)}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'project:cron-job',
    subject: 'A cron job',
    layers: [PROJECT, JOB],
    verbs: {
      created: 'was created',
      started: 'started',
      deleted: 'was deleted',
      cancelled: 'was cancelled',
      failed: 'failed',
      updated: 'was updated',
      paused: 'was paused',
      unpaused: 'was unpaused',
    },
    summary: (e, did) => `Cron job ${q(job(e).name, job(e).uuid)} ${did}${inProject(e)}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'project:cron-job:run',
    subject: 'A scheduled run of a cron job',
    layers: [PROJECT, JOB, CRON_RUN],
    verbs: { started: 'started', succeeded: 'succeeded', failed: 'failed' },
    summary: (e, did) => `Run${runNumber(job(e).run)} of cron job ${q(job(e).name, job(e).uuid)} ${did}${inProject(e)}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'project:cron-job:run:pipeline-run',
    subject: 'A pipeline run within a cron job run',
    layers: [PROJECT, JOB, CRON_RUN, PIPELINE_RUN],
    verbs: { ...LIFECYCLE, deleted: 'was deleted' },
    summary: (e, did) =>
      `Pipeline run${runNumber(job(e).run?.pipeline_run)} of cron job ${q(job(e).name, job(e).uuid)} (run${runNumber(job(e).run)}) ${did}${inProject(e)}`,
  }),
  ...family({
    group: 'platform',
    prefix: 'jupyter:image-build',
    subject: 'A Jupyter image build',
    // Installation-wide: no project, `image_build` sits at the root.
    layers: [IMAGE_BUILD],
    verbs: LIFECYCLE,
    summary: (_e, did) => `Jupyter image build ${did}`,
  }),

  // Observability events, recorded by the observability ingestion (POST /events/v1/*), never by POST /v1/events.
  ...family({
    group: 'observability',
    prefix: 'observability:run',
    subject: 'An observed pipeline run',
    layers: OBSERVED_RUN_LAYERS,
    verbs: OBSERVED_STATUS_VERBS,
    summary: (e, _did, verb) => {
      const observed = e.pipeline ?? {};
      const run = observed.run ?? {};
      const failedTests = run.tests_failed ?? e.tests?.failed;
      const tests = failedTests ? ` (${failedTests} test${failedTests === 1 ? '' : 's'} failed)` : '';
      return `Run ${run.name ?? run.key} of ${observed.name ?? observed.key} ${run.status ?? verb.toUpperCase()}${tests}`;
    },
  }),
  ...family({
    group: 'observability',
    prefix: 'observability:task',
    subject: 'A task of an observed pipeline run',
    layers: [...OBSERVED_RUN_LAYERS, OBSERVED_TASK],
    verbs: OBSERVED_STATUS_VERBS,
    summary: (e, _did, verb) => {
      const task = e.pipeline?.run?.task;
      return `Task ${task?.name ?? task?.key} of ${ofObservedRun(e)} ${task?.status ?? verb.toUpperCase()}`;
    },
  }),
  single({
    type: 'observability:message-log',
    group: 'observability',
    description: 'A data tool logged a message for a run or task.',
    layers: [...OBSERVED_RUN_OR_TASK_LAYERS, MESSAGE_LOG],
    summary: (e) => `${e.log?.level ?? 'LOG'} in ${ofObservedRun(e)}: ${e.log?.message ?? ''}`,
  }),
  single({
    type: 'observability:test-outcomes',
    group: 'observability',
    description: 'A data tool reported test outcomes for a run or task.',
    layers: [...OBSERVED_RUN_OR_TASK_LAYERS, TEST_OUTCOMES],
    summary: (e) => `Tests in ${ofObservedRun(e)}: ${e.tests?.failed ?? 0} failed, ${e.tests?.warning ?? 0} warning, ${e.tests?.passed ?? 0} passed`,
  }),
  single({
    type: 'observability:metric-log',
    group: 'observability',
    description: 'A data tool logged a metric for a run or task.',
    layers: [...OBSERVED_RUN_OR_TASK_LAYERS, METRIC_LOG],
    summary: (e) => `Metric ${e.metric?.key} = ${e.metric?.value} in ${ofObservedRun(e)}`,
  }),
  single({
    type: 'observability:dataset-operation',
    group: 'observability',
    description: 'A data tool read or wrote a dataset.',
    layers: [DATASET_OPERATION, OBSERVED_CONTEXT],
    summary: (e) => {
      const done = String(e.dataset?.operation ?? '').toUpperCase() === 'READ' ? 'was read' : 'was written';
      return `Dataset ${q(e.dataset?.name, e.dataset?.key)} ${done}`;
    },
  }),
  // Components without runs (DataKitchen's streaming pipelines and servers): logs, metrics and tests only.
  ...observedComponentTypes('stream', OBSERVED_STREAM, 'streaming pipeline'),
  ...observedComponentTypes('server', OBSERVED_SERVER, 'server'),

  // Expected-run schedules (DESIGN §7.2): recorded by the worker when a scheduled run did not start, or did not finish, in time.
  single({
    type: 'observability:run:missing',
    group: 'observability',
    description: 'No run of a pipeline started within start_within of a tick of its expected-run schedule.',
    layers: [OBSERVED_PIPELINE, EXPECTED_RUN],
    summary: (e) => `No run of ${e.pipeline?.name ?? e.pipeline?.key} started by ${scheduleClock(e.schedule?.start_by, e.schedule?.timezone)}`,
  }),
  single({
    type: 'observability:run:late',
    group: 'observability',
    description: 'The run that started for a tick of its pipeline\'s expected-run schedule had not ended finish_within after the tick.',
    layers: [OBSERVED_PIPELINE, OBSERVED_RUN, EXPECTED_RUN],
    summary: (e) =>
      `Run ${e.pipeline?.run?.name ?? e.pipeline?.run?.key} of ${e.pipeline?.name ?? e.pipeline?.key} has not finished by ${scheduleClock(e.schedule?.finish_by, e.schedule?.timezone)}`,
  }),

  // Lineage events, recorded by the OpenLineage ingestion (POST /api/v1/lineage*), never by POST /v1/events.
  ...family({
    group: 'lineage',
    prefix: 'lineage:run',
    subject: 'An OpenLineage run event',
    layers: [LINEAGE_RUN],
    verbs: {
      start: 'reported START',
      running: 'reported RUNNING',
      complete: 'reported COMPLETE',
      abort: 'reported ABORT',
      fail: 'reported FAIL',
      other: 'reported OTHER (or no eventType)',
    },
    summary: (e, _did, verb) => {
      const lineage = e.lineage ?? {};
      const tool = lineage.integration ? `${titleCase(String(lineage.integration))} job` : 'Job';
      const name = q(lineage.job?.name, lineage.job?.namespace);
      if (verb === 'fail' && lineage.error?.message) return `${tool} ${name} failed: ${lineage.error.message}`;
      return `${tool} ${name} ${LINEAGE_STATES[verb]}`;
    },
  }),
  single({
    type: 'lineage:dataset',
    group: 'lineage',
    description: 'An OpenLineage DatasetEvent described a dataset.',
    layers: [LINEAGE_DATASET],
    summary: (e) => `Dataset ${q(e.lineage?.dataset?.name, e.lineage?.dataset?.namespace)} was described`,
  }),
  single({
    type: 'lineage:job',
    group: 'lineage',
    description: 'An OpenLineage JobEvent described a job.',
    layers: [LINEAGE_JOB],
    summary: (e) => `Job ${q(e.lineage?.job?.name, e.lineage?.job?.namespace)} was described`,
  }),

  // Engine events: recorded by Tidings itself.
  single({
    type: 'tidings:webhook:disabled',
    group: 'engine',
    description: 'Tidings disabled a webhook (410 Gone, or failing for too long).',
    layers: [WEBHOOK],
    summary: (e) => `Webhook ${q(e.webhook?.name, e.webhook?.id)} was disabled: ${e.webhook?.disabled_reason ?? 'no reason given'}`,
  }),
  single({
    type: 'tidings:delivery:exhausted',
    group: 'engine',
    description: 'A delivery used up its retry schedule and is now failed (replayable).',
    layers: [WEBHOOK, DELIVERY],
    summary: (e) => {
      const d = e.webhook?.delivery ?? {};
      return `Delivery of ${d.event_type} to webhook ${q(e.webhook?.name, e.webhook?.id)} failed after ${d.attempts} attempts (${d.last_error ?? 'no answer'})`;
    },
  }),
  single({
    type: 'ping',
    group: 'engine',
    description: 'A test delivery sent from the API to check an endpoint.',
    layers: [PING],
    summary: (e) => String(e.message ?? 'Test delivery from Tidings'),
  }),

  // Client analytics events: relayed from the front end by POST /v1/analytics, exported to analytics only.
  ...family({
    group: 'client',
    prefix: 'client',
    subject: 'The front end',
    layers: [CLIENT],
    verbs: {
      'alert:shown': 'showed an alert',
      'confirm:shown': 'showed a confirmation dialog',
      'view:loaded': 'loaded a view',
      heartbeat: 'is open and active',
    },
    summary: (e) => `${e.type} event`,
  }),
  single({
    type: 'client:job:duplicated',
    group: 'client',
    description: 'A user duplicated a job in the front end.',
    layers: [CLIENT],
    summary: (e) => `${e.type} event`,
  }),
  single({
    type: 'client:pipeline:saved',
    group: 'client',
    description: 'A user saved a pipeline in the front end.',
    layers: [CLIENT],
    summary: (e) => `${e.type} event`,
  }),
  single({
    type: 'client:debug-ping',
    group: 'client',
    description: 'A debug ping from the front end.',
    layers: [CLIENT],
    summary: (e) => `${e.type} event`,
  }),
] as const satisfies readonly EventTypeEntry[];

/** Every type name the registry defines. */
export type EventTypeName = (typeof EVENT_TYPES)[number]['type'];

const byType = new Map<string, EventTypeEntry>(EVENT_TYPES.map((entry) => [entry.type, entry]));

/** The registry entry of `type`, or undefined for a name the registry does not define. */
export function eventTypeEntry(type: string): EventTypeEntry | undefined {
  return byType.get(type);
}
