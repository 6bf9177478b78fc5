import { DynamicModule } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { Options } from 'pino-http';
import { stdSerializers } from 'pino';
import { prettyLogStream } from './pretty-log-stream';
import { currentProcess, ProcessLabel } from './process-label';

const PINO_LEVEL: Record<TidingsConfig['logLevel'], string> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Structured logs (pino) for either process: JSON lines, or readable ones
 * with LOG_FORMAT=pretty. Request lines carry only the id, method, URL and
 * status: no headers, no bodies and no query strings (a client may put a
 * key in one), so API keys and webhook secrets never reach a log.
 */
export function loggingModule(config: TidingsConfig, process: ProcessLabel): DynamicModule {
  const options: Options = {
    level: PINO_LEVEL[config.logLevel],
    // The label comes from the code that logs (see runAsProcess), not from a fixed `base`: under
    // `npm start` both apps end up writing through one logger. `process` is the fallback outside any label.
    base: null,
    mixin: () => ({ process: currentProcess() ?? process }),
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? 'unknown',
    // The serializers get the raw objects: pino's standard ones first copied headers, query, socket
    // address (each request, for a child logger) only for these three fields to be picked from them.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id: string; originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactQuery(req.originalUrl || req.url),
      }),
      res: (res: ServerResponse) => ({ status: res.headersSent ? res.statusCode : null }),
      err: stdSerializers.err,
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics|admin|docs)/.test(req.url ?? '') },
  };
  return LoggerModule.forRoot({ pinoHttp: config.logFormat === 'pretty' ? [options, prettyLogStream()] : options });
}

/** `/v1/webhooks?api_key=…` → `/v1/webhooks?[redacted]`: the path stays readable, nothing after `?` is kept. */
export function redactQuery(url: string | undefined): string | undefined {
  const at = url?.indexOf('?') ?? -1;
  return url && at >= 0 ? `${url.slice(0, at)}?[redacted]` : url;
}
