import { addDays, type IsoDate } from '../core/clock.js';
import { SEGMENT_PROFILE } from './catalog.js';
import type { ContactPlan, People } from './contacts.js';
import type { Raw } from './actions.js';
import type { Firm } from './layout.js';
import type { LifeResult } from './life-types.js';
import * as notes from './notes.js';
import { clamp, rngFor } from './random.js';

/** Activities come after life events of the same day; surveys come last. */
const ACTIVITY = 1_000_000_000;
const SURVEY = 2_000_000_000;

export interface StoryInput {
  seed: number;
  firm: Firm;
  life: LifeResult;
  people: People;
  presentEnd: Map<number, ContactPlan[]>;
  dateOf: (t: number, day: number) => IsoDate;
}

/**
 * The CSM's timeline (calls, meetings, notes, emails) and the latest survey answers,
 * written from the month's hidden state so the text tells the same story as the numbers.
 */
export function storyOf(input: StoryInput): Raw[] {
  const { seed, firm, life, people, presentEnd } = input;
  const rng = rngFor(seed, 'story', firm.index);
  const selfServe = firm.segment === 'self_serve';
  const touchRate = SEGMENT_PROFILE[firm.segment].touchRate;
  const out: Raw[] = [];
  let n = 0;
  const add = (
    t: number,
    day: number,
    a: notes.Activity,
    contact: ContactPlan | null,
    order?: number,
  ) =>
    out.push({
      type: 'activity',
      ...a,
      contact: contact?.key ?? null,
      t,
      day,
      order: order ?? ACTIVITY + n++,
    });

  const presentAt: ContactPlan[][] = [];
  let last: ContactPlan[] = [];
  for (let t = 0; t < life.months.length; t++) {
    last = presentEnd.get(t) ?? last;
    presentAt.push(last);
  }
  const byT = new Map<number, typeof life.events>();
  for (const e of life.events) byT.set(e.t, [...(byT.get(e.t) ?? []), e]);
  const withRole = (list: ContactPlan[], role: string) =>
    list.find((c) => c.roles.some((r) => r === role)) ?? null;

  let liveRun = 0;
  let deadRun = 0;
  for (let t = 0; t < life.months.length; t++) {
    const mo = life.months[t]!;
    const stable = t === 0 ? [] : presentAt[t - 1]!.filter((c) => presentAt[t]!.includes(c));
    for (const e of byT.get(t) ?? []) {
      // The kickoff follows the first subscription (seq 1), like every reaction its cause.
      const after = (e.kind === 'start' ? 1 : e.seq) * 100 + 99;
      if (e.kind === 'start') add(t, e.day, notes.kickoff(rng, firm.name, selfServe), null, after);
      if (selfServe) continue;
      if (e.kind === 'champion_left') {
        const c = people.champion(e.champion).contact;
        add(t, e.day, notes.championLeftNote(c.name, c.title), null, after);
      } else if (e.kind === 'champion_added' && mo.live && liveRun > 0) {
        const c = people.champion(e.champion).contact;
        add(t, e.day, notes.newChampionCall(c.name), c, after);
      } else if (e.kind === 'renewal_window') {
        const buyer = withRole(presentAt[t]!, 'economic_buyer');
        add(t, e.day, notes.renewalKickoff(buyer?.name ?? null), buyer, after);
      } else if (e.kind === 'non_renewal_signalled') {
        add(t, e.day, notes.nonRenewal(e.reason), null, after);
      } else if (
        ((e.kind === 'sub_change' && e.why === 'expansion') ||
          (e.kind === 'sub_create' && e.addon)) &&
        rng.chance(0.7)
      ) {
        add(t, e.day, notes.expansionMeeting(rng), withRole(presentAt[t]!, 'champion'), after);
      } else if (e.kind === 'churned' && rng.chance(0.6)) {
        add(t, e.day, notes.exitInterview(e.reason), null, after);
      } else if (e.kind === 'reactivated') {
        add(t, e.day, notes.welcomeBack(), null, after);
      }
    }
    if (!mo.live) {
      liveRun = 0;
      deadRun++;
      if (deadRun === 2 && !selfServe && rng.chance(0.4)) {
        add(t, rng.int(0, 27), notes.winbackEmail(), null);
      }
      continue;
    }
    deadRun = 0;
    liveRun++;
    if (liveRun === 1) continue;
    if (mo.incident && (!selfServe || rng.chance(0.3))) {
      const tech = withRole(stable, 'technical_lead');
      add(t, rng.int(0, 27), notes.escalation(rng, mo.ticketsExpected), tech);
    }
    if (liveRun > 3 && mo.engagement < 0.35 && rng.chance(selfServe ? 0.05 : 0.45)) {
      add(t, rng.int(0, 27), notes.usageReview(mo.engagement, mo.seats), null);
    }
    const detractor = withRole(stable, 'detractor');
    if (detractor && (mo.npsMean ?? 10) < 6.5 && rng.chance(0.15)) {
      add(t, rng.int(0, 27), notes.detractorCall(rng, detractor.name), detractor);
    }
    if (rng.chance(touchRate)) {
      const big = firm.segment === 'enterprise' || firm.segment === 'mid_market';
      const who = stable.length ? rng.pick(stable) : null;
      const a =
        mo.engagement > 0.6 && rng.chance(0.3)
          ? notes.healthyNote(rng, mo.engagement, mo.seats)
          : notes.routine(rng, big && liveRun % 3 === 0, mo.executiveSponsor);
      add(t, rng.int(0, 27), a, a.kind === 'email' || a.kind === 'note' ? null : who);
    }
  }
  out.push(...surveys(input, presentAt));
  return out;
}

/** Latest NPS answers and last-seen times, taken in the account's last live month. */
function surveys(input: StoryInput, presentAt: ContactPlan[][]): Raw[] {
  const { seed, firm, life, dateOf } = input;
  const rng = rngFor(seed, 'survey', firm.index);
  let lastLive = -1;
  for (let t = life.months.length - 1; t >= 0; t--) {
    if (life.months[t]!.live) {
      lastLive = t;
      break;
    }
  }
  if (lastLive < 0) return [];
  const mo = life.months[lastLive]!;
  const day = 27;
  const surveyDate = dateOf(lastLive, day);
  const out: Raw[] = [];
  let k = 0;
  for (const c of presentAt[lastLive] ?? []) {
    const answered = rng.chance(0.55);
    let nps = Math.round(clamp(rng.normal(mo.npsMean ?? 7, 1.7), 0, 10));
    if (c.roles.includes('detractor')) nps = Math.min(nps, rng.int(0, 5));
    // Engaged accounts were seen days ago; disengaged ones weeks ago.
    const daysAgo = rng.int(1, Math.round(2 + 40 * (1 - mo.engagement)));
    const hh = String(8 + rng.int(0, 9)).padStart(2, '0');
    const mm = String(rng.int(0, 59)).padStart(2, '0');
    const lastSeenAt = `${addDays(surveyDate, -daysAgo)}T${hh}:${mm}:00.000Z`;
    out.push({
      type: 'survey',
      contact: c.key,
      nps: answered ? nps : null,
      lastSeenAt,
      t: lastLive,
      day,
      order: SURVEY + k++,
    });
  }
  return out;
}
