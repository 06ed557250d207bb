import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams, IsoDateSchema, LimitSchema, pageOf } from '../core/schemas.js';
import { ctxOf } from '../server/context.js';
import { guard } from '../server/auth.js';
import { MAX_SERIES_DAYS } from './measures.js';
import { listProductUsers, usageSeries, usageSummary } from './summary.js';
import {
  getUsageSettings,
  putUsageSettings,
  UsageSettingsBody,
  UsageSettingsOut,
} from './settings.js';

const Ratio = z.number().nullable();
const Range = z.object({ from: z.string(), to: z.string() });
const TrendOut = z.object({
  current: z.number(),
  previous: z.number(),
  ratio: Ratio.describe('current ÷ previous; null when previous is 0'),
  changePct: Ratio.describe('percent change; null when previous is 0'),
});
const TrendPair = z.object({ events: TrendOut, activeUsers: TrendOut });

const SummaryOut = z
  .object({
    accountId: z.string(),
    asOf: z.string(),
    windows: z.object({
      day: Range,
      week: Range,
      prevWeek: Range,
      month: Range,
      prevMonth: Range,
    }),
    dau: z.number().int(),
    wau: z.number().int(),
    mau: z.number().int(),
    avgDau: z.number(),
    stickiness: Ratio.describe('average DAU over 30 days ÷ MAU'),
    loginFrequency: Ratio.describe('average active days per active user over 30 days'),
    events30: z.number().int(),
    sessionSeconds30: z.number().int(),
    lastSeenAt: z.string().nullable(),
    seats: z.number().int().nullable(),
    seatUtilisation: Ratio.describe('MAU ÷ licensed seats on live subscriptions'),
    featuresUsed: z.number().int(),
    featuresConfigured: z.number().int(),
    featureBreadth: Ratio.describe('features used in 30 days ÷ features configured'),
    trends: z.object({ weekOverWeek: TrendPair, monthOverMonth: TrendPair }),
    features: z.array(
      z.object({
        feature: z.string(),
        users: z.number().int(),
        events: z.number().int(),
        lastUsedOn: z.string(),
      }),
    ),
    unusedFeatures: z.array(z.string()),
    topUsers: z.array(
      z.object({
        userKey: z.string(),
        email: z.string().nullable(),
        name: z.string().nullable(),
        events: z.number().int(),
        activeDays: z.number().int(),
        lastSeenAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'UsageSummary' });

const SeriesOut = z
  .object({
    from: z.string(),
    to: z.string(),
    days: z.array(
      z.object({
        day: z.string(),
        events: z.number().int(),
        activeUsers: z.number().int(),
        sessionSeconds: z.number().int(),
        topEvents: z.array(
          z.object({
            event: z.string(),
            feature: z.string().nullable(),
            events: z.number().int(),
            users: z.number().int(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'UsageSeries' });

const ProductUserOut = z
  .object({
    userKey: z.string().describe('Segment userId, or anon:<anonymousId>'),
    userId: z.string().nullable(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    traits: z.record(z.string(), z.unknown()),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    events: z.number().int(),
  })
  .meta({ id: 'ProductUser' });

const SeriesQuery = z
  .object({
    from: IsoDateSchema.optional().describe('first day (default: 29 days before to)'),
    to: IsoDateSchema.optional().describe('last day, inclusive (default: today, UTC)'),
    top: z.coerce.number().int().min(0).max(20).default(5).describe('top events per day'),
  })
  .strict();
const SummaryQuery = z
  .object({
    asOf: IsoDateSchema.optional().describe('the day measured (default: today, UTC)'),
    topUsers: z.coerce.number().int().min(0).max(100).default(10),
  })
  .strict();
const UsersQuery = z
  .object({ limit: LimitSchema, cursor: z.string().max(512).optional() })
  .strict();

const errors = { 400: ErrorOut, 404: ErrorOut };

export const usageReadRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['usage'];
  app.get(
    '/api/v1/accounts/:id/usage',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "An account's daily usage series",
        description: `Per day: events, active users, time in app and the most frequent events. At most ${MAX_SERIES_DAYS} days.`,
        params: IdParams,
        querystring: SeriesQuery,
        response: { 200: SeriesOut, ...errors },
      },
    },
    async (req) => usageSeries(ctxOf(req), req.params.id, req.query),
  );
  app.get(
    '/api/v1/accounts/:id/usage/summary',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "An account's usage measures as of a day",
        description:
          'DAU/WAU/MAU (exact distinct users), stickiness, login frequency, seat utilisation, feature breadth, trends and top users. See docs/usage.md.',
        params: IdParams,
        querystring: SummaryQuery,
        response: { 200: SummaryOut, ...errors },
      },
    },
    async (req) => usageSummary(ctxOf(req), req.params.id, req.query),
  );
  app.get(
    '/api/v1/accounts/:id/users',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "The account's product users, most recently seen first",
        params: IdParams,
        querystring: UsersQuery,
        response: { 200: pageOf(ProductUserOut), ...errors },
      },
    },
    async (req) => listProductUsers(ctxOf(req), req.params.id, req.query),
  );
  app.get(
    '/api/v1/settings/usage',
    {
      config: guard('read', 'setting'),
      schema: {
        tags,
        summary: 'The event → feature mapping and raw-event retention',
        response: { 200: UsageSettingsOut },
      },
    },
    async (req) => getUsageSettings(ctxOf(req)),
  );
  app.put(
    '/api/v1/settings/usage',
    {
      config: guard('write', 'setting'),
      schema: {
        tags,
        summary: 'Change the event → feature mapping or raw-event retention',
        description: 'The mapping is replaced as a whole; a field left out keeps its value.',
        body: UsageSettingsBody,
        response: { 200: UsageSettingsOut, 400: ErrorOut },
      },
    },
    async (req) => putUsageSettings(ctxOf(req), req.body),
  );
};
