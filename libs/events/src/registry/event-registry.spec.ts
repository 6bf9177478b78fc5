import 'reflect-metadata';
import { isPlatformType } from '@tidings/common';
import Ajv2020 from 'ajv/dist/2020';
import { EVENT_CATALOGUE_V1 } from '../../../../migrations/data/event-catalogue-v1';
import LATEST_CATALOGUE from '../../../../migrations/data/event-catalogue-v5.json';
import { EVENT_CLASSES } from '../event-classes';
import { EventError } from '../event-error';
import { bodySchema, exampleBody } from './body-schema';
import { EVENT_TYPES, eventTypeEntry } from './event-registry';
import { eventBodyValidator } from './event-validator';
import { EVENT_FORMATS, isDateTime } from './formats';
import { JsonSchema } from './json-schema';
import { layerScopes, readLayerField } from './layer';
import { EXPECTED_RUN } from './schedule-layers';
import { API_REGISTRABLE_TYPES, eventBodyComponents, inlineEventBodySchema } from './openapi';

const TYPES = EVENT_TYPES.map((entry) => entry.type);

/** Every schema node of a JSON Schema, depth first (through properties, items and the composition keywords). */
function* nodes(schema: JsonSchema): Generator<JsonSchema> {
  yield schema;
  for (const child of Object.values((schema.properties as Record<string, JsonSchema>) ?? {})) yield* nodes(child);
  if (schema.items) yield* nodes(schema.items as JsonSchema);
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) for (const child of (schema[keyword] as JsonSchema[]) ?? []) yield* nodes(child);
}

describe('the event registry', () => {
  it('defines each type once, with a description: the catalogue the first migration seeded, plus the types of the latest snapshot', () => {
    expect(new Set(TYPES).size).toBe(TYPES.length);
    expect(EVENT_CATALOGUE_V1.filter((t) => !TYPES.includes(t.name as (typeof TYPES)[number]))).toEqual([]);
    expect([...TYPES].sort()).toEqual(LATEST_CATALOGUE.map((t) => t.name).sort());
    for (const entry of EVENT_TYPES) {
      expect(entry.description).toMatch(/^[A-Z].*\.$/);
      expect(entry.group === 'platform').toBe(isPlatformType(entry.type));
      expect(eventTypeEntry(entry.type)).toBe(entry);
      expect(EVENT_CLASSES.get(entry.type)?.ENTRY).toBe(entry);
    }
  });

  it.each(TYPES)('%s: its published schema stands alone and accepts its example body', (type) => {
    const entry = eventTypeEntry(type)!;
    // A fresh Ajv with only the formats: the published schema is all a producer needs.
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    for (const [name, format] of Object.entries(EVENT_FORMATS)) ajv.addFormat(name, format);
    const validate = ajv.compile(bodySchema(entry));
    expect({ type, valid: validate(exampleBody(entry)), errors: validate.errors ?? null }).toEqual({ type, valid: true, errors: null });
    expect(validate({ ...exampleBody(entry), type })).toBe(true);
    expect(validate({ ...exampleBody(entry), zz_unknown: 1 })).toBe(false);
  });

  it.each(TYPES)('%s: its ordering key and scope columns read fields its example body has', (type) => {
    const entry = eventTypeEntry(type)!;
    const body = exampleBody(entry);
    for (const path of entry.orderingKey) expect({ path, value: typeof readLayerField(body, path) }).toEqual({ path, value: 'string' });
    for (const layer of entry.layers) {
      for (const scope of layerScopes(layer)) {
        // Optional scope fields (a lineage run's parent) may be absent from other bodies, never from the schema.
        expect(readLayerField(layer.schema, `properties.${scope.field.split('.').join('.properties.')}`)).toBeDefined();
      }
    }
  });

  it('orders each type by its most specific entity (DESIGN §4)', () => {
    const key = (type: string) => eventTypeEntry(type)!.orderingKey;
    expect(key('project:created')).toEqual(['project.uuid']);
    expect(key('project:pipeline:interactive-session:started')).toEqual(['pipeline.uuid']);
    expect(key('project:cron-job:run:failed')).toEqual(['run.uuid']);
    expect(key('project:cron-job:run:pipeline-run:failed')).toEqual(['pipeline_run.uuid']);
    expect(key('project:one-off-job:updated')).toEqual(['job.uuid']);
    expect(key('observability:task:failed')).toEqual(['pipeline.key', 'run.key']);
    expect(key('observability:message-log')).toEqual(['pipeline.key', 'run.key']);
    expect(key('lineage:run:complete')).toEqual(['lineage.run.id']);
    expect(key('lineage:dataset')).toEqual(['lineage.dataset.namespace', 'lineage.dataset.name']);
    expect(key('ping')).toEqual([]);
    expect(key('client:heartbeat')).toEqual([]);
  });

  it("expected-run events read as the pipeline owner asks: which pipeline, by when, in the schedule's time zone", () => {
    // The layer's example: tick 02:00 UTC, start by 02:30, finish by 04:00.
    const schedule = EXPECTED_RUN.example;
    const summary = (type: string, body: Record<string, unknown>) => {
      const event = EVENT_CLASSES.get(type)!.create(body, 'internal');
      return eventTypeEntry(type)!.summary(event.toNotificationPayload());
    };
    expect(summary('observability:run:missing', { pipeline: { key: 'SFTP_to_Tableau' }, schedule })).toBe(
      'No run of SFTP_to_Tableau started by 02:30 UTC',
    );
    expect(
      summary('observability:run:late', {
        pipeline: { key: 'SFTP_to_Tableau' },
        run: { key: 'airflow-7', name: 'nightly', status: 'RUNNING' },
        schedule,
      }),
    ).toBe('Run nightly of SFTP_to_Tableau has not finished by 04:00 UTC');
    expect(
      summary('observability:run:missing', {
        pipeline: { key: 'p', name: 'Orders load' },
        schedule: { ...schedule, timezone: 'Europe/Paris' },
      }),
    ).toBe('No run of Orders load started by 03:30 Europe/Paris');
  });

  it.each(TYPES)('%s: its summary reads a sparse payload without throwing', (type) => {
    const entry = eventTypeEntry(type)!;
    expect(typeof entry.summary({ type })).toBe('string');
    const event = EVENT_CLASSES.get(type)!.create(exampleBody(entry), 'internal');
    expect(entry.summary(event.toNotificationPayload()).length).toBeGreaterThan(0);
  });
});

