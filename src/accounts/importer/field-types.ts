/** The vocabulary of import fields, and the columns every related record uses to name its account. */

export type FieldType =
  | 'text'
  | 'id'
  | 'email'
  | 'domain'
  | 'date'
  | 'instant'
  | 'boolean'
  | 'integer'
  | 'money'
  | 'currency'
  | 'stage'
  | 'segment'
  | 'owner'
  | 'churnReason'
  | 'status'
  | 'frequency'
  | 'roles'
  | 'priority'
  | 'ticketStatus'
  | 'surveyKind';

export interface FieldDef {
  key: string;
  type: FieldType;
  /** Header the export writes; re-importing it maps back to this field. */
  label: string;
  /** Other header spellings, compared after normalising case, spaces, dashes and underscores. */
  synonyms?: readonly string[];
  max?: number;
  /** Computed elsewhere: recognised so the column is not mistaken for a trait, then ignored. */
  derived?: string;
}

export const ACCOUNT_REF: readonly FieldDef[] = [
  { key: 'accountId', type: 'id', label: 'Account Tenure ID', synonyms: ['account tenure id'] },
  {
    key: 'accountCrmId',
    type: 'id',
    label: 'Account CRM ID',
    synonyms: [
      'account crm id',
      'account salesforce id',
      'salesforce account id',
      'account id',
      'company id',
      'crm id',
    ],
    max: 128,
  },
  {
    key: 'accountBillingId',
    type: 'id',
    label: 'Account Billing ID',
    synonyms: [
      'account billing id',
      'billing id',
      'stripe customer id',
      'customer id',
      'chargebee customer id',
    ],
    max: 128,
  },
  // The last resort for finding the account: only when no id column names it, and only a unique name.
  {
    key: 'accountName',
    type: 'text',
    label: 'Account Name',
    synonyms: ['account', 'company', 'company name', 'customer', 'organization', 'organisation'],
    max: 200,
  },
];
