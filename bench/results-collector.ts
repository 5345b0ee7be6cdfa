// Gathers the per-run values of every metric and server and turns them into table cells: the
// summary of the runs that measured something, with the failures of the others as a note.
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

  fail(server: ServerName, metrics: readonly Metric[], reason: string): void {
    for (const m of metrics) this.slot(m.id, server).failures.push(reason);
  }

  cells(metrics: readonly Metric[], servers: readonly ServerName[]): Record<string, Partial<Record<ServerName, Cell>>> {
    const cells: Record<string, Partial<Record<ServerName, Cell>>> = {};
    for (const m of metrics) {
      for (const server of servers) {
        const s = this.samples.get(`${m.id}\u0000${server}`);
        if (!s) continue;
        const row = (cells[m.id] ??= {});
        if (s.values.length === 0) {
          row[server] = { ok: false, reason: s.failures[0] ?? 'not measured' };
          continue;
        }
        const notes = [...s.notes];
        if (s.failures.length > 0) notes.push(`${s.failures.length} of ${s.failures.length + s.values.length} runs failed: ${s.failures[0]}`);
        row[server] = { ok: true, summary: summarize(s.values), ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
      }
    }
    return cells;
  }
}
