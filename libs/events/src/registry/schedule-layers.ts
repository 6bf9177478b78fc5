import { isPresent } from '../telemetry/anonymizer';
import { dateTime, integer, object, text } from './json-schema';
import { layer } from './layer';

/*
 * The expected-run schedule an observability:run:missing or :late event was
 * judged against (DESIGN §7.2), recorded by the worker's schedule evaluation.
 * Telemetry keeps the times and the windows; the cron expression and time
 * zone are the customer's own words about their pipeline, so they are dropped.
 */

/** Longest cron expression or IANA zone name a schedule may hold. */
export const SCHEDULE_TEXT_MAX = 255;

export const EXPECTED_RUN = layer({
  key: 'schedule',
  schema: object(
    {
      cron: text(SCHEDULE_TEXT_MAX, 1),
      timezone: text(SCHEDULE_TEXT_MAX, 1),
      tick: dateTime(),
      start_within_s: integer(1),
      start_by: dateTime(),
    },
    { finish_within_s: integer(1), finish_by: dateTime() },
  ),
  required: true,
  placement: 'root',
  example: {
    cron: '0 2 * * *',
    timezone: 'UTC',
    tick: '2026-11-20T02:00:00.000Z',
    start_within_s: 1800,
    start_by: '2026-11-20T02:30:00.000Z',
    finish_within_s: 7200,
    finish_by: '2026-11-20T04:00:00.000Z',
  },
  telemetry: {
    prefix: 'schedule',
    keep: { tick: 'timestamp', start_by: 'timestamp', finish_by: 'timestamp', start_within_s: 'count', finish_within_s: 'count' },
    derive: { has_timezone: { kind: 'boolean', from: (s) => isPresent(s.timezone) && s.timezone !== 'UTC' } },
  },
});

/** `02:30 UTC` (`02:30:20 UTC` off the minute): a deadline as the pipeline owner reads it, in the schedule's own time zone. */
export function scheduleClock(at: unknown, timezone: unknown): string {
  const zone = typeof timezone === 'string' && timezone ? timezone : 'UTC';
  const date = new Date(typeof at === 'string' ? at : NaN);
  if (Number.isNaN(date.getTime())) return 'the expected time';
  try {
    const seconds = date.getUTCSeconds() ? { second: '2-digit' as const } : {};
    const time = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      ...seconds,
      hourCycle: 'h23',
    }).format(date);
    return `${time} ${zone}`;
  } catch {
    return `${date.toISOString().slice(11, date.getUTCSeconds() ? 19 : 16)} UTC`;
  }
}
