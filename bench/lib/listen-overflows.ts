// Reads the kernel's count of connections dropped because a listener's accept queue was full
// (TcpExt ListenOverflows): a server with a short listen backlog loses connects under bursts.
import { readFileSync } from 'node:fs';

export function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0]!.split(/\s+/);
    const values = lines[1]!.split(/\s+/);
    return Number(values[names.indexOf('ListenOverflows')] ?? 0);
  } catch {
    return 0;
  }
}
