import { Injectable, Optional } from '@nestjs/common';
import { ErrorDetail } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { OccurredAtBounds, occurredAtSkew } from '@tidings/events';
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import { invalid } from '../ingest-error';
import { OpenLineageKind, ValidOpenLineageEvent } from './openlineage-event';
import dataQualityAssertionsFacet from './schema/facets/DataQualityAssertionsDatasetFacet.json';
import errorMessageFacet from './schema/facets/ErrorMessageRunFacet.json';
import jobTypeFacet from './schema/facets/JobTypeJobFacet.json';
import nominalTimeFacet from './schema/facets/NominalTimeRunFacet.json';
import outputStatisticsFacet from './schema/facets/OutputStatisticsOutputDatasetFacet.json';
import parentRunFacet from './schema/facets/ParentRunFacet.json';
import schemaFacet from './schema/facets/SchemaDatasetFacet.json';
import sqlFacet from './schema/facets/SQLJobFacet.json';
import openLineageSpec from './schema/OpenLineage-2-0-2.json';

const SPEC_ID = openLineageSpec.$id;
const FACET_SCHEMAS = [
  parentRunFacet,
  errorMessageFacet,
  nominalTimeFacet,
  sqlFacet,
  jobTypeFacet,
  schemaFacet,
  dataQualityAssertionsFacet,
  outputStatisticsFacet,
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URI_REFERENCE = fullFormats['uri-reference'] as RegExp;
/** Keywords that only say "a sub-schema failed": the sub-schema's own errors are the useful ones. */
const SUMMARY_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else']);

const ref = (schema: { $id: string }) => ({ $ref: schema.$id });

/**
 * The schema one event kind is checked against: the spec's own definition of
 * that kind, plus each standard facet's schema where that facet may appear
 * (run facets on `run`, job facets on `job`, dataset, input and output facets
 * on each dataset). A facet file's schema names one property (`parent`,
 * `sql`, …), so it checks that facet only when present and leaves custom
 * facets alone.
 */
function kindSchema(kind: OpenLineageKind): object {
  const job = { properties: { facets: { allOf: [ref(sqlFacet), ref(jobTypeFacet)] } } };
  const run = { properties: { facets: { allOf: [ref(parentRunFacet), ref(errorMessageFacet), ref(nominalTimeFacet)] } } };
  const input = { properties: { facets: ref(schemaFacet), inputFacets: ref(dataQualityAssertionsFacet) } };
  const output = { properties: { facets: ref(schemaFacet), outputFacets: ref(outputStatisticsFacet) } };
  const properties =
    kind === 'DatasetEvent'
      ? { dataset: { properties: { facets: ref(schemaFacet) } } }
      : { job, ...(kind === 'RunEvent' ? { run } : {}), inputs: { items: input }, outputs: { items: output } };
  return { $id: `https://tidings.invalid/openlineage/${kind}.json`, allOf: [{ $ref: `${SPEC_ID}#/$defs/${kind}` }], properties };
}

/**
 * OpenLineage 2-0-2 validation with errors a producer can act on. The spec's
 * top level is `oneOf: [RunEvent, DatasetEvent, JobEvent]`, whose failures
 * Ajv reports as noise from all three branches; so the kind is decided first
 * from the fields present (run + job → RunEvent, dataset → DatasetEvent, job
 * → JobEvent) and the event is checked against that kind only, standard
 * facets included. An event valid for its kind that could match a second
 * kind (a DatasetEvent naming a job) is then checked against the spec itself,
 * which fails when it matches more than one.
 *
 * Formats: `uuid` and `date-time` (with an offset) are asserted, as the spec
 * asks. `uri` is asserted as a URI reference, as Marquez and the Java client
 * read it, so a producer like "my-etl" is accepted rather than refused.
 * Errors are `{field: <JSON pointer>, message}`, e.g. `/run/runId`.
 */
@Injectable()
export class OpenLineageValidator {
  private readonly byKind: Record<OpenLineageKind, ValidateFunction>;
  private readonly spec: ValidateFunction;

  /** How far eventTime may lie from this clock; none for a validator built without the config (its unit specs). */
  private readonly bounds?: OccurredAtBounds;

  constructor(@Optional() config?: TidingsConfig) {
    this.bounds = config?.occurredAt;
    const ajv = new Ajv2020({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
    ajv.addKeyword('example');
    addFormats(ajv, ['date-time']);
    ajv.addFormat('uuid', UUID);
    ajv.addFormat('uri', knownUris(URI_REFERENCE));
    ajv.addSchema(openLineageSpec);
    for (const facet of FACET_SCHEMAS) ajv.addSchema(facet);
    this.spec = ajv.getSchema(SPEC_ID)!;
    this.byKind = {
      RunEvent: ajv.compile(kindSchema('RunEvent')),
      DatasetEvent: ajv.compile(kindSchema('DatasetEvent')),
      JobEvent: ajv.compile(kindSchema('JobEvent')),
    };
  }

  /** The event, typed and tagged with its kind, or an IngestError listing every problem by JSON pointer. */
  validate(body: unknown): ValidOpenLineageEvent {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      const hint = Array.isArray(body) ? ' (send arrays of events to /api/v1/lineage/batch)' : '';
      throw invalid(`An OpenLineage event must be a JSON object${hint}`, [
        { field: '', message: `the event must be a JSON object${hint}` },
      ]);
    }
    const event = body as Record<string, unknown>;
    const kind = kindOf(event);
    const check = this.byKind[kind];
    let valid: boolean;
    try {
      valid = check(event) as boolean;
    } catch (error) {
      // Recursive facet schemas (nested schema fields) on absurdly deep input.
      if (error instanceof RangeError)
        throw invalid('The event is nested too deeply', [{ field: '', message: 'the event is nested too deeply' }]);
      throw error;
    }
    if (!valid) {
      const details = toDetails(check.errors ?? []);
      throw invalid(
        `Invalid OpenLineage ${kind}: ${[...new Set(details.map((d) => d.field || '(event)'))].slice(0, 10).join(', ')}`,
        details,
      );
    }
    // Valid for its kind, the event can match a second kind of the spec's oneOf only as a DatasetEvent that also
    // names a job (a RunEvent has run and job, which DatasetEvent and JobEvent both exclude; a JobEvent has no run and
    // no dataset). Only then is the whole spec run: with allErrors it walks all three kinds, a second full validation.
    if (kind === 'DatasetEvent' && event.job !== undefined && !this.spec(event)) {
      throw invalid('The event matches more than one OpenLineage event kind', [
        {
          field: '',
          message: 'the event is both a DatasetEvent and a JobEvent (it has dataset and job but no run); send them as separate events',
        },
      ]);
    }
    // The spec's date-time allows a leap second (23:59:60), which no clock here can store.
    const eventTime = new Date(event.eventTime as string);
    if (Number.isNaN(eventTime.getTime())) {
      throw invalid('Invalid OpenLineage event: /eventTime', [
        { field: '/eventTime', message: '/eventTime is not a representable instant' },
      ]);
    }
    const skew = this.bounds && occurredAtSkew(eventTime, this.bounds);
    if (skew) throw invalid('Invalid OpenLineage event: /eventTime', [{ field: '/eventTime', message: `/eventTime ${skew}` }]);
    return { kind, event, eventTime } as ValidOpenLineageEvent;
  }
}

/** Distinct URIs remembered at most; then forgotten at once (a producer sends a handful: its own, the spec's, its facets'). */
const KNOWN_URIS = 1000;

/**
 * The `uri` format: a URI reference. Every facet of every event names its
 * `_producer` and `_schemaURL`, nearly always the same few URIs, and the
 * URI-reference pattern is long: verdicts are remembered (10 % of validating
 * a batch of Airflow events went to that pattern).
 */
function knownUris(pattern: RegExp): (value: string) => boolean {
  const verdicts = new Map<string, boolean>();
  return (value) => {
    let verdict = verdicts.get(value);
    if (verdict === undefined) {
      verdict = value.length > 0 && pattern.test(value);
      if (verdicts.size >= KNOWN_URIS) verdicts.clear();
      verdicts.set(value, verdict);
    }
    return verdict;
  };
}

/** The kind the fields present point to; an event with none of them is checked as a RunEvent, the common case. */
export function kindOf(event: Record<string, unknown>): OpenLineageKind {
  if (event.run !== undefined && event.job !== undefined) return 'RunEvent';
  if (event.dataset !== undefined) return 'DatasetEvent';
  if (event.job !== undefined) return 'JobEvent';
  return 'RunEvent';
}

/** Ajv errors → `{field, message}` by JSON pointer; summary keywords dropped, duplicates merged. */
function toDetails(errors: ErrorObject[]): ErrorDetail[] {
  const specific = errors.filter((e) => !SUMMARY_KEYWORDS.has(e.keyword));
  const chosen = specific.length ? specific : errors;
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const error of chosen) {
    const detail = toDetail(error);
    const id = `${detail.field}\u0000${detail.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    details.push(detail);
  }
  return details;
}

function toDetail(error: ErrorObject): ErrorDetail {
  const at = error.instancePath;
  const name = (field: string) => field || 'the event';
  switch (error.keyword) {
    case 'required': {
      const field = `${at}/${escapePointer(String(error.params.missingProperty))}`;
      return { field, message: `${field} is required` };
    }
    case 'format': {
      const expected: Record<string, string> = {
        uuid: 'a UUID',
        'date-time': 'a date-time with a time zone offset (e.g. 2026-11-20T10:00:00.000Z)',
        uri: 'a URI',
      };
      return { field: at, message: `${name(at)} must be ${expected[error.params.format] ?? `in ${error.params.format} format`}` };
    }
    case 'enum':
      return { field: at, message: `${name(at)} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
    case 'type':
      return { field: at, message: `${name(at)} must be ${article(String(error.params.type))}` };
    default:
      return { field: at, message: `${name(at)} ${error.message ?? 'is invalid'}` };
  }
}

const article = (type: string) => (type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`);

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
