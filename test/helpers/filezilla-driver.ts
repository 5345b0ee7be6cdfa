// Drives the real FileZilla GUI without a human: a private Xvfb display, a throw-away HOME whose settings
// log to a file and pre-trust the server certificate, a transfer queue written before start-up, and one
// keystroke (Ctrl+P, "Process queue") sent with xdotool. Outcomes are read from FileZilla's own log.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileZillaProblems, parseFileZillaLog, summarizeFileZillaLog, type FileZillaLogLine } from './filezilla-log.js';
import { writeFileZillaProfile } from './filezilla-profile.js';
import { writeFileZillaQueue, type FileZillaQueuedTransfer } from './filezilla-queue.js';
import { runClient } from './run-client.js';
import { startXvfb, stopChild, type XvfbDisplay } from './xvfb-display.js';

export interface FileZillaLaunchOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The server certificate, pre-trusted for host:port. */
  certPem: string;
  /** The local folder FileZilla shows (-a). */
  localDir: string;
  /** Queued before start-up; nothing moves until processQueue(). */
  transfers: FileZillaQueuedTransfer[];
  /** More filezilla.xml settings by name (see writeFileZillaProfile). */
  settings?: Record<string, string>;
  /** URL scheme: ftpes (explicit FTPS, the default) or ftps (implicit FTPS, on an implicit port). */
  scheme?: 'ftpes' | 'ftps';
  /** Extra environment, e.g. GNUTLS_SYSTEM_PRIORITY_FILE to restrict the TLS versions GnuTLS offers. */
  env?: NodeJS.ProcessEnv;
}

export interface FileZillaSession {
  logFile: string;
  /** FileZilla's log so far, parsed. */
  lines(): Promise<FileZillaLogLine[]>;
  /**
   * Polls the log until done(lines) holds. Fails at once when an error line appears or FileZilla exits,
   * and after timeoutMs otherwise; the failure message carries the log and the open windows.
   */
  waitFor(what: string, done: (lines: FileZillaLogLine[]) => boolean, timeoutMs: number): Promise<FileZillaLogLine[]>;
  /** Presses Ctrl+P once in the main window and waits until the queue opens a connection (default 10 s). */
  processQueue(timeoutMs?: number): Promise<void>;
  /** Log summary, visible window titles and process state, for assertion messages. */
  describe(): Promise<string>;
  /** Kills FileZilla and Xvfb by pid and removes the temporary HOME. Safe to call twice. */
  close(): Promise<void>;
}

const POLL_MS = 100;
/** The title FileZilla gives its main window once connected: "ftpes://alice@127.0.0.1:2121 - FileZilla". */
const MAIN_WINDOW = ' - FileZilla$';

function connectingCount(lines: FileZillaLogLine[]): number {
  return lines.filter((l) => l.type === 'Status' && l.text.startsWith('Connecting to ')).length;
}

