import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { stringify } from 'yaml';
import { ErrorOut } from '../core/schemas.js';
import { guard } from '../server/auth.js';
import { ctxOf } from '../server/context.js';
import { RuleKey, type RuleInput } from './model.js';
import {
  evaluateRules,
  getRule,
  listFirings,
  listRules,
  previewRule,
  saveRule,
  setRuleActive,
} from './service.js';

const tags = ['rules'];
const errors = { 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut };
const KeyParams = z.object({ key: RuleKey }).strict();
const Definition = z.record(z.string(), z.unknown());

const RuleOut = z
  .object({
    key: z.string(),
    name: z.string(),
    version: z.number().int(),
    active: z.boolean(),
    activeSince: z.string().nullable().describe('causes before this never fire the rule'),
    definition: Definition.describe('when, conditions, then (docs/rules.md)'),
    updatedAt: z.string(),
  })
  .meta({ id: 'Rule' });

const FiringOut = z
  .object({
    id: z.string(),
    ruleKey: z.string(),
    ruleVersion: z.number().int(),
    accountId: z.string(),
    causeKey: z.string(),
    reason: z.string(),
    outcome: z.array(z.string()).describe('what each action did'),
    firedAt: z.string(),
  })
  .meta({ id: 'RuleFiring' });

const SaveBody = z
  .object({ definition: Definition, note: z.string().max(1000).optional() })
  .strict()
  .meta({ id: 'RuleSave' });

export const ruleRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/rules',
    {
      config: guard('read', 'rule'),
      schema: {
        tags,
        summary: 'Every rule',
        response: { 200: z.object({ items: z.array(RuleOut) }) },
      },
    },
    async (req) => ({ items: await listRules(ctxOf(req)) }),
  );
  app.post(
    '/api/v1/rules',
    {
      config: guard('write', 'rule'),
      schema: {
        tags,
        summary: 'Add a rule (switched off) or save a changed one as its next version',
        description: 'Every problem is listed in error.details.issues with its path.',
        body: SaveBody,
        response: { 200: RuleOut, ...errors },
      },
    },
    async (req) => saveRule(ctxOf(req), req.body.definition as RuleInput, req.body.note),
  );
  app.post(
    '/api/v1/rules/preview',
    {
      // Reads only: the draft is checked against the accounts as they are now.
      config: guard('read', 'rule'),
      schema: {
        tags,
        summary: 'The accounts a draft rule would act on now (up to 200 listed)',
        body: SaveBody,
        response: {
          200: z.object({
            total: z.number().int(),
            accounts: z.array(z.object({ id: z.string(), name: z.string(), reason: z.string() })),
          }),
          400: ErrorOut,
        },
      },
    },
    async (req) => previewRule(ctxOf(req), req.body.definition as RuleInput),
  );
  app.get(
    '/api/v1/rules/firings',
    {
      config: guard('read', 'rule'),
      schema: {
        tags,
        summary: 'The run log: what fired, for which account, why, and what it did',
        querystring: z
          .object({
            rule: RuleKey.optional(),
            accountId: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(FiringOut) }), 400: ErrorOut },
      },
    },
    async (req) => ({
      items: await listFirings(ctxOf(req), {
        ruleKey: req.query.rule,
        accountId: req.query.accountId,
        limit: req.query.limit,
      }),
    }),
  );
  app.post(
    '/api/v1/rules/evaluate',
    {
      config: guard('write', 'rule'),
      schema: {
        tags,
        summary: 'Evaluate the active rules now (the rules.evaluate job does this every 5 minutes)',
        response: {
          200: z.object({
            rules: z.number().int(),
            fired: z.array(
              z.object({ rule: z.string(), accountId: z.string(), cause: z.string() }),
            ),
          }),
        },
      },
    },
    async (req) => evaluateRules(ctxOf(req)),
  );
  app.get(
    '/api/v1/rules/:key',
    {
      config: guard('read', 'rule'),
      schema: {
        tags,
        summary: 'One rule with its versions',
        params: KeyParams,
        response: {
          200: RuleOut.extend({
            versions: z.array(
              z.object({
                version: z.number().int(),
                note: z.string().nullable(),
                createdBy: z.string(),
                createdAt: z.string(),
              }),
            ),
          }),
          404: ErrorOut,
        },
      },
    },
    async (req) => getRule(ctxOf(req), req.params.key),
  );
  app.get(
    '/api/v1/rules/:key/export',
    {
      config: guard('read', 'rule'),
      schema: {
        tags,
        summary: 'Download a rule as a YAML file (reads back through POST /api/v1/rules)',
        params: KeyParams,
        produces: ['application/yaml'],
        response: {
          200: {
            description: 'the rule file',
            content: { 'application/yaml': { schema: z.string() } },
          },
          404: ErrorOut,
        },
      },
    },
    async (req, reply) => {
      const r = await getRule(ctxOf(req), req.params.key);
      return reply
        .type('application/yaml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${r.key}-v${r.version}.yaml"`)
        .send(stringify(r.definition));
    },
  );
  for (const [verb, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const)
    app.post(
      `/api/v1/rules/:key/${verb}`,
      {
        config: guard('write', 'rule'),
        schema: {
          tags,
          summary: active
            ? 'Switch a rule on: it fires for causes from now on'
            : 'Switch a rule off',
          params: KeyParams,
          response: { 200: RuleOut, ...errors },
        },
      },
      async (req) => setRuleActive(ctxOf(req), req.params.key, active),
    );
};
