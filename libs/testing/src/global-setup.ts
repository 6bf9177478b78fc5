import { TEMPLATE_ENV, withAdminClient } from './test-services';

/**
 * Once per `npm test`: creates the run's template database (empty). The first
 * test file migrates it (createTestDatabase, inside Jest where the @tidings/*
 * aliases resolve); every file then clones it, which takes a fraction of a
 * second, and drops its clone when done.
 */
export default async function globalSetup(): Promise<void> {
  // TIDINGS_TEST_PREFIX names this run's databases and Redis keys (default tidings_test), e.g. per engineer on a shared machine.
  const prefix = process.env.TIDINGS_TEST_PREFIX || 'tidings_test';
  if (!/^[a-z_][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`TIDINGS_TEST_PREFIX "${prefix}" must be a lower-case identifier of at most 31 characters`);
  const template = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${template}`));
  process.env[TEMPLATE_ENV] = template;
}
