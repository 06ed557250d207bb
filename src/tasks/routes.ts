import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { guard, subjectOf } from '../server/auth.js';
import { ctxOf } from '../server/context.js';
import {
  CommentBody,
  TaskCommentOut,
  TaskCreateBody,
  TaskDetailOut,
  TaskListOut,
  TaskListQuery,
  TaskPatchBody,
} from './schemas.js';
import { addComment, createTask, getTask, listTasks, updateTask } from './service.js';

const tags = ['tasks'];
const errors = { 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut };

export const taskRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/tasks',
    {
      config: guard('read', 'task'),
      schema: {
        tags,
        summary: 'Tasks: mine by default for a CSM, the team for a manager; open ones by rank',
        querystring: TaskListQuery,
        response: { 200: TaskListOut, 400: ErrorOut },
      },
    },
    async (req) => listTasks(ctxOf(req), req.query, subjectOf(req)),
  );
  app.post(
    '/api/v1/tasks',
    {
      config: guard('write', 'task'),
      schema: {
        tags,
        summary: "Create a task (assigned to the account's owner unless you say otherwise)",
        body: TaskCreateBody,
        response: { 201: TaskDetailOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createTask(ctxOf(req), req.body)),
  );
  app.get(
    '/api/v1/tasks/:id',
    {
      config: guard('read', 'task'),
      schema: {
        tags,
        summary: 'One task with its comments',
        params: IdParams,
        response: { 200: TaskDetailOut, 404: ErrorOut },
      },
    },
    async (req) => getTask(ctxOf(req), req.params.id),
  );
  app.patch(
    '/api/v1/tasks/:id',
    {
      config: guard('write', 'task'),
      schema: {
        tags,
        summary: 'Edit, reassign, complete or reopen a task',
        description: "Done goes on the account's timeline. Reassigning needs the reassign right.",
        params: IdParams,
        body: TaskPatchBody,
        response: { 200: TaskDetailOut, ...errors },
      },
    },
    async (req) => updateTask(ctxOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/tasks/:id/comments',
    {
      config: guard('write', 'task'),
      schema: {
        tags,
        summary: 'Comment on a task',
        params: IdParams,
        body: CommentBody,
        response: { 201: TaskCommentOut, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await addComment(ctxOf(req), req.params.id, req.body.body)),
  );
};
