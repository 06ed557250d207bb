import { encodeTime, CROCKFORD } from '../core/ids.js';
import type { TicketsTable } from '../db/schema.js';
import type { ContactRole } from '../accounts/contact/model.js';
import type { DemoRegion, DemoSegment } from './catalog.js';
import { ADDON_BITS, WORKDAY_UTC, type AccountDays, type DemoCalendar } from './days.js';
import { clamp, rngFor, type Rng } from './random.js';
import type { PlanEvent } from './types.js';

/** A record id in core `newId`'s layout, with the random part drawn from the demo's stream. */
export function demoRecordId(prefix: string, ms: number, rng: Rng): string {
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[Math.floor(rng.next() * 32)];
  return `${prefix}_${encodeTime(ms)}${rand}`;
}

type Category = 'outage' | 'bug' | 'performance' | 'how_to' | 'access' | 'integration' | 'billing';
type Priority = 'low' | 'normal' | 'high' | 'urgent';

const SUBJECTS: Record<Category, readonly string[]> = {
  outage: [
    'Workspace down for the whole team',
    'Dashboards not loading since this morning',
    'Sync stopped: no updates for hours',
    'Error 503 on every page',
  ],
  bug: [
    'Scheduled export fails overnight',
    'Duplicate records after CRM sync',
    'Permissions reset after the last release',
    'Report totals do not match the raw data',
    'Comment notifications sent twice',
  ],
  performance: [
    'Dashboards very slow for the EU team',
    'Search takes more than 10 seconds',
    'Timeouts when opening large reports',
  ],
  how_to: [
    'How do I share a dashboard with another team?',
    'Question about automation triggers',
    'Can we bulk-update records from a CSV?',
    'Best way to set up a weekly report',
  ],
  access: [
    'SSO login loop for new users',
    'User locked out after password reset',
    'Need to transfer ownership from a leaver',
  ],
  integration: [
    'Salesforce connector disconnected',
    'Webhook deliveries delayed',
    'Slack notifications stopped arriving',
  ],
  billing: ['Invoice shows the wrong seat count', 'Update billing contact', 'Request for a W-9'],
};

const NORMAL_MIX: readonly (readonly [Category, number])[] = [
  ['how_to', 0.32],
  ['bug', 0.22],
  ['access', 0.13],
  ['integration', 0.12],
  ['performance', 0.09],
  ['billing', 0.08],
  ['outage', 0.04],
];

const BASE_PRIORITY: Record<Category, readonly (readonly [Priority, number])[]> = {
  outage: [
    ['urgent', 0.6],
    ['high', 0.4],
  ],
  bug: [
    ['low', 0.08],
    ['normal', 0.52],
    ['high', 0.32],
    ['urgent', 0.08],
  ],
  performance: [
    ['normal', 0.55],
    ['high', 0.38],
    ['urgent', 0.07],
  ],
  how_to: [
    ['low', 0.5],
    ['normal', 0.47],
    ['high', 0.03],
  ],
  access: [
    ['normal', 0.55],
    ['high', 0.4],
    ['urgent', 0.05],
  ],
  integration: [
    ['low', 0.1],
    ['normal', 0.55],
    ['high', 0.3],
    ['urgent', 0.05],
  ],
  billing: [
    ['low', 0.55],
    ['normal', 0.45],
  ],
};

const UP: Record<Priority, Priority> = {
  low: 'normal',
  normal: 'high',
  high: 'urgent',
  urgent: 'urgent',
};
/** Median hours to first response and to resolution. */
const RESPONSE_H: Record<Priority, number> = { urgent: 0.5, high: 2, normal: 6, low: 14 };
const RESOLVE_H: Record<Priority, number> = { urgent: 7, high: 22, normal: 40, low: 70 };
/** Who opens tickets: the people closest to the product. */
const REQUESTER_WEIGHT: Partial<Record<ContactRole, number>> = {
  technical_lead: 3,
  power_user: 2.5,
  champion: 2,
  detractor: 2,
  economic_buyer: 0.2,
  executive_sponsor: 0.05,
};

export interface TicketInput {
  seed: number;
  index: number;
  accountId: string;
  segment: DemoSegment;
  region: DemoRegion;
  cal: DemoCalendar;
  days: AccountDays;
  events: readonly PlanEvent[];
  /** Database id of each contact, by plan key. */
  contactIds: ReadonlyMap<string, string>;
}

function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

interface Requester {
  id: string;
  weight: number;
  from: string;
  until: string;
}

function requesters(input: TicketInput): Requester[] {
  const out = new Map<string, Requester>();
  for (const e of input.events) {
    if (e.type === 'add_contact') {
      const id = input.contactIds.get(e.contact.key);
      if (!id) continue;
      const roles = e.contact.roles;
      const weight = roles.length ? Math.max(...roles.map((r) => REQUESTER_WEIGHT[r] ?? 1)) : 1;
      out.set(e.contact.key, { id, weight, from: e.date, until: '9999-12-31' });
    } else if (e.type === 'contact_left') {
      const r = out.get(e.contact);
      if (r) r.until = e.date;
    }
  }
  return [...out.values()];
}

