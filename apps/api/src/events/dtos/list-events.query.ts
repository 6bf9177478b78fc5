import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { EVENT_SOURCES } from '@tidings/events';
import { PageQuery } from '../../http/pagination';

export class ListEventsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'project:one-off-job:*', description: 'Exact type, prefix wildcard or *' })
  @IsOptional()
  @IsString()
  @Matches(/^(\*|[a-z0-9:-]+(:\*)?)$/, { message: 'type must be an event type, a prefix wildcard (project:*) or *' })
  type?: string;

  @ApiPropertyOptional({ enum: EVENT_SOURCES }) @IsOptional() @IsIn(EVENT_SOURCES) source?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() project_uuid?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() job_uuid?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() pipeline_run_uuid?: string;
  @ApiPropertyOptional({ description: 'recorded at or after (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() since?: Date;
  @ApiPropertyOptional({ description: 'recorded before (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() until?: Date;
}
