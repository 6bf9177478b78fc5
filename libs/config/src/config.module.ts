import { DynamicModule, Global, Module } from '@nestjs/common';
import { parseConfig, TidingsConfig } from './tidings-config';

/**
 * Provides the validated `TidingsConfig` to every module. `forRoot()` reads
 * `process.env`; tests and the benchmark pass their own environment so that
 * several instances can run in one process.
 */
@Global()
@Module({})
export class TidingsConfigModule {
  static forRoot(env: Record<string, string | undefined> = process.env): DynamicModule {
    return TidingsConfigModule.forConfig(parseConfig(env));
  }

  static forConfig(config: TidingsConfig): DynamicModule {
    return {
      module: TidingsConfigModule,
      providers: [{ provide: TidingsConfig, useValue: config }],
      exports: [TidingsConfig],
    };
  }
}

/** The process environment, for entry points only. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
