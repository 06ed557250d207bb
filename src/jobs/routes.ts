import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { guard } from '../server/auth.js';
import { ctxOf } from '../server/context.js';
import { builtinJobs } from './builtin.js';
import { JobListOut, JobListQuery, JobOut, RunJobBody, ScheduleOut } from './schemas.js';
import { getJob, jobSchedule, listJobs, retryJob, runJobNow } from './service.js';

const tags = ['jobs'];

/** The job queue for admins: the schedule, the history, retries and runs on demand. */
export const jobRoutes: FastifyPluginAsyncZod = async (app) => {
  const defs = builtinJobs();
  app.get(
    '/api/v1/jobs',
    {
      config: guard('read', 'job'),
      schema: {
        tags,
        summary: 'Jobs, newest first: queued, running, and the history of finished ones',
        description: 'Succeeded jobs are kept 7 days, failed ones 90.',
        querystring: JobListQuery,
        response: { 200: JobListOut, 400: ErrorOut },
      },
    },
    async (req) => listJobs(ctxOf(req), req.query),
  );
  app.get(
    '/api/v1/jobs/schedule',
    {
      config: guard('read', 'job'),
      schema: {
        tags,
        summary: 'The recurring jobs: schedule, next run, last run, failures kept',
        response: { 200: ScheduleOut },
      },
    },
    async (req) => ({ items: await jobSchedule(ctxOf(req), defs) }),
  );
  app.get(
    '/api/v1/jobs/:id',
    {
      config: guard('read', 'job'),
      schema: {
        tags,
        summary: 'One job',
        params: IdParams,
        response: { 200: JobOut, 404: ErrorOut },
      },
    },
    async (req) => getJob(ctxOf(req), req.params.id),
  );
  app.post(
    '/api/v1/jobs/:id/retry',
    {
      config: guard('write', 'job'),
      schema: {
        tags,
        summary: 'Queue a failed job again, from its first attempt (409 unless it failed)',
        params: IdParams,
        response: { 200: JobOut, 404: ErrorOut, 409: ErrorOut },
      },
    },
    async (req) => retryJob(ctxOf(req), req.params.id),
  );
  app.post(
    '/api/v1/jobs/run',
    {
      config: guard('write', 'job'),
      schema: {
        tags,
        summary: 'Run a job now, outside its schedule',
        description: "A recurring job's own slots are unaffected.",
        body: RunJobBody,
        response: { 201: JobOut, 400: ErrorOut },
      },
    },
    async (req, reply) => reply.status(201).send(await runJobNow(ctxOf(req), defs, req.body.kind)),
  );
};
