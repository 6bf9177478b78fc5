import { Module } from '@nestjs/common';
import { EventsModule } from '@tidings/events';
import { GetObservedRunSummary } from './observability/get-observed-run-summary';
import { IngestObservabilityEvent } from './observability/ingest-observability-event';
import { ListObservedRuns } from './observability/list-observed-runs';
import { DeleteSchedule } from './observability/schedules/delete-schedule';
import { EvaluateExpectedRuns } from './observability/schedules/evaluate-expected-runs';
import { GetScheduleViews } from './observability/schedules/get-schedule-views';
import { ObservedScheduleStore } from './observability/schedules/observed-schedule-store';
import { SaveSchedule } from './observability/schedules/save-schedule';
import { GetLineageGraph } from './openlineage/get-lineage-graph';
import { GetLineageRun } from './openlineage/get-lineage-run';
import { IngestLineageBatch } from './openlineage/ingest-lineage-batch';
import { IngestLineageEvent } from './openlineage/ingest-lineage-event';
import { OpenLineageValidator } from './openlineage/openlineage-validator';
import { StoreLineageEvents } from './openlineage/store-lineage-events';

const USE_CASES = [StoreLineageEvents, IngestLineageEvent, IngestLineageBatch, GetLineageGraph, GetLineageRun, IngestObservabilityEvent, GetObservedRunSummary, ListObservedRuns];
const SCHEDULES = [ObservedScheduleStore, SaveSchedule, DeleteSchedule, GetScheduleViews, EvaluateExpectedRuns];

/** OpenLineage and observability ingestion, and the queries over what they keep. */
@Module({
  imports: [EventsModule],
  providers: [OpenLineageValidator, ...USE_CASES, ...SCHEDULES],
  exports: [OpenLineageValidator, ...USE_CASES, ...SCHEDULES],
})
export class IngestModule {}
