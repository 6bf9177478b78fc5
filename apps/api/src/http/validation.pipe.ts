import { ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, TidingsError } from '@tidings/common';

/** DTO validation: unknown fields are errors, and every problem is listed with its path. */
export function tidingsValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      return new TidingsError('validation_failed', `Invalid request: ${details.map((d) => d.field).join(', ')}`, details);
    },
  });
}
