export * from './queues';
export * from './redis-connection';
export * from './redis-probe';
export * from './redis-state-log';
