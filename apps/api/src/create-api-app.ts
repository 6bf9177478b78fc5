import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiKeysService } from '@tidings/auth';
import { TidingsConfig } from '@tidings/config';
import { ApiModule } from './api.module';
import { useJsonBodies } from './http/body-parsing';

export interface ApiAppOptions {
  logger?: false | ('error' | 'warn' | 'log' | 'debug' | 'verbose')[];
}

/** Builds the api (not yet listening): body limits, OpenAPI at /docs, bootstrap admin key. */
export async function createApiApp(config: TidingsConfig, options: ApiAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bodyParser: false,
    logger: options.logger ?? logLevels(config.logLevel),
  });
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  useJsonBodies(app, config.bodyLimitBytes);
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tidings')
      .setDescription(
        'Transactional-outbox event and webhook engine. Every route but /health and /docs needs "Authorization: Bearer <api key>".',
      )
      .setVersion(config.version)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });

  if (config.adminKey) await app.get(ApiKeysService).ensureBootstrapKey(config.adminKey);
  return app;
}

export function logLevels(level: TidingsConfig['logLevel']): ('error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const all = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return all.slice(0, all.indexOf(level) + 1);
}
