export * from './tidings-config';
export * from './config.module';
export * from './duration';
export * from './shutdown-deadline';
export * from './heap-growth';
export * from './startup-failure';
export * from './telemetry-enabled';
export * from './redis-url';
