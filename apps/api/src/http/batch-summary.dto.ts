import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ApiInteger } from '../openapi/api-properties';
import { ErrorDetailResponse } from './error-body';

/* The parts of a batch answer shared by /v1/events/batch and /api/v1/lineage/batch. */

export const BATCH_STATUSES = ['success', 'partial_success', 'failure'] as const;

@ApiSchema({ name: 'BatchCounts' })
export class BatchCountsResponse {
  @ApiInteger() received: number;
  @ApiInteger() successful: number;
  @ApiInteger() failed: number;
}

@ApiSchema({ name: 'FailedBatchItem' })
export class FailedBatchItemResponse {
  @ApiInteger({ description: 'Position in the batch, from 0' }) index: number;
  @ApiProperty() reason: string;
  @ApiPropertyOptional({ type: [ErrorDetailResponse] }) details?: ErrorDetailResponse[];
}
