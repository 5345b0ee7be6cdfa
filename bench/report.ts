// Turns a bench run into Markdown: one row per metric with Ferry, vsftpd, ProFTPD (median and
// min–max of the runs), the ratios Ferry/peer and Ferry/best peer, then the machine and its limits.
import type { MachineInfo } from './lib/machine-info.js';
import type { Summary } from './lib/summary.js';
import type { Preparation, ServerName } from './peers/bench-server.js';
import type { BenchPlan } from './plan.js';
import type { MachineLimits } from './scenarios/machine-limits.js';
import type { Cell, Metric } from './scenarios/scenario.js';

export interface ServerStatus {
  name: ServerName;
  label: string;
  preparation: Preparation;
  /** "TLSv1.3 / TLS_AES_256_GCM_SHA384" as curl saw it, when probed. */
  tls?: string;
}

export interface BenchResult {
  startedAt: string;
  durationSeconds: number;
  plan: BenchPlan;
  machine: MachineInfo;
  limits: MachineLimits;
  servers: ServerStatus[];
  sections: { title: string; metrics: readonly Metric[] }[];
  cells: Record<string, Partial<Record<ServerName, Cell>>>;
  notes: string[];
}

const PEERS: ServerName[] = ['vsftpd', 'proftpd'];

function formatNumber(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatSummary(s: Summary, digits: number): string {
  const median = formatNumber(s.median, digits);
  if (s.runs < 2) return median;
  return `${median} (${formatNumber(s.min, digits)}–${formatNumber(s.max, digits)})`;
}

class Footnotes {
  readonly lines: string[] = [];
  private readonly index = new Map<string, number>();

  ref(text: string): string {
    const clean = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
    let n = this.index.get(clean);
    if (n === undefined) {
      n = this.lines.length + 1;
      this.index.set(clean, n);
      this.lines.push(`[${n}] ${clean}`);
    }
    return `[${n}]`;
  }
}

function formatCell(cell: Cell | undefined, metric: Metric, notes: Footnotes): string {
  if (!cell) return 'not run';
  if (!cell.ok) return cell.reason.length <= 28 ? cell.reason : `n/a ${notes.ref(cell.reason)}`;
  return formatSummary(cell.summary, metric.digits) + (cell.note ? ` ${notes.ref(cell.note)}` : '');
}

function ratio(ferry: Cell | undefined, peer: Cell | undefined): string {
  if (!ferry?.ok || !peer?.ok) return '—';
  const a = ferry.summary.median;
  const b = peer.summary.median;
  if (b === 0 || a === 0) return a === b ? '1.00×' : '—';
  return `${formatNumber(a / b, 2)}×`;
}

function bestPeer(metric: Metric, row: Partial<Record<ServerName, Cell>>): Cell | undefined {
  const candidates = PEERS.map((p) => row[p]).filter((c): c is Extract<Cell, { ok: true }> => c?.ok === true);
  if (candidates.length === 0) return undefined;
  return candidates.reduce((best, c) => ((metric.better === 'higher' ? c.summary.median > best.summary.median : c.summary.median < best.summary.median) ? c : best));
}

function machineSection(result: BenchResult): string[] {
  const { machine, limits, servers } = result;
  const mbps = (s: Summary | undefined) => (s ? `${formatSummary(s, 0)} MB/s` : 'not measured');
  const lines = [
    '### Machine',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM; ${machine.os}, ${machine.kernel}`,
    `- Node ${machine.node} (OpenSSL ${machine.nodeOpenssl}); system ${machine.openssl}; client ${machine.curl.split(' ').slice(0, 2).join(' ')} and basic-ftp`,
    ...servers.map((s) => `- ${s.label}: ${s.preparation.ok ? s.preparation.version : `not available (${s.preparation.reason})`}${s.tls ? `; TLS as negotiated with curl: ${s.tls}` : ''}`),
    `- Limits measured in the same run: \`openssl speed -evp aes-128-gcm -bytes 16384 -seconds 1\` (one core) ${limits.aes128gcmMBps ? `${formatNumber(limits.aes128gcmMBps, 0)} MB/s` : 'not measured'}, ` +
      `aes-256-gcm ${limits.aes256gcmMBps ? `${formatNumber(limits.aes256gcmMBps, 0)} MB/s` : 'not measured'}; ` +
      `one loopback TCP stream between two Node processes ${mbps(limits.loopbackTcpMBps)}; the same through Node TLS ${mbps(limits.loopbackTlsMBps)}`,
    ...limits.notes.map((n) => `- ${n}`),
  ];
  return lines;
}

export function renderMarkdown(result: BenchResult): string {
  const notes = new Footnotes();
  const { plan } = result;
  const label = (name: ServerName) => result.servers.find((s) => s.name === name)?.label ?? name;
  const header = `| measurement | unit | better | ${label('ferry')} | ${label('vsftpd')} | ${label('proftpd')} | Ferry/vsftpd | Ferry/ProFTPD | Ferry/best peer |`;
  const lines: string[] = [
    `## Results${plan.quick ? ' (quick run: reduced sizes, one run each)' : ''}`,
    '',
    `Run ${result.startedAt}, ${Math.round(result.durationSeconds)} s. Each figure is the median of ${plan.runs} run${plan.runs > 1 ? 's' : ''}` +
      `${plan.runs > 1 ? ' with the min–max spread in brackets' : ''}. Big file ${formatBytes(plan.bigFileBytes)}` +
      `${plan.bigFileTransfers > 1 ? ` (each run's figure the median of ${plan.bigFileTransfers} downloads and of ${plan.bigFileTransfers} uploads)` : ''}; ${plan.smallFiles} files of ${formatBytes(plan.smallFileBytes)}; ` +
      `a folder of ${plan.listingEntries.toLocaleString('en-US')} entries; ${plan.stormSessions} short sessions (${plan.stormConcurrency} at once); ${plan.idleSessions} idle sessions. ` +
      'MB/s is 10^6 bytes per second. A ratio above 1.00× is better for Ferry where higher is better (↑), worse where lower is better (↓).',
    '',
  ];
  for (const section of result.sections) {
    lines.push(`### ${section.title}`, '', header, '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const metric of section.metrics) {
      const row = result.cells[metric.id] ?? {};
      const cells = (['ferry', 'vsftpd', 'proftpd'] as const).map((n) => formatCell(row[n], metric, notes));
      lines.push(
        `| ${metric.label} | ${metric.unit} | ${metric.better === 'higher' ? '↑' : '↓'} | ${cells.join(' | ')} | ${ratio(row.ferry, row.vsftpd)} | ${ratio(row.ferry, row.proftpd)} | ${ratio(row.ferry, bestPeer(metric, row))} |`,
      );
    }
    lines.push('');
  }
  lines.push(...machineSection(result), '');
  if (result.notes.length > 0) lines.push('### Notes', '', ...result.notes.map((n) => `- ${n}`), '');
  if (notes.lines.length > 0) lines.push('### Footnotes', '', ...notes.lines.map((l) => `- ${l}`), '');
  return lines.join('\n');
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${formatNumber(bytes / 2 ** 30, 0)} GiB`;
  if (bytes >= 2 ** 20) return `${formatNumber(bytes / 2 ** 20, 0)} MiB`;
  return `${formatNumber(bytes / 2 ** 10, 0)} KiB`;
}

