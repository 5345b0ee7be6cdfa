// Writes FileZilla 3.63's transfer queue (queue.sqlite3, schema user_version 7) so FileZilla starts with
// uploads and downloads already queued, as if restored from an earlier session. Node 20 has no SQLite,
// so Python's standard sqlite3 module writes it (python3 is already an interop-test dependency).
import path from 'node:path';
import { runClient } from './run-client.js';

export interface FileZillaQueuedTransfer {
  direction: 'upload' | 'download';
  /** Absolute local path: the source of an upload, the target of a download. */
  localFile: string;
  /** File name in the remote home folder ("/"). */
  remoteName: string;
  /** Size in bytes when known (-1: unknown). */
  size?: number;
}

export interface FileZillaQueueServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** ftpes: explicit FTPS (AUTH TLS, the default); ftps: implicit FTPS. */
  scheme?: 'ftpes' | 'ftps';
}

/** FileZilla's ServerProtocol numbers (engine/server.h): 3 is implicit FTPS, 4 "Require explicit FTP over TLS". */
const PROTOCOL = { ftps: 3, ftpes: 4 } as const;
/** Logon type 1 is "Normal" (user and password stored with the item). */
const LOGON_NORMAL = 1;
/** transfer_flags: 0x10 marks a download; without 0x8000 (ASCII) the transfer is binary (TYPE I). */
const FLAG_DOWNLOAD = 0x10;
/** QueuePriority::normal. */
const PRIORITY_NORMAL = 2;
/** CServerPath's "safe path" for the Unix root "/": type 1 (Unix), no segments. */
const REMOTE_ROOT = '1 0';

// The tables exactly as FileZilla 3.63 creates them (src/interface/queue_storage.cpp).
const SCRIPT = String.raw`
import json, sqlite3, sys
db_file, spec = sys.argv[1], json.load(sys.stdin)
db = sqlite3.connect(db_file)
db.executescript('''
CREATE TABLE servers (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, host TEXT NOT NULL, port INTEGER, user TEXT, password TEXT, account TEXT, keyfile TEXT, protocol INTEGER, type INTEGER, logontype INTEGER, timezone_offset INTEGER, transfer_mode TEXT, max_connections INTEGER, encoding TEXT, bypass_proxy INTEGER, post_login_commands TEXT, name TEXT, parameters TEXT, site_path TEXT DEFAULT NULL);
CREATE TABLE files (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, server INTEGER NOT NULL, source_file TEXT, target_file TEXT, local_path INTEGER, remote_path INTEGER, size INTEGER, error_count INTEGER, priority INTEGER, flags INTEGER, default_exists_action INTEGER, extra_flags TEXT);
CREATE INDEX server_index ON files (server);
CREATE TABLE local_paths (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, path TEXT NOT NULL);
CREATE TABLE remote_paths (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, path TEXT NOT NULL);
PRAGMA user_version = 7;
''')
s = spec['server']
server = db.execute("INSERT INTO servers (host, port, user, password, protocol, type, logontype, timezone_offset, transfer_mode, max_connections, encoding, bypass_proxy) VALUES (?, ?, ?, ?, ?, 0, ?, 0, 'default', 0, 'Auto', 0)",
  (s['host'], s['port'], s['user'], s['password'], s['protocol'], s['logontype'])).lastrowid
remote = db.execute('INSERT INTO remote_paths (path) VALUES (?)', (spec['remotePath'],)).lastrowid
local_ids = {}
for f in spec['files']:
  if f['localDir'] not in local_ids:
    local_ids[f['localDir']] = db.execute('INSERT INTO local_paths (path) VALUES (?)', (f['localDir'],)).lastrowid
  db.execute('INSERT INTO files (server, source_file, target_file, local_path, remote_path, size, priority, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    (server, f['source'], f['target'], local_ids[f['localDir']], remote, f['size'], f['priority'], f['flags']))
db.commit()
db.close()
`;

/** Creates dbFile (which must not exist yet) holding the given transfers for one server. */
export async function writeFileZillaQueue(dbFile: string, server: FileZillaQueueServer, transfers: FileZillaQueuedTransfer[]): Promise<void> {
  const files = transfers.map((t) => {
    const localName = path.basename(t.localFile);
    const download = t.direction === 'download';
    // source is the name on the side the bytes come from; target is null when both names are equal.
    const source = download ? t.remoteName : localName;
    const target = download ? localName : t.remoteName;
    return {
      localDir: path.dirname(t.localFile) + path.sep,
      source,
      target: target === source ? null : target,
      size: t.size ?? -1,
      priority: PRIORITY_NORMAL,
      flags: download ? FLAG_DOWNLOAD : 0,
    };
  });
  const spec = {
    server: { host: server.host, port: server.port, user: server.user, password: server.password, protocol: PROTOCOL[server.scheme ?? 'ftpes'], logontype: LOGON_NORMAL },
    remotePath: REMOTE_ROOT,
    files,
  };
  const run = await runClient('python3', ['-c', SCRIPT, dbFile], { input: JSON.stringify(spec), timeoutMs: 15_000 });
  if (run.code !== 0) throw new Error(`writing FileZilla's queue failed (python3 exited ${run.code ?? run.signal}): ${run.stderr}`);
}
