// Prints the hottest functions of a V8 CPU profile (from `npm run bench -- --profile`, which runs
// Ferry with --cpu-prof): self time and total (inclusive) time per function, biggest first.
// Usage: tsx bench/profile-summary.ts bench/work/profiles/CPU.*.cpuprofile [--top 25]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? path.relative(process.cwd(), url.replace(/^file:\/\//, '')) || url : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

function summarizeProfile(profile: CpuProfile, top: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const name = label(byId.get(id)!);
    self.set(name, (self.get(name) ?? 0) + us);
    // Inclusive time: every distinct function on the stack gets the sample once (recursion counted once).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = label(byId.get(cur)!);
      if (seen.has(n)) continue;
      seen.add(n);
      total.set(n, (total.get(n) ?? 0) + us);
    }
  }
  const all = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const pct = (us: number) => `${((100 * us) / all).toFixed(1).padStart(5)}%`;
  const rows = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `profile: ${(all / 1e6).toFixed(2)} s sampled`,
    '',
    'self time:',
    ...rows(self).map(([n, us]) => `${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${n}`),
    '',
    'total time (inclusive):',
    ...rows(total).map(([n, us]) => `${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${n}`),
  ];
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
  for (const file of positionals) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    process.stdout.write(`== ${file}\n${summarizeProfile(profile, Number(values.top)).join('\n')}\n\n`);
  }
}
