import { ErrorDetail } from '@tidings/common';
import { formatDuration, parseDuration } from '@tidings/config';
import { createBodyAjv, object, SCHEDULE_TEXT_MAX, text, toErrorDetails } from '@tidings/events';
import { parseExpression } from 'cron-parser';
import { invalid } from '../../ingest-error';

/** The longest start_within or finish_within a schedule may ask for. */
export const MAX_SCHEDULE_WINDOW_S = 7 * 86_400;

/** A schedule as stored and judged: durations in whole seconds. */
export interface ExpectedRunSchedule {
  pipelineKey: string;
  cron: string;
  timezone: string;
  startWithinS: number;
  finishWithinS: number | null;
}

const DURATION = text(32, 1);
const BODY = object(
  { cron: text(SCHEDULE_TEXT_MAX, 1), start_within: DURATION },
  { timezone: text(SCHEDULE_TEXT_MAX, 1), finish_within: DURATION },
);
let validateShape: ReturnType<ReturnType<typeof createBodyAjv>['compile']> | undefined;

/**
 * Validates `PUT /v1/observability/pipelines/:pipeline_key/schedule`: a
 * five-field cron expression (minute hour day-of-month month day-of-week),
 * an IANA time zone (default UTC), and durations written like 90s, 30m, 2h
 * or 1d, whole seconds, above zero, at most 7 days, finish_within not below
 * start_within. Throws an IngestError (400) listing every problem.
 */
export function validateSchedule(pipelineKey: string, body: unknown): ExpectedRunSchedule {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('The body must be a JSON object describing the schedule', [{ field: 'body', message: 'the body must be a JSON object' }]);
  }
  validateShape ??= createBodyAjv().compile(BODY);
  const details: ErrorDetail[] = validateShape(body) ? [] : toErrorDetails('schedule', validateShape.errors ?? [], body);
  if (pipelineKey.length < 1 || pipelineKey.length > 255) details.push({ field: 'pipeline_key', message: 'must be 1 to 255 characters' });
  const input = body as { cron?: unknown; timezone?: unknown; start_within?: unknown; finish_within?: unknown };
  const timezone = typeof input.timezone === 'string' ? input.timezone : 'UTC';
  const zoneKnown = isTimeZone(timezone);
  if (!zoneKnown)
    details.push({ field: 'timezone', message: `"${timezone}" is not an IANA time zone (e.g. UTC, Europe/Paris, America/New_York)` });
  if (typeof input.cron === 'string') {
    const problem = cronProblem(input.cron, zoneKnown ? timezone : 'UTC');
    if (problem) details.push({ field: 'cron', message: problem });
  }
  const startWithinS = durationSeconds('start_within', input.start_within, details);
  const finishWithinS = input.finish_within == null ? null : durationSeconds('finish_within', input.finish_within, details);
  if (startWithinS !== undefined && finishWithinS != null && finishWithinS < startWithinS) {
    details.push({ field: 'finish_within', message: 'must not be shorter than start_within (both count from the tick)' });
  }
  const fields = [...new Set(details.map((d) => d.field))];
  if (details.length) throw invalid(`Invalid schedule: ${fields.join(', ')}`, details);
  return { pipelineKey, cron: (input.cron as string).trim(), timezone, startWithinS: startWithinS!, finishWithinS: finishWithinS ?? null };
}

/** The duration as the API shows it (`30m`), from whole seconds. */
export function showDuration(seconds: number): string {
  return formatDuration(seconds * 1000);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function cronProblem(cron: string, timezone: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `must have 5 fields (minute hour day-of-month month day-of-week), e.g. "30 2 * * *"; got ${fields.length}`;
  }
  try {
    parseExpression(cron, { tz: timezone }).next();
    return undefined;
  } catch (error) {
    return `is not a cron expression: ${(error as Error).message}`;
  }
}

function durationSeconds(field: string, value: unknown, details: ErrorDetail[]): number | undefined {
  if (typeof value !== 'string') return undefined; // the shape check reported it
  const fail = (message: string) => void details.push({ field, message });
  if (!/[a-z]\s*$/i.test(value)) return fail(`"${value}" needs a unit: write e.g. 90s, 30m, 2h or 1d`);
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (ms <= 0) return fail('must be longer than zero');
  if (ms % 1000 !== 0) return fail('must be whole seconds');
  if (ms / 1000 > MAX_SCHEDULE_WINDOW_S) return fail(`must be at most ${showDuration(MAX_SCHEDULE_WINDOW_S)}`);
  return ms / 1000;
}
