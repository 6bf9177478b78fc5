import { TidingsConfig } from './tidings-config';

/** Whether telemetry is on: ANALYTICS_URL is set and TELEMETRY_DISABLED is not true. */
export function telemetryEnabled(config: TidingsConfig): boolean {
  return !config.telemetry.disabled && !!config.telemetry.analyticsUrl;
}
