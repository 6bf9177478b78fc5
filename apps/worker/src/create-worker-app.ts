import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TidingsConfig } from '@tidings/config';
import { WorkerModule } from './worker.module';

export interface WorkerAppOptions {
  logger?: false | ('error' | 'warn' | 'log' | 'debug' | 'verbose')[];
}

/** The worker: relay, webhook processor, claim sweeper. No HTTP. */
export async function createWorkerApp(config: TidingsConfig, options: WorkerAppOptions = {}): Promise<INestApplicationContext> {
  const levels = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: options.logger ?? [...levels.slice(0, levels.indexOf(config.logLevel) + 1)],
  });
  app.enableShutdownHooks();
  return app;
}
