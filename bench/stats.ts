/** Nearest-rank percentile of an ascending array (Infinity entries count as the slowest). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Sustained rate of a series of completion times (ascending, ms): completions
 * between the 10th and the 90th percentile of them ÷ the time between those
 * two, which leaves out the ramp-up after a start and the tail of a drain.
 */
export function steadyRate(times: number[]): { perSecond: number; seconds: number; count: number } | undefined {
  if (times.length < 50) return undefined;
  const lo = Math.floor(times.length * 0.1);
  const hi = Math.floor(times.length * 0.9) - 1;
  const seconds = (times[hi] - times[lo]) / 1000;
  if (seconds <= 0) return undefined;
  return { perSecond: (hi - lo) / seconds, seconds, count: hi - lo };
}
