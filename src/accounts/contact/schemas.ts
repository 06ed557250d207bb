import { z } from 'zod';
import { IsoDateSchema, LimitSchema, QueryBool, pageOf } from '../../core/schemas.js';
import { CONTACT_ROLES } from './model.js';

export const ContactRoleSchema = z.enum(CONTACT_ROLES);

export const ContactOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    externalId: z.string().nullable(),
    name: z.string(),
    email: z.string().nullable(),
    title: z.string().nullable(),
    phone: z.string().nullable(),
    roles: z.array(ContactRoleSchema),
    lastSeenAt: z.string().nullable(),
    latestNps: z.number().int().nullable(),
    leftOn: z.string().nullable(),
    leftReason: z.string().nullable(),
    archivedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Contact' });

const fields = {
  externalId: z.string().trim().min(1).max(128).nullish(),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).nullish(),
  title: z.string().trim().max(200).nullish(),
  phone: z.string().trim().max(64).nullish(),
  roles: z.array(ContactRoleSchema).max(CONTACT_ROLES.length).optional(),
  lastSeenAt: z.iso.datetime({ offset: true }).nullish(),
  latestNps: z.number().int().min(0).max(10).nullish(),
};

export const ContactCreate = z
  .object({ accountId: z.string().min(1).max(64), ...fields })
  .strict()
  .meta({ id: 'ContactCreate' });
export type ContactCreateInput = z.infer<typeof ContactCreate>;

export const ContactPatch = z
  .object({ ...fields, name: fields.name.optional() })
  .strict()
  .meta({ id: 'ContactPatch' });
export type ContactPatchInput = z.infer<typeof ContactPatch>;

export const ContactLeftBody = z
  .object({
    leftOn: IsoDateSchema.optional().describe('defaults to today'),
    reason: z.string().max(500).optional(),
  })
  .strict()
  .meta({ id: 'ContactLeft' });

export const CONTACT_SORTS = [
  'createdAt',
  '-createdAt',
  'name',
  '-name',
  'lastSeenAt',
  '-lastSeenAt',
] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

export const ContactListQuery = z
  .object({
    limit: LimitSchema,
    cursor: z.string().optional(),
    sort: z.enum(CONTACT_SORTS).default('createdAt'),
    accountId: z.string().optional(),
    role: ContactRoleSchema.optional(),
    email: z.string().optional(),
    includeLeft: QueryBool.optional(),
  })
  .strict();
/** Sort may be left out by callers inside the program; the API fills its default. */
export type ContactListInput = Omit<z.infer<typeof ContactListQuery>, 'sort'> & {
  sort?: ContactSort;
};
export const ContactPage = pageOf(ContactOut).meta({ id: 'ContactPage' });
