import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TidingsConfig } from '@tidings/config';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

/**
 * The worker: relay, webhook processor, claim sweeper, maintenance. Its only
 * HTTP is on WORKER_PORT: /health/live, /health/ready and /metrics. With
 * `listen: false` (`npm start`) it opens no port: the api serves those for it.
 */
export async function createWorkerApp(
  config: TidingsConfig,
  options: { shutdownHooks?: boolean; listen?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // `npm start` closes its two apps itself, in order: hooks here too would close each twice.
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  if (options.listen === false) {
    await app.init();
    app.flushLogs(); // listen() would have: Nest holds the buffered start-up lines until then
  } else {
    await app.listen(config.workerPort, '0.0.0.0');
  }
  return app;
}
