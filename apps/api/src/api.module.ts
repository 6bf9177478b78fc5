import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthModule, FailedAuthThrottle } from '@tidings/auth';
import { TidingsConfig, TidingsConfigModule } from '@tidings/config';
import { DatabaseModule } from '@tidings/database';
import { DeliveriesModule } from '@tidings/deliveries';
import { DeliveryAllowance, EventsModule, PublishIngestSettings } from '@tidings/events';
import { IngestModule } from '@tidings/ingest';
import { loggingModule } from '@tidings/logging';
import { MetricsModule } from '@tidings/metrics';
import { RedisProbe } from '@tidings/queue';
import { WebhooksModule } from '@tidings/webhooks';
import { AdminController } from './admin/admin.controller';
import { AnalyticsController } from './analytics/analytics.controller';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { RevocationListener } from './auth/revocation-listener';
import { ApiKeyGuard } from './auth/api-key.guard';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { EventTypesController } from './event-types/event-types.controller';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { IngestDeliveryLimit } from './http/ingest-delivery-limit';
import { IngestThrottlerGuard } from './http/ingest-throttler.guard';
import { SharedThrottlerStorage } from './http/shared-throttler-storage';
import { JsonBodyGuard } from './http/json-body.guard';
import { TidingsExceptionFilter } from './http/tidings-exception.filter';
import { tidingsValidationPipe } from './http/validation.pipe';
import { LineageIngestController } from './lineage/lineage-ingest.controller';
import { LineageController } from './lineage/lineage.controller';
import { ObservabilityIngestController } from './observability/observability-ingest.controller';
import { ObservabilityController } from './observability/observability.controller';
import { IN_PROCESS_WORKER, InProcessWorker } from './operations/in-process-worker';
import { MetricsController } from './operations/metrics.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

/**
 * The global guards, in the order they run before any route's own: the key, then INGEST_RATE_LIMIT on
 * the ingestion routes, then the body is read. The body of a request without a valid key, or over its
 * key's limit, is never read. The direct routes (create-api-app.ts) run the same instances in this order.
 */
export const GLOBAL_GUARDS = [ApiKeyGuard, IngestThrottlerGuard, JsonBodyGuard] as const;

/** Every controller of the api; the OpenAPI document reads their guard metadata too. */
export const API_CONTROLLERS = [
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
  AnalyticsController,
  AdminController,
  MetricsController,
];

@Module({})
export class ApiModule {
  /** `worker`: the worker sharing this process (`npm start`), whose health and metrics this api serves too. */
  static forRoot(config: TidingsConfig, worker?: InProcessWorker): DynamicModule {
    // One INGEST_RATE_LIMIT and one INGEST_DELIVERY_RATE_LIMIT budget per key for every api replica (a provider too,
    // so it is closed at shutdown).
    const throttlerStorage = config.ingestRateLimit || config.ingestDeliveryRateLimit ? new SharedThrottlerStorage(config) : undefined;
    return {
      module: ApiModule,
      imports: [
        TidingsConfigModule.forConfig(config),
        DatabaseModule.forRoot('api'),
        loggingModule(config, 'api'),
        MetricsModule.forRoot('api'),
        TerminusModule,
        ThrottlerModule.forRoot({
          throttlers: config.ingestRateLimit
            ? [{ name: 'default', ttl: config.ingestRateLimit.windowMs, limit: config.ingestRateLimit.limit }]
            : [],
          errorMessage: 'Too many requests for this API key; retry after the time in Retry-After (seconds)',
          ...(throttlerStorage ? { storage: throttlerStorage } : {}),
        }),
        ingestLimitsModule(throttlerStorage, config),
        AuthModule,
        EventsModule,
        WebhooksModule,
        DeliveriesModule,
        IngestModule,
      ],
      controllers: API_CONTROLLERS,
      providers: [
        RedisProbe,
        PublishIngestSettings,
        FailedAuthThrottle,
        RevocationListener,
        ...GLOBAL_GUARDS,
        ...GLOBAL_GUARDS.map((guard) => ({ provide: APP_GUARD, useExisting: guard })),
        TidingsExceptionFilter,
        { provide: APP_FILTER, useExisting: TidingsExceptionFilter },
        { provide: APP_PIPE, useFactory: tidingsValidationPipe },
        ...(worker ? [{ provide: IN_PROCESS_WORKER, useValue: worker }] : []),
      ],
    };
  }
}

/**
 * The shared counter of the ingestion limits, and INGEST_DELIVERY_RATE_LIMIT as the events library's
 * DeliveryAllowance (global: RecordApiEvents, in EventsModule, takes it when it is configured).
 */
function ingestLimitsModule(storage: SharedThrottlerStorage | undefined, config: TidingsConfig): DynamicModule {
  const providers: Provider[] = storage ? [{ provide: SharedThrottlerStorage, useValue: storage }] : [];
  if (storage && config.ingestDeliveryRateLimit) providers.push({ provide: DeliveryAllowance, useClass: IngestDeliveryLimit });
  return { module: IngestLimitsModule, global: true, providers, exports: providers.map((p) => (p as { provide: unknown }).provide as never) };
}

@Module({})
class IngestLimitsModule {}
