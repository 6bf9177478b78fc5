import { LayerDefinition } from './layer';

export const EVENT_GROUPS = ['platform', 'observability', 'lineage', 'engine', 'client'] as const;
export type EventGroup = (typeof EVENT_GROUPS)[number];

/** The `event` object of a webhook body (DESIGN §5). */
export interface NotificationEvent {
  id: string;
  type: string;
  occurred_at: string;
  [layer: string]: unknown;
}

/**
 * One event type of the registry: the only place a type is defined. Its body
 * schema, validator, payload folds, scope columns, catalogue row and OpenAPI
 * schema are all derived from this entry.
 */
export interface EventTypeEntry<T extends string = string> {
  readonly type: T;
  readonly group: EventGroup;
  readonly description: string;
  /** The body parts, from the root of the notification down (see LayerDefinition). */
  readonly layers: readonly LayerDefinition[];
  /**
   * Body paths whose values, joined by `/`, make the default ordering key
   * (DESIGN §4); empty when events of the type are not ordered.
   */
  readonly orderingKey: readonly string[];
  /** One line a person reads in a chat channel, from the notification payload; never throws on a sparse payload. */
  readonly summary: (event: Readonly<Record<string, any>>) => string;
}
