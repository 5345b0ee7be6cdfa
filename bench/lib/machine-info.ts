// Describes the machine a bench ran on (CPU, cores, memory, kernel, Node, OpenSSL, clients) so a
// table is never read without the hardware it came from.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { runCommand } from './child-processes.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  nodeOpenssl: string;
  openssl: string;
  curl: string;
}

async function firstLine(command: string, args: string[]): Promise<string> {
  const r = await runCommand(command, args, { timeoutMs: 10_000 });
  return r.code === 0 ? r.stdout.split('\n')[0]!.trim() : `${command} unavailable`;
}

export async function describeMachine(): Promise<MachineInfo> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return {
    cpu: model,
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    os: /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? 'unknown',
    node: process.version,
    nodeOpenssl: process.versions.openssl,
    openssl: await firstLine('openssl', ['version']),
    curl: await firstLine('curl', ['--version']),
  };
}
