import { z } from 'zod';
import { QueryBool } from '../../core/schemas.js';
import { AccountListQuery } from '../account/schemas.js';
import { SUBSCRIPTION_STATUSES } from '../subscription/model.js';

/** The account list's own filters, so an export holds exactly what the list shows. */
export const AccountExportQuery = AccountListQuery.pick({
  owner: true,
  segment: true,
  stage: true,
  q: true,
  includeArchived: true,
}).strict();

export const ContactExportQuery = z
  .object({
    accountId: z.string().max(64).optional(),
    includeLeft: QueryBool.optional().describe('include contacts who left (default true)'),
  })
  .strict();

export const SubscriptionExportQuery = z
  .object({
    accountId: z.string().max(64).optional(),
    status: z.enum(SUBSCRIPTION_STATUSES).optional(),
  })
  .strict();

export const CsvOut = z
  .string()
  .meta({ id: 'CsvFile', description: 'RFC 4180 CSV, UTF-8 with BOM, CRLF line endings' });
