import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ErrorDetail } from './tidings-error';

/** Flattens class-validator's tree into `{field, message}` with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const error of errors) {
    const field = prefix ? (/^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : `${prefix}.${error.property}`) : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      const text = message.startsWith(`${error.property} `) ? `${field}${message.slice(error.property.length)}` : `${field}: ${message}`;
      details.push({ field, message: text });
    }
    if (error.children?.length) details.push(...flattenValidationErrors(error.children, field));
  }
  return details;
}

/**
 * Validates a plain value against a DTO class: unknown properties are errors,
 * and a missing object is validated as `{}` so required fields are named.
 */
export function validatePlain<T extends object>(dto: new () => T, value: unknown, path: string): { value?: T; errors: ErrorDetail[] } {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    return { errors: [{ field: path, message: `${path} must be an object` }] };
  }
  let instance: T;
  try {
    instance = plainToInstance(dto, value ?? {}, { enableImplicitConversion: false });
  } catch {
    // class-transformer takes an object's own `constructor` key for its class and fails on it: input, not our fault.
    const at = constructorKeyPath(value, path);
    return { errors: [{ field: at ?? path, message: `${at ?? path} could not be read${at ? ': a key named "constructor" is not allowed' : ''}` }] };
  }
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true });
  return errors.length ? { errors: flattenValidationErrors(errors, path) } : { value: instance, errors: [] };
}

/** The path of the first own `constructor` key in a plain value, or undefined. */
function constructorKeyPath(value: unknown, path: string): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path }];
  while (stack.length) {
    const next = stack.pop()!;
    if (next.value === null || typeof next.value !== 'object') continue;
    for (const [key, child] of Object.entries(next.value)) {
      const at = Array.isArray(next.value) ? `${next.path}[${key}]` : `${next.path}.${key}`;
      if (key === 'constructor' && !Array.isArray(next.value)) return at;
      stack.push({ value: child, path: at });
    }
  }
  return undefined;
}
