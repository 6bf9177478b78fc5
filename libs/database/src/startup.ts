import { Logger } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { dataSourceOptions } from './data-source-options';
import { migrateDatabase } from './migrate';

/** Entry points call this first: pending migrations run once, under the advisory lock. */
export async function migrateOnStart(config: TidingsConfig): Promise<void> {
  const applied = await migrateDatabase(dataSourceOptions(config, 'tidings-migrate'));
  if (applied.length) new Logger('Migrations').log(`Applied ${applied.join(', ')}`);
}
