// The FTP reply code a basic-ftp call ended with: the response's code on success, FTPError.code on
// an FTP error reply. Anything else (closed connection, timeout) is rethrown, so tests see it.
import { FTPError } from 'basic-ftp';

export async function replyCode(call: Promise<{ code: number }>): Promise<number> {
  try {
    return (await call).code;
  } catch (err) {
    if (err instanceof FTPError) return err.code;
    throw err;
  }
}
