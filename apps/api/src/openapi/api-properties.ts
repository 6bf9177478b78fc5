import { ApiProperty, ApiPropertyOptions, SchemaObject } from '@nestjs/swagger';

/* Shorthands for the response DTOs: what a property is on the wire (a Date is sent as an ISO string). */

export const ApiUuid = (options: Partial<ApiPropertyOptions> = {}) =>
  ApiProperty({ type: String, format: 'uuid', ...options } as ApiPropertyOptions);
export const ApiDateTime = (options: Partial<ApiPropertyOptions> = {}) =>
  ApiProperty({ type: String, format: 'date-time', ...options } as ApiPropertyOptions);
export const ApiInteger = (options: Partial<ApiPropertyOptions> = {}) => ApiProperty({ type: 'integer', ...options } as ApiPropertyOptions);

/** A JSON object whose keys are not fixed (payloads, metadata). */
export const OPEN_OBJECT: SchemaObject = { type: 'object', additionalProperties: true };

/** Header names to values. */
export const STRING_MAP: SchemaObject = { type: 'object', additionalProperties: { type: 'string' } };

/** A property described by a plain schema object. */
export const ApiSchemaProperty = (schema: SchemaObject, options: Partial<ApiPropertyOptions> = {}) =>
  ApiProperty({ ...schema, ...options } as ApiPropertyOptions);