/**
 * Support tickets of one account over the window: a Poisson number a day from the month's
 * expected tickets (bursts in incident months, a rising spike before a churn), with
 * priority, escalation, response times and CSAT that worsen as the account heads out.
 */
export function ticketRows(input: TicketInput): TicketsTable[] {
  const { cal, days, accountId } = input;
  const rng = rngFor(input.seed, 'tickets', input.index);
  const people = requesters(input);
  const nowMs = Date.parse(`${cal.today}T00:00:00.000Z`);
  const premium = (d: number) => (days.addons[d]! & ADDON_BITS['Premium Support']) !== 0;
  // Big customers' tickets often come from people the CRM does not know.
  const anonymous =
    input.segment === 'enterprise' ? 0.45 : input.segment === 'mid_market' ? 0.3 : 0.15;
  const out: TicketsTable[] = [];
  for (let d = 0; d < cal.days.length; d++) {
    if (!days.live[d]) continue;
    const count = poisson(rng, days.ticketRate[d]!);
    for (let i = 0; i < count; i++) {
      const risk = days.risk[d]!;
      const incident = days.incident[d] === 1;
      const category: Category =
        incident && rng.chance(0.75)
          ? rng.pick(['outage', 'performance'] as const)
          : rng.weighted(
              NORMAL_MIX.map(([c, w]) => [
                c,
                c === 'bug' || c === 'performance' ? w * (1 + 2 * risk) : w,
              ]),
            );
      let priority = rng.weighted(BASE_PRIORITY[category]);
      if (rng.chance(0.45 * risk)) priority = UP[priority];
      const day = cal.days[d]!;
      const openedMs =
        cal.ms[d]! + Math.floor((WORKDAY_UTC[input.region] + rng.next() * 9) * 3_600_000);
      const slow = (1 + 0.6 * risk) * (cal.weekend[d] ? 2.5 : 1) * (premium(d) ? 0.5 : 1);
      const respondMs =
        openedMs + RESPONSE_H[priority] * Math.exp(rng.normal(0, 0.6)) * slow * 3_600_000;
      const resolveH = RESOLVE_H[priority] * Math.exp(rng.normal(0, 0.8)) * (1 + risk);
      const resolveMs = Math.max(respondMs, openedMs + resolveH * 3_600_000);
      const escalated = rng.chance(
        clamp(
          0.02 +
            (priority === 'urgent' ? 0.25 : priority === 'high' ? 0.07 : 0) +
            (incident ? 0.12 : 0) +
            0.3 * risk,
          0,
          0.85,
        ),
      );
      let status: TicketsTable['status'] = 'closed';
      let resolvedAt: string | null = new Date(Math.round(resolveMs)).toISOString();
      let updatedMs = resolveMs;
      if (resolveMs >= nowMs) {
        status = respondMs < nowMs && rng.chance(0.5) ? 'pending' : 'open';
        resolvedAt = null;
        updatedMs = respondMs < nowMs ? respondMs : openedMs;
      } else if (nowMs - resolveMs < 4 * 86_400_000) {
        status = 'solved';
      } else {
        // Solved tickets close automatically four days later.
        updatedMs = resolveMs + 4 * 86_400_000;
      }
      let csat: number | null = null;
      if (resolvedAt && rng.chance(0.35)) {
        const mean =
          4.5 -
          (resolveH > 72 ? 0.6 : 0) -
          1.6 * risk -
          (escalated ? 0.5 : 0) -
          (incident ? 0.3 : 0);
        csat = Math.round(clamp(rng.normal(mean, 0.8), 1, 5));
      }
      const present = people.filter((p) => p.from <= day && p.until > day);
      let contactId: string | null = null;
      if (present.length && !rng.chance(anonymous)) {
        contactId = rng.weighted(present.map((p) => [p.id, p.weight] as const));
      }
      const openedAt = new Date(openedMs).toISOString();
      out.push({
        id: demoRecordId('tkt', openedMs, rng),
        account_id: accountId,
        external_id: String((input.index + 1) * 100_000 + out.length + 1),
        subject: rng.pick(SUBJECTS[category]),
        priority,
        status,
        opened_at: openedAt,
        first_response_at: respondMs < nowMs ? new Date(Math.round(respondMs)).toISOString() : null,
        resolved_at: resolvedAt,
        csat,
        escalated: escalated ? 1 : 0,
        contact_id: contactId,
        created_at: openedAt,
        updated_at: new Date(Math.round(updatedMs)).toISOString(),
      });
    }
  }
  return out;
}
