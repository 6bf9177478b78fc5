/*
 * The string formats event bodies use, defined once for every checker: the
 * Ajv validator here, and any mirror of it (the SQL entry point reads the
 * same patterns).
 */

/** Any UUID in its 8-4-4-4-12 hex form, whatever its version: what a Postgres `uuid` column takes from producers. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An ISO 8601 date-time with a time zone; seconds and fractions optional, `+01:00` or `+0100`. */
export const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/i;

/** Whether `value` is a date-time of DATE_TIME_PATTERN naming a real instant (no 31 February, no hour 24). */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME_PATTERN.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = Number(m[6] ?? 0);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth && !Number.isNaN(Date.parse(value));
}

/** What a value of each format must be, as the end of an error sentence (`<field> must be …`). */
export const FORMAT_MESSAGES: Record<keyof typeof EVENT_FORMATS, string> = {
  uuid: 'must be a UUID',
  'date-time': 'must be an ISO 8601 date-time with a time zone (e.g. 2026-11-20T10:00:00Z)',
};

/** One format as the SQL entry point reads it (the `event_formats` table): a POSIX regex, its flags, its message. */
export interface SqlFormatRow {
  name: string;
  pattern: string;
  flags: string;
  message: string;
}

/**
 * The formats above for Postgres: the same patterns, with `\d` spelled
 * `[0-9]` (a Postgres class would also take other scripts' digits). The
 * date-time calendar check of isDateTime is mirrored by the SQL function
 * `event_format_valid`.
 */
export function sqlFormatRows(): SqlFormatRow[] {
  const patterns: Record<keyof typeof EVENT_FORMATS, RegExp> = { uuid: UUID_PATTERN, 'date-time': DATE_TIME_PATTERN };
  return (Object.keys(patterns) as (keyof typeof EVENT_FORMATS)[]).map((name) => ({
    name,
    pattern: patterns[name].source.replace(/\\d/g, '[0-9]'),
    flags: patterns[name].flags.replace(/[^i]/g, ''),
    message: FORMAT_MESSAGES[name],
  }));
}

/** The formats the registry's schemas name, as Ajv takes them. */
export const EVENT_FORMATS = {
  uuid: UUID_PATTERN,
  'date-time': isDateTime,
} as const;
