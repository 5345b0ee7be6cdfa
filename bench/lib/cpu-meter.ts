// Counts the CPU time of a server and every process it ever forks, including sessions that have
// already exited: the server is moved into a cgroup of its own (cgroup v1 cpuacct, or v2 cpu.stat)
// right after it starts. Without cgroups it falls back to /proc (which can miss unreaped children).
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { treeCpuSeconds } from './process-tree.js';

export interface CpuMeter {
  /** CPU seconds used so far (user + system), all processes of the server. */
  seconds(): number;
  /** How the figure is obtained, for the report. */
  readonly method: 'cgroup' | 'proc';
  /** Remove the cgroup once the server's processes are gone (best effort). */
  close(): void;
}

const V1 = '/sys/fs/cgroup/cpuacct';
const V2 = '/sys/fs/cgroup/unified';

function cgroupMeter(root: string, name: string, pid: number, read: (dir: string) => number): CpuMeter | undefined {
  const dir = path.join(root, name);
  try {
    if (!existsSync(dir)) mkdirSync(dir);
    writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
    read(dir);
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // not created or still in use
    }
    return undefined;
  }
  return {
    method: 'cgroup',
    seconds: () => read(dir),
    close() {
      try {
        rmdirSync(dir);
      } catch {
        // processes still inside: the next bench run reuses or removes it
      }
    },
  };
}

export function startCpuMeter(name: string, pid: number): CpuMeter {
  const group = `ferry-bench-${name}-${pid}`;
  const v1 = existsSync(path.join(V1, 'cpuacct.usage'))
    ? cgroupMeter(V1, group, pid, (dir) => Number(readFileSync(path.join(dir, 'cpuacct.usage'), 'utf8')) / 1e9)
    : undefined;
  if (v1) return v1;
  const v2 = existsSync(path.join(V2, 'cgroup.procs'))
    ? cgroupMeter(V2, group, pid, (dir) => {
        const match = /^usage_usec (\d+)$/m.exec(readFileSync(path.join(dir, 'cpu.stat'), 'utf8'));
        if (!match) throw new Error('no usage_usec');
        return Number(match[1]) / 1e6;
      })
    : undefined;
  if (v2) return v2;
  return { method: 'proc', seconds: () => treeCpuSeconds(pid), close() {} };
}
