// Ferry under test: a child `bin/ferry serve -c CONFIG`, the production launcher (the compiled build
// in dist/, built here first, with its allocator setting), so its memory and CPU are measured alone,
// with the shared certificate, the shared data folder and the bench user.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import YAML from 'yaml';
import { addUser } from '../../src/auth/users-file.js';
import { kernelReceiveAvailable } from '../../src/data/kernel-receive.js';
import { kernelSendAvailable } from '../../src/data/kernel-send.js';
import { PORTS, REPO_DIR } from '../plan.js';
import { launch, type BenchServer, type PeerContext, type Preparation, type RunningServer, type Variant } from './bench-server.js';

const execFileAsync = promisify(execFile);

export class FerryPeer implements BenchServer {
  readonly name = 'ferry';
  readonly label = 'Ferry';
  private ctx: PeerContext | undefined;

  async prepare(ctx: PeerContext): Promise<Preparation> {
    this.ctx = ctx;
    try {
      await execFileAsync(process.execPath, [path.join(REPO_DIR, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_DIR });
      const pkg = JSON.parse(await readFile(path.join(REPO_DIR, 'package.json'), 'utf8')) as { version: string };
      const dir = this.dir();
      await mkdir(dir, { recursive: true });
      const usersFile = path.join(dir, 'users.yaml');
      await rm(usersFile, { force: true });
      // Absolute home: the very folder vsftpd and ProFTPD serve as the system user's home.
      await addUser(usersFile, { name: ctx.user.name, password: ctx.user.password, home: ctx.dataDir, permissions: 'full' });
      for (const variant of ['tls', 'plain'] as const) await writeFile(this.configFile(variant), YAML.stringify(this.config(variant)));
      // The report says whether plain downloads used sendfile (the native helper is built) or copied.
      const plainDownloads = kernelSendAvailable ? (kernelReceiveAvailable ? 'sendfile, upload threads' : 'sendfile') : 'no sendfile: native helper not built';
      return { ok: true, version: `${pkg.version} (Node ${process.version}, ${plainDownloads})` };
    } catch (err) {
      return { ok: false, reason: `cannot prepare Ferry: ${(err as Error).message}` };
    }
  }

  start(variant: Variant): Promise<RunningServer> {
    const ctx = this.ctx!;
    const port = variant === 'tls' ? PORTS.ferry.tls : PORTS.ferry.plain;
    const profile = ctx.cpuProfileDir ? { FERRY_NODE_FLAGS: `--cpu-prof --cpu-prof-dir=${ctx.cpuProfileDir}` } : {};
    return launch('ferry', variant, port, path.join(REPO_DIR, 'bin/ferry'), ['serve', '-c', this.configFile(variant)], {
      cwd: REPO_DIR,
      logFile: path.join(ctx.logDir, `ferry-${variant}.log`),
      env: { ...process.env, NODE_ENV: 'production', ...profile },
    });
  }

  private dir(): string {
    return path.join(this.ctx!.workDir, 'ferry');
  }

  private configFile(variant: Variant): string {
    return path.join(this.dir(), `ferry-${variant}.yaml`);
  }

  private config(variant: Variant): Record<string, unknown> {
    const ctx = this.ctx!;
    const ports = PORTS.ferry;
    return {
      server: { host: '127.0.0.1', port: variant === 'tls' ? ports.tls : ports.plain, maxClients: 5000, maxClientsPerIp: 5000, maxSessionsPerUser: 5000, shutdownGraceSeconds: 2 },
      timeouts: { login: 300, idle: 1800 },
      passive: { minPort: ports.passiveMin, maxPort: ports.passiveMax },
      tls:
        variant === 'tls'
          ? { mode: 'required', certFile: ctx.certFile, keyFile: ctx.keyFile, requireSessionReuse: true, implicit: { enabled: false } }
          : { mode: 'disabled', implicit: { enabled: false } },
      storage: { root: ctx.dataDir },
      users: { file: 'users.yaml' },
      // Info-level JSON logs (sessions, transfers) to a file: what a production install writes; the
      // peers write their transfer logs too.
      logging: { level: 'info', pretty: 'never' },
      // The peers have no web admin page: compare the FTP server alone.
      admin: { enabled: false },
    };
  }
}
