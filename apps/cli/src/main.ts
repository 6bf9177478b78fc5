import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, ApiKeysService, Scope, SCOPES } from '@tidings/auth';
import { describeStartupFailure, parseConfig, processEnv, TidingsConfig, TidingsConfigModule } from '@tidings/config';
import { DatabaseModule, migrateOnStart } from '@tidings/database';
import { DeliveriesModule, RecoverDeliveries } from '@tidings/deliveries';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run cli -- <command>

  migration:run                                   apply pending migrations
  api-keys create --name NAME --scope SCOPE...    mint a key (printed once); scopes: ${SCOPES.join(', ')}
  api-keys list                                   list keys (never the keys themselves)
  api-keys revoke ID                              revoke a key
  recover --webhook ID --since TIME [--until TIME]
                                                  replay every failed delivery of a webhook created in the window,
                                                  in batches (each committed; safe to run again), printing progress`;

/** Kept for the failure message, which names the setting behind a refused connection. */
let parsedConfig: TidingsConfig | undefined;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      webhook: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
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
  if (command === 'recover') return recover(config, values);
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

async function recover(config: TidingsConfig, values: { webhook?: string; since?: string; until?: string }): Promise<number> {
  const since = values.since ? new Date(values.since) : undefined;
  const until = values.until ? new Date(values.until) : undefined;
  if (!values.webhook || !since || Number.isNaN(since.getTime()) || (until && Number.isNaN(until.getTime()))) {
    console.error('recover needs --webhook ID and --since TIME (ISO 8601), and takes --until TIME');
    return 1;
  }
  @Module({ imports: [TidingsConfigModule.forConfig(config), DatabaseModule.forRoot('cli'), DeliveriesModule] })
  class RecoverModule {}
  const app = await NestFactory.createApplicationContext(RecoverModule, { logger: ['error'] });
  try {
    const { replayed } = await app.get(RecoverDeliveries).execute(values.webhook, since, until, (n) => console.error(`replayed ${n}…`));
    console.log(`Replayed ${replayed} failed deliveries of webhook ${values.webhook}`);
    return 0;
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
