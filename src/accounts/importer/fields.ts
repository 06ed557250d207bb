import { ACCOUNT_REF, type FieldDef } from './field-types.js';
import { SURVEY_FIELDS, TICKET_FIELDS } from './support-fields.js';

/** What each import kind accepts: field keys, how cells are read, and header synonyms. */

export type { FieldDef, FieldType } from './field-types.js';

/** The book's records: imported, and exported in the same shape. */
export const BOOK_KINDS = ['accounts', 'contacts', 'subscriptions'] as const;
export type BookKind = (typeof BOOK_KINDS)[number];
export const IMPORT_KINDS = [...BOOK_KINDS, 'tickets', 'surveys'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const ACCOUNT_FIELDS: readonly FieldDef[] = [
  { key: 'id', type: 'id', label: 'Tenure ID', synonyms: ['id', 'tenure account id'] },
  {
    key: 'name',
    type: 'text',
    label: 'Name',
    synonyms: [
      'account name',
      'account',
      'company',
      'company name',
      'organization',
      'organisation',
      'customer',
      'customer name',
    ],
    max: 200,
  },
  {
    key: 'domain',
    type: 'domain',
    label: 'Domain',
    synonyms: ['website', 'web site', 'url', 'company domain', 'company website'],
    max: 253,
  },
  {
    key: 'crmId',
    type: 'id',
    label: 'CRM ID',
    synonyms: [
      'salesforce id',
      'sfdc id',
      'salesforce account id',
      'hubspot id',
      'hubspot company id',
      'account id',
      'crm account id',
    ],
    max: 128,
  },
  {
    key: 'billingId',
    type: 'id',
    label: 'Billing ID',
    synonyms: [
      'stripe customer id',
      'stripe id',
      'chargebee id',
      'chargebee customer id',
      'billing customer id',
    ],
    max: 128,
  },
  // The parent account (hierarchy): by its CRM id or its Tenure id, in Tenure or in the same file.
  {
    key: 'parentCrmId',
    type: 'id',
    label: 'Parent CRM ID',
    synonyms: [
      'parent crm id',
      'parent account id',
      'parent salesforce id',
      'parent account crm id',
      'parent id',
    ],
    max: 128,
  },
  {
    key: 'parentId',
    type: 'id',
    label: 'Parent Tenure ID',
    synonyms: ['parent tenure id', 'parent tenure account id'],
  },
  {
    key: 'segment',
    type: 'segment',
    label: 'Segment',
    synonyms: ['tier', 'customer tier', 'account tier'],
  },
  {
    key: 'stage',
    type: 'stage',
    label: 'Stage',
    synonyms: ['lifecycle stage', 'lifecycle', 'customer stage', 'status', 'account status'],
  },
  {
    key: 'owner',
    type: 'owner',
    label: 'Owner',
    synonyms: [
      'csm',
      'account owner',
      'owner email',
      'csm email',
      'customer success manager',
      'success manager',
      'owner id',
    ],
  },
  { key: 'industry', type: 'text', label: 'Industry', synonyms: ['vertical'], max: 128 },
  { key: 'region', type: 'text', label: 'Region', synonyms: ['geo', 'territory'], max: 128 },
  { key: 'currency', type: 'currency', label: 'Currency' },
  {
    key: 'churnedOn',
    type: 'date',
    label: 'Churned On',
    synonyms: ['churn date', 'churned date', 'churned at'],
  },
  { key: 'churnReason', type: 'churnReason', label: 'Churn Reason' },
  {
    key: 'churnNote',
    type: 'text',
    label: 'Churn Note',
    synonyms: ['churn notes', 'churn comment'],
    max: 2000,
  },
  { key: 'archived', type: 'boolean', label: 'Archived', synonyms: ['is archived'] },
  {
    key: 'mrr',
    type: 'money',
    label: 'MRR',
    synonyms: ['monthly recurring revenue'],
    derived: 'MRR comes from subscriptions; import subscriptions to change revenue',
  },
  {
    key: 'arr',
    type: 'money',
    label: 'ARR',
    synonyms: ['annual recurring revenue'],
    derived: 'ARR comes from subscriptions; import subscriptions to change revenue',
  },
  {
    key: 'renewalDate',
    type: 'date',
    label: 'Renewal Date',
    synonyms: ['contract end', 'contract end date', 'next renewal'],
    derived: 'the renewal date comes from subscription end dates',
  },
];

export const CONTACT_ROLE_FIELDS: readonly FieldDef[] = [
  { key: 'champion', type: 'boolean', label: 'Champion', synonyms: ['is champion'] },
  {
    key: 'economicBuyer',
    type: 'boolean',
    label: 'Economic Buyer',
    synonyms: ['is economic buyer', 'buyer'],
  },
  {
    key: 'executiveSponsor',
    type: 'boolean',
    label: 'Executive Sponsor',
    synonyms: ['exec sponsor', 'is executive sponsor'],
  },
  {
    key: 'technicalLead',
    type: 'boolean',
    label: 'Technical Lead',
    synonyms: ['tech lead', 'is technical lead'],
  },
  { key: 'powerUser', type: 'boolean', label: 'Power User', synonyms: ['is power user'] },
  { key: 'detractor', type: 'boolean', label: 'Detractor', synonyms: ['is detractor'] },
];

export const CONTACT_FIELDS: readonly FieldDef[] = [
  { key: 'id', type: 'id', label: 'Tenure ID', synonyms: ['id', 'tenure contact id'] },
  {
    key: 'externalId',
    type: 'id',
    label: 'External ID',
    synonyms: [
      'contact id',
      'crm contact id',
      'record id',
      'salesforce contact id',
      'hubspot contact id',
    ],
    max: 128,
  },
  ...ACCOUNT_REF,
  {
    key: 'name',
    type: 'text',
    label: 'Name',
    synonyms: ['full name', 'contact name', 'contact'],
    max: 200,
  },
  {
    key: 'firstName',
    type: 'text',
    label: 'First Name',
    synonyms: ['given name', 'first'],
    max: 100,
  },
  {
    key: 'lastName',
    type: 'text',
    label: 'Last Name',
    synonyms: ['surname', 'family name', 'last'],
    max: 100,
  },
  {
    key: 'email',
    type: 'email',
    label: 'Email',
    synonyms: ['email address', 'e mail', 'work email'],
    max: 254,
  },
  { key: 'title', type: 'text', label: 'Title', synonyms: ['job title', 'position'], max: 200 },
  {
    key: 'phone',
    type: 'text',
    label: 'Phone',
    synonyms: ['phone number', 'mobile', 'telephone'],
    max: 64,
  },
  { key: 'roles', type: 'roles', label: 'Roles', synonyms: ['contact roles'] },
  ...CONTACT_ROLE_FIELDS,
  {
    key: 'lastSeenAt',
    type: 'instant',
    label: 'Last Seen At',
    synonyms: ['last seen', 'last active', 'last login', 'last activity'],
  },
  { key: 'latestNps', type: 'integer', label: 'Latest NPS', synonyms: ['nps', 'nps score'] },
  { key: 'leftOn', type: 'date', label: 'Left On', synonyms: ['left date', 'left company on'] },
  { key: 'leftReason', type: 'text', label: 'Left Reason', synonyms: ['reason left'], max: 500 },
];

export const SUBSCRIPTION_FIELDS: readonly FieldDef[] = [
  { key: 'id', type: 'id', label: 'Tenure ID', synonyms: ['id', 'tenure subscription id'] },
  {
    key: 'externalId',
    type: 'id',
    label: 'External ID',
    synonyms: ['subscription id', 'stripe subscription id', 'contract id'],
    max: 128,
  },
  ...ACCOUNT_REF,
  {
    key: 'plan',
    type: 'text',
    label: 'Plan',
    synonyms: ['plan name', 'price', 'package'],
    max: 128,
  },
  { key: 'product', type: 'text', label: 'Product', synonyms: ['product name'], max: 128 },
  {
    key: 'seats',
    type: 'integer',
    label: 'Seats',
    synonyms: ['licenses', 'licences', 'quantity', 'users'],
  },
  {
    key: 'mrr',
    type: 'money',
    label: 'MRR',
    synonyms: ['monthly recurring revenue', 'mrr amount'],
  },
  {
    key: 'arr',
    type: 'money',
    label: 'ARR',
    synonyms: ['annual recurring revenue', 'acv', 'annual contract value'],
  },
  { key: 'currency', type: 'currency', label: 'Currency' },
  {
    key: 'billingFrequency',
    type: 'frequency',
    label: 'Billing Frequency',
    synonyms: ['billing period', 'billing cycle', 'interval', 'frequency', 'term'],
  },
  {
    key: 'startDate',
    type: 'date',
    label: 'Start Date',
    synonyms: ['start', 'contract start', 'contract start date', 'started at', 'started on'],
  },
  {
    key: 'endDate',
    type: 'date',
    label: 'End Date',
    synonyms: [
      'renewal date',
      'contract end',
      'contract end date',
      'term end',
      'current period end',
      'renews on',
      'end',
    ],
  },
  {
    key: 'autoRenew',
    type: 'boolean',
    label: 'Auto Renew',
    synonyms: ['autorenew', 'auto renewal', 'auto renews'],
  },
  { key: 'status', type: 'status', label: 'Status', synonyms: ['subscription status'] },
  {
    key: 'canceledOn',
    type: 'date',
    label: 'Canceled On',
    synonyms: ['cancelled on', 'canceled at', 'cancelled at', 'cancel date', 'cancellation date'],
  },
];

export const FIELDS: Record<ImportKind, readonly FieldDef[]> = {
  accounts: ACCOUNT_FIELDS,
  contacts: CONTACT_FIELDS,
  subscriptions: SUBSCRIPTION_FIELDS,
  tickets: TICKET_FIELDS,
  surveys: SURVEY_FIELDS,
};

/** Only account imports keep unknown columns (as custom traits). */
export function keepsTraits(kind: ImportKind): boolean {
  return kind === 'accounts';
}

export function fieldOf(kind: ImportKind, key: string): FieldDef | undefined {
  return FIELDS[kind].find((f) => f.key === key);
}

/** Tenure ids per kind: an unknown id in this shape is kept when the row is created. */
export const ID_PREFIX: Record<ImportKind, string> = {
  accounts: 'acc',
  contacts: 'con',
  subscriptions: 'sub',
  tickets: 'tkt',
  surveys: 'svy',
};

export function isTenureId(kind: ImportKind | 'account', v: string): boolean {
  const prefix = kind === 'account' ? 'acc' : ID_PREFIX[kind];
  return new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`).test(v);
}
