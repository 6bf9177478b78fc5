import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { RecordedTick, ScheduleView } from '@tidings/ingest';
import { ApiDateTime, ApiUuid } from '../../openapi/api-properties';

/** PUT body of an expected-run schedule (validated by libs/ingest, which refuses unknown fields). */
@ApiSchema({ name: 'ScheduleInput' })
export class ScheduleBody {
  @ApiProperty({
    description: 'Five-field cron expression (minute hour day-of-month month day-of-week), read in `timezone`',
    example: '0 2 * * *',
  })
  cron: string;
  @ApiPropertyOptional({ description: 'IANA time zone of the cron expression', default: 'UTC', example: 'UTC' })
  timezone?: string;
  @ApiProperty({
    description: 'A run must start this long after a tick at the latest (90s, 30m, 2h, 1d; whole seconds, at most 7d)',
    example: '30m',
  })
  start_within: string;
  @ApiPropertyOptional({
    description: 'The run that started for a tick must end this long after the tick (not shorter than start_within)',
    example: '2h',
  })
  finish_within?: string;
}

@ApiSchema({ name: 'RecordedTick' })
export class RecordedTickResponse implements RecordedTick {
  @ApiDateTime() tick: Date;
  @ApiUuid({ nullable: true, description: 'The observability:run:missing or :late event recorded for it' }) event_id: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'For late: the run that started for the tick' }) run_key: string | null;
}

@ApiSchema({ name: 'Schedule' })
export class ScheduleResponse implements ScheduleView {
  @ApiProperty() pipeline_key: string;
  @ApiProperty() cron: string;
  @ApiProperty() timezone: string;
  @ApiProperty({ example: '30m' }) start_within: string;
  @ApiProperty({ type: String, nullable: true, example: '2h' }) finish_within: string | null;
  @ApiDateTime({ description: 'Ticks before this (when the schedule was last saved) are not judged' }) effective_from: Date;
  @ApiDateTime() created_at: Date;
  @ApiDateTime() updated_at: Date;
  @ApiDateTime({ nullable: true }) next_tick: Date | null;
  @ApiDateTime({ nullable: true, description: 'next_tick + start_within: when a run that has not started is reported missing' })
  next_start_by: Date | null;
  @ApiProperty({ type: RecordedTickResponse, nullable: true }) last_missing: RecordedTickResponse | null;
  @ApiProperty({ type: RecordedTickResponse, nullable: true }) last_late: RecordedTickResponse | null;
}
