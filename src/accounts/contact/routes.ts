import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../../core/schemas.js';
import { ctxOf } from '../../server/context.js';
import { guard } from '../../server/auth.js';
import * as service from './service.js';
import {
  ContactCreate,
  ContactLeftBody,
  ContactListQuery,
  ContactOut,
  ContactPage,
  ContactPatch,
} from './schemas.js';

const errors = { 400: ErrorOut, 404: ErrorOut, 409: ErrorOut };
const tags = ['contacts'];

export const contactRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/contacts',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'List contacts',
        querystring: ContactListQuery,
        response: { 200: ContactPage, 400: ErrorOut },
      },
    },
    async (req) => service.listContacts(ctxOf(req), req.query),
  );
  app.post(
    '/api/v1/contacts',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Add a contact to an account',
        body: ContactCreate,
        response: { 201: ContactOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createContact(ctxOf(req), req.body)),
  );
  app.get(
    '/api/v1/contacts/:id',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Get a contact',
        params: IdParams,
        response: { 200: ContactOut, 404: ErrorOut },
      },
    },
    async (req) => service.getContact(ctxOf(req), req.params.id),
  );
  app.patch(
    '/api/v1/contacts/:id',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Update a contact',
        params: IdParams,
        body: ContactPatch,
        response: { 200: ContactOut, ...errors },
      },
    },
    async (req) => service.updateContact(ctxOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/contacts/:id/left',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Record that a contact left the customer',
        description:
          'Writes a contact_left timeline event; when the contact was the champion it is the "champion left" signal.',
        params: IdParams,
        body: ContactLeftBody,
        response: { 200: ContactOut, ...errors },
      },
    },
    async (req) => service.markContactLeft(ctxOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/contacts/:id/archive',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Archive a contact (hidden from lists; history kept)',
        params: IdParams,
        response: { 200: ContactOut, 404: ErrorOut },
      },
    },
    async (req) => service.setContactArchived(ctxOf(req), req.params.id, true),
  );
  app.post(
    '/api/v1/contacts/:id/restore',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Restore an archived contact',
        params: IdParams,
        response: { 200: ContactOut, 404: ErrorOut },
      },
    },
    async (req) => service.setContactArchived(ctxOf(req), req.params.id, false),
  );
};
