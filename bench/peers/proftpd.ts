// ProFTPD under test: the Debian binary and mod_tls unpacked into bench/work/proftpd (it conflicts
// with vsftpd in apt), standalone in the foreground, explicit TLS required with session reuse required.
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../lib/child-processes.js';
import { PORTS } from '../plan.js';
import { launch, type BenchServer, type PeerContext, type Preparation, type RunningServer, type Variant } from './bench-server.js';

export class ProftpdPeer implements BenchServer {
  readonly name = 'proftpd';
  readonly label = 'ProFTPD';
  private ctx: PeerContext | undefined;

  async prepare(ctx: PeerContext): Promise<Preparation> {
    this.ctx = ctx;
    try {
      await access(this.binary());
      await access(path.join(this.root(), 'usr/lib/proftpd/mod_tls.so'));
    } catch {
      return { ok: false, reason: 'ProFTPD is not unpacked in bench/work/proftpd (bench/setup-peers.sh could not fetch it)' };
    }
    const version = await runCommand(this.binary(), ['-v'], { timeoutMs: 10_000 });
    if (version.code !== 0) return { ok: false, reason: `ProFTPD does not run: ${(version.stderr || version.stdout).trim().slice(0, 200)}` };
    try {
      for (const variant of ['tls', 'plain'] as const) await writeFile(this.configFile(variant), this.config(variant));
      const check = await runCommand(this.binary(), ['-t', '-c', this.configFile('tls')], { timeoutMs: 10_000 });
      if (check.code !== 0) return { ok: false, reason: `ProFTPD refuses its config: ${check.stderr.trim().split('\n').pop()}` };
    } catch (err) {
      return { ok: false, reason: `cannot write the ProFTPD config: ${(err as Error).message}` };
    }
    return { ok: true, version: (version.stdout || version.stderr).trim().replace(/^.*?ProFTPD Version/s, 'ProFTPD') };
  }

  start(variant: Variant): Promise<RunningServer> {
    const port = variant === 'tls' ? PORTS.proftpd.tls : PORTS.proftpd.plain;
    return launch('proftpd', variant, port, this.binary(), ['--nodaemon', '--quiet', '-c', this.configFile(variant)], {
      logFile: path.join(this.ctx!.logDir, `proftpd-${variant}.log`),
    });
  }

  private root(): string {
    return path.join(this.ctx!.workDir, 'proftpd');
  }

  private binary(): string {
    return path.join(this.root(), 'usr/sbin/proftpd');
  }

  private configFile(variant: Variant): string {
    return path.join(this.ctx!.workDir, `proftpd-${variant}.conf`);
  }

  private config(variant: Variant): string {
    const ctx = this.ctx!;
    const ports = PORTS.proftpd;
    const state = path.join(ctx.workDir, `proftpd-${variant}`);
    const tls =
      variant === 'tls'
        ? [
            'LoadModule mod_tls.c',
            '<IfModule mod_tls.c>',
            '  TLSEngine on',
            '  TLSRequired on',
            '  TLSProtocol TLSv1.2 TLSv1.3',
            `  TLSECCertificateFile ${ctx.certFile}`,
            `  TLSECCertificateKeyFile ${ctx.keyFile}`,
            '  TLSVerifyClient off',
            '  TLSRenegotiate none',
            // No "TLSOptions NoSessionReuseRequired": data connections must resume the control session.
            `  TLSLog ${path.join(ctx.logDir, `proftpd-${variant}-tls.log`)}`,
            '</IfModule>',
          ]
        : [];
    return [
      'ServerName "ferry-bench"',
      'ServerType standalone',
      'DefaultServer on',
      `Port ${variant === 'tls' ? ports.tls : ports.plain}`,
      'DefaultAddress 127.0.0.1',
      'SocketBindTight on',
      'UseIPv6 off',
      'User nobody',
      'Group nogroup',
      'Umask 022',
      'MaxInstances 10000',
      `PidFile ${state}.pid`,
      `ScoreboardFile ${state}.scoreboard`,
      'DelayTable none',
      'WtmpLog off',
      'UseReverseDNS off',
      'UseSendfile on',
      // Confined to the home folder, as Ferry's users are.
      'DefaultRoot ~',
      'RequireValidShell off',
      'AuthOrder mod_auth_unix.c',
      `PassivePorts ${ports.passiveMin} ${ports.passiveMax}`,
      'AllowOverwrite on',
      'TimeoutIdle 1800',
      'TimeoutLogin 300',
      `SystemLog ${path.join(ctx.logDir, `proftpd-${variant}-system.log`)}`,
      `TransferLog ${path.join(ctx.logDir, `proftpd-${variant}-xferlog`)}`,
      `ModulePath ${path.join(this.root(), 'usr/lib/proftpd')}`,
      'ModuleControlsACLs insmod,rmmod allow user root',
      ...tls,
      '',
    ].join('\n');
  }
}