describe('the event body validator', () => {
  const errors = (type: string, body: Record<string, unknown>) => eventBodyValidator().errors(type, body);
  const PROJECT = '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e11';

  it('lists every problem as {field, message} with dotted paths and bracketed indexes', () => {
    expect(
      errors('project:one-off-job:pipeline-run:failed', {
        occurred_at: 'soon',
        project: { uuid: PROJECT, nickname: 'd' },
        job: { uuid: 5 },
        pipeline_run: { uuid: PROJECT, number: -1, failed_steps: [{ uuid: 'step-1', colour: 'red' }], parameters: [] },
      }),
    ).toEqual([
      { field: 'occurred_at', message: 'occurred_at must be an ISO 8601 date-time with a time zone (e.g. 2026-11-20T10:00:00Z)' },
      { field: 'project.nickname', message: 'project.nickname is not a field of project:one-off-job:pipeline-run:failed events' },
      { field: 'job.uuid', message: 'job.uuid must be a UUID' },
      { field: 'pipeline_run.number', message: 'pipeline_run.number must be at least 0' },
      { field: 'pipeline_run.parameters', message: 'pipeline_run.parameters must be an object' },
      {
        field: 'pipeline_run.failed_steps[0].colour',
        message: 'pipeline_run.failed_steps[0].colour is not a field of project:one-off-job:pipeline-run:failed events',
      },
      { field: 'pipeline_run.failed_steps[0].uuid', message: 'pipeline_run.failed_steps[0].uuid must be a UUID' },
    ]);
  });

  it('reports a missing layer as the fields it requires, so every id owed is named at once', () => {
    expect(errors('project:one-off-job:pipeline-run:failed', { project: { uuid: PROJECT } })).toEqual([
      { field: 'job.uuid', message: 'job.uuid is required' },
      { field: 'pipeline_run.uuid', message: 'pipeline_run.uuid is required' },
    ]);
    expect(errors('ping', {})).toEqual([{ field: 'ping.message', message: 'ping.message is required' }]);
  });

  it('takes null for an absent optional field, never for a layer or a required field', () => {
    expect(errors('project:created', { project: { uuid: PROJECT, name: null } })).toEqual([]);
    expect(errors('project:created', { project: null }).map((e) => e.field)).toEqual(['project']);
    expect(errors('project:created', { project: { uuid: null } }).map((e) => e.field)).toEqual(['project.uuid']);
  });

  it('reads keys as data: `constructor` and `toString` are refused in a closed layer, kept in an open map', () => {
    expect(errors('project:created', { project: JSON.parse(`{"uuid": "${PROJECT}", "constructor": {}, "toString": "x"}`) })).toEqual([
      { field: 'project.constructor', message: 'project.constructor is not a field of project:created events' },
      { field: 'project.toString', message: 'project.toString is not a field of project:created events' },
    ]);
    const parameters = JSON.parse('{"constructor": "x", "__proto__": {"polluted": 1}}');
    expect(errors('project:one-off-job:created', { project: { uuid: PROJECT }, job: { uuid: PROJECT, parameters } })).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses NaN and Infinity in-process, where JSON cannot carry them', () => {
    const body = { pipeline: { key: 'p' }, run: { key: 'r', status: 'RUNNING' }, metric: { key: 'rows', value: Number.NaN } };
    expect(errors('observability:metric-log', body).map((e) => e.field)).toEqual(['metric.value']);
  });

  it('checks `type` when the body names one', () => {
    expect(errors('project:created', { type: 'project:deleted', project: { uuid: PROJECT } })).toEqual([
      { field: 'type', message: 'type must be "project:created"' },
    ]);
  });

  it('throws for a type the registry does not define (callers look the type up first)', () => {
    expect(() => errors('project:exploded', {})).toThrow('not a type of the event registry');
  });

  it('is what create() throws with', () => {
    try {
      EVENT_CLASSES.get('project:created')!.create({ project: {} });
      throw new Error('expected an EventError');
    } catch (error) {
      expect(error).toBeInstanceOf(EventError);
      expect((error as EventError).message).toBe('Invalid project:created event: project.uuid');
      expect((error as EventError).details).toEqual([{ field: 'project.uuid', message: 'project.uuid is required' }]);
    }
  });
});

