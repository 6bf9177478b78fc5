/**
 * The smallest UUIDv7 of a moment: ids are UUIDv7 (time first), so "written
 * at or after T" is `id >= uuidV7Floor(T)`, a range on the primary key (or
 * on any index ending in id) instead of a second, time-ordered index.
 */
export function uuidV7Floor(at: Date): string {
  const hex = Math.max(0, Math.floor(at.getTime())).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** The millisecond a UUIDv7 was made in (its first 48 bits). */
export function msOfUuidV7(uuid: string): number {
  return parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
}