export async function launchFileZilla(options: FileZillaLaunchOptions): Promise<FileZillaSession> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ferry-filezilla-'));
  const configDir = path.join(home, '.config', 'filezilla');
  const logFile = path.join(home, 'filezilla.log');
  let xvfb: XvfbDisplay | undefined;
  let child: ChildProcess | undefined;
  const stderr: Buffer[] = [];
  let closed = false;

  // If the test process exits without close() (a crash, a cancelled run), leave no GUI processes or files behind.
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
    xvfb?.kill();
    rmSync(home, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (child) await stopChild(child, 2000);
    await xvfb?.stop();
    // Only now: a crash in the middle of close() must still kill what is left.
    process.removeListener('exit', killOnExit);
    await rm(home, { recursive: true, force: true });
  };

  // Xvfb starts while the profile is written; an early failure is handled below, not "unhandled".
  const xvfbReady = startXvfb();
  xvfbReady.catch(() => {});
  try {
    await writeFileZillaProfile(configDir, { host: options.host, port: options.port, certPem: options.certPem, logFile, settings: options.settings });
    await writeFileZillaQueue(path.join(configDir, 'queue.sqlite3'), options, options.transfers);
    for (const dir of ['cache', 'data', 'state']) await mkdir(path.join(home, `.${dir}`), { recursive: true });
    xvfb = await xvfbReady;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_DATA_HOME: path.join(home, '.data'),
      XDG_STATE_HOME: path.join(home, '.state'),
      DISPLAY: xvfb.display,
      GDK_BACKEND: 'x11',
      // English messages: the test reads "Status:", "Error:" and friends from the log.
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      // No session bus under Xvfb: point at nothing instead of letting GLib spawn dbus-launch.
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/ferry-test-bus',
      NO_AT_BRIDGE: '1',
      // Release builds reset the debug log level at start-up unless FZDEBUG=1 (FileZilla.cpp).
      FZDEBUG: '1',
      ...options.env,
    };
    const url = `${options.scheme ?? 'ftpes'}://${encodeURIComponent(options.user)}:${encodeURIComponent(options.password)}@${options.host}:${options.port}/`;
    child = spawn('filezilla', [url, '-a', options.localDir], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (c: Buffer) => stderr.push(c));
    child.once('error', (err) => stderr.push(Buffer.from(`spawn error: ${err.message}\n`)));
  } catch (err) {
    xvfb ??= await xvfbReady.catch(() => undefined);
    await close();
    throw err;
  }
  const fz = child;
  const display = xvfb.display;

  const xdotool = (args: string[], timeoutMs = 5000) => runClient('xdotool', args, { env: { PATH: process.env.PATH, DISPLAY: display }, timeoutMs });

  const lines = async (): Promise<FileZillaLogLine[]> => {
    try {
      return parseFileZillaLog(await readFile(logFile, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  };

  const visibleWindows = async (): Promise<string[]> => {
    const ids = await xdotool(['search', '--onlyvisible', '--name', '.']);
    const titles: string[] = [];
    for (const id of ids.stdout.split('\n').filter(Boolean)) {
      const name = await xdotool(['getwindowname', id]);
      titles.push(name.stdout.trim());
    }
    return titles;
  };

  const describe = async (): Promise<string> => {
    const state = fz.exitCode !== null || fz.signalCode !== null ? `exited (${fz.exitCode ?? fz.signalCode})` : 'running';
    const windows = closed ? [] : await visibleWindows().catch((err: Error) => [`(xdotool failed: ${err.message})`]);
    const errOut = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-10).join('\n');
    return [
      `FileZilla ${state}; visible windows: ${JSON.stringify(windows)}`,
      `stderr (last lines):\n${errOut}`,
      `log (${logFile}):\n${summarizeFileZillaLog(await lines())}`,
    ].join('\n');
  };

  const waitFor = async (what: string, done: (l: FileZillaLogLine[]) => boolean, timeoutMs: number): Promise<FileZillaLogLine[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await lines();
      const problems = fileZillaProblems(current);
      if (problems.length > 0) {
        throw new Error(`FileZilla logged errors while waiting for ${what}:\n${problems.map((l) => l.raw).join('\n')}\n\n${await describe()}`);
      }
      if (done(current)) return current;
      if (fz.exitCode !== null || fz.signalCode !== null) throw new Error(`FileZilla exited while waiting for ${what}\n${await describe()}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${await describe()}`);
      await delay(POLL_MS);
    }
  };

  const mainWindow = async (timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await xdotool(['search', '--onlyvisible', '--name', MAIN_WINDOW]);
      const id = found.stdout.split('\n').find(Boolean);
      if (id) return id;
      if (Date.now() > deadline) throw new Error(`FileZilla's main window did not appear within ${timeoutMs} ms\n${await describe()}`);
      await delay(POLL_MS);
    }
  };

  const processQueue = async (timeoutMs = 10_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const window = await mainWindow(timeoutMs);
    const before = connectingCount(await lines());
    // No window manager runs, so focus is set directly (XSetInputFocus, confirmed by --sync) before
    // the key is typed. Pressed once: Ctrl+P toggles "Process queue", so a second press could stop it.
    const press = await xdotool(['windowfocus', '--sync', window, 'key', '--clearmodifiers', 'ctrl+p']);
    if (press.code !== 0) throw new Error(`xdotool failed (${press.code ?? press.signal}${press.timedOut ? ', timed out' : ''}): ${press.stderr}`);
    await waitFor('the queue to open a connection after Ctrl+P', (l) => connectingCount(l) > before, Math.max(0, deadline - Date.now()));
  };

  return { logFile, lines, waitFor, processQueue, describe, close };
}
