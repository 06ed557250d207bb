import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { ctxOf } from '../server/context.js';
import { guard, subjectOf } from '../server/auth.js';
import {
  PortfolioOut,
  PortfolioQuery,
  ViewCreateBody,
  ViewListOut,
  ViewOut,
  ViewPatchBody,
} from './schemas.js';
import { portfolio } from './service.js';
import * as views from './views.js';

const tags = ['portfolio'];
const errors = { 400: ErrorOut, 404: ErrorOut, 409: ErrorOut };

/** The portfolio page's data and its saved views. */
export const portfolioRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/portfolio',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Every live account in a scope, with health, trend, open alerts and last touch',
        description:
          'One array, not paged: the page filters, sorts and groups in the browser. ' +
          'A CSM sees their own accounts unless scope says otherwise.',
        querystring: PortfolioQuery,
        response: { 200: PortfolioOut, 400: ErrorOut },
      },
    },
    async (req) => portfolio(ctxOf(req), req.query, subjectOf(req)),
  );

  app.get(
    '/api/v1/portfolio/views',
    {
      config: guard('read', 'portfolio_view'),
      schema: {
        tags,
        summary: 'Your saved portfolio views and every shared one, by name',
        response: { 200: ViewListOut },
      },
    },
    async (req) => ({ items: await views.listViews(ctxOf(req)) }),
  );

  app.post(
    '/api/v1/portfolio/views',
    {
      config: guard('write', 'portfolio_view'),
      schema: {
        tags,
        summary: 'Save a portfolio view (yours; private unless shared)',
        description: 'Needs a signed-in user other than a viewer: a view belongs to a person.',
        body: ViewCreateBody,
        response: { 201: ViewOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await views.createView(ctxOf(req), req.body)),
  );

  app.patch(
    '/api/v1/portfolio/views/:id',
    {
      config: guard('write', 'portfolio_view'),
      schema: {
        tags,
        summary: 'Rename, share or unshare a view, or replace its query',
        description: 'Your own views; an admin may also change any shared view.',
        params: IdParams,
        body: ViewPatchBody,
        response: { 200: ViewOut, ...errors },
      },
    },
    async (req) => views.updateView(ctxOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/v1/portfolio/views/:id',
    {
      config: guard('write', 'portfolio_view'),
      schema: {
        tags,
        summary: 'Delete a view',
        description: 'Your own views; an admin may also delete any shared view.',
        params: IdParams,
        response: { 204: z.null(), 404: ErrorOut },
      },
    },
    async (req, reply) => {
      await views.deleteView(ctxOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
};
