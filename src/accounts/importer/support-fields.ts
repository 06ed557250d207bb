import { ACCOUNT_REF, type FieldDef } from './field-types.js';

/**
 * Ticket and survey-response columns, with the headers help desks (Zendesk, Intercom,
 * Freshdesk) and survey tools write. Both name their account like contacts do.
 */

/** The person behind a ticket or response: a contact of the row's account. */
const CONTACT_REF = (people: readonly string[], emails: readonly string[]): FieldDef[] => [
  {
    key: 'contactId',
    type: 'id',
    label: 'Contact Tenure ID',
    synonyms: ['contact tenure id', 'tenure contact id'],
  },
  {
    key: 'contactEmail',
    type: 'email',
    label: 'Contact Email',
    synonyms: ['contact email address', 'email', 'email address', 'e mail', ...emails],
    max: 254,
  },
  // An email, a contact's external id, or a name unique on the account.
  {
    key: 'contact',
    type: 'text',
    label: 'Contact',
    synonyms: ['contact name', 'full name', 'user name', ...people],
    max: 254,
  },
];

export const TICKET_FIELDS: readonly FieldDef[] = [
  { key: 'id', type: 'id', label: 'Tenure ID', synonyms: ['tenure ticket id'] },
  {
    key: 'externalId',
    type: 'id',
    label: 'Ticket ID',
    synonyms: [
      'external id',
      'id',
      'ticket',
      'ticket number',
      'ticket no',
      'ticket #',
      'number',
      'conversation id',
      'case id',
      'case number',
      'issue id',
    ],
    max: 128,
  },
  ...ACCOUNT_REF,
  {
    key: 'subject',
    type: 'text',
    label: 'Subject',
    synonyms: ['title', 'summary', 'ticket subject', 'conversation title'],
    max: 500,
  },
  {
    key: 'priority',
    type: 'priority',
    label: 'Priority',
    synonyms: ['ticket priority', 'severity', 'urgency'],
  },
  {
    key: 'status',
    type: 'ticketStatus',
    label: 'Status',
    synonyms: ['ticket status', 'state', 'conversation state'],
  },
  {
    key: 'openedAt',
    type: 'instant',
    label: 'Opened At',
    synonyms: [
      'created at',
      'created',
      'created time',
      'created date',
      'date created',
      'creation date',
      'opened',
      'opened date',
      'received at',
      'reported at',
      'started at',
    ],
  },
  {
    key: 'firstResponseAt',
    type: 'instant',
    label: 'First Response At',
    synonyms: [
      'first reply at',
      'first response time',
      'first responded at',
      'first response',
      'first response date',
      'first replied at',
      'initial response time',
      'first admin reply at',
    ],
  },
  // Zendesk writes the first reply as minutes after creation, not as a time.
  {
    key: 'firstReplyMinutes',
    type: 'integer',
    label: 'First Reply Minutes',
    synonyms: [
      'first reply time in minutes',
      'first response time in minutes',
      'first reply time minutes',
      'first response minutes',
    ],
  },
  {
    key: 'resolvedAt',
    type: 'instant',
    label: 'Resolved At',
    synonyms: [
      'solved at',
      'resolved',
      'solved',
      'resolved time',
      'resolved date',
      'solved date',
      'date resolved',
      'closed at',
      'closed time',
      'closed date',
      'date closed',
    ],
  },
  {
    key: 'csat',
    type: 'integer',
    label: 'CSAT',
    synonyms: [
      'csat score',
      'satisfaction',
      'satisfaction score',
      'satisfaction rating',
      'customer satisfaction',
      'conversation rating',
      'rating',
    ],
  },
  {
    key: 'escalated',
    type: 'boolean',
    label: 'Escalated',
    synonyms: ['is escalated', 'escalation'],
  },
  ...CONTACT_REF(
    ['requester', 'requester name', 'reporter', 'requested by'],
    ['requester email', 'requester email address', 'customer email', 'user email'],
  ),
];

export const SURVEY_FIELDS: readonly FieldDef[] = [
  { key: 'id', type: 'id', label: 'Tenure ID', synonyms: ['tenure response id'] },
  {
    key: 'externalId',
    type: 'id',
    label: 'Response ID',
    synonyms: [
      'external id',
      'id',
      'survey response id',
      'response',
      'response number',
      'submission id',
    ],
    max: 128,
  },
  ...ACCOUNT_REF,
  {
    key: 'kind',
    type: 'surveyKind',
    label: 'Survey',
    synonyms: ['survey type', 'type', 'kind', 'metric', 'survey kind'],
  },
  // One score per row: in a Score column (read as the Survey column says, NPS by default),
  // or in an NPS or a CSAT column.
  {
    key: 'score',
    type: 'integer',
    label: 'Score',
    synonyms: ['rating', 'response score', 'value', 'answer score'],
  },
  {
    key: 'nps',
    type: 'integer',
    label: 'NPS',
    synonyms: [
      'nps score',
      'nps rating',
      'net promoter score',
      'likelihood to recommend',
      'how likely are you to recommend',
    ],
  },
  {
    key: 'csat',
    type: 'integer',
    label: 'CSAT',
    synonyms: [
      'csat score',
      'satisfaction',
      'satisfaction score',
      'satisfaction rating',
      'customer satisfaction',
    ],
  },
  {
    key: 'respondedAt',
    type: 'instant',
    label: 'Responded At',
    synonyms: [
      'submitted at',
      'submitted',
      'date submitted',
      'responded',
      'response date',
      'survey date',
      'date',
      'created at',
      'created',
      'completed at',
      'timestamp',
    ],
  },
  {
    key: 'comment',
    type: 'text',
    label: 'Comment',
    synonyms: ['comments', 'feedback', 'verbatim', 'reason', 'open text', 'response text', 'text'],
    max: 10_000,
  },
  ...CONTACT_REF(
    ['respondent', 'respondent name', 'name', 'person'],
    ['respondent email', 'customer email', 'user email', 'person email'],
  ),
];
