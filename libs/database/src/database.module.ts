import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseRole, TidingsConfig } from '@tidings/config';
import { dataSourceOptions } from './data-source-options';

@Module({})
export class DatabaseModule {
  /** `role` sizes the pool; its application name (`tidings-<role>`) shows in pg_stat_activity. */
  static forRoot(role: DatabaseRole): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [TidingsConfig],
          useFactory: (config: TidingsConfig) => ({ ...dataSourceOptions(config, `tidings-${role}`, role), retryAttempts: 5, retryDelay: 1000 }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
