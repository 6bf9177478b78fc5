/** Half of a UTF-16 pair without the other half: not valid Unicode, and Postgres refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than this is not a real event; recursive code further in would overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * Why a parsed JSON body must be refused, or null. One iterative pass (no
 * recursion, so depth itself cannot crash it): a top-level value that is not
 * an object or array, nesting too deep, `__proto__` and `constructor.prototype`
 * keys (prototype pollution through object spreading and class-transformer),
 * and NUL characters, which Postgres cannot store in text or jsonb.
 */
export function unsafeJsonReason(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return 'The body must be a JSON object (or an array, for batches)';
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: body, depth: 0, path: '' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return `${path || 'the body'} contains a NUL character`;
      if (LONE_SURROGATE.test(value)) return `${path || 'the body'} contains an unpaired UTF-16 surrogate`;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `the body is nested deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, depth: depth + 1, path: `${path}[${i}]` }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') return `${path ? `${path}.` : ''}__proto__ is not an allowed key`;
      const child = (value as Record<string, unknown>)[key];
      if (key === 'constructor' && child !== null && typeof child === 'object' && 'prototype' in child) {
        return `${path ? `${path}.` : ''}constructor.prototype is not an allowed key`;
      }
      if (key.includes('\u0000') || LONE_SURROGATE.test(key)) return `a key in ${path || 'the body'} is not valid text`;
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: path ? `${path}.${key}` : key });
    }
  }
  return null;
}
