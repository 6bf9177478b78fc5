import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ErrorDetail, errorCode } from '@tidings/common';

/** The one error shape of the API: `{error, message, details?}`. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: ErrorDetail[];
}

@ApiSchema({ name: 'ErrorDetail' })
export class ErrorDetailResponse implements ErrorDetail {
  @ApiProperty({
    example: 'job.uuid',
    description: 'Dotted path of the field (JSON pointer for OpenLineage bodies); "body" for the whole body',
  })
  field: string;

  @ApiProperty({ example: 'uuid must be a UUID' })
  message: string;
}

/** `ErrorBody` as the OpenAPI document's one `Error` schema: every 4xx and 5xx answer of the API has this shape. */
@ApiSchema({ name: 'Error' })
export class ErrorResponse implements ErrorBody {
  @ApiProperty({
    example: 'validation_failed',
    description: 'A stable code: validation_failed, invalid_json, unauthorized, forbidden, not_found, conflict, …',
  })
  error: string;

  @ApiProperty({ example: 'Invalid request: job.uuid' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailResponse], description: 'Every bad field, when the request was invalid' })
  details?: ErrorDetailResponse[];
}

/** A Postgres data exception (class 22: bad text for a type, out of range, NUL …) is the client's input, not our failure. */
export function isInvalidInput(error: any): boolean {
  const code = errorCode(error);
  return code?.startsWith('22') ?? false;
}

/**
 * Postgres aborted the request's statement to resolve a clash with concurrent
 * work (40P01 deadlock, 40001 serialization failure): nothing was written and
 * the same request succeeds when sent again.
 */
export function isTransientConflict(error: any): boolean {
  const code = errorCode(error);
  return code === '40P01' || code === '40001';
}
