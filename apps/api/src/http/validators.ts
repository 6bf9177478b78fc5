import { applyDecorators } from '@nestjs/common';
import { IsISO8601, registerDecorator, ValidationOptions } from 'class-validator';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers Tidings sets itself, or that the HTTP client must own (undici refuses to send expect, upgrade and keep-alive, so every delivery would fail). */
const RESERVED = /^(content-type|content-length|host|transfer-encoding|connection|keep-alive|upgrade|expect|user-agent|webhook-.*|x-tidings-.*)$/i;
/** A header value as HTTP carries it: visible ASCII, spaces and tabs (no control characters, nothing a client must encode). */
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/** Custom webhook headers: at most 20, HTTP token names not owned by Tidings or the HTTP client, visible-ASCII string values. */
export function IsHeaderMap(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isHeaderMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate(value: unknown) {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= 20 &&
            entries.every(
              ([name, v]) => TOKEN.test(name) && !RESERVED.test(name) && typeof v === 'string' && v.length <= 1024 && FIELD_VALUE.test(v),
            )
          );
        },
        defaultMessage: () =>
          `${String(propertyName)} must map at most 20 header names (not content-type, expect, upgrade, keep-alive, webhook-*, x-tidings-* or other reserved ones) to strings of at most 1024 visible ASCII characters, spaces or tabs`,
      },
    });
}

/** An ISO 8601 date or date-time string (numbers and booleans are not dates). */
export const IsIsoDate = () => applyDecorators(IsISO8601({ strict: true }, { message: ({ property }) => `${property} must be an ISO 8601 date-time, e.g. 2026-11-20T10:00:00Z` }));

export function toDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}
