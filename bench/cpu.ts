/**
 * Where the machine's CPU went during a phase, from /proc: cores used by the
 * api, the worker, the receiver, this process (load generator / pg references),
 * every postgres process, and everything else on the machine. On a shared
 * machine the last column says how much of the figure is someone else's doing.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15)
  } catch {
    return 0;
  }
}

/**
 * Ticks of every postgres process, by pid, and which of them are backends
 * serving one of `databases` (a backend's title is "postgres: … user database host(port) state").
 */
function postgresTicks(databases: string[]): { ticks: Map<number, number>; ours: Set<number> } {
  const ticks = new Map<number, number>();
  const ours = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const pid = Number(entry);
      ticks.set(pid, ticksOf(pid));
      const words = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(/[\s\0]+/);
      if (databases.some((db) => words.includes(db))) ours.add(pid);
    } catch {
      // gone meanwhile
    }
  }
  return { ticks, ours };
}

/** Busy and total ticks of the whole machine (all CPUs). */
function machineTicks(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number };
  postgres: { ticks: Map<number, number>; ours: Set<number> };
  roles: Map<string, number>;
}

export function cpuSnapshot(pids: Record<string, number | undefined>, databases: string[]): CpuSnapshot {
  const roles = new Map<string, number>();
  for (const [role, pid] of Object.entries(pids)) if (pid) roles.set(role, ticksOf(pid));
  return { at: performance.now(), machine: machineTicks(), postgres: postgresTicks(databases), roles };
}

/**
 * Cores used between two snapshots, by role, by the Postgres backends serving
 * the benchmark's databases (`ours`), by the other Postgres processes (other
 * databases, and the shared WAL writer, checkpointer…), and by everything
 * else; with a one-line description.
 */
export function describeCpu(before: CpuSnapshot, after: CpuSnapshot, cores: number): { text: string; cores: Map<string, number> } {
  const used = new Map<string, number>();
  const seconds = (after.at - before.at) / 1000;
  if (seconds <= 0) return { text: '', cores: used };
  const cores_ = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
  const parts: string[] = [];
  let accounted = 0;
  for (const [role, ticks] of after.roles) {
    const delta = Math.max(0, ticks - (before.roles.get(role) ?? ticks));
    accounted += delta;
    used.set(role, cores_(delta));
    parts.push(`${role} ${cores_(delta).toFixed(2)}`);
  }
  // Per process: a backend started meanwhile counts whole; one that ended meanwhile is lost (a few ms at most).
  let postgres = 0;
  let otherPostgres = 0;
  for (const [pid, ticks] of after.postgres.ticks) {
    const delta = Math.max(0, ticks - (before.postgres.ticks.get(pid) ?? 0));
    if (after.postgres.ours.has(pid)) postgres += delta;
    else otherPostgres += delta;
  }
  accounted += postgres + otherPostgres;
  used.set('postgres', cores_(postgres));
  parts.push(`postgres ${cores_(postgres).toFixed(2)}`, `other postgres ${cores_(otherPostgres).toFixed(2)}`);
  const busy = after.machine.busy - before.machine.busy;
  const total = after.machine.total - before.machine.total;
  const machineCores = total > 0 ? (busy / total) * cores : 0;
  const other = Math.max(0, machineCores - cores_(accounted));
  used.set('other', other);
  parts.push(`everything else ${other.toFixed(2)}`);
  return { text: `cores used: ${parts.join(', ')} (machine ${machineCores.toFixed(2)} of ${cores} busy)`, cores: used };
}
