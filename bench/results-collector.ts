// Gathers the per-run values of every metric and server and turns them into table cells: the
// summary of the runs that measured something, with the failures of the others as a note. Where the
// servers took turns within a run, Ferry's cell also notes each run's Ferry/peer ratio: those pairs
// met the same spells of the host, which the medians of separate runs mix.
import { summarize } from './lib/summary.js';
import type { ServerName } from './peers/bench-server.js';
import type { Cell, Metric, RunOutcome } from './scenarios/scenario.js';

interface Samples {
  values: number[];
  failures: string[];
  notes: Set<string>;
}

export class ResultsCollector {
  private readonly samples = new Map<string, Samples>();
  /** metric id -> peer -> Ferry/peer, one per run in which the servers took turns. */
  private readonly paired = new Map<string, Map<ServerName, number[]>>();

  private slot(metric: string, server: ServerName): Samples {
    const key = `${metric}\u0000${server}`;
    let s = this.samples.get(key);
    if (!s) this.samples.set(key, (s = { values: [], failures: [], notes: new Set() }));
    return s;
  }

  add(server: ServerName, metrics: readonly Metric[], outcome: RunOutcome): void {
    for (const m of metrics) {
      const slot = this.slot(m.id, server);
      const value = outcome.values[m.id];
      if (value !== undefined && Number.isFinite(value)) slot.values.push(value);
      else slot.failures.push(outcome.failures?.[m.id] ?? 'not measured');
      for (const note of [outcome.notes?.[m.id] ?? []].flat()) slot.notes.add(note);
    }
  }

  /** One run in which `servers` took turns, `outcomes[i]` being `servers[i]`'s. */
  addTogether(servers: readonly ServerName[], metrics: readonly Metric[], outcomes: readonly RunOutcome[]): void {
    for (const [i, server] of servers.entries()) this.add(server, metrics, outcomes[i]!);
    const ferry = outcomes[servers.indexOf('ferry')];
    if (!ferry) return;
    for (const m of metrics) {
      const a = ferry.values[m.id];
      for (const [i, peer] of servers.entries()) {
        const b = outcomes[i]!.values[m.id];
        if (peer === 'ferry' || a === undefined || b === undefined || !(a > 0) || !(b > 0)) continue;
        const byPeer = this.paired.get(m.id) ?? new Map<ServerName, number[]>();
        this.paired.set(m.id, byPeer);
        byPeer.set(peer, [...(byPeer.get(peer) ?? []), a / b]);
      }
    }
  }

  fail(server: ServerName, metrics: readonly Metric[], reason: string): void {
    for (const m of metrics) this.slot(m.id, server).failures.push(reason);
  }

  cells(metrics: readonly Metric[], servers: readonly { name: ServerName; label: string }[]): Record<string, Partial<Record<ServerName, Cell>>> {
    const cells: Record<string, Partial<Record<ServerName, Cell>>> = {};
    for (const m of metrics) {
      for (const { name: server } of servers) {
        const s = this.samples.get(`${m.id}\u0000${server}`);
        if (!s) continue;
        const row = (cells[m.id] ??= {});
        if (s.values.length === 0) {
          row[server] = { ok: false, reason: s.failures[0] ?? 'not measured' };
          continue;
        }
        const notes = [...s.notes];
        if (server === 'ferry') notes.push(...this.pairedNote(m.id, servers));
        if (s.failures.length > 0) notes.push(`${s.failures.length} of ${s.failures.length + s.values.length} runs failed: ${s.failures[0]}`);
        row[server] = { ok: true, summary: summarize(s.values), ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
      }
    }
    return cells;
  }

  private pairedNote(metric: string, servers: readonly { name: ServerName; label: string }[]): string[] {
    const byPeer = this.paired.get(metric);
    if (!byPeer || ![...byPeer.values()].some((r) => r.length > 1)) return [];
    const parts = servers.flatMap(({ name, label }) => {
      const ratios = byPeer.get(name);
      return ratios ? [`Ferry/${label} ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')}`] : [];
    });
    return [`run by run, the servers taking turns: ${parts.join('; ')}`];
  }
}
