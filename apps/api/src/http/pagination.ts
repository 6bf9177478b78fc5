import { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/** `?limit=&cursor=`: the cursor is the `next_cursor` of the previous page. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'next_cursor from the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Lists are ordered by time-ordered ids, so the last id of a full page is the next cursor. */
export function page<T extends { id: string }>(data: T[], limit: number): Page<T> {
  return { data, next_cursor: data.length === limit ? data[data.length - 1].id : null };
}

/** The OpenAPI class of a page of `item`s: `{data: item[], next_cursor}`, named `name`. */
export function PageOf<T>(item: Class<T>, name: string): Class<Page<T>> {
  @ApiSchema({ name })
  class ItemPage implements Page<T> {
    @ApiProperty({ type: [item] })
    data: T[];

    @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The cursor of the next page; null on the last one' })
    next_cursor: string | null;
  }
  return ItemPage;
}
