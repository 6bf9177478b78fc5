import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEFAULT_GRAPH_DEPTH, MAX_GRAPH_DEPTH } from '@tidings/ingest';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class LineageGraphQuery {
  @ApiProperty({ example: 'redshift://warehouse.example.com:5439', description: 'OpenLineage namespace of the job or dataset' })
  @IsString()
  @Length(1, 4096)
  namespace: string;

  @ApiProperty({ example: 'analytics.public.orders', description: 'Job or dataset name' })
  @IsString()
  @Length(1, 4096)
  name: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_GRAPH_DEPTH,
    default: DEFAULT_GRAPH_DEPTH,
    description: 'Hops to follow each way (job → dataset is one hop)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_GRAPH_DEPTH)
  depth?: number;

  @ApiPropertyOptional({ enum: ['job', 'dataset'], description: 'Only this kind of node, when a job and a dataset share the name' })
  @IsOptional()
  @IsIn(['job', 'dataset'])
  type?: 'job' | 'dataset';

  @ApiPropertyOptional({
    enum: ['history'],
    description: "history: also walk the edges of each job's older versions (marked current: false); by default only the current version's",
  })
  @IsOptional()
  @IsIn(['history'])
  include?: 'history';
}
