import type { FastifyInstance } from 'fastify';
import { countAccounts } from '../accounts/account/store.js';
import { setupNeeded } from '../identity/setup.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}
a{color:#0b6bcb}.stat{font-size:2rem;font-weight:600}label{display:block;margin:.75rem 0 .25rem}
input{width:100%;max-width:24rem;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1.25rem;font-size:1rem}.error{color:#b42318}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style><script src="/assets/home.js" defer></script></head>
<body><h1>Tenure</h1>${body}</body></html>`;
}

const LINKS = `<ul><li><a href="/api/docs">API docs</a></li><li><a href="/api/openapi.json">OpenAPI document</a></li></ul>`;

/**
 * Client script for the sign-in and setup forms: posts JSON and reloads. Served as a file
 * because the content security policy allows no inline script.
 */
const SCRIPT = `
for (const form of document.querySelectorAll('form[data-api]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    const res = await fetch(form.dataset.api, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (res.ok) { location.href = '/'; return; }
    const err = await res.json().catch(() => ({}));
    form.querySelector('.error').textContent = (err.error && err.error.message) || 'Something went wrong';
  });
}
const out = document.querySelector('[data-signout]');
if (out) out.addEventListener('click', async () => {
  const who = await (await fetch('/api/v1/auth/session')).json();
  await fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'x-csrf-token': who.csrfToken } });
  location.href = '/';
});`;

/** A plain landing page until the web app (J1) is served here: sign in, first-run setup. */
export function installHome(app: FastifyInstance): void {
  app.get('/assets/home.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(SCRIPT),
  );
  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    const p = req.principal;
    if (p.kind === 'user') {
      const accounts = await countAccounts(req.ctx.db);
      return page(
        'Tenure',
        `<p>Signed in as <strong data-testid="signed-in-as">${escape(p.user.email)}</strong> (${escape(p.user.role)}).
<button type="button" data-signout>Sign out</button></p>
<p><span class="stat" data-testid="account-count">${escape(String(accounts))}</span> accounts in the book.</p>${LINKS}`,
      );
    }
    if (await setupNeeded(req.ctx.db)) return reply.redirect('/setup');
    return page(
      'Sign in · Tenure',
      `<form data-api="/api/v1/auth/login" aria-label="Sign in"><h2>Sign in</h2>
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button><p class="error" role="alert"></p></form>
<p><a href="/api/v1/auth/oidc/login">Sign in with single sign-on</a></p>${LINKS}`,
    );
  });
  app.get('/setup', { schema: { hide: true } }, async (req, reply) => {
    // The page exists only until the first admin does.
    if (!(await setupNeeded(req.ctx.db)))
      return reply.code(404).type('text/plain').send('Not found');
    return reply.type('text/html; charset=utf-8').send(
      page(
        'Set up · Tenure',
        `<form data-api="/api/v1/auth/setup" aria-label="Create the first admin"><h2>Create the first admin</h2>
<p>No one can sign in yet. The first account you create here is an admin; this page then disappears.</p>
<label for="name">Name</label><input id="name" name="name" autocomplete="name" required>
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password (at least 12 characters)</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
<button type="submit">Create admin</button><p class="error" role="alert"></p></form>`,
      ),
    );
  });
}
