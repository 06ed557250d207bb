import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { CsvOut } from '../accounts/export/schemas.js';
import { guard } from '../server/auth.js';
import { ctxOf } from '../server/context.js';
import { sendCsv } from '../server/csv.js';
import { plainJson } from '../server/plain-json.js';
import { quoteFileName } from './document.js';
import { renderQuoteHtml } from './document-html.js';
import { renderQuotePdf } from './document-pdf.js';
import {
  createOpportunity,
  expansionCandidates,
  listOpportunities,
  moveOpportunity,
} from './expansion.js';
import { listOutcomes, recordOutcome } from './outcomes.js';
import {
  createQuote,
  decideQuote,
  getQuote,
  listQuotes,
  previewQuote,
  quoteDocument,
  updateQuote,
} from './quotes.js';
import * as s from './schemas.js';
import { forecast, overrideBucket, pipeline, pipelineCsv, pipelineSummary } from './service.js';
import {
  RenewalSettingsPatch,
  RenewalSettingsSchema,
  getRenewalSettings,
  putRenewalSettings,
} from './settings.js';
import { refreshSignals } from './signals.js';

const tags = ['renewals'];

/** Binary bodies bypass the JSON serializer; the route's schema documents them. */
function sendPdf(reply: FastifyReply, fileName: string, pdf: Buffer) {
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(pdf);
}
const errors = { 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut };

export const renewalRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/renewals',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'The renewal pipeline: live subscriptions by renewal date, with window and bucket',
        description:
          'Overdue renewals and the next 120 days by default; `window` picks one window.',
        querystring: s.PipelineQuery,
        response: { 200: s.PipelineOut, 400: ErrorOut },
      },
      // Up to 500 rows a page, each built field by field: no zod pass over them on the way out.
      ...plainJson,
    },
    async (req) => pipeline(ctxOf(req), req.query),
  );
  app.get(
    '/api/v1/renewals/summary',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Renewals and ARR per window, bucket and currency (the board’s headings)',
        querystring: s.PipelineQuery.omit({ limit: true, cursor: true, bucket: true }),
        response: { 200: s.SummaryOut, 400: ErrorOut },
      },
    },
    async (req) => pipelineSummary(ctxOf(req), req.query),
  );
  app.get(
    '/api/v1/renewals/export.csv',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'The pipeline as CSV (same filters)',
        querystring: s.PipelineCsvQuery,
        produces: ['text/csv'],
        response: { 200: CsvOut, 400: ErrorOut },
      },
    },
    async (req, reply) => sendCsv(reply, 'renewals', pipelineCsv(ctxOf(req), req.query)),
  );
  app.get(
    '/api/v1/renewals/forecast',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary:
          'Forecast for a quarter: ARR up, expected (ARR × bucket probability), at risk, best and worst case',
        querystring: s.ForecastQuery,
        response: { 200: s.ForecastOut, 400: ErrorOut },
      },
    },
    async (req) => forecast(ctxOf(req), req.query),
  );
  app.put(
    '/api/v1/renewals/:subscriptionId/override',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary:
          'Override a renewal’s bucket with a reason (kept on the timeline); bucket null clears it',
        params: s.SubscriptionParams,
        body: s.OverrideBody,
        response: { 200: s.OverrideOut, ...errors },
      },
    },
    async (req) => overrideBucket(ctxOf(req), req.params.subscriptionId, req.body),
  );
  app.post(
    '/api/v1/renewals/:subscriptionId/outcome',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary:
          'Record how a renewal ended: renewed (at what ARR), downgraded, or churned (with a reason)',
        params: s.SubscriptionParams,
        body: s.OutcomeBody,
        response: { 201: s.OutcomeOut, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await recordOutcome(ctxOf(req), req.params.subscriptionId, req.body)),
  );
  app.get(
    '/api/v1/renewals/outcomes',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Recorded renewal outcomes, latest renewal date first',
        querystring: s.OutcomeListQuery,
        response: { 200: z.object({ items: z.array(s.OutcomeOut) }), 400: ErrorOut },
      },
    },
    async (req) => ({ items: await listOutcomes(ctxOf(req), req.query) }),
  );
  app.post(
    '/api/v1/renewals/refresh',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Work out buckets and expansion signals now (a job does it every 5 minutes)',
        response: { 200: z.object({ accounts: z.number().int() }), ...errors },
      },
    },
    async (req) => refreshSignals(ctxOf(req)),
  );
  app.get(
    '/api/v1/renewals/settings',
    {
      config: guard('read', 'setting'),
      schema: {
        tags,
        summary: 'Renewal settings',
        response: { 200: RenewalSettingsSchema, 403: ErrorOut },
      },
    },
    async (req) => getRenewalSettings(ctxOf(req)),
  );
  app.patch(
    '/api/v1/renewals/settings',
    {
      config: guard('write', 'setting'),
      schema: {
        tags,
        summary:
          'Change renewal settings: probabilities, bucket rules, reminder windows, quotes, expansion events',
        body: RenewalSettingsPatch,
        response: { 200: RenewalSettingsSchema, ...errors },
      },
    },
    async (req) => putRenewalSettings(ctxOf(req), req.body),
  );
  await app.register(quoteRoutes);
  await app.register(expansionRoutes);
};

const quoteTags = ['quotes'];

const quoteRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/v1/quotes/preview',
    {
      config: guard('read', 'account'),
      schema: {
        tags: quoteTags,
        summary: 'Price a renewal quote without saving it',
        description: s.QuoteLimitsNote,
        body: s.QuoteCreateBody,
        response: { 200: s.QuotePreviewOut, ...errors },
      },
    },
    async (req) => previewQuote(ctxOf(req), req.body),
  );
  app.post(
    '/api/v1/quotes',
    {
      config: guard('write', 'account'),
      schema: {
        tags: quoteTags,
        summary: 'Draft a renewal quote from a subscription: uplift, seats, term, discount, notes',
        description: s.QuoteLimitsNote,
        body: s.QuoteCreateBody,
        response: { 201: s.QuoteOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createQuote(ctxOf(req), req.body)),
  );
  app.get(
    '/api/v1/quotes',
    {
      config: guard('read', 'account'),
      schema: {
        tags: quoteTags,
        summary: 'Quotes, newest first',
        querystring: s.QuoteListQuery,
        response: { 200: z.object({ items: z.array(s.QuoteOut) }), 400: ErrorOut },
      },
    },
    async (req) => ({ items: await listQuotes(ctxOf(req), req.query) }),
  );
  app.get(
    '/api/v1/quotes/:id',
    {
      config: guard('read', 'account'),
      schema: {
        tags: quoteTags,
        summary: 'One quote with its history',
        params: IdParams,
        response: { 200: s.QuoteDetailOut, 404: ErrorOut },
      },
    },
    async (req) => getQuote(ctxOf(req), req.params.id),
  );
  app.patch(
    '/api/v1/quotes/:id',
    {
      config: guard('write', 'account'),
      schema: {
        tags: quoteTags,
        summary: 'Change a draft quote',
        params: IdParams,
        body: s.QuotePatchBody,
        response: { 200: s.QuoteOut, ...errors },
      },
    },
    async (req) => updateQuote(ctxOf(req), req.params.id, req.body),
  );
  for (const action of ['send', 'sign', 'lose'] as const) {
    app.post(
      `/api/v1/quotes/:id/${action}`,
      {
        config: guard('write', 'account'),
        schema: {
          tags: quoteTags,
          summary:
            action === 'send'
              ? 'Mark a draft quote sent'
              : action === 'sign'
                ? 'Sign a sent quote: the subscription renews on its terms and the revenue movement is written'
                : 'Mark a quote lost, with a reason',
          params: IdParams,
          body: s.QuoteDecisionBody,
          response: { 200: s.QuoteOut, ...errors },
        },
      },
      async (req) => decideQuote(ctxOf(req), req.params.id, action, req.body),
    );
  }
  app.get(
    '/api/v1/quotes/:id/document.html',
    {
      config: guard('read', 'account'),
      schema: {
        tags: quoteTags,
        summary: 'The quote as an HTML order form',
        params: IdParams,
        produces: ['text/html'],
        response: { 200: z.string(), 404: ErrorOut },
      },
    },
    async (req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(renderQuoteHtml(await quoteDocument(ctxOf(req), req.params.id))),
  );
  app.get(
    '/api/v1/quotes/:id/document.pdf',
    {
      config: guard('read', 'account'),
      schema: {
        tags: quoteTags,
        summary: 'The quote as a PDF order form',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: z.string().describe('PDF'), 404: ErrorOut },
      },
    },
    async (req, reply) => {
      const doc = await quoteDocument(ctxOf(req), req.params.id);
      return sendPdf(reply, quoteFileName(doc), await renderQuotePdf(doc));
    },
  );
};

const expansionTags = ['expansion'];

const expansionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/expansion/candidates',
    {
      config: guard('read', 'account'),
      schema: {
        tags: expansionTags,
        summary: 'Expansion candidates: accounts by expansion score, with signals and readiness',
        querystring: s.CandidatesQuery,
        response: { 200: s.CandidatesOut, 400: ErrorOut },
      },
    },
    async (req) => expansionCandidates(ctxOf(req), req.query),
  );
  app.get(
    '/api/v1/expansion/opportunities',
    {
      config: guard('read', 'account'),
      schema: {
        tags: expansionTags,
        summary: 'The expansion pipeline',
        querystring: s.OpportunityListQuery,
        response: { 200: z.object({ items: z.array(s.OpportunityOut) }), 400: ErrorOut },
      },
    },
    async (req) => ({ items: await listOpportunities(ctxOf(req), req.query) }),
  );
  app.post(
    '/api/v1/expansion/opportunities',
    {
      config: guard('write', 'account'),
      schema: {
        tags: expansionTags,
        summary: 'Open an expansion opportunity (identified)',
        body: s.OpportunityCreateBody,
        response: { 201: s.OpportunityOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createOpportunity(ctxOf(req), req.body)),
  );
  app.patch(
    '/api/v1/expansion/opportunities/:id',
    {
      config: guard('write', 'account'),
      schema: {
        tags: expansionTags,
        summary:
          'Move an opportunity (identified → qualified → proposed → won / lost); won books the revenue',
        params: IdParams,
        body: s.OpportunityPatchBody,
        response: { 200: s.OpportunityOut, ...errors },
      },
    },
    async (req) => moveOpportunity(ctxOf(req), req.params.id, req.body),
  );
};
