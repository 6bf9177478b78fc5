import { eventTypeEntry } from '@tidings/events';

type Payload = Record<string, any>;

/**
 * One line a person reads in a chat channel, for any event, built from its
 * notification payload by its registry entry's summary:
 * `Pipeline run #12 of job "nightly" failed in project "demo"`.
 */
export function summarizeEvent(event: Payload): string {
  const entry = typeof event.type === 'string' ? eventTypeEntry(event.type) : undefined;
  return entry ? entry.summary(event) : `${event.type} event`;
}

/** A logged message, about a run or about a stream or server. */
const OBSERVED_LOG = /^observability:((stream|server):)?message-log$/;

/** Failures read red, successes green, the rest neutral. */
export function eventTone(type: string, event: Payload = {}): 'bad' | 'good' | 'neutral' {
  if (/:(failed|fail|abort|cancelled|exhausted|disabled)$/.test(type) || (OBSERVED_LOG.test(type) && event.log?.level === 'ERROR')) return 'bad';
  if (/:(succeeded|complete|completed)$/.test(type)) return 'good';
  return 'neutral';
}
