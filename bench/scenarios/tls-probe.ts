// Records which TLS version and cipher curl negotiates with a server (from `curl -v`), so the
// report shows that all three were compared on the same terms.
import { curlBase, ftpUrl, runCurl } from '../lib/curl.js';

export async function probeTls(port: number, user: { name: string; password: string }, file: string): Promise<string | undefined> {
  const target = { port, tls: true, user };
  const run = await runCurl([...curlBase(target, 20), '--verbose', '--output', '/dev/null', ftpUrl(target, file)], 30_000);
  const lines = run.stderr.split('\n').filter((l) => l.includes('SSL connection using')).map((l) => l.replace(/^.*SSL connection using\s*/, '').trim());
  if (lines.length === 0) return undefined;
  const [control, data] = lines;
  const reused = /SSL re-using session ID/.test(run.stderr) ? ', data connection resumed the session' : '';
  return data && data !== control ? `control ${control}, data ${data}${reused}` : `${control}${reused}`;
}
