import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { DELIVERY_STATUSES } from '@tidings/deliveries';
import { PageQuery } from '../../http/pagination';
import { IsIsoDate } from '../../http/validators';

export class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES }) @IsOptional() @IsIn(DELIVERY_STATUSES) status?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() webhook_id?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() event_id?: string;
  @ApiPropertyOptional({ example: 'project:*' })
  @IsOptional()
  @IsString()
  @Matches(/^(\*|[a-z0-9:-]+(:\*)?)$/, { message: 'event_type must be an event type, a prefix wildcard or *' })
  event_type?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'created at or after' }) @IsOptional() @IsIsoDate() since?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'created before' }) @IsOptional() @IsIsoDate() until?: string;
}
