import { InitialSchema1763600000000 } from './1763600000000-InitialSchema';
import { DeliveryRetention1763650000000 } from './1763650000000-DeliveryRetention';
import { Ingestion1763700000000 } from './1763700000000-Ingestion';
import { Telemetry1763800000000 } from './1763800000000-Telemetry';
import { EventRequestId1763900000000 } from './1763900000000-EventRequestId';
import { UuidV7Function1764000000000 } from './1764000000000-UuidV7Function';
import { ThinWebhookDeliveries1764100000000 } from './1764100000000-ThinWebhookDeliveries';
import { LeasedClaims1764200000000 } from './1764200000000-LeasedClaims';
import { AdminListIndexes1764300000000 } from './1764300000000-AdminListIndexes';
import { ChurnSettings1764400000000 } from './1764400000000-ChurnSettings';
import { TelemetryCursor1764510000000 } from './1764510000000-TelemetryCursor';
import { DropAnalyticsOutbox1764520000000 } from './1764520000000-DropAnalyticsOutbox';
import { RetireClaimedStatus1764530000000 } from './1764530000000-RetireClaimedStatus';
import { PartitionHistory1764600000000 } from './1764600000000-PartitionHistory';
import { EventTypeSchemas1764620000000 } from './1764620000000-EventTypeSchemas';
import { BootstrapKeyPrefix1764640000000 } from './1764640000000-BootstrapKeyPrefix';
import { OrderingKeys1764700000000 } from './1764700000000-OrderingKeys';
import { OrderedDelivery1764700050000 } from './1764700050000-OrderedDelivery';
import { SqlEntryPoint1764700100000 } from './1764700100000-SqlEntryPoint';
import { ProducerRole1764700200000 } from './1764700200000-ProducerRole';
import { WebhookRateLimitAndStats1764710000000 } from './1764710000000-WebhookRateLimitAndStats';
import { DataKitchenParityEventTypes1764720000000 } from './1764720000000-DataKitchenParityEventTypes';
import { ExpectedRunSchedules1764730000000 } from './1764730000000-ExpectedRunSchedules';
import { ScheduleEventTypes1764731000000 } from './1764731000000-ScheduleEventTypes';
import { LineageJobVersions1764740000000 } from './1764740000000-LineageJobVersions';
import { OrderedParking1764750000000 } from './1764750000000-OrderedParking';
import { EventDataLz41764760000000 } from './1764760000000-EventDataLz4';
import { BodyHashOfKeyedEventsOnly1764760100000 } from './1764760100000-BodyHashOfKeyedEventsOnly';
import { OccurredAtBounds1764770000000 } from './1764770000000-OccurredAtBounds';
import { LeanerRegistration1764785000000 } from './1764785000000-LeanerRegistration';
import { EventTypeCheckedPerStatement1764785100000 } from './1764785100000-EventTypeCheckedPerStatement';

/** Every migration, in order. Listed explicitly so the compiled app needs no glob. */
export const MIGRATIONS = [
  InitialSchema1763600000000,
  DeliveryRetention1763650000000,
  Ingestion1763700000000,
  Telemetry1763800000000,
  EventRequestId1763900000000,
  UuidV7Function1764000000000,
  ThinWebhookDeliveries1764100000000,
  LeasedClaims1764200000000,
  AdminListIndexes1764300000000,
  ChurnSettings1764400000000,
  TelemetryCursor1764510000000,
  DropAnalyticsOutbox1764520000000,
  RetireClaimedStatus1764530000000,
  PartitionHistory1764600000000,
  EventTypeSchemas1764620000000,
  BootstrapKeyPrefix1764640000000,
  OrderingKeys1764700000000,
  OrderedDelivery1764700050000,
  SqlEntryPoint1764700100000,
  ProducerRole1764700200000,
  WebhookRateLimitAndStats1764710000000,
  DataKitchenParityEventTypes1764720000000,
  ExpectedRunSchedules1764730000000,
  ScheduleEventTypes1764731000000,
  LineageJobVersions1764740000000,
  OrderedParking1764750000000,
  EventDataLz41764760000000,
  BodyHashOfKeyedEventsOnly1764760100000,
  OccurredAtBounds1764770000000,
  LeanerRegistration1764785000000,
  EventTypeCheckedPerStatement1764785100000,
];
