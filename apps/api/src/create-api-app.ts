import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { ApiKeysService } from '@tidings/auth';
import { requestLog, ROOT_LOGGER } from '@tidings/logging';
import { Logger } from 'nestjs-pino';
import { TidingsConfig } from '@tidings/config';
import { API_CONTROLLERS, ApiModule, GLOBAL_GUARDS } from './api.module';
import { EVENT_INPUT_SCHEMA } from './events/dtos/register-event.dto';
import { EventsController, REGISTER_EVENT_ROUTE } from './events/events.controller';
import { serveDirectRoutes } from './http/direct-route';
import { TidingsExceptionFilter } from './http/tidings-exception.filter';
import { InProcessWorker } from './operations/in-process-worker';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** Builds the api (not yet listening): OpenAPI at /docs, bootstrap admin key. */
export async function createApiApp(
  config: TidingsConfig,
  options: { shutdownHooks?: boolean; worker?: InProcessWorker } = {},
): Promise<INestApplication> {
  // Under `npm start` the worker's logger is already in place, so nothing needs holding back; and Nest's
  // buffer is process-wide: it would hold the worker's lines too and print them later as the api's.
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, options.worker), {
    bodyParser: false,
    bufferLogs: !options.worker,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const log = requestLog(app.get(ROOT_LOGGER));
  app.use(log);
  // JSON bodies are read after the key guard, by JsonBodyGuard (api.module.ts), never here.
  // The hottest route skips Express's router and Nest's pipeline, served by the same guards, handler and filter.
  serveDirectRoutes(app.getHttpServer(), {
    express: app.getHttpAdapter().getInstance(),
    routes: [{ route: REGISTER_EVENT_ROUTE, controller: app.get(EventsController) }],
    guards: GLOBAL_GUARDS.map((guard) => app.get(guard)),
    filter: app.get(TidingsExceptionFilter),
    requestLog: log,
  });
  // `npm start` closes its two apps itself, in order: hooks here too would close each twice.
  if (options.shutdownHooks !== false) app.enableShutdownHooks();

  const document = buildOpenApiDocument(app, {
    version: config.version,
    serverUrl: config.publicUrl,
    controllers: API_CONTROLLERS,
    schemas: { EventInput: EVENT_INPUT_SCHEMA },
  });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });

  if (config.adminKey) await app.get(ApiKeysService).ensureBootstrapKey(config.adminKey);
  return app;
}
