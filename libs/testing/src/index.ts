export * from './test-services';
export * from './test-database';
export * from './wait-for';
export * from './fake-webhook-receiver';
export * from './queue-cleanup';
export * from './fake-analytics-backend';
export * from './telemetry-markers';
export * from './free-port';
