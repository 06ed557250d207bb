import type { FastifyInstance } from 'fastify';
import { countAccounts } from '../accounts/account/store.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain landing page until the web app (J1) is served here. */
export function installHome(app: FastifyInstance): void {
  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    const accounts = await countAccounts(req.ctx.db);
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tenure</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}
a{color:#0b6bcb}.stat{font-size:2rem;font-weight:600}</style></head>
<body><h1>Tenure</h1><p>Customer success platform: accounts, health you can explain, renewals.</p>
<p><span class="stat" data-testid="account-count">${escape(String(accounts))}</span> accounts in the book.</p>
<ul><li><a href="/api/docs">API docs</a></li><li><a href="/api/openapi.json">OpenAPI document</a></li>
<li><a href="/api/v1/accounts?sort=-mrr&amp;limit=20">Top accounts by MRR (JSON)</a></li></ul></body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
