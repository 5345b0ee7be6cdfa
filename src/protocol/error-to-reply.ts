// The only table from FerryError codes to FTP replies (RFC 959 4.2, RFC 2228, RFC 4217).
// Unknown errors become 451 with no internal detail; the caller logs them with the session id.
import { type ErrorCode, isFerryError } from '../errors/ferry-error.js';
import { Reply, type ReplyCode } from './reply-codes.js';

interface ReplyRule {
  code: ReplyCode;
  /** Text used when the error carries no publicMessage. */
  text: string;
}

export const ERROR_REPLIES: Readonly<Record<ErrorCode, ReplyRule>> = {
  NOT_FOUND: { code: Reply.FILE_UNAVAILABLE, text: 'No such file or directory' },
  ALREADY_EXISTS: { code: Reply.FILE_UNAVAILABLE, text: 'File exists' },
  NOT_A_DIRECTORY: { code: Reply.FILE_UNAVAILABLE, text: 'Not a directory' },
  IS_A_DIRECTORY: { code: Reply.FILE_UNAVAILABLE, text: 'Is a directory' },
  DIRECTORY_NOT_EMPTY: { code: Reply.FILE_UNAVAILABLE, text: 'Directory not empty' },
  PERMISSION_DENIED: { code: Reply.FILE_UNAVAILABLE, text: 'Permission denied' },
  PATH_OUTSIDE_ROOT: { code: Reply.FILE_UNAVAILABLE, text: 'Permission denied: path is outside your home folder' },
  INVALID_PATH: { code: Reply.SYNTAX_ERROR_ARGS, text: 'Invalid path' },
  INVALID_NAME: { code: Reply.FILE_NAME_NOT_ALLOWED, text: 'File name not allowed' },
  NO_SPACE: { code: Reply.EXCEEDED_STORAGE, text: 'Insufficient storage space: the upload was not saved' },
  NOT_SUPPORTED: { code: Reply.NOT_IMPLEMENTED_PARAM, text: 'Not supported by this server\'s storage' },
  BAD_ARGUMENT: { code: Reply.SYNTAX_ERROR_ARGS, text: 'Invalid argument' },
  BAD_SEQUENCE: { code: Reply.BAD_SEQUENCE, text: 'Bad sequence of commands' },
  NOT_LOGGED_IN: { code: Reply.NOT_LOGGED_IN, text: 'Please log in with USER and PASS first' },
  LOGIN_FAILED: { code: Reply.NOT_LOGGED_IN, text: 'Login incorrect' },
  TLS_REQUIRED: { code: Reply.POLICY_REQUIRES_SECURITY, text: 'TLS required: enable explicit FTP over TLS (FTPES) in your client' },
  DATA_CONNECTION_FAILED: { code: Reply.CANT_OPEN_DATA, text: 'Can\'t open data connection' },
  DATA_CONNECTION_REFUSED: { code: Reply.CANT_OPEN_DATA, text: 'Data connection refused' },
  TRANSFER_ABORTED: { code: Reply.TRANSFER_ABORTED, text: 'Connection closed; transfer aborted' },
  TIMEOUT: { code: Reply.CANT_OPEN_DATA, text: 'Timed out' },
  LIMIT_REACHED: { code: Reply.SERVICE_NOT_AVAILABLE, text: 'Limit reached' },
  CONFIG_INVALID: { code: Reply.LOCAL_ERROR, text: 'Server configuration error' },
  CERTIFICATE_INVALID: { code: Reply.LOCAL_ERROR, text: 'Server certificate error' },
};

export interface ErrorReply {
  code: ReplyCode;
  text: string;
  /** True when the error was not a FerryError: log it, it may be a bug. */
  unexpected: boolean;
}

export function errorToReply(err: unknown): ErrorReply {
  if (isFerryError(err)) {
    const rule = ERROR_REPLIES[err.code];
    return { code: rule.code, text: err.publicMessage ?? rule.text, unexpected: false };
  }
  return { code: Reply.LOCAL_ERROR, text: 'Requested action aborted: local error in processing', unexpected: true };
}
