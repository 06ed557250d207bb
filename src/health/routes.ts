import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toIsoDate } from '../core/clock.js';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { getAccount } from '../accounts/account/service.js';
import { ctxOf } from '../server/context.js';
import { guard } from '../server/auth.js';
import { HealthModelSchema } from './model/definition.js';
import { modelFromText, modelToText } from './model/file.js';
import { listManualMeasures, recordManualMeasure } from './measures/manual.js';
import { ManualMeasureList, ManualMeasureOut } from './measures/schemas.js';
import * as models from './models/service.js';
import { previewModel } from './models/preview.js';
import * as scoring from './scoring/service.js';
import { backtestRoutes } from './backtest/routes.js';
import {
  AccountHealthOut,
  AccountManualMeasureBody,
  HealthDayQuery,
  HealthDriversOut,
  HealthRangeQuery,
  HealthTrendOut,
  ScoreRunBody,
  ScoreRunOut,
  driversView,
  healthView,
  resolveDay,
  resolveRange,
  scoreRange,
  scoreRunView,
  trendView,
} from './schemas.js';
import {
  measureList,
  MeasureListOut,
  ModelExportQuery,
  ModelImportBody,
  ModelImportQuery,
  ModelKeyParams,
  ModelListOut,
  ModelPreviewOut,
  ModelSaveBody,
  ModelVersionListOut,
  ModelVersionOut,
  ModelVersionParams,
  modelView,
} from './models/schemas.js';

const tags = ['health'];
const errors = { 400: ErrorOut, 404: ErrorOut, 409: ErrorOut };
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
/** Trend: the 90 days ending on `to`; drivers: from 30 days before `to`. */
const TREND_BACK = 89;
const DRIVERS_BACK = 30;

const today = (now: Date) => toIsoDate(now);

