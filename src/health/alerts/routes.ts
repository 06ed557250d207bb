import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toIsoDate } from '../../core/clock.js';
import { ErrorOut, IdParams } from '../../core/schemas.js';
import { ctxOf } from '../../server/context.js';
import { guard } from '../../server/auth.js';
import {
  AccountAlertListQuery,
  AlertListQuery,
  AlertOut,
  AlertPage,
  EvaluateBody,
  EvaluateOut,
  ResolveBody,
  SnoozeBody,
} from './schemas.js';
import {
  AlertSettingsBody,
  AlertSettingsOut,
  getAlertSettings,
  putAlertSettings,
} from './settings.js';
import * as alerts from './service.js';

const tags = ['health'];
const errors = { 400: ErrorOut, 404: ErrorOut, 409: ErrorOut };

/** Alerts (C3): the inbox, an account's alerts, what a CSM does with one, and evaluation runs. */
export const healthAlertRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/health/alerts',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'The alert inbox: open alerts by default, newest first',
        description:
          'Filter by status (all for every status), kind, severity, owner (me, none, or a user) and account.',
        querystring: AlertListQuery,
        response: { 200: AlertPage, 400: ErrorOut },
      },
    },
    async (req) => alerts.listAlerts(ctxOf(req), req.query),
  );

  app.get(
    '/api/v1/health/alerts/settings',
    {
      config: guard('read', 'setting'),
      schema: {
        tags,
        summary: 'The alert thresholds',
        response: { 200: AlertSettingsOut },
      },
    },
    async (req) => getAlertSettings(ctxOf(req)),
  );

  app.put(
    '/api/v1/health/alerts/settings',
    {
      config: guard('write', 'setting'),
      schema: {
        tags,
        summary: 'Change alert thresholds; the next evaluation uses them',
        body: AlertSettingsBody,
        response: { 200: AlertSettingsOut, 400: ErrorOut },
      },
    },
    async (req) => putAlertSettings(ctxOf(req), req.body),
  );

  app.post(
    '/api/v1/health/alerts/evaluate',
    {
      config: guard('write', 'health_model'),
      schema: {
        tags,
        summary: 'Evaluate the alert rules for a day and raise the alerts that are new',
        description:
          'An alert is raised once per cause: evaluating again, the same day or later, never duplicates one ' +
          'and never reopens a resolved one. Uses the snapshots stored for the day and the days before.',
        // No body at all means the defaults: today, every live account.
        body: EvaluateBody.nullish(),
        response: { 200: EvaluateOut, ...errors },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const body = req.body ?? {};
      return alerts.evaluateAlerts(ctx, body.day ?? toIsoDate(ctx.now()), body.accountIds);
    },
  );

  app.get(
    '/api/v1/health/alerts/:id',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'One alert',
        params: IdParams,
        response: { 200: AlertOut, 404: ErrorOut },
      },
    },
    async (req) => alerts.getAlert(ctxOf(req), req.params.id),
  );

  app.post(
    '/api/v1/health/alerts/:id/acknowledge',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Acknowledge an alert: someone is on it',
        description: '409 when it is already acknowledged or resolved.',
        params: IdParams,
        response: { 200: AlertOut, ...errors },
      },
    },
    async (req) => alerts.acknowledgeAlert(ctxOf(req), req.params.id),
  );

  app.post(
    '/api/v1/health/alerts/:id/snooze',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Snooze an alert until a date or instant; then it is open again',
        params: IdParams,
        body: SnoozeBody,
        response: { 200: AlertOut, ...errors },
      },
    },
    async (req) => alerts.snoozeAlert(ctxOf(req), req.params.id, req.body.until),
  );

  app.post(
    '/api/v1/health/alerts/:id/resolve',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Resolve an alert for good, with an optional note for the timeline',
        params: IdParams,
        body: ResolveBody.nullish(),
        response: { 200: AlertOut, ...errors },
      },
    },
    async (req) => alerts.resolveAlert(ctxOf(req), req.params.id, req.body?.note),
  );

  app.get(
    '/api/v1/accounts/:id/alerts',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "An account's alerts, every status by default, newest first",
        params: IdParams,
        querystring: AccountAlertListQuery,
        response: { 200: AlertPage, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req) => alerts.listAccountAlerts(ctxOf(req), req.params.id, req.query),
  );
};
