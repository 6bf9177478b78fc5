import { AggregatorRegistry } from 'prom-client';
import { TidingsMetrics } from './tidings-metrics';

/**
 * One Prometheus page for several registries (`npm start` serves the api's and
 * the worker's on one port). Concatenating their texts would repeat each
 * family's HELP/TYPE lines, which Prometheus rejects; the series stay apart
 * because every one carries its `process` label.
 */
export async function renderJoinedMetrics(parts: TidingsMetrics[]): Promise<string> {
  const snapshots = await Promise.all(parts.map((part) => part.snapshot()));
  return AggregatorRegistry.aggregate(snapshots).metrics();
}
