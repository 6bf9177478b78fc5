import { Injectable } from '@nestjs/common';
import { IngestError } from '../../ingest-error';
import { ObservedScheduleStore } from './observed-schedule-store';

/** `DELETE /v1/observability/pipelines/:pipeline_key/schedule`: no more judging; events already recorded stay. */
@Injectable()
export class DeleteSchedule {
  constructor(private readonly store: ObservedScheduleStore) {}

  async execute(pipelineKey: string): Promise<void> {
    if (!(await this.store.delete(pipelineKey))) throw new IngestError('not_found', `Pipeline ${pipelineKey} has no schedule`);
  }
}
