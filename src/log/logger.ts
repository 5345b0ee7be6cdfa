// pino logger: JSON lines for machines, pretty output on a terminal. Password-like fields are redacted
// as a second line of defence (commands are already redacted before they are logged).
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
  return pino(options);
}
