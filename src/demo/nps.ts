import type { ContactRole } from '../accounts/contact/model.js';
import type { DemoRegion } from './catalog.js';
import { WORKDAY_UTC, type AccountDays, type DemoCalendar } from './days.js';
import { clamp, rngFor, type Rng } from './random.js';
import { demoRecordId } from './tickets.js';
import type { PlanEvent } from './types.js';

/** One NPS answer, by contact plan key; written once the contact has a database id. */
export interface NpsAnswer {
  id: string;
  externalId: string;
  contact: string;
  at: string;
  score: number;
  comment: string | null;
}

/** Who answers a survey wave: champions and detractors most, executives least. */
const ANSWER_RATE: Partial<Record<ContactRole, number>> = {
  champion: 0.5,
  detractor: 0.45,
  power_user: 0.4,
  technical_lead: 0.35,
  economic_buyer: 0.28,
  executive_sponsor: 0.18,
};

const COMMENTS = {
  promoter: [
    'Our team lives in Lumora every day.',
    'Dashboards saved us hours every week.',
    'Great support and the product keeps getting better.',
    'Rolling it out to two more teams next quarter.',
  ],
  passive: [
    'Does the job; reporting could be more flexible.',
    'Good overall, but some features are hard to find.',
    'Fine for us. Would like a better mobile experience.',
  ],
  detractor: [
    'Too many bugs lately and tickets take too long.',
    'Hard to get the team to use it.',
    'Not sure we get enough value for the price.',
    'Performance has been poor for months.',
    'Support escalations go nowhere.',
  ],
} as const;

function comment(rng: Rng, score: number): string | null {
  if (!rng.chance(0.4)) return null;
  const kind = score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
  return rng.pick(COMMENTS[kind]);
}

interface Person {
  key: string;
  rate: number;
  detractor: boolean;
  from: string;
  until: string;
}

function people(events: readonly PlanEvent[]): Person[] {
  const out = new Map<string, Person>();
  for (const e of events) {
    if (e.type === 'add_contact') {
      const roles = e.contact.roles;
      out.set(e.contact.key, {
        key: e.contact.key,
        rate: Math.max(0.3, ...roles.map((r) => ANSWER_RATE[r] ?? 0)),
        detractor: roles.includes('detractor'),
        from: e.date,
        until: '9999-12-31',
      });
    } else if (e.type === 'contact_left') {
      const p = out.get(e.contact);
      if (p) p.until = e.date;
    }
  }
  return [...out.values()];
}

const answerAt = (cal: DemoCalendar, d: number, region: DemoRegion, rng: Rng): string =>
  new Date(
    cal.ms[d]! + Math.floor((WORKDAY_UTC[region] + rng.next() * 9) * 3_600_000),
  ).toISOString();

/**
 * Quarterly NPS waves over the window: contacts present answer around the day's NPS mean
 * (lower before a churn, higher around an expansion); named detractors score low. The
 * plan's last-month survey (contacts' `latest_nps`) stays the newest answer of each
 * contact, and contacts whose newest answer came from a wave get it as their latest NPS,
 * so `latest_nps` always equals the newest response. Returns the answers and the events
 * with their survey actions adjusted.
 */
export function planNps(
  seed: number,
  index: number,
  region: DemoRegion,
  cal: DemoCalendar,
  days: AccountDays,
  events: PlanEvent[],
): { answers: NpsAnswer[]; events: PlanEvent[] } {
  const rng = rngFor(seed, 'nps', index);
  const n = cal.days.length;
  const all = people(events);
  const byContact = new Map<string, { at: string; score: number }[]>();
  const phase = index % 3;
  for (let d = 0; d < n; d++) {
    // A wave goes out on the third day of every third month slot.
    if (d > 0 && cal.slot[d] === cal.slot[d - 1]) continue;
    if ((cal.slot[d]! + phase) % 3 !== 0) continue;
    const wave = d + 2;
    if (wave >= n || !days.live[wave]) continue;
    for (const p of all) {
      if (!rng.chance(p.rate)) continue;
      const r = wave + rng.int(0, 12);
      const day = cal.days[r];
      if (!day || !days.live[r] || p.from > cal.days[wave]! || p.until <= day) continue;
      const mean = days.npsMean[r]!;
      if (Number.isNaN(mean)) continue;
      let score = Math.round(clamp(rng.normal(mean, 1.7), 0, 10));
      if (p.detractor) score = Math.min(score, rng.int(0, 5));
      const list = byContact.get(p.key) ?? [];
      list.push({ at: answerAt(cal, r, region, rng), score });
      byContact.set(p.key, list);
    }
  }

  // The plan's own survey (the last live month) is each contact's newest answer.
  const start = cal.days[0]!;
  const patched: PlanEvent[] = [];
  for (const e of events) {
    if (e.type !== 'survey') {
      patched.push(e);
      continue;
    }
    const list = (byContact.get(e.contact) ?? []).filter((x) => x.at < e.at);
    if (e.nps !== null && e.date >= start) list.push({ at: e.at, score: e.nps });
    byContact.set(e.contact, list);
    const newest = list[list.length - 1];
    patched.push(e.nps === null && newest ? { ...e, nps: newest.score } : e);
  }
  const surveyed = new Set(patched.flatMap((e) => (e.type === 'survey' ? [e.contact] : [])));
  // Contacts who left before that survey keep their newest wave answer as latest NPS.
  for (const [contact, list] of byContact) {
    const newest = list[list.length - 1];
    if (surveyed.has(contact) || !newest) continue;
    const e: PlanEvent = {
      type: 'survey',
      contact,
      nps: newest.score,
      lastSeenAt: null,
      date: newest.at.slice(0, 10),
      at: newest.at,
    };
    const i = patched.findIndex((x) => x.at > e.at);
    patched.splice(i < 0 ? patched.length : i, 0, e);
  }

  const answers: NpsAnswer[] = [];
  const flat = [...byContact].flatMap(([contact, list]) => list.map((x) => ({ contact, ...x })));
  flat.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.contact < b.contact ? -1 : 1));
  for (const x of flat) {
    answers.push({
      id: demoRecordId('svy', Date.parse(x.at), rng),
      externalId: `nps-${index + 1}-${answers.length + 1}`,
      contact: x.contact,
      at: x.at,
      score: x.score,
      comment: comment(rng, x.score),
    });
  }
  return { answers, events: patched };
}
