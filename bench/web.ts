/**
 * How fast the web app is usable: headless Chromium against the demo company (2,000
 * accounts), time from navigation start to the portfolio table and to an account's health
 * chart, against a static HTML page from the same server in the same run; and the
 * JavaScript the first page loads, as sent (gzip) and as gzip -9.
 *
 *   npm run bench:web                  # 2,000 accounts, 7 cold loads of each page
 *   npm run bench:web -- --accounts 500 --runs 3
 *
 * Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium) and a build (npm run build).
 * Measured once the server is idle: it starts 10 s after the server does.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'tenure.js');
const PASSWORD = 'bench-web-demo-password-1';
const MANAGER = 'elena.vasquez@demo.tenure.dev';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a whole number ≥ 1`);
  return n;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
    s.on('error', fail);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const day = (n: number) => new Date(Date.now() - n * 864e5).toISOString().slice(0, 10);

async function startServer(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, TENURE_DATA_DIR: dir };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], {
    env,
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, child };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

/** Milliseconds from navigation start until `ready` holds, in a fresh (cold-cache) context. */
async function timeTo(
  browser: Browser,
  cookie: { name: string; value: string; url: string } | null,
  url: string,
  ready: (page: Page) => Promise<unknown>,
  onPage?: (page: Page) => void,
): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (cookie) await context.addCookies([cookie]);
  const page = await context.newPage();
  onPage?.(page);
  await page.goto(url, { waitUntil: 'commit' });
  await ready(page);
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  return ms;
}

async function main(): Promise<void> {
  const accounts = option('--accounts', 2000);
  const runs = option('--runs', 7);
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-web-'));
  let server: { url: string; child: ChildProcess } | null = null;
  let browser: Browser | null = null;
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TENURE_DATA_DIR: dir,
      TENURE_DEMO_PASSWORD: PASSWORD,
    };
    delete env.DATABASE_URL;
    // 90 days scored ahead: the server then has no history to backfill while it is measured
    // (its background scoring runs on the request thread until the job runner exists).
    process.stderr.write(`loading the demo company (${accounts} accounts) and scoring 90 days…\n`);
    await run(process.execPath, [BIN, 'demo', '--accounts', String(accounts), '--json'], {
      env,
      maxBuffer: 1 << 26,
    });
    await run(
      process.execPath,
      [BIN, 'health', 'score', '--from', day(90), '--to', day(0), '--json'],
      {
        env,
        maxBuffer: 1 << 26,
      },
    );
    server = await startServer(dir);
    // The first daily scoring pass runs 5 s after start; measure after it.
    await new Promise((r) => setTimeout(r, 10_000));
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: MANAGER, password: PASSWORD }),
    });
    const [name, value] = (login.headers.get('set-cookie') ?? '').split(';')[0]!.split('=') as [
      string,
      string,
    ];
    const cookie = { name, value, url: server.url };
    const portfolio = (await (
      await fetch(`${server.url}/api/v1/portfolio?scope=all`, {
        headers: { cookie: `${name}=${value}` },
      })
    ).json()) as { rows: { id: string; health: unknown }[] };
    const accountId = portfolio.rows.find((r) => r.health)!.id;

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const staticMs: number[] = [];
    const portfolioMs: number[] = [];
    const accountMs: number[] = [];
    let scripts: { url: string; wire: number; gzip9: number }[] = [];
    let timeline: string[] = [];
    for (let i = 0; i < runs; i++) {
      staticMs.push(
        await timeTo(browser, null, `${server.url}/no-javascript.html`, (p) =>
          p.getByRole('heading', { name: 'Tenure needs JavaScript' }).waitFor(),
        ),
      );
      const seen: Promise<{ url: string; wire: number; gzip9: number }>[] = [];
      portfolioMs.push(
        await timeTo(
          browser,
          cookie,
          `${server.url}/portfolio?scope=all`,
          async (p) => {
            await p.getByRole('table', { name: 'Accounts' }).getByRole('link').first().waitFor();
            // A string, run in the page: the bench compiles without the DOM's types.
            timeline = await p.evaluate<string[]>(`performance.getEntriesByType('resource').map(
              (e) => e.name.replace(location.origin, '') + ' ' + e.startTime.toFixed(0) + '–' +
                e.responseEnd.toFixed(0) + ' ms')`);
            // Counted: every script fetched until the page is usable.
            scripts = await Promise.all(seen);
          },
          (p) =>
            p.on('response', (r) => {
              if (r.request().resourceType() !== 'script') return;
              seen.push(
                (async () => ({
                  url: r.url(),
                  wire: (await r.request().sizes()).responseBodySize,
                  gzip9: gzipSync(await r.body(), { level: 9 }).length,
                }))(),
              );
            }),
        ),
      );
      accountMs.push(
        await timeTo(browser, cookie, `${server.url}/accounts/${accountId}`, (p) =>
          p.locator('.recharts-surface').first().waitFor(),
        ),
      );
    }
    const base = median(staticMs);
    const p = median(portfolioMs);
    const a = median(accountMs);
    const wire = scripts.reduce((s, x) => s + x.wire, 0);
    const gz9 = scripts.reduce((s, x) => s + x.gzip9, 0);
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
    console.log(
      `Tenure web benchmark: ${portfolio.rows.length} accounts in the portfolio, ${runs} cold loads each (median)`,
    );
    console.log(`  static HTML page (baseline):   ${base.toFixed(0)} ms`);
    console.log(
      `  portfolio usable (table):      ${p.toFixed(0)} ms  (${(p / base).toFixed(1)}× the static page)`,
    );
    console.log(
      `  account usable (health chart): ${a.toFixed(0)} ms  (${(a / base).toFixed(1)}× the static page)`,
    );
    console.log(
      `  JavaScript the first page loads: ${scripts.length} files, ${kb(wire)} as sent, ${kb(gz9)} gzip -9`,
    );
    console.log('  the last portfolio load, request by request (from navigation start):');
    for (const t of timeline) console.log(`    ${t}`);
    console.log('\ntargets:');
    console.log(
      `  portfolio usable ≤ 1,500 ms: ${p.toFixed(0)} ms — ${p <= 1500 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `  initial JavaScript ≤ 350 KB gzip: ${kb(gz9)} — ${gz9 <= 350 * 1024 ? 'met' : 'MISSED'}`,
    );
  } finally {
    await browser?.close();
    if (server) {
      const exited = new Promise((r) => server!.child.once('exit', r));
      server.child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
