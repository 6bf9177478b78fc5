export * from './telemetry-cursor';
export * from './committed-events';
export * from './telemetry-backoff';
export * from './analytics-sender';
export * from './posthog-batch';
export * from './export-telemetry-batch';
export * from './telemetry-exporter';
export * from './telemetry.module';
