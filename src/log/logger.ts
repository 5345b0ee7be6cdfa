// pino logger: JSON lines for machines, pretty output on a terminal. Password-like fields are redacted
// as a second line of defence (commands are already redacted before they are logged).
import { fstatSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import type { FerryConfig } from '../config/schema.js';

export function createLogger(logging: FerryConfig['logging'], destination?: pino.DestinationStream): Logger {
  const pretty = logging.pretty === 'always' || (logging.pretty === 'auto' && process.stdout.isTTY === true);
  const options: pino.LoggerOptions = {
    level: logging.level,
    base: undefined,
    redact: { paths: ['password', '*.password', 'pass', '*.pass', 'key', '*.key', 'passphrase'], censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard', ignore: 'pid,hostname' } } });
  return pino(options, stdoutDestination());
}

/**
 * Log lines go to stdout. A regular file, a terminal or /dev/null takes each one synchronously, in a
 * few microseconds; pino's default hands every line to the thread pool, which cost the event loop
 * ~0.15 ms a line here (a pool thread woken, then the loop again), one line per transfer. A pipe or
 * socket (journald, a container runtime) would stall the server while its reader does: those stay
 * asynchronous.
 */
function stdoutDestination(): pino.DestinationStream {
  let sync = false;
  try {
    const stdout = fstatSync(1);
    sync = !stdout.isFIFO() && !stdout.isSocket();
  } catch {
    // no stdout: pino's default handling
  }
  return pino.destination({ dest: 1, sync });
}
