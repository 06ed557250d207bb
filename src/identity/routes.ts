import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { ctxOf } from '../server/context.js';
import { guard } from '../server/auth.js';
import { createUser, getUser, listUsers, setPassword, updateUser } from './service.js';
import { createKey, listKeys, revokeKey } from './keys.js';
import {
  ApiKeyOut,
  KeyCreateBody,
  PasswordSetBody,
  UserCreateBody,
  UserOut,
  UserPatchBody,
} from './schemas.js';

/** Users and API keys: administration. */
export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['users'];
  app.get(
    '/api/v1/users',
    {
      config: guard('read', 'user'),
      schema: {
        tags,
        summary: 'List users',
        response: { 200: z.object({ items: z.array(UserOut) }) },
      },
    },
    async (req) => ({ items: await listUsers(ctxOf(req)) }),
  );
  app.get(
    '/api/v1/users/:id',
    {
      config: guard('read', 'user'),
      schema: {
        tags,
        summary: 'One user',
        params: IdParams,
        response: { 200: UserOut, 404: ErrorOut },
      },
    },
    async (req) => getUser(ctxOf(req), req.params.id),
  );
  app.post(
    '/api/v1/users',
    {
      config: guard('write', 'user'),
      schema: {
        tags,
        summary: 'Create a user (admin)',
        description:
          'Passwords: at least 12 characters, not on the list of common passwords. Omit the password for SSO-only users.',
        body: UserCreateBody,
        response: { 201: UserOut, 400: ErrorOut, 409: ErrorOut },
      },
    },
    async (req, reply) => reply.status(201).send(await createUser(ctxOf(req), req.body)),
  );
  app.patch(
    '/api/v1/users/:id',
    {
      config: guard('write', 'user'),
      schema: {
        tags,
        summary: 'Change a user: name, role, manager, archived (admin)',
        description: 'Archiving a user or changing their role ends their sessions.',
        params: IdParams,
        body: UserPatchBody,
        response: { 200: UserOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut },
      },
    },
    async (req) => updateUser(ctxOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/users/:id/password',
    {
      config: guard('write', 'user'),
      schema: {
        tags,
        summary: "Reset a user's password (admin); ends their sessions",
        params: IdParams,
        body: PasswordSetBody,
        response: { 200: UserOut, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req) => setPassword(ctxOf(req), req.params.id, req.body.password),
  );

  const keyTags = ['api keys'];
  app.get(
    '/api/v1/keys',
    {
      config: guard('read', 'api_key'),
      schema: {
        tags: keyTags,
        summary: 'List API keys (never their secrets)',
        response: { 200: z.object({ items: z.array(ApiKeyOut) }) },
      },
    },
    async (req) => ({ items: await listKeys(ctxOf(req)) }),
  );
  app.post(
    '/api/v1/keys',
    {
      config: guard('write', 'api_key'),
      schema: {
        tags: keyTags,
        summary: 'Create an API key; the secret is in this response only',
        description:
          'Scopes: read, write, admin, and ingest (a Segment write key for /v1, which reads nothing).',
        body: KeyCreateBody,
        response: { 201: z.object({ key: ApiKeyOut, secret: z.string() }), 400: ErrorOut },
      },
    },
    async (req, reply) => reply.status(201).send(await createKey(ctxOf(req), req.body)),
  );
  app.post(
    '/api/v1/keys/:id/revoke',
    {
      config: guard('write', 'api_key'),
      schema: {
        tags: keyTags,
        summary: 'Revoke an API key, at once and for good',
        params: IdParams,
        response: { 200: ApiKeyOut, 404: ErrorOut },
      },
    },
    async (req) => revokeKey(ctxOf(req), req.params.id),
  );
};
