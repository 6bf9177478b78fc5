import { HealthIndicatorResult } from '@nestjs/terminus';
import { TidingsMetrics } from '@tidings/metrics';

/**
 * The worker running in the api's process (`npm start`), whose health and
 * metrics the api serves on its own port: one process, one port.
 */
export interface InProcessWorker {
  readiness(): Promise<{ up: boolean; details: HealthIndicatorResult }>;
  readonly metrics: TidingsMetrics;
}

export const IN_PROCESS_WORKER = Symbol('IN_PROCESS_WORKER');
