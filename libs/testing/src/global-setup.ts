import { TEMPLATE_ENV, withAdminClient } from './test-services';

/**
 * Once per `npm test`: creates the run's template database (empty). The first
 * test file migrates it (createTestDatabase, inside Jest where the @tidings/*
 * aliases resolve); every file then clones it, which takes a fraction of a
 * second, and drops its clone when done.
 */
export default async function globalSetup(): Promise<void> {
  const template = `tidings_test_${process.pid}_${Date.now().toString(36)}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${template}`));
  process.env[TEMPLATE_ENV] = template;
}
