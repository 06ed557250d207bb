import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';

/**
 * The web app (web/, built by Vite into dist/web): hashed files under /assets cached for a
 * year, and every other page path answered with the app's index.html, whose router takes it
 * from there. API and intake paths never fall through to the app.
 */

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The built app: dist/web next to the compiled server (dist/src/server), or reached from the
 * source tree (tests). Only a build has assets/; web/ itself holds the sources.
 */
export function webRoot(): string | null {
  const dirs = [resolve(HERE, '../../web'), resolve(HERE, '../../dist/web')];
  // TENURE_WEB_DIR serves another build of the app (a CDN copy, a branch under test).
  if (process.env.TENURE_WEB_DIR) dirs.unshift(resolve(process.env.TENURE_WEB_DIR));
  for (const dir of dirs) {
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))) return dir;
  }
  return null;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tenure</title></head>
<body><main><h1>Tenure</h1><p>The web app has not been built. Run <code>npm run build</code>, or use the API at
<a href="/api/docs">/api/docs</a>.</p></main></body></html>`;

export async function installWeb(app: FastifyInstance): Promise<void> {
  const root = webRoot();
  const index = root ? readFileSync(join(root, 'index.html'), 'utf8') : NOT_BUILT;
  // Only the reply.sendFile decorator: the routes are ours, so they carry their access.
  await app.register(fastifyStatic, { root: root ?? HERE, serve: false });
  const page = { schema: { hide: true }, config: { access: 'page' as const } };
  app.get('/assets/*', page, async (req, reply) => {
    const file = (req.params as { '*': string })['*'];
    // Vite writes flat, hashed names; anything else (a path, `..`) is not one of ours.
    if (!root || !/^[\w-]+(\.[\w-]+)*$/.test(file))
      throw new AppError('not_found', `no asset ${file}`);
    // Vite names every asset by its content hash: a changed file is a new name.
    return reply.sendFile(file, join(root, 'assets'), { immutable: true, maxAge: '365d' });
  });
  for (const file of ['favicon.svg', 'no-javascript.html']) {
    app.get(`/${file}`, page, async (_req, reply) => {
      if (!root || !existsSync(join(root, file))) throw new AppError('not_found', `no ${file}`);
      return reply.header('cache-control', 'public, max-age=86400').sendFile(file, root);
    });
  }
  app.get('/*', page, async (req, reply) => {
    const path = req.url.split('?')[0]!;
    // Unknown API paths are API errors, not the app (and say nothing to the anonymous).
    if (path.startsWith('/api/') || path.startsWith('/v1/') || path === '/api' || path === '/v1') {
      if (req.principal.kind === 'anonymous')
        throw new AppError('unauthenticated', 'sign in or send an API key');
      throw new AppError('not_found', `no route ${req.method} ${path}`);
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
  });
  app.get('/', page, async (_req, reply) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index),
  );
}
