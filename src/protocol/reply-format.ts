// Formats FTP replies (RFC 959 section 4.2): single line "123 text", multi-line "123-first ... 123 last".
// Control characters are stripped so user-supplied text (file names) cannot forge extra reply lines.
import type { ReplyCode } from './reply-codes.js';

// Replace CR/LF (and other C0 controls except TAB) so a name like "a\r\n230 x" stays on one line.
// RFC 959 allows a name with a real LF to be sent as NUL, but stripping is what clients handle best.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;

export function sanitizeReplyText(text: string): string {
  return text.replace(CONTROL, ' ');
}

/**
 * One reply as wire text. `lines` with more than one entry becomes a multi-line reply; continuation
 * lines are indented with a space so none can be mistaken for a final "ddd " line (RFC 959 4.2).
 */
export function formatReply(code: ReplyCode, lines: string | readonly string[]): string {
  const list = (typeof lines === 'string' ? [lines] : lines).map(sanitizeReplyText);
  if (list.length <= 1) return `${code} ${list[0] ?? ''}\r\n`;
  const last = list.length - 1;
  let out = `${code}-${list[0]}\r\n`;
  for (let i = 1; i < last; i++) out += ` ${list[i]}\r\n`;
  return out + `${code} ${list[last]}\r\n`;
}

/** Quote a path for PWD/MKD replies (RFC 959 appendix II): embedded quotes are doubled. */
export function quotePath(path: string): string {
  return `"${path.replace(/"/g, '""')}"`;
}
