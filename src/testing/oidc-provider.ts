import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

export interface ProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Login name → the claims the provider releases for it. */
  accounts: Record<string, Record<string, unknown>>;
}

export interface RunningProvider {
  issuer: string;
  stop(): void;
}

/**
 * Start the real OpenID Connect provider of oidc-provider.mjs in a child process and wait
 * until it says where it listens. Read from source: tests run the .ts files through vitest.
 */
export async function startProvider(opts: ProviderOptions): Promise<RunningProvider> {
  const script = fileURLToPath(new URL('./oidc-provider.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      OIDC_CLIENT_ID: opts.clientId,
      OIDC_CLIENT_SECRET: opts.clientSecret,
      OIDC_REDIRECT_URIS: opts.redirectUris.join(','),
      OIDC_ACCOUNTS: JSON.stringify(opts.accounts),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`the OIDC provider did not start\n${log}`));
    }, 20_000);
    child.once('exit', (code) => reject(new Error(`the OIDC provider exited (${code})\n${log}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { issuer: string }).issuer);
    });
  });
  return { issuer, stop: () => child.kill('SIGTERM') };
}

export interface Answer {
  status: number;
  /** Absolute when the answer came from the provider; as sent when it came from Tenure. */
  location: string | null;
  body: string;
  cookies: string[];
}

/**
 * A browser made of fetch and a cookie jar per host, for the sign-in dance. Redirects are
 * returned, not followed. Requests to `tenureOrigin` go to the Fastify app by inject, so
 * the provider can redirect to a fixed Tenure URL whatever server a test builds.
 */
export class Browser {
  readonly jar = new Map<string, Map<string, string>>();
  constructor(
    private readonly app: FastifyInstance,
    private readonly tenureOrigin: string,
  ) {}

  private cookieHeader(url: URL): string {
    const jar = this.jar.get(url.host) ?? new Map<string, string>();
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private store(url: URL, setCookies: string[]): void {
    const jar = this.jar.get(url.host) ?? new Map<string, string>();
    this.jar.set(url.host, jar);
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*(max-age=0|expires=.*1970)/i.test(a));
      if (gone || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  async request(method: 'GET' | 'POST', href: string, form?: Record<string, string>) {
    const url = new URL(href);
    const cookie = this.cookieHeader(url);
    let answer: Answer;
    if (url.origin === this.tenureOrigin) {
      const res = await this.app.inject({
        method,
        url: `${url.pathname}${url.search}`,
        headers: { host: url.host, ...(cookie ? { cookie } : {}) },
      });
      const set = res.headers['set-cookie'];
      answer = {
        status: res.statusCode,
        location: (res.headers.location as string | undefined) ?? null,
        body: res.body,
        cookies: set === undefined ? [] : Array.isArray(set) ? set : [set],
      };
    } else {
      const res = await fetch(url, {
        method,
        redirect: 'manual',
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      const location = res.headers.get('location');
      answer = {
        status: res.status,
        location: location ? new URL(location, url).href : null,
        body: await res.text(),
        cookies: res.headers.getSetCookie(),
      };
    }
    this.store(url, answer.cookies);
    return answer;
  }

  get(href: string): Promise<Answer> {
    return this.request('GET', href);
  }
}

/** The provider's HTML form (development login or consent page): its target and prompt. */
export function formOf(html: string): { action: string; prompt: string } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const prompt = /name="prompt" value="([a-z]+)"/.exec(html)?.[1];
  if (!action || !prompt) throw new Error(`no form in the provider's page:\n${html.slice(0, 500)}`);
  return { action: action.replace(/&amp;/g, '&'), prompt };
}
