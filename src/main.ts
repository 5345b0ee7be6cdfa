// Entry point: argv -> CLI. The only module that touches `process` (exit codes, signals, stdio).
import { runCli } from './cli/program.js';

const code = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  onSignal: (handler) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => handler(signal));
  },
});
process.exit(code);
