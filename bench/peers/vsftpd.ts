// vsftpd under test: the Debian package's binary with a config written here (explicit TLS required,
// session reuse required, the shared ECDSA certificate), listening in the foreground on 127.0.0.1.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../lib/child-processes.js';
import { PORTS } from '../plan.js';
import { launch, type BenchServer, type PeerContext, type Preparation, type RunningServer, type Variant } from './bench-server.js';

const BINARY = '/usr/sbin/vsftpd';

export class VsftpdPeer implements BenchServer {
  readonly name = 'vsftpd';
  readonly label = 'vsftpd';
  private ctx: PeerContext | undefined;

  async prepare(ctx: PeerContext): Promise<Preparation> {
    this.ctx = ctx;
    const version = await runCommand('dpkg-query', ['-W', '-f=${Version}', 'vsftpd'], { timeoutMs: 10_000 });
    if (version.code !== 0 || !version.stdout) return { ok: false, reason: 'vsftpd is not installed (bench/setup-peers.sh could not install it)' };
    try {
      // vsftpd insists on an empty, root-owned, non-writable folder to chroot its unprivileged helpers into.
      await mkdir(this.emptyDir(), { recursive: true, mode: 0o755 });
      for (const variant of ['tls', 'plain'] as const) await writeFile(this.configFile(variant), this.config(variant));
      return { ok: true, version: `vsftpd ${version.stdout.trim()}` };
    } catch (err) {
      return { ok: false, reason: `cannot write the vsftpd config: ${(err as Error).message}` };
    }
  }

  start(variant: Variant): Promise<RunningServer> {
    const port = variant === 'tls' ? PORTS.vsftpd.tls : PORTS.vsftpd.plain;
    return launch('vsftpd', variant, port, BINARY, [this.configFile(variant)], { logFile: path.join(this.ctx!.logDir, `vsftpd-${variant}.log`) });
  }

  private emptyDir(): string {
    return path.join(this.ctx!.workDir, 'vsftpd-empty');
  }

  private configFile(variant: Variant): string {
    return path.join(this.ctx!.workDir, `vsftpd-${variant}.conf`);
  }

  private config(variant: Variant): string {
    const ctx = this.ctx!;
    const ports = PORTS.vsftpd;
    const tls =
      variant === 'tls'
        ? [
            'ssl_enable=YES',
            'allow_anon_ssl=NO',
            'force_local_logins_ssl=YES',
            'force_local_data_ssl=YES',
            'require_ssl_reuse=YES',
            'ssl_tlsv1=NO',
            'ssl_sslv2=NO',
            'ssl_sslv3=NO',
            // The compiled-in default (DES-CBC3-SHA) is refused by OpenSSL 3; TLS 1.3 suites are separate.
            'ssl_ciphers=HIGH',
            `rsa_cert_file=${ctx.certFile}`,
            `rsa_private_key_file=${ctx.keyFile}`,
          ]
        : ['ssl_enable=NO'];
    return [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${variant === 'tls' ? ports.tls : ports.plain}`,
      'background=NO',
      'anonymous_enable=NO',
      'local_enable=YES',
      'write_enable=YES',
      'local_umask=022',
      // Confined to the home folder, as Ferry's users are.
      'chroot_local_user=YES',
      'allow_writeable_chroot=YES',
      'pasv_enable=YES',
      `pasv_min_port=${ports.passiveMin}`,
      `pasv_max_port=${ports.passiveMax}`,
      'pasv_address=127.0.0.1',
      'max_clients=0',
      'max_per_ip=0',
      'idle_session_timeout=1800',
      'data_connection_timeout=300',
      'seccomp_sandbox=NO',
      'pam_service_name=vsftpd',
      `secure_chroot_dir=${this.emptyDir()}`,
      'xferlog_enable=YES',
      `xferlog_file=${path.join(ctx.logDir, `vsftpd-${variant}-xferlog`)}`,
      'use_localtime=NO',
      ...tls,
      '',
    ].join('\n');
  }
}
