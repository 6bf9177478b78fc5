import pino from 'pino';
import { prettyLogLine, prettyLogStream } from './pretty-log-stream';
import { runAsProcess, currentProcess } from './process-label';

/** A pino logger like loggingModule's (label from runAsProcess), writing to `lines`. */
function logger(lines: string[], pretty: boolean) {
  const sink = { write: (text: string) => void lines.push(text) };
  return pino({ base: null, mixin: () => ({ process: currentProcess() ?? 'worker' }) }, pretty ? prettyLogStream(sink) : sink);
}

describe('log formats', () => {
  it('json (the default): one JSON object per line, labelled by the code that logged', () => {
    const lines: string[] = [];
    const log = logger(lines, false);
    runAsProcess('api', () => log.info({ context: 'HTTP', request_id: 'req-1' }, 'served'));
    log.warn('outside any label');
    const [api, other] = lines.map((line) => JSON.parse(line));
    expect(api).toMatchObject({ level: 30, process: 'api', context: 'HTTP', request_id: 'req-1', msg: 'served' });
    expect(other).toMatchObject({ level: 40, process: 'worker', msg: 'outside any label' });
  });

  it('pretty: one readable line per entry (time, level, process, context, message, then key=value)', () => {
    const lines: string[] = [];
    const log = logger(lines, true);
    runAsProcess('api', () => log.info({ context: 'RelayLoop', delivery_id: 'd-1', outcome: 'delivered', note: 'two words', req: { id: 'r' } }, 'webhook attempt'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO  api    \[RelayLoop\] webhook attempt delivery_id=d-1 outcome=delivered note="two words" req=\{"id":"r"\}\n$/,
    );
    expect(() => JSON.parse(lines[0])).toThrow();
  });

  it("pretty: an error's message on the line and its stack below it", () => {
    const text = prettyLogLine(JSON.stringify({ level: 50, time: 0, process: 'worker', msg: 'failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' } }));
    expect(text).toBe('00:00:00.000 ERROR worker failed err=boom\n    Error: boom\n        at x\n');
  });

  it('pretty: a line that is not JSON passes unchanged', () => {
    expect(prettyLogLine('plain text')).toBe('plain text\n');
  });
});
