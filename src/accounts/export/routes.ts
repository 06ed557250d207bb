import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut } from '../../core/schemas.js';
import { ctxOf } from '../../server/context.js';
import { sendCsv } from '../../server/csv.js';
import { guard } from '../../server/auth.js';
import {
  AccountExportQuery,
  ContactExportQuery,
  CsvOut,
  SubscriptionExportQuery,
} from './schemas.js';
import * as service from './service.js';

const produces = ['text/csv'];

/** CSV downloads of accounts, contacts and subscriptions, streamed. */
export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/accounts/export.csv',
    {
      config: guard('read', 'account'),
      schema: {
        tags: ['accounts'],
        summary: 'Export accounts as CSV',
        description:
          'Same filters as the account list. Re-importing the file (POST /api/v1/imports?kind=accounts) maps every column back.',
        querystring: AccountExportQuery,
        produces,
        response: { 200: CsvOut, 400: ErrorOut },
      },
    },
    async (req, reply) =>
      sendCsv(reply, 'accounts', await service.exportAccounts(ctxOf(req), req.query)),
  );
  app.get(
    '/api/v1/contacts/export.csv',
    {
      config: guard('read', 'account'),
      schema: {
        tags: ['contacts'],
        summary: 'Export contacts as CSV',
        querystring: ContactExportQuery,
        produces,
        response: { 200: CsvOut, 400: ErrorOut },
      },
    },
    async (req, reply) =>
      sendCsv(reply, 'contacts', await service.exportContacts(ctxOf(req), req.query)),
  );
  app.get(
    '/api/v1/subscriptions/export.csv',
    {
      config: guard('read', 'account'),
      schema: {
        tags: ['subscriptions'],
        summary: 'Export subscriptions as CSV',
        querystring: SubscriptionExportQuery,
        produces,
        response: { 200: CsvOut, 400: ErrorOut },
      },
    },
    async (req, reply) =>
      sendCsv(reply, 'subscriptions', await service.exportSubscriptions(ctxOf(req), req.query)),
  );
};
