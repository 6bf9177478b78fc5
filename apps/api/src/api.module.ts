import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '@tidings/auth';
import { TidingsConfig, TidingsConfigModule } from '@tidings/config';
import { DatabaseModule } from '@tidings/database';
import { DeliveriesModule } from '@tidings/deliveries';
import { EventsModule } from '@tidings/events';
import { IngestModule } from '@tidings/ingest';
import { RedisProbe } from '@tidings/queue';
import { WebhooksModule } from '@tidings/webhooks';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { EventTypesController } from './event-types/event-types.controller';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { TidingsExceptionFilter } from './http/tidings-exception.filter';
import { tidingsValidationPipe } from './http/validation.pipe';
import { LineageIngestController } from './lineage/lineage-ingest.controller';
import { LineageController } from './lineage/lineage.controller';
import { ObservabilityIngestController } from './observability/observability-ingest.controller';
import { ObservabilityController } from './observability/observability.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

@Module({})
export class ApiModule {
  static forRoot(config: TidingsConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        TidingsConfigModule.forConfig(config),
        DatabaseModule.forRoot('tidings-api'),
        TerminusModule,
        AuthModule,
        EventsModule,
        WebhooksModule,
        DeliveriesModule,
        IngestModule,
      ],
      controllers: [
        EventsController,
        EventTypesController,
        WebhooksController,
        DeliveriesController,
        ApiKeysController,
        HealthController,
        LineageIngestController,
        LineageController,
        ObservabilityIngestController,
        ObservabilityController,
      ],
      providers: [
        RedisProbe,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: TidingsExceptionFilter },
        { provide: APP_PIPE, useFactory: tidingsValidationPipe },
      ],
    };
  }
}
