import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { EVENT_SOURCES } from '@tidings/events';
import { PageQuery } from '../../http/pagination';
import { IsIsoDate } from '../../http/validators';

export class ListEventsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'project:one-off-job:*', description: 'Exact type, prefix wildcard or *' })
  @IsOptional()
  @IsString()
  @Matches(/^(\*|[a-z0-9:-]+(:\*)?)$/, { message: 'type must be an event type, a prefix wildcard (project:*) or *' })
  type?: string;

  @ApiPropertyOptional({ enum: EVENT_SOURCES }) @IsOptional() @IsIn(EVENT_SOURCES) source?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() project_uuid?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() job_uuid?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() pipeline_run_uuid?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'recorded at or after' }) @IsOptional() @IsIsoDate() since?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'recorded before' }) @IsOptional() @IsIsoDate() until?: string;
}
