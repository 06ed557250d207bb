import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IsoInstantSchema, LimitSchema, pageOf } from '../core/schemas.js';
import { ctxOf } from '../server/context.js';
import { sendCsv } from '../server/csv.js';
import { guard } from '../server/auth.js';
import { exportAuditCsv, listAudit } from './service.js';
import { CsvOut } from '../accounts/export/schemas.js';

const AuditEntryOut = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ kind: z.string(), id: z.string(), name: z.string() }),
    entity: z.string(),
    entityId: z.string(),
    action: z.string(),
    changes: z
      .record(z.string(), z.tuple([z.unknown(), z.unknown()]))
      .describe('changed fields: [before, after]; secrets show as [redacted]'),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

const Filters = {
  entity: z
    .string()
    .max(64)
    .optional()
    .describe('account, contact, subscription, user, api_key, session, import…'),
  entityId: z.string().max(320).optional(),
  actor: z
    .string()
    .max(320)
    .optional()
    .describe('user id or email, operator, system, or an API key id'),
  action: z.string().max(64).optional(),
  requestId: z.string().max(64).optional(),
  from: IsoInstantSchema.optional(),
  to: IsoInstantSchema.optional(),
};

const AuditQuery = z
  .object({ ...Filters, limit: LimitSchema, cursor: z.string().max(500).optional() })
  .strict();

/** The audit log: append-only, admins only. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['audit'];
  app.get(
    '/api/v1/audit',
    {
      config: guard('read', 'audit'),
      schema: {
        tags,
        summary: 'The audit log, newest first',
        description:
          'Every write: who, what (entity, id, action, fields before → after), when, request id and IP.',
        querystring: AuditQuery,
        response: { 200: pageOf(AuditEntryOut), 400: ErrorOut },
      },
    },
    async (req) => listAudit(ctxOf(req), req.query),
  );
  app.get(
    '/api/v1/audit/export.csv',
    {
      config: guard('read', 'audit'),
      schema: {
        tags,
        summary: 'The audit log as CSV (same filters)',
        querystring: z.object(Filters).strict(),
        produces: ['text/csv'],
        response: { 200: CsvOut, 400: ErrorOut },
      },
    },
    async (req, reply) => sendCsv(reply, 'audit', await exportAuditCsv(ctxOf(req), req.query)),
  );
};
