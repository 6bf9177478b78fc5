export * from './api-key.entity';
export * from './api-keys.service';
export * from './auth.module';
