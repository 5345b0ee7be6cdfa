// Address helpers for data connections (RFC 959 PORT/PASV, RFC 2428 EPRT/EPSV).
import net from 'node:net';

/** Strip the IPv4-mapped prefix so "::ffff:127.0.0.1" and "127.0.0.1" compare equal. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return normalizeAddress(a) === normalizeAddress(b);
}

/** "h1,h2,h3,h4,p1,p2" (RFC 959 PORT) -> host and port; undefined when malformed. */
export function parsePortArgument(arg: string): { host: string; port: number } | undefined {
  const parts = arg.trim().split(',');
  if (parts.length !== 6) return undefined;
  const nums = parts.map((p) => (/^\d{1,3}$/.test(p.trim()) ? Number(p.trim()) : NaN));
  if (nums.some((n) => !(n >= 0 && n <= 255))) return undefined;
  const port = nums[4]! * 256 + nums[5]!;
  if (port === 0) return undefined;
  return { host: nums.slice(0, 4).join('.'), port };
}

/** "|1|132.235.1.2|6275|" (RFC 2428 EPRT); the delimiter is the first character. */
export function parseEprtArgument(arg: string): { host: string; port: number; family: 1 | 2 } | { unsupported: true } | undefined {
  const delim = arg[0];
  if (!delim || delim.charCodeAt(0) < 33 || delim.charCodeAt(0) > 126) return undefined;
  const parts = arg.split(delim);
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') return undefined;
  const [, proto, host, portText] = parts as [string, string, string, string, string];
  if (proto !== '1' && proto !== '2') return { unsupported: true };
  const family = proto === '1' ? 1 : 2;
  if ((family === 1 && !net.isIPv4(host)) || (family === 2 && !net.isIPv6(host))) return undefined;
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { host, port, family };
}

/** PASV reply argument: "h1,h2,h3,h4,p1,p2". */
export function formatPasvAddress(host: string, port: number): string {
  return `${host.split('.').join(',')},${port >> 8},${port & 255}`;
}
