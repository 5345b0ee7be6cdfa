// Protocol-neutral errors with stable string codes. Storage, auth and data layers throw these;
// src/protocol/error-to-reply.ts is the only place that turns them into FTP replies.

export const ERROR_CODES = [
  'NOT_FOUND', // path does not exist
  'ALREADY_EXISTS', // target exists and the operation will not replace it
  'NOT_A_DIRECTORY',
  'IS_A_DIRECTORY',
  'DIRECTORY_NOT_EMPTY',
  'PERMISSION_DENIED', // the user's permissions or the file system refuse it
  'PATH_OUTSIDE_ROOT', // a path (or symlink) would leave the user's root
  'INVALID_PATH', // NUL bytes, over-long names and similar
  'INVALID_NAME', // a file name the storage cannot hold
  'NO_SPACE', // disk full or quota exceeded
  'NOT_SUPPORTED', // the backend lacks the capability
  'BAD_ARGUMENT', // a command argument is malformed
  'BAD_SEQUENCE', // a command is out of order (RNTO without RNFR...)
  'NOT_LOGGED_IN',
  'LOGIN_FAILED',
  'TLS_REQUIRED',
  'DATA_CONNECTION_FAILED', // could not open a data connection
  'DATA_CONNECTION_REFUSED', // a data connection was refused by policy (foreign address, no TLS resume)
  'TRANSFER_ABORTED', // the transfer was aborted (ABOR, client closed)
  'TIMEOUT',
  'LIMIT_REACHED',
  'CONFIG_INVALID',
  'CERTIFICATE_INVALID',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class FerryError extends Error {
  readonly code: ErrorCode;
  /** Text safe to show to the FTP client; `message` may hold detail meant for logs only. */
  readonly publicMessage: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; publicMessage?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FerryError';
    this.code = code;
    this.publicMessage = options?.publicMessage;
  }
}

export function isFerryError(err: unknown, code?: ErrorCode): err is FerryError {
  return err instanceof FerryError && (code === undefined || err.code === code);
}