/** Health (C1–C2): measures, versioned models, scoring runs and each account's score. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(backtestRoutes);
  // Encapsulated in this plugin: model files may be posted as YAML (text/plain is built in).
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.get(
    '/api/v1/health/measures',
    {
      config: guard('read', 'health_model'),
      schema: {
        tags,
        summary: 'The measures a health model may score, with labels, units and direction',
        response: { 200: MeasureListOut },
      },
    },
    async () => measureList(),
  );

  app.get(
    '/api/v1/health/models',
    {
      config: guard('read', 'health_model'),
      schema: {
        tags,
        summary: 'The latest version of every health model, with whether it is active',
        response: { 200: ModelListOut },
      },
    },
    async (req) => ({ items: (await models.listModels(ctxOf(req))).map(modelView) }),
  );

  app.get(
    '/api/v1/health/models/:key',
    {
      config: guard('read', 'health_model'),
      schema: {
        tags,
        summary: 'Every version of a health model, newest first',
        params: ModelKeyParams,
        response: { 200: ModelVersionListOut, 404: ErrorOut },
      },
    },
    async (req) => ({
      key: req.params.key,
      items: (await models.modelVersions(ctxOf(req), req.params.key)).map(modelView),
    }),
  );

  app.get(
    '/api/v1/health/models/:key/versions/:version',
    {
      config: guard('read', 'health_model'),
      schema: {
        tags,
        summary: 'One version of a health model',
        params: ModelVersionParams,
        response: { 200: ModelVersionOut, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req) =>
      modelView(await models.getModelVersion(ctxOf(req), req.params.key, req.params.version)),
  );

  app.get(
    '/api/v1/health/models/:key/export',
    {
      config: guard('read', 'health_model'),
      schema: {
        tags,
        summary: 'Download a health model as a YAML or JSON file',
        description:
          'The file reads back through POST /api/v1/health/models/import; keep it in version control.',
        params: ModelKeyParams,
        querystring: ModelExportQuery,
        produces: ['application/yaml', 'application/json'],
        response: {
          200: {
            description: 'the model file, as an attachment named <key>-v<version>.<format>',
            content: {
              'application/yaml': { schema: z.string() },
              'application/json': { schema: HealthModelSchema },
            },
          },
          400: ErrorOut,
          404: ErrorOut,
        },
      },
    },
    async (req, reply) => {
      const { format, version } = req.query;
      const m = await models.getModelVersion(ctxOf(req), req.params.key, version);
      const type = format === 'json' ? 'application/json' : 'application/yaml';
      return reply
        .type(`${type}; charset=utf-8`)
        .header('content-disposition', `attachment; filename="${m.key}-v${m.version}.${format}"`)
        .send(modelToText(m.def, format));
    },
  );

  app.post(
    '/api/v1/health/models',
    {
      config: guard('write', 'health_model'),
      schema: {
        tags,
        summary: 'Save a health model: a changed definition becomes the next version of its key',
        description:
          'Answers 201 with the new version, or 200 with the current one when the definition is unchanged. ' +
          'A saved active model queues every account for rescoring.',
        body: ModelSaveBody,
        response: { 200: ModelVersionOut, 201: ModelVersionOut, ...errors },
      },
    },
    async (req, reply) => {
      const { definition, note, activate } = req.body;
      const saved = await models.saveModel(ctxOf(req), definition, { note, activate });
      return reply.status(saved.created ? 201 : 200).send(modelView(saved.model));
    },
  );

  app.post(
    '/api/v1/health/models/preview',
    {
      // Reads only: the draft is checked and scored in memory, nothing is saved.
      config: guard('read', 'health_model'),
      schema: {
        tags,
        summary: 'Check a draft health model and count the accounts whose tier it would change',
        description:
          'Takes what POST /api/v1/health/models takes. Answers { valid: false, problems } with every ' +
          "problem at its path, or the tier changes from rescoring each live account's latest " +
          'snapshot values with the models that would be active after the save. Nothing is saved.',
        body: ModelSaveBody,
        response: { 200: ModelPreviewOut, 400: ErrorOut },
      },
    },
    async (req) => previewModel(ctxOf(req), req.body.definition, { activate: req.body.activate }),
  );

  app.post(
    '/api/v1/health/models/import',
    {
      config: guard('write', 'health_model'),
      schema: {
        tags,
        summary: 'Save a health model from a YAML or JSON model file',
        description:
          'Send the file as the body (text/plain or application/yaml; note, activate and format in the query), ' +
          'or JSON { text, format?, note?, activate? }. Problems name the field and, where the file shows it, the line. ' +
          'Answers as POST /api/v1/health/models does.',
        querystring: ModelImportQuery,
        body: ModelImportBody,
        consumes: ['text/plain', 'application/yaml', 'application/json'],
        response: { 200: ModelVersionOut, 201: ModelVersionOut, ...errors, 415: ErrorOut },
      },
    },
    async (req, reply) => {
      const body = typeof req.body === 'string' ? { text: req.body } : req.body;
      const yamlBody = YAML_TYPES.some((t) => req.headers['content-type']?.startsWith(t));
      const o = { ...req.query, ...(yamlBody ? { format: 'yaml' as const } : {}), ...body };
      const ctx = ctxOf(req);
      const saved = await models.saveModel(ctx, modelFromText(o.text, o.format), {
        note: o.note,
        activate: o.activate,
      });
      return reply.status(saved.created ? 201 : 200).send(modelView(saved.model));
    },
  );

  for (const [verb, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    app.post(
      `/api/v1/health/models/:key/${verb}`,
      {
        config: guard('write', 'health_model'),
        schema: {
          tags,
          summary: active
            ? 'Switch a health model on: it scores the accounts it applies to'
            : 'Switch a health model off (409 when it is the only model for every account)',
          description: 'Every account is queued for rescoring.',
          params: ModelKeyParams,
          response: { 200: ModelVersionOut, ...errors },
        },
      },
      async (req) => modelView(await models.setModelActive(ctxOf(req), req.params.key, active)),
    );
  }

  app.post(
    '/api/v1/health/score',
    {
      config: guard('write', 'health_model'),
      schema: {
        tags,
        summary: 'Score every live account on a day, or on each day of a range (a backfill)',
        description:
          'Measures use only records dated by the end of each day. Defaults to today; a range covers at most 366 days.',
        body: ScoreRunBody,
        response: { 200: ScoreRunOut, ...errors },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const range = scoreRange(req.body, today(ctx.now()), 'body.');
      const { days } = await scoring.scoreDays(ctx, range.from, range.to);
      return scoreRunView(range, days);
    },
  );

  app.get(
    '/api/v1/accounts/:id/health',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "An account's health on a day: composite, tier, coverage, dimensions and measures",
        description: 'Scored on the spot when the day has no snapshot yet.',
        params: IdParams,
        querystring: HealthDayQuery,
        response: { 200: AccountHealthOut, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const day = resolveDay(req.query.day, today(ctx.now()), 'querystring.day');
      return healthView(await scoring.healthOn(ctx, req.params.id, day), day);
    },
  );

  app.get(
    '/api/v1/accounts/:id/health/trend',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "An account's daily health scores, with where the model version changed",
        description: 'Defaults to the 90 days ending today; at most 366 days.',
        params: IdParams,
        querystring: HealthRangeQuery,
        response: { 200: HealthTrendOut, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const range = resolveRange(req.query, today(ctx.now()), TREND_BACK, 'querystring.');
      const t = await scoring.healthTrend(ctx, req.params.id, range.from, range.to);
      return trendView(req.params.id, range, t);
    },
  );

  app.get(
    '/api/v1/accounts/:id/health/drivers',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "Why an account's health moved between two days",
        description:
          'Contributions per measure (and one for a model change) that add up to the change exactly, largest first. ' +
          'Defaults to 30 days ago → today.',
        params: IdParams,
        querystring: HealthRangeQuery,
        response: { 200: HealthDriversOut, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const range = resolveRange(req.query, today(ctx.now()), DRIVERS_BACK, 'querystring.');
      const e = await scoring.explainHealth(ctx, req.params.id, range.from, range.to);
      return driversView(req.params.id, range, e);
    },
  );

  app.get(
    '/api/v1/accounts/:id/health/manual-measures',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "An account's manual measures (CSM sentiment, executive engagement), newest first",
        params: IdParams,
        response: { 200: ManualMeasureList, 404: ErrorOut },
      },
    },
    async (req) => ({ items: await listManualMeasures(ctxOf(req), req.params.id) }),
  );

  app.post(
    '/api/v1/accounts/:id/health/manual-measures',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: "Record a CSM's value for a manual measure",
        description:
          'Counted until staleAfter (default 90 days from today); the account is queued for rescoring.',
        params: IdParams,
        body: AccountManualMeasureBody,
        response: { 201: ManualMeasureOut, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      // The account is in the URL: an unknown one is a 404 here, not a bad body field.
      await getAccount(ctx, req.params.id);
      const input = { ...req.body, accountId: req.params.id };
      return reply.status(201).send(await recordManualMeasure(ctx, input));
    },
  );
};
