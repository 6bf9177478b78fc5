/**
 * What one event may hold. The registry's closed layers bound their own fields
 * (names, enums, `text(max)`); what they leave open (open maps such as
 * `parameters` or `metadata`, any-value fields, unbounded lists) shares these
 * budgets, so that no single event costs seconds to validate, store and render
 * (issue 13: one event of 270,000 keys took 9–18 s). Depth is bounded before
 * parsing, by the api (64 levels).
 */
export const EVENT_LIMITS = {
  /** Values in the whole event, at every level: each object member and each array item counts one. */
  maxValues: 10_000,
  /** The event's size as JSON, about: key and string lengths plus a few characters per value. */
  maxChars: 1024 * 1024,
} as const;

/**
 * Why `body` is too large to be one event, or null. One iterative pass that
 * stops as soon as a budget is spent, so a huge body costs no more than the
 * budget to refuse.
 */
export function eventSizeReason(body: unknown, limits: { maxValues: number; maxChars: number } = EVENT_LIMITS): string | null {
  let values = 0;
  let chars = 0;
  const stack: unknown[] = [body];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === 'string') chars += value.length + 3;
    else if (value === null || typeof value !== 'object') chars += 8;
    else if (Array.isArray(value)) {
      values += value.length;
      chars += 2;
      if (values > limits.maxValues) break;
      for (let i = 0; i < value.length; i++) stack.push(value[i]);
    } else {
      const keys = Object.keys(value);
      values += keys.length;
      chars += 2;
      if (values > limits.maxValues) break;
      for (const key of keys) {
        chars += key.length + 3;
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
    if (chars > limits.maxChars) return `The event is larger than ${limits.maxChars} characters of JSON`;
  }
  if (values > limits.maxValues) return `The event holds more than ${limits.maxValues} values (object members and array items, at every level)`;
  return null;
}
