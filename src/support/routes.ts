import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { ctxOf } from '../server/context.js';
import { guard } from '../server/auth.js';
import * as service from './service.js';
import {
  SupportSummaryOut,
  SupportSummaryQuery,
  SurveyListQuery,
  SurveyResponseCreate,
  SurveyResponseOut,
  SurveyResponsePage,
  TicketCreate,
  TicketListQuery,
  TicketOut,
  TicketPage,
  TicketPatch,
} from './schemas.js';

const errors = { 400: ErrorOut, 404: ErrorOut, 409: ErrorOut };
const tags = ['support'];

/** Support tickets, survey responses (NPS, CSAT) and each account's support summary (B3). */
export const supportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/tickets',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'List support tickets',
        querystring: TicketListQuery,
        response: { 200: TicketPage, 400: ErrorOut },
      },
    },
    async (req) => service.listTickets(ctxOf(req), req.query),
  );
  app.post(
    '/api/v1/tickets',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Record a support ticket on an account',
        description:
          'Writes a ticket_opened timeline entry (and ticket_escalated / ticket_resolved when it arrives so). ' +
          'A solved or closed ticket without resolvedAt is resolved now.',
        body: TicketCreate,
        response: { 201: TicketOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createTicket(ctxOf(req), req.body)),
  );
  app.get(
    '/api/v1/tickets/:id',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Get a support ticket',
        params: IdParams,
        response: { 200: TicketOut, 404: ErrorOut },
      },
    },
    async (req) => service.getTicket(ctxOf(req), req.params.id),
  );
  app.patch(
    '/api/v1/tickets/:id',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Update a support ticket',
        description:
          'Moving to solved or closed sets resolvedAt to now unless given; reopening clears it. ' +
          'Escalating or resolving writes a timeline entry.',
        params: IdParams,
        body: TicketPatch,
        response: { 200: TicketOut, ...errors },
      },
    },
    async (req) => service.updateTicket(ctxOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/v1/surveys',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'List survey responses (NPS, CSAT), newest first',
        querystring: SurveyListQuery,
        response: { 200: SurveyResponsePage, 400: ErrorOut },
      },
    },
    async (req) => service.listSurveyResponses(ctxOf(req), req.query),
  );
  app.post(
    '/api/v1/surveys',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Record a survey response (NPS 0–10, CSAT 1–5)',
        description:
          "Writes a survey_response timeline entry; an NPS response from a contact updates the contact's latest NPS when it is their newest.",
        body: SurveyResponseCreate,
        response: { 201: SurveyResponseOut, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await service.createSurveyResponse(ctxOf(req), req.body)),
  );
  app.get(
    '/api/v1/accounts/:id/support',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "An account's support summary: open tickets, volume, service levels, CSAT, NPS",
        params: IdParams,
        querystring: SupportSummaryQuery,
        response: { 200: SupportSummaryOut, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req) => service.supportSummary(ctxOf(req), req.params.id, req.query.asOf),
  );
};
