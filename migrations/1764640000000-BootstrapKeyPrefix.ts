import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bootstrap key (TIDINGS_ADMIN_KEY) is chosen by an operator, so its first
 * 8 characters, stored and listed as `prefix`, could be much of the secret.
 * Rows it left get an empty prefix; the api no longer stores one for it.
 * (Minted keys keep theirs: `tid_` and 8 of 32 random characters.)
 */
export class BootstrapKeyPrefix1764640000000 implements MigrationInterface {
  name = 'BootstrapKeyPrefix1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE api_keys SET prefix = '' WHERE name = 'bootstrap admin (TIDINGS_ADMIN_KEY)' AND prefix <> ''`);
  }

  async down(): Promise<void> {
    // The characters are gone; nothing to restore.
  }
}
