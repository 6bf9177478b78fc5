export * from './api-key.entity';
export * from './api-key-revocations';
export * from './api-keys.service';
export * from './auth.module';
export * from './bounded-lru';
export * from './failed-auth-throttle';
