// npm install hook: builds Ferry's optional native helper (native/: sendfile(2) for plain downloads,
// a thread per big plain download and per plain upload) with the node-gyp that npm ships. A machine
// without a C compiler still gets a working Ferry: the build failing is a warning, and plain transfers then go through Ferry's
// buffers and event loop.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const nativeDir = fileURLToPath(new URL('../native/', import.meta.url));
if (process.platform !== 'linux') {
  console.log('ferry: the native helper (sendfile, transfer threads) is Linux-only; skipped');
  process.exit(0);
}
// npm sets npm_config_node_gyp to its own node-gyp for install scripts; otherwise try the PATH.
const nodeGyp = process.env.npm_config_node_gyp;
const [command, args] = nodeGyp ? [process.execPath, [nodeGyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const result = spawnSync(command, args, { cwd: nativeDir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (result.status === 0) {
  console.log('ferry: built the native helper: sendfile, transfer threads (native/build)');
} else {
  const detail = (result.error?.message ?? `${result.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n')) || `exit ${result.status}`;
  console.warn(`ferry: could not build the native helper (sendfile, transfer threads); plain downloads will copy through Ferry's buffers, plain uploads are read on its event loop.\n${detail}`);
}
