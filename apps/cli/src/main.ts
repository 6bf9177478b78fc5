import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, ApiKeysService, Scope, SCOPES } from '@tidings/auth';
import { describeStartupFailure, parseConfig, processEnv, TidingsConfig, TidingsConfigModule } from '@tidings/config';
import { DatabaseModule, migrateOnStart } from '@tidings/database';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run cli -- <command>

  migration:run                                   apply pending migrations
  api-keys create --name NAME --scope SCOPE...    mint a key (printed once); scopes: ${SCOPES.join(', ')}
  api-keys list                                   list keys (never the keys themselves)
  api-keys revoke ID                              revoke a key`;

/** Kept for the failure message, which names the setting behind a refused connection. */
let parsedConfig: TidingsConfig | undefined;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, scope: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, sub, arg] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!command) {
    console.error(USAGE);
    return 1;
  }
  const config = (parsedConfig = parseConfig(processEnv()));
  await migrateOnStart(config);
  if (command === 'migration:run') {
    console.log('Migrations are up to date');
    return 0;
  }
  if (command !== 'api-keys') {
    console.error(`Unknown command ${command}\n\n${USAGE}`);
    return 1;
  }

  @Module({ imports: [TidingsConfigModule.forConfig(config), DatabaseModule.forRoot('cli'), AuthModule] })
  class CliModule {}
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  try {
    const keys = app.get(ApiKeysService);
    if (sub === 'create') {
      const scopes = (values.scope ?? []) as Scope[];
      const bad = scopes.filter((s) => !SCOPES.includes(s));
      if (!values.name || scopes.length === 0 || bad.length) {
        console.error(
          `api-keys create needs --name and at least one --scope of ${SCOPES.join(', ')}${bad.length ? ` (not: ${bad.join(', ')})` : ''}`,
        );
        return 1;
      }
      const created = await keys.create(values.name, scopes);
      console.log(created.key);
      console.error(`Created API key ${created.id} (${created.scopes.join(', ')}). It is shown only this once.`);
      return 0;
    }
    if (sub === 'list') {
      for (const k of await keys.list()) {
        console.log(`${k.id}  ${k.prefix}…  ${k.scopes.join(',').padEnd(24)}  ${k.revoked_at ? 'revoked' : 'active '}  ${k.name}`);
      }
      return 0;
    }
    if (sub === 'revoke' && arg) {
      await keys.revoke(arg);
      console.log(`Revoked ${arg}`);
      return 0;
    }
    console.error(USAGE);
    return 1;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(describeStartupFailure(error, parsedConfig, 'cli'));
    process.exit(1);
  },
);
