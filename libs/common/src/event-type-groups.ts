/*
 * Event type groups by name (DESIGN §4). Both the events library (who may
 * register what) and subscription matching (what `*` means) need them.
 */
export function isPlatformType(type: string): boolean {
  return type.startsWith('project:') || type.startsWith('jupyter:');
}

export function isEngineType(type: string): boolean {
  return type === 'ping' || type.startsWith('tidings:');
}

export function isClientType(type: string): boolean {
  return type.startsWith('client:');
}

/** `*` means every event but engine and client ones: no feedback loops, no analytics noise. */
export function matchedByStar(type: string): boolean {
  return !isEngineType(type) && !isClientType(type);
}

/** The subscription patterns that select `type`: itself, each prefix wildcard, and maybe `*`. */
export function subscriptionPatternsFor(type: string): string[] {
  const parts = type.split(':');
  const patterns = [type];
  for (let i = parts.length - 1; i >= 1; i--) patterns.push(`${parts.slice(0, i).join(':')}:*`);
  if (matchedByStar(type)) patterns.push('*');
  return patterns;
}
