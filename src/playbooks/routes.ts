import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { guard } from '../server/auth.js';
import { ctxOf } from '../server/context.js';
import type { PlaybookInput } from './model.js';
import {
  PlaybookKeyParams,
  PlaybookListOut,
  PlaybookListQuery,
  PlaybookOut,
  PlaybookSaveBody,
  RunListOut,
  RunListQuery,
  RunOut,
  StartBody,
} from './schemas.js';
import {
  archivePlaybook,
  cancelRun,
  getPlaybook,
  getRun,
  listPlaybooks,
  listRuns,
  savePlaybook,
  startPlaybook,
} from './service.js';

const tags = ['playbooks'];
const errors = { 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut };

export const playbookRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/playbooks',
    {
      config: guard('read', 'playbook'),
      schema: {
        tags,
        summary: 'The playbook library: risk, onboarding, renewal, expansion and win-back plays',
        querystring: PlaybookListQuery,
        response: { 200: PlaybookListOut },
      },
    },
    async (req) => ({ items: await listPlaybooks(ctxOf(req), req.query.archived ?? false) }),
  );
  app.post(
    '/api/v1/playbooks',
    {
      config: guard('write', 'playbook'),
      schema: {
        tags,
        summary: 'Add a playbook, or change one by its key (its version goes up)',
        description: 'Every problem is listed in error.details.issues with its path.',
        body: PlaybookSaveBody,
        response: { 200: PlaybookOut, ...errors },
      },
    },
    async (req) => savePlaybook(ctxOf(req), req.body as PlaybookInput),
  );
  app.get(
    '/api/v1/playbooks/:key',
    {
      config: guard('read', 'playbook'),
      schema: {
        tags,
        summary: 'One playbook',
        params: PlaybookKeyParams,
        response: { 200: PlaybookOut, 404: ErrorOut },
      },
    },
    async (req) => getPlaybook(ctxOf(req), req.params.key),
  );
  app.post(
    '/api/v1/playbooks/:key/archive',
    {
      config: guard('write', 'playbook'),
      schema: {
        tags,
        summary: 'Archive a playbook: it can no longer be started (running plays go on)',
        params: PlaybookKeyParams,
        response: { 200: PlaybookOut, ...errors },
      },
    },
    async (req) => archivePlaybook(ctxOf(req), req.params.key),
  );
  app.post(
    '/api/v1/playbooks/:key/start',
    {
      config: guard('write', 'task'),
      schema: {
        tags,
        summary: "Start a playbook on an account: one task per step, for the account's owner",
        description: '409 while the same playbook is already running on the account.',
        params: PlaybookKeyParams,
        body: StartBody,
        response: { 201: RunOut, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(
        await startPlaybook(ctxOf(req), req.params.key, req.body.accountId, {
          startOn: req.body.startOn,
        }),
      ),
  );
  app.get(
    '/api/v1/playbook-runs',
    {
      config: guard('read', 'task'),
      schema: {
        tags,
        summary: 'Plays started on accounts, newest first, with progress',
        querystring: RunListQuery,
        response: { 200: RunListOut, 400: ErrorOut },
      },
    },
    async (req) => ({
      items: await listRuns(ctxOf(req), {
        accountId: req.query.accountId,
        status: req.query.status,
        playbookKey: req.query.playbook,
        limit: req.query.limit,
      }),
    }),
  );
  app.get(
    '/api/v1/playbook-runs/:id',
    {
      config: guard('read', 'task'),
      schema: {
        tags,
        summary: 'One play and its progress',
        params: IdParams,
        response: { 200: RunOut, 404: ErrorOut },
      },
    },
    async (req) => getRun(ctxOf(req), req.params.id),
  );
  app.post(
    '/api/v1/playbook-runs/:id/cancel',
    {
      config: guard('write', 'task'),
      schema: {
        tags,
        summary: 'Stop a running play; its open tasks are cancelled',
        params: IdParams,
        response: { 200: RunOut, ...errors },
      },
    },
    async (req) => cancelRun(ctxOf(req), req.params.id),
  );
};
