// Reads a process tree from /proc: descendants, resident memory (VmRSS, PSS) and CPU time. Forking
// servers (vsftpd, ProFTPD) are measured as the sum over their tree; Ferry is one process.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function children(pid: number): number[] {
  const result: number[] = [];
  let tasks: string[];
  try {
    tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  } catch {
    return result;
  }
  for (const t of tasks) if (t) result.push(Number(t));
  return result;
}

/** All live descendants of `pid` (bounded: at most 100,000 processes). */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = children(pid);
  while (queue.length > 0 && found.length < 100_000) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...children(next));
  }
  return found;
}

function statusField(pid: number, field: string): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** VmRSS of the process plus its descendants, in KiB (shared pages counted once per process). */
export function treeRssKiB(pid: number): number {
  return [pid, ...descendants(pid)].reduce((sum, p) => sum + statusField(p, 'VmRSS'), 0);
}

/** Proportional set size of the tree, in KiB: shared library pages split between the processes. */
export function treePssKiB(pid: number): number {
  let sum = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const match = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
      sum += match ? Number(match[1]) : 0;
    } catch {
      // process ended meanwhile
    }
  }
  return sum;
}

function cpuTicks(pid: number, withChildren: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state: utime is field 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]].map(Number);
    return utime! + stime! + (withChildren ? cutime! + cstime! : 0);
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used by the tree so far: the live processes plus every reaped child (cutime), so
 * per-session processes that already exited still count.
 */
export function treeCpuSeconds(pid: number): number {
  return [pid, ...descendants(pid)].reduce((sum, p) => sum + cpuTicks(p, true), 0) / TICKS_PER_SECOND;
}
