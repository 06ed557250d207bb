import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../../core/schemas.js';
import { ctxOf } from '../../server/context.js';
import { guard } from '../../server/auth.js';
import * as service from './service.js';
import {
  AccountCreate,
  AccountListQuery,
  AccountOut,
  AccountPage,
  AccountPatch,
  ChangeStageBody,
  StageHistoryOut,
} from './schemas.js';

const errors = { 400: ErrorOut, 404: ErrorOut, 409: ErrorOut };
const tags = ['accounts'];

export const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/accounts',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'List accounts',
        querystring: AccountListQuery,
        response: { 200: AccountPage, 400: ErrorOut },
      },
    },
    async (req) => service.listAccounts(ctxOf(req), req.query),
  );
  app.post(
    '/api/v1/accounts',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Create an account',
        body: AccountCreate,
        response: { 201: AccountOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createAccount(ctxOf(req), req.body)),
  );
  app.get(
    '/api/v1/accounts/:id',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Get an account',
        params: IdParams,
        response: { 200: AccountOut, 404: ErrorOut },
      },
    },
    async (req) => service.getAccount(ctxOf(req), req.params.id),
  );
  app.patch(
    '/api/v1/accounts/:id',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Update an account',
        description:
          'Only the fields sent change. A stage change is checked against the lifecycle and kept in the stage history.',
        params: IdParams,
        body: AccountPatch,
        response: { 200: AccountOut, ...errors },
      },
    },
    async (req) => service.updateAccount(ctxOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/accounts/:id/stage',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Move an account to a lifecycle stage',
        params: IdParams,
        body: ChangeStageBody,
        response: { 200: AccountOut, ...errors },
      },
    },
    async (req) => service.changeStage(ctxOf(req), req.params.id, req.body.stage, req.body.reason),
  );
  app.get(
    '/api/v1/accounts/:id/stage-history',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Lifecycle stage history',
        params: IdParams,
        response: { 200: z.object({ items: z.array(StageHistoryOut) }), 404: ErrorOut },
      },
    },
    async (req) => ({ items: await service.stageHistory(ctxOf(req), req.params.id) }),
  );
  app.post(
    '/api/v1/accounts/:id/archive',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Archive an account (history is kept)',
        params: IdParams,
        response: { 200: AccountOut, 404: ErrorOut },
      },
    },
    async (req) => service.setArchived(ctxOf(req), req.params.id, true),
  );
  app.post(
    '/api/v1/accounts/:id/restore',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Restore an archived account',
        params: IdParams,
        response: { 200: AccountOut, 404: ErrorOut },
      },
    },
    async (req) => service.setArchived(ctxOf(req), req.params.id, false),
  );
};
