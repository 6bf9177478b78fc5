import { Injectable } from '@nestjs/common';
import { GetScheduleViews, ScheduleView } from './get-schedule-views';
import { ObservedScheduleStore } from './observed-schedule-store';
import { validateSchedule } from './schedule-input';

/** `PUT /v1/observability/pipelines/:pipeline_key/schedule`: validates, then creates or replaces the pipeline's schedule. */
@Injectable()
export class SaveSchedule {
  constructor(
    private readonly store: ObservedScheduleStore,
    private readonly views: GetScheduleViews,
  ) {}

  async execute(pipelineKey: string, body: unknown): Promise<{ schedule: ScheduleView; created: boolean }> {
    const { created } = await this.store.put(validateSchedule(pipelineKey, body));
    return { schedule: (await this.views.one(pipelineKey))!, created };
  }
}
