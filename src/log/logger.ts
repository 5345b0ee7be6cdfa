// pino logger: JSON lines for machines, pretty output on a terminal. Password-like fields are redacted
// as a second line of defence (commands are already redacted before they are logged).
import { fstatSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import type { FerryConfig } from '../config/schema.js';

/** Keys whose values never reach a log line, at the top level of a line or one level down. */
const SECRET_KEYS = new Set(['password', 'pass', 'key', 'passphrase']);
const CENSOR = '[redacted]';

/**
 * A log line's object with the secret-named values of its nested objects censored (one level down),
 * or the object itself when none has one; top-level keys are pino's `redact` (createLogger). pino's
 * own `*.password`-style paths ran a clone and a JSON.stringify for every value of every line: ~12 KB
 * of garbage per transfer log line, a sixth of all a small download allocated. This looks at the
 * keys, and copies only a line that has a secret.
 */
export function redactSecrets(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) continue;
    if (Object.keys(value).some((k) => SECRET_KEYS.has(k))) (copy ??= { ...object })[key] = censored(value);
  }
  return copy ?? object;
}

/** A copy of a nested object with its secret-named values censored; an error stays an error. */
function censored(value: object): object {
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(value)) {
    copy[name] = SECRET_KEYS.has(name) ? CENSOR : (value as Record<string, unknown>)[name];
  }
  return copy;
}

export function createLogger(logging: FerryConfig['logging'], destination?: pino.DestinationStream): Logger {
  const pretty = logging.pretty === 'always' || (logging.pretty === 'auto' && process.stdout.isTTY === true);
  const options: pino.LoggerOptions = {
    level: logging.level,
    base: undefined,
    // Top-level keys: pino's redaction (a lookup per key, no copies), which also covers a child's
    // bindings (they skip the formatters). One level down: redactSecrets.
    redact: { paths: [...SECRET_KEYS], censor: CENSOR },
    formatters: { log: redactSecrets },
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
