import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { atExit, processExists } from './process-harness';
import { waitFor } from './wait-for';

export interface BuildSnapshot {
  /** The copy of dist/ to run processes from. */
  dist: string;
  remove(): void;
}

/**
 * A private copy of a build, to start processes from. Other engineers
 * rebuild the shared dist/ while tests and benchmarks run (tsc, then
 * tsc-alias rewrites the @tidings/* imports), and a process started from it
 * half-way would run other code, or die with "Cannot find module
 * '@tidings/…'". The copy is taken when `dist` did not change while it was
 * being copied and is complete: every file of `expect` (relative to dist/)
 * is there and tsc-alias has run. Beside it: package.json (libs/config reads
 * the version from it) and node_modules, a symlink to the repository's.
 *
 * It lives in `tidings-<label>-<pid>-…` in the temp dir: removed by remove(),
 * at exit, or, after a run killed outright, by sweepBuildSnapshots().
 */
export async function snapshotBuild(
  dist: string,
  { label, expect, timeoutMs = 90_000 }: { label: string; expect: string[]; timeoutMs?: number },
): Promise<BuildSnapshot> {
  const root = mkdtempSync(join(tmpdir(), `tidings-${label}-${process.pid}-`));
  const forget = atExit(() => rmSync(root, { recursive: true, force: true }));
  const remove = () => {
    rmSync(root, { recursive: true, force: true });
    forget();
  };
  const target = join(root, 'dist');
  let problem = '';
  try {
    await waitFor(
      `a complete, stable build in ${dist} (run \`npm run build\`)`,
      () => {
        rmSync(target, { recursive: true, force: true });
        const before = newestMtime(dist);
        cpSync(dist, target, { recursive: true });
        problem = incompleteBuild(target, expect);
        return problem === '' && newestMtime(dist) === before;
      },
      timeoutMs,
      500,
    );
  } catch (error) {
    remove();
    throw new Error(`${(error as Error).message}${problem ? ` (${problem})` : ''}`);
  }
  copyFileSync(join(dirname(dist), 'package.json'), join(root, 'package.json'));
  symlinkSync(join(dirname(dist), 'node_modules'), join(root, 'node_modules'), 'dir');
  return { dist: target, remove };
}

/** Removes the snapshots of `label` left by runs that were killed outright (their pid, in the name, is gone). */
export function sweepBuildSnapshots(label: string, onRemove: (dir: string) => void = () => undefined): void {
  const pattern = new RegExp(`^tidings-${label}-(\\d+)-\\w+$`);
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(pattern.exec(name)?.[1] ?? NaN);
    if (Number.isNaN(pid) || pid === process.pid || processExists(pid)) continue;
    onRemove(join(tmpdir(), name));
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** Spelled in two parts so that the build of this file does not contain it. */
const UNALIASED = 'require("@' + 'tidings/';

function incompleteBuild(dist: string, expect: string[]): string {
  for (const file of expect) {
    if (!existsSync(join(dist, file))) return `${file} is missing`;
  }
  for (const entry of readdirSync(dist, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    if (readFileSync(file, 'utf8').includes(UNALIASED)) return `${file} still imports @tidings/* (tsc-alias has not run yet)`;
  }
  return '';
}
