import type { Migration } from 'kysely';
import * as backbone from './2026-11-23T00-backbone.js';
import * as accountSearch from './2026-11-23T01-account-search.js';
import * as identity from './2026-11-23T02-identity.js';
import * as usage from './2026-11-23T03-usage.js';
import * as intakeWritePath from './2026-12-06T00-intake-write-path.js';
import * as health from './2026-12-06T01-health.js';
import * as portfolioViews from './2026-12-06T02-portfolio-views.js';
import * as jobs from './2026-12-06T03-jobs.js';
import * as tasks from './2026-12-06T04-tasks.js';
import * as playbooks from './2026-12-06T05-playbooks.js';
import * as outbound from './2026-12-06T06-outbound.js';
import * as rules from './2026-12-06T07-rules.js';
import * as renewals from './2026-12-06T08-renewals.js';
import * as renewalOrder from './2026-12-06T09-renewal-order.js';
import * as intakeRollupBacklog from './2026-12-06T10-intake-rollup-backlog.js';
import * as intakeBacklogParts from './2026-12-06T11-intake-backlog-parts.js';
import * as productUserAccountTime from './2026-12-06T12-product-user-account-time.js';

/** Every migration, in order. Names are ISO-dated; a landed migration is never edited. */
export const migrations: Record<string, Migration> = {
  '2026-11-23T00-backbone': backbone,
  '2026-11-23T01-account-search': accountSearch,
  '2026-11-23T02-identity': identity,
  '2026-11-23T03-usage': usage,
  '2026-12-06T00-intake-write-path': intakeWritePath,
  '2026-12-06T01-health': health,
  '2026-12-06T02-portfolio-views': portfolioViews,
  '2026-12-06T03-jobs': jobs,
  '2026-12-06T04-tasks': tasks,
  '2026-12-06T05-playbooks': playbooks,
  '2026-12-06T06-outbound': outbound,
  '2026-12-06T07-rules': rules,
  '2026-12-06T08-renewals': renewals,
  '2026-12-06T09-renewal-order': renewalOrder,
  '2026-12-06T10-intake-rollup-backlog': intakeRollupBacklog,
  '2026-12-06T11-intake-backlog-parts': intakeBacklogParts,
  '2026-12-06T12-product-user-account-time': productUserAccountTime,
};
