// A small HTTP(S) client for the admin page tests: keeps cookies like a browser, follows nothing by
// itself (tests look at redirects), reads the CSRF token from the last page, trusts any certificate.
import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Raw Set-Cookie lines. */
  setCookies: string[];
}

export interface RequestOptions {
  method?: string;
  /** Sent as application/x-www-form-urlencoded (arrays: repeated fields). */
  form?: Record<string, string | string[]>;
  json?: unknown;
  headers?: Record<string, string>;
}

export class AdminHttpClient {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last HTML page read. */
  csrf = '';

  constructor(readonly baseUrl: string) {}

  async request(path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(path, this.baseUrl);
    let payload: string | undefined;
    const headers: Record<string, string> = { ...options.headers };
    if (options.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      payload = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      payload = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const lib = url.protocol === 'https:' ? https : http;
    const response = await new Promise<HttpResponse>((resolve, reject) => {
      const req = lib.request(url, { method: options.method ?? (payload !== undefined ? 'POST' : 'GET'), headers, rejectUnauthorized: false, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), setCookies: res.headers['set-cookie'] ?? [] }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
    for (const line of response.setCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  get(path: string): Promise<HttpResponse> {
    return this.request(path);
  }

  /** POSTs a form with the current CSRF token (unless `_csrf` is given, or `withCsrf` is false). */
  post(path: string, form: Record<string, string | string[]>, withCsrf = true): Promise<HttpResponse> {
    return this.request(path, { form: withCsrf && !('_csrf' in form) ? { _csrf: this.csrf, ...form } : form });
  }

  /** Reads the login page (for its CSRF cookie and token), then logs in. Returns the POST's response. */
  async login(name: string, password: string): Promise<HttpResponse> {
    await this.get('/login');
    return this.post('/login', { name, password });
  }
}
