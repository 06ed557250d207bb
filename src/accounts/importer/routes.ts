import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { loadConfig } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import { ErrorOut, IdParams } from '../../core/schemas.js';
import { ctxOf } from '../../server/context.js';
import { guard } from '../../server/auth.js';
import { parseMapArgs, splitMapParam } from './mapping.js';
import { ApplyImportBody, CreateImportQuery, CsvBody, ImportOut } from './schemas.js';
import * as service from './service.js';

export interface ImportRoutesOptions {
  /** Largest CSV upload; defaults to config `importUploadLimitBytes` (50 MB). Bigger files go through the CLI. */
  uploadLimitBytes?: number;
}

const tags = ['imports'];

/** CSV imports over HTTP: upload (stored and dry-run), read the report, apply all-or-nothing. */
export const importRoutes: FastifyPluginAsyncZod<ImportRoutesOptions> = async (app, opts) => {
  const bodyLimit = opts.uploadLimitBytes ?? loadConfig().importUploadLimitBytes;
  // Encapsulated in this plugin: only the import routes take raw CSV bodies.
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'string', bodyLimit },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/api/v1/imports',
    {
      config: guard('write', 'import'),
      bodyLimit,
      schema: {
        tags,
        summary: 'Upload a CSV and dry-run it',
        description:
          'Send the file as the body with Content-Type: text/csv. The upload is stored and checked without writing: ' +
          'status is dry_run (ready to apply), needs_input (choose dateFormat or fix the mapping) or invalid (see report.errors, ' +
          'every bad row with its line and column). Empty cells mean "no value" and leave existing fields unchanged.',
        querystring: CreateImportQuery,
        body: CsvBody,
        consumes: ['text/csv'],
        response: { 201: ImportOut, 400: ErrorOut, 413: ErrorOut, 415: ErrorOut },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const maps = q.map === undefined ? [] : splitMapParam(Array.isArray(q.map) ? q.map : [q.map]);
      const { overrides, problems } = parseMapArgs(maps);
      if (problems.length) {
        throw new AppError('validation', problems[0]!, {
          issues: problems.map((message) => ({ path: 'querystring.map', message })),
        });
      }
      const view = await service.createImport(ctxOf(req), {
        kind: q.kind,
        content: req.body,
        fileName: q.filename ?? null,
        options: {
          mapping: maps.length ? overrides : undefined,
          dateFormat: q.dateFormat,
          delimiter: q.delimiter,
        },
      });
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/api/v1/imports',
    {
      config: guard('read', 'import'),
      schema: {
        tags,
        summary: 'Recent imports, newest first, with their reports',
        querystring: z
          .object({ limit: z.coerce.number().int().min(1).max(100).default(20) })
          .strict(),
        response: { 200: z.object({ items: z.array(ImportOut) }), 400: ErrorOut },
      },
    },
    async (req) => ({ items: await service.listImports(ctxOf(req), req.query.limit) }),
  );

  app.get(
    '/api/v1/imports/:id',
    {
      config: guard('read', 'import'),
      schema: {
        tags,
        summary: 'An import and its report',
        params: IdParams,
        response: { 200: ImportOut, 404: ErrorOut },
      },
    },
    async (req) => service.getImport(ctxOf(req), req.params.id),
  );

  app.post(
    '/api/v1/imports/:id/apply',
    {
      config: guard('write', 'import'),
      schema: {
        tags,
        summary: 'Apply an uploaded import, all or nothing',
        description:
          'Checks every row again and writes them in one transaction; any bad row writes nothing (400 with the rows). ' +
          'The body may replace the mapping or choose the date format. Applying an applied import is a 409.',
        params: IdParams,
        body: ApplyImportBody.nullish(),
        response: { 200: ImportOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut },
      },
    },
    async (req) => {
      const body = req.body ?? {};
      const mapping = body.mapping
        ? Object.fromEntries(
            Object.entries(body.mapping).map(([k, v]) => [k, v === '' || v === '-' ? null : v]),
          )
        : undefined;
      return service.applyImport(ctxOf(req), req.params.id, {
        mapping,
        dateFormat: body.dateFormat,
      });
    },
  );
};
