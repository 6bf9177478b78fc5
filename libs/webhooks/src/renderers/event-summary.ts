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

/** Failures read red, successes green, the rest neutral. */
export function eventTone(type: string, event: Payload = {}): 'bad' | 'good' | 'neutral' {
  if (/:(failed|fail|abort|cancelled|exhausted|disabled)$/.test(type) || (type === 'observability:message-log' && event.log?.level === 'ERROR')) return 'bad';
  if (/:(succeeded|complete|completed)$/.test(type)) return 'good';
  return 'neutral';
}
