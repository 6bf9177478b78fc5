import { ErrorCode, ErrorDetail, TidingsError } from '@tidings/common';

export class WebhookError extends TidingsError {
  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]) {
    super(code, message, details);
  }
}
