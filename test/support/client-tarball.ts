import { atExit, runProcess, sweepBuildSnapshots } from '@tidings/testing';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const PACKAGE = join(ROOT, 'packages', 'client');
/** The repository's own TypeScript compiler, for compiling a consumer's file. */
export const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

export interface ClientProject {
  /** A fresh npm project in the temp dir, outside this repository, with the packed @tidings/client and `pg` installed. */
  dir: string;
  /** `node <script> …args` in the project: its stdout, or an error with its output when it exits non-zero. */
  node(script: string, args?: string[], env?: Record<string, string>): Promise<string>;
  /** `tsc --strict --noEmit` over `files` (relative to the project): its output, and whether it passed. */
  typecheck(files: string[]): Promise<{ ok: boolean; output: string }>;
  remove(): void;
}

/**
 * Builds packages/client, packs it with `npm pack` and installs the tarball
 * and the versions of `pg` (and `extra`) this repository pins into a new
 * project outside the repository, as a user would: no path alias, no
 * workspace link, only what the tarball carries. `pg` usually comes from the
 * npm cache (--prefer-offline). The project is removed by remove(), at exit,
 * or by the next run if this one is killed outright.
 */
export async function installClientTarball({ extra = [] }: { extra?: string[] } = {}): Promise<ClientProject> {
  sweepBuildSnapshots('client'); // what runs killed outright left
  const dir = mkdtempSync(join(tmpdir(), `tidings-client-${process.pid}-`));
  const forget = atExit(() => rmSync(dir, { recursive: true, force: true }));
  const remove = () => {
    rmSync(dir, { recursive: true, force: true });
    forget();
  };
  try {
    // A clean build: files of modules since removed must not reach the tarball.
    rmSync(join(PACKAGE, 'dist'), { recursive: true, force: true });
    await runProcess({ name: 'tsc (client)', command: process.execPath, args: [TSC, '-p', join(PACKAGE, 'tsconfig.json')] });
    await runProcess({ name: 'npm pack', command: 'npm', args: ['pack', '--silent', '--pack-destination', dir], cwd: PACKAGE });
    const [tarball] = readdirSync(dir).filter((name) => name.endsWith('.tgz'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tidings-client-consumer', private: true }));
    cpSync(join(__dirname, 'client-consumer.js'), join(dir, 'consumer.js'));
    const pg = require(join(ROOT, 'node_modules', 'pg', 'package.json')).version as string;
    await runProcess({
      name: 'npm install',
      command: 'npm',
      args: ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${tarball}`, `pg@${pg}`, ...extra],
      cwd: dir,
      timeoutMs: 180_000,
    });
  } catch (error) {
    remove();
    throw error;
  }
  return {
    dir,
    node: (script, args = [], env = {}) =>
      runProcess({ name: `node ${script}`, command: process.execPath, args: [script, ...args], cwd: dir, env: { ...process.env, ...env } }),
    async typecheck(files) {
      const args = [TSC, '--strict', '--noEmit', '--target', 'es2022', '--lib', 'es2022', '--module', 'commonjs', '--moduleResolution', 'node', ...files];
      try {
        return { ok: true, output: await runProcess({ name: 'tsc --strict', command: process.execPath, args, cwd: dir }) };
      } catch (error) {
        return { ok: false, output: (error as Error).message };
      }
    },
    remove,
  };
}
