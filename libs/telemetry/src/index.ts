export * from './telemetry-cursor';
export * from './committed-events';
