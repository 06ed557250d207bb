import { z } from 'zod';
import { IsoInstantSchema, LimitSchema, QueryBool, pageOf } from '../core/schemas.js';
import { NPS_CATEGORIES, SURVEY_KINDS, TICKET_PRIORITIES, TICKET_STATUSES } from './model.js';

export const TicketPrioritySchema = z.enum(TICKET_PRIORITIES);
export const TicketStatusSchema = z.enum(TICKET_STATUSES);
export const SurveyKindSchema = z.enum(SURVEY_KINDS);

const Instant = IsoInstantSchema.describe('ISO 8601 instant; stored in UTC');

export const TicketOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    externalId: z.string().nullable(),
    subject: z.string(),
    priority: TicketPrioritySchema,
    status: TicketStatusSchema,
    openedAt: z.string(),
    firstResponseAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    firstResponseHours: z.number().nullable(),
    resolutionHours: z.number().nullable(),
    csat: z.number().int().nullable(),
    escalated: z.boolean(),
    contactId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Ticket' });

const ticketFields = {
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .nullish()
    .describe('the ticket id in the help desk'),
  subject: z.string().trim().min(1).max(500),
  priority: TicketPrioritySchema,
  status: TicketStatusSchema,
  openedAt: Instant,
  firstResponseAt: Instant.nullish(),
  resolvedAt: Instant.nullish().describe(
    'only for solved or closed tickets; moving to solved or closed sets it to now unless given',
  ),
  csat: z.number().int().min(1).max(5).nullish(),
  escalated: z.boolean(),
  contactId: z.string().min(1).max(64).nullish().describe('a contact of the same account'),
};

export const TicketCreate = z
  .object({
    accountId: z.string().min(1).max(64),
    ...ticketFields,
    priority: ticketFields.priority.optional().describe('defaults to normal'),
    status: ticketFields.status.optional().describe('defaults to open'),
    openedAt: ticketFields.openedAt.optional().describe('defaults to now'),
    escalated: ticketFields.escalated.optional(),
  })
  .strict()
  .meta({ id: 'TicketCreate' });
export type TicketCreateInput = z.infer<typeof TicketCreate>;

export const TicketPatch = z
  .object({
    ...ticketFields,
    subject: ticketFields.subject.optional(),
    priority: ticketFields.priority.optional(),
    status: ticketFields.status.optional(),
    openedAt: ticketFields.openedAt.optional(),
    escalated: ticketFields.escalated.optional(),
  })
  .strict()
  .meta({ id: 'TicketPatch' });
export type TicketPatchInput = z.infer<typeof TicketPatch>;

export const TICKET_SORTS = ['openedAt', '-openedAt'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export const TicketListQuery = z
  .object({
    limit: LimitSchema,
    cursor: z.string().optional(),
    sort: z.enum(TICKET_SORTS).default('-openedAt'),
    accountId: z.string().optional(),
    status: TicketStatusSchema.optional(),
    priority: TicketPrioritySchema.optional(),
    escalated: QueryBool.optional(),
    openedAfter: Instant.optional().describe('opened at or after this instant'),
    openedBefore: Instant.optional().describe('opened before this instant'),
  })
  .strict();
export type TicketListInput = Omit<z.infer<typeof TicketListQuery>, 'sort'> & {
  sort?: TicketSort;
};
export const TicketPage = pageOf(TicketOut).meta({ id: 'TicketPage' });

export const SurveyResponseOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    contactId: z.string().nullable(),
    externalId: z.string().nullable(),
    kind: SurveyKindSchema,
    score: z.number().int(),
    category: z.enum(NPS_CATEGORIES).nullable().describe('NPS only: 9–10, 7–8, 0–6'),
    comment: z.string().nullable(),
    respondedAt: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'SurveyResponse' });

export const SurveyResponseCreate = z
  .object({
    accountId: z.string().min(1).max(64),
    kind: SurveyKindSchema,
    score: z.number().int().describe('NPS 0–10, CSAT 1–5'),
    comment: z.string().trim().max(10_000).nullish(),
    respondedAt: Instant.optional().describe('defaults to now'),
    contactId: z.string().min(1).max(64).nullish().describe('a contact of the same account'),
    externalId: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .nullish()
      .describe('the response id in the survey tool'),
  })
  .strict()
  .meta({ id: 'SurveyResponseCreate' });
export type SurveyResponseCreateInput = z.infer<typeof SurveyResponseCreate>;

export const SurveyListQuery = z
  .object({
    limit: LimitSchema,
    cursor: z.string().optional(),
    accountId: z.string().optional(),
    kind: SurveyKindSchema.optional(),
    contactId: z.string().optional(),
    after: Instant.optional().describe('responded at or after this instant'),
    before: Instant.optional().describe('responded before this instant'),
  })
  .strict();
export type SurveyListInput = z.infer<typeof SurveyListQuery>;
export const SurveyResponsePage = pageOf(SurveyResponseOut).meta({ id: 'SurveyResponsePage' });

export const SupportSummaryQuery = z
  .object({
    asOf: Instant.optional().describe('the end of every window; defaults to now'),
  })
  .strict();

const NpsOut = z
  .object({
    score: z
      .number()
      .int()
      .nullable()
      .describe('% promoters − % detractors; null without responses'),
    responses: z.number().int(),
    promoters: z.number().int(),
    passives: z.number().int(),
    detractors: z.number().int(),
  })
  .meta({ id: 'Nps' });

export const SupportSummaryOut = z
  .object({
    accountId: z.string(),
    asOf: z.string(),
    tickets: z.object({
      open: z.number().int().describe('open or pending at asOf'),
      urgentOpen: z.number().int(),
      escalatedOpen: z.number().int(),
      openedLast30Days: z.number().int(),
      openedPrior30Days: z.number().int().describe('opened in the 30 days before those'),
      openedChange: z.number().int().describe('openedLast30Days − openedPrior30Days'),
      resolvedLast90Days: z.number().int(),
      medianFirstResponseHours: z
        .number()
        .nullable()
        .describe('over tickets resolved in the last 90 days that have a first response'),
      medianResolutionHours: z
        .number()
        .nullable()
        .describe('over tickets resolved in the last 90 days'),
    }),
    csat: z.object({
      average: z
        .number()
        .nullable()
        .describe('ticket ratings (resolved in 90 days) and CSAT responses (90 days), 1–5'),
      ratings: z.number().int(),
      fromTickets: z.number().int(),
      fromSurveys: z.number().int(),
    }),
    nps: z.object({
      latest: z
        .object({
          responseId: z.string(),
          score: z.number().int(),
          category: z.enum(NPS_CATEGORIES),
          respondedAt: z.string(),
          contactId: z.string().nullable(),
          contactName: z.string().nullable(),
        })
        .nullable(),
      last90Days: NpsOut,
      prior90Days: NpsOut,
      trend: z.number().int().nullable().describe('last90Days.score − prior90Days.score'),
    }),
  })
  .meta({ id: 'SupportSummary' });
