import { OpenLineageEventType } from '@tidings/events';

/*
 * The parts of OpenLineage 2-0-2 events that Tidings reads, as TypeScript
 * types. They describe events that passed the schema (openlineage-validator);
 * anything else an event carries (custom facets, unknown fields) is kept in
 * the raw event but not typed here.
 */

export interface OpenLineageFacet {
  _producer: string;
  _schemaURL: string;
  [field: string]: unknown;
}
export type OpenLineageFacets = Record<string, OpenLineageFacet>;

export interface OpenLineageJob {
  namespace: string;
  name: string;
  facets?: OpenLineageFacets & { jobType?: OpenLineageFacet & { integration: string; jobType?: string; processingType: string } };
}

export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: OpenLineageFacets;
  inputFacets?: OpenLineageFacets;
  outputFacets?: OpenLineageFacets;
}

export interface ParentRunFacet extends OpenLineageFacet {
  run: { runId: string };
  job: { namespace: string; name: string };
}

export interface ErrorMessageRunFacet extends OpenLineageFacet {
  message: string;
  programmingLanguage: string;
  stackTrace?: string;
}

export interface OpenLineageRun {
  runId: string;
  facets?: OpenLineageFacets & { parent?: ParentRunFacet; errorMessage?: ErrorMessageRunFacet };
}

interface BaseEvent {
  eventTime: string;
  producer: string;
  schemaURL: string;
  [field: string]: unknown;
}

export interface OpenLineageRunEvent extends BaseEvent {
  eventType?: OpenLineageEventType;
  run: OpenLineageRun;
  job: OpenLineageJob;
  inputs?: OpenLineageDataset[];
  outputs?: OpenLineageDataset[];
}

export interface OpenLineageJobEvent extends BaseEvent {
  job: OpenLineageJob;
  inputs?: OpenLineageDataset[];
  outputs?: OpenLineageDataset[];
}

export interface OpenLineageDatasetEvent extends BaseEvent {
  dataset: OpenLineageDataset;
}

/**
 * A validated event, tagged with the kind the oneOf of the spec resolved to;
 * `text` is the JSON text `event` was parsed from, when the body reader kept
 * it (stored as received instead of serialized again).
 */
export type ValidOpenLineageEvent = (
  | { kind: 'RunEvent'; event: OpenLineageRunEvent; eventTime: Date }
  | { kind: 'JobEvent'; event: OpenLineageJobEvent; eventTime: Date }
  | { kind: 'DatasetEvent'; event: OpenLineageDatasetEvent; eventTime: Date }
) & { text?: string };

export type OpenLineageKind = ValidOpenLineageEvent['kind'];
