const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SHOWN_FIRST = new Set(['level', 'time', 'process', 'context', 'msg', 'err']);

/**
 * One pino JSON line as one line for a person (LOG_FORMAT=pretty): time,
 * level, process, [context], message, then the other fields as key=value
 * (nested ones as JSON); an error's stack follows on its own lines.
 */
export function prettyLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`; // not pino's: pass it on as it came
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const head = [time, level, String(entry.process ?? '-').padEnd(6), entry.context ? `[${entry.context}]` : '', String(entry.msg ?? '')];
  const rest = Object.entries(entry)
    .filter(([key, value]) => !SHOWN_FIRST.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${shown(value)}`);
  const err = entry.err as { type?: string; message?: string; stack?: string } | undefined;
  if (err) rest.push(`err=${shown(err.message ?? err.type ?? err)}`);
  const line = [...head, ...rest].filter((part) => part !== '').join(' ');
  return `${line}\n${err?.stack ? `${err.stack.replace(/^/gm, '    ')}\n` : ''}`;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** A pino destination that writes each line pretty to `out` (standard output by default). */
export function prettyLogStream(out: { write(text: string): unknown } = process.stdout): { write(line: string): void } {
  return { write: (line) => void out.write(prettyLogLine(line)) };
}
