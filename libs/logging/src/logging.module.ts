import { DynamicModule, Global, Module } from '@nestjs/common';
import { currentRequest } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { LoggerModule } from 'nestjs-pino';
import { Logger, LoggerOptions, pino, stdSerializers } from 'pino';
import { prettyLogStream } from './pretty-log-stream';
import { currentProcess, ProcessLabel } from './process-label';
import { redactQuery } from './request-log';

const PINO_LEVEL: Record<TidingsConfig['logLevel'], string> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/** The process's pino logger (requestLog writes the api's access lines with it). */
export const ROOT_LOGGER = Symbol('tidings:root-logger');

@Global()
@Module({})
class TidingsLoggingModule {}

/**
 * Structured logs (pino) for either process: JSON lines, or readable ones
 * with LOG_FORMAT=pretty. A line written while a request is served carries
 * the request (`req`: its id, method and URL), as does its access line
 * (requestLog): no headers, no bodies and no query strings (a client may put
 * a key in one), so API keys and webhook secrets never reach a log.
 *
 * Nest's Logger writes through nestjs-pino, given this logger and no
 * middleware of its own: pino-http's made two child loggers per request (its
 * `req` serialized every time, logged or not) and a second async context,
 * a tenth of the api's CPU per ingested event (issue 13); the request's
 * fields come from the one request context instead, and only for a line
 * actually written.
 */
export function loggingModule(config: TidingsConfig, process: ProcessLabel): DynamicModule {
  const options: LoggerOptions = {
    level: PINO_LEVEL[config.logLevel],
    // The label comes from the code that logs (see runAsProcess), not from a fixed `base`: under
    // `npm start` both apps end up writing through one logger. `process` is the fallback outside any label.
    base: null,
    mixin: () => {
      const request = currentRequest();
      const label = currentProcess() ?? process;
      return request ? { process: label, req: { id: request.requestId, method: request.method, url: redactQuery(request.url) } } : { process: label };
    },
    serializers: { err: stdSerializers.err },
  };
  const logger: Logger = config.logFormat === 'pretty' ? pino(options, prettyLogStream()) : pino(options);
  return {
    module: TidingsLoggingModule,
    imports: [LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] })],
    providers: [{ provide: ROOT_LOGGER, useValue: logger }],
    exports: [ROOT_LOGGER, LoggerModule],
  };
}
