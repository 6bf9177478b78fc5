import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TidingsConfig } from '@tidings/config';
import { dataSourceOptions } from './data-source-options';

@Module({})
export class DatabaseModule {
  /** `applicationName` shows in pg_stat_activity (api, worker, cli). */
  static forRoot(applicationName: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [TidingsConfig],
          useFactory: (config: TidingsConfig) => ({ ...dataSourceOptions(config, applicationName), retryAttempts: 5, retryDelay: 1000 }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