describe('formats', () => {
  it.each([
    ['2026-11-20T10:00:00Z', true],
    ['2026-11-20T10:00Z', true],
    ['2026-11-20T10:00:00.123456789+01:00', true],
    ['2026-11-20t10:00:00+0100', true],
    ['2024-02-29T00:00:00Z', true],
    ['2026-02-29T00:00:00Z', false],
    ['2026-02-31T10:00:00Z', false],
    ['2026-11-20T24:00:00Z', false],
    ['2026-11-20T10:00:00', false],
    ['2026-11-20', false],
    ['2026-13-40T10:00:00Z', false],
  ])('date-time %s → %s', (value, valid) => {
    expect(isDateTime(value)).toBe(valid);
  });
});

describe('the OpenAPI schemas', () => {
  it('are one alternative per platform type, in OpenAPI 3.0’s dialect (no const, no type lists)', () => {
    const inline = inlineEventBodySchema();
    expect(API_REGISTRABLE_TYPES.map((entry) => entry.type)).toEqual(TYPES.filter(isPlatformType));
    expect(inline.oneOf).toHaveLength(58);
    for (const node of nodes(inline)) {
      expect(node).not.toHaveProperty('const');
      expect(node).not.toHaveProperty('$schema');
      if ('type' in node) expect(typeof node.type).toBe('string');
    }
    const failed = (inline.oneOf as JsonSchema[]).find((s) => s.title === 'project:one-off-job:pipeline-run:failed')!;
    expect(failed.required).toEqual(['type', 'project', 'job', 'pipeline_run']);
    expect(failed.properties).toMatchObject({
      type: { enum: ['project:one-off-job:pipeline-run:failed'] },
      project: { properties: { name: { type: 'string', nullable: true, maxLength: 1024 } } },
    });
  });

  it('as components: a schema per type and a oneOf discriminated on type', () => {
    const { schemas, oneOf } = eventBodyComponents();
    expect(Object.keys(schemas)).toContain('ProjectOneOffJobPipelineRunFailedEvent');
    expect(oneOf.discriminator).toEqual({
      propertyName: 'type',
      mapping: expect.objectContaining({ 'project:created': '#/components/schemas/ProjectCreatedEvent' }),
    });
  });
});
