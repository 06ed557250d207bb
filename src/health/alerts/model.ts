import { addDays, daysBetween, type IsoDate } from '../../core/clock.js';
import {
  DETRACTOR_MAX,
  SPIKE_BASELINE_DAYS,
  SPIKE_DAYS,
  USAGE_WINDOW_DAYS,
  isoWeek,
  lowestTier,
  plural,
  points,
  tierMin,
  topTier,
  type AlertSettings,
  type AlertWindows,
  type ChampionExit,
  type Finding,
  type NpsAnswer,
  type OnboardingFigures,
  type RedRun,
  type RenewalFigures,
  type ScaleOf,
  type ScorePoint,
  type TicketFigures,
  type UsageFigures,
} from './kinds.js';

/**
 * The alert rules (C3), pure: each takes what figures-store.ts gathered for one account as
 * of the end of day D and returns what it found. Every rule and its cause key:
 *
 * score_drop          the composite fell by at least scoreDropPoints (10) from a peak to a
 *                     later score, both within the scoreDropWindowDays (30) ending on D (days
 *                     D−30…D). Cause: the first day a score stood that far below an earlier
 *                     one in the window. While an earlier score_drop's cause day is still in
 *                     the window the decline is already reported, so none is raised.
 * tier_change         two consecutive snapshots with a tier, the later one within the
 *                     tierChangeLookbackDays (7) ending on D, where the later tier is worse
 *                     (a lower minimum in its model: Green → Yellow). Cause: "day:from>to".
 *                     A score flapping across a boundary repeats the same fall, so each
 *                     from→to is raised once per episode: the latest such fall not yet
 *                     covered by an alert for it raised in the score window (an unresolved
 *                     one covers every fall, a resolved one the falls up to the day it was
 *                     resolved).
 * usage_drop          users active in D−29…D fell more than usageDropPercent (30%) against
 *                     D−59…D−30, which had at least usageDropMinUsers (5). Cause: D's month.
 * champion_left       a contact marked champion left (left_on) within eventLookbackDays (30).
 *                     Cause: the contact id.
 * support_spike       tickets opened in D−6…D are at least supportSpikeMultiplier (3) times
 *                     the weekly average of D−96…D−7 and at least supportSpikeMinTickets (3).
 *                     Cause: D's ISO week.
 * detractor_nps       an NPS answer of 0–6 within eventLookbackDays (30). Cause: its id.
 * onboarding_no_login in the onboarding stage for at least onboardingNoLoginDays (14), linked
 *                     to the product, and no active user since the stage began. Cause: the
 *                     day the stage began.
 * renewal_risk        the renewal date is D…D+renewalWithinDays (60) and the latest score
 *                     on or before D is below its model's top tier. Cause: the renewal date.
 * red_no_intervention in the model's lowest tier for more than redDays (14) — every snapshot
 *                     since the run began, and scored in the last redDays + 1 days — with no
 *                     intervention since. Until tasks and playbooks exist an intervention is
 *                     a note, call, meeting, email or health check on the timeline, or an alert of the
 *                     account acknowledged or resolved, since the day the run began (an
 *                     alert snoozed after it was acknowledged no longer counts). Cause: the
 *                     day the run began.
 */

/** The largest fall from a peak to a later score, and the first day a fall reached the bar. */
export interface Drop {
  fromDay: IsoDate;
  fromTenths: number;
  toDay: IsoDate;
  toTenths: number;
  crossedOn: IsoDate | null;
}

/** Scored points of the window, in day order. */
function inWindow(series: readonly ScorePoint[], from: IsoDate, to: IsoDate) {
  return series
    .filter((p): p is ScorePoint & { tenths: number } => p.tenths !== null)
    .filter((p) => p.day >= from && p.day <= to)
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** Peak-to-later-low over the points (null with fewer than two); `bar` in tenths. */
export function largestDrop(
  series: readonly ScorePoint[],
  from: IsoDate,
  to: IsoDate,
  bar: number,
): Drop | null {
  const pts = inWindow(series, from, to);
  if (pts.length < 2) return null;
  let peak = pts[0]!;
  let best: Omit<Drop, 'crossedOn'> | null = null;
  let crossedOn: IsoDate | null = null;
  for (const p of pts.slice(1)) {
    const fall = peak.tenths - p.tenths;
    if (crossedOn === null && fall >= bar) crossedOn = p.day;
    if (!best || fall > best.fromTenths - best.toTenths)
      best = { fromDay: peak.day, fromTenths: peak.tenths, toDay: p.day, toTenths: p.tenths };
    if (p.tenths > peak.tenths) peak = p;
  }
  return best && { ...best, crossedOn };
}

export function scoreDrop(
  accountId: string,
  series: readonly ScorePoint[],
  s: AlertSettings,
  day: IsoDate,
  lastCause: IsoDate | null = null,
): Finding | null {
  const from = addDays(day, -s.scoreDropWindowDays);
  const bar = Math.round(s.scoreDropPoints * 10);
  const d = largestDrop(series, from, day, bar);
  if (!d?.crossedOn) return null;
  if (lastCause !== null && lastCause >= from && lastCause <= day) return null;
  const fall = d.fromTenths - d.toTenths;
  return {
    accountId,
    kind: 'score_drop',
    causeKey: d.crossedOn,
    severity: fall >= 2 * bar ? 'high' : 'medium',
    title: `Health fell ${points(fall)} points`,
    reason:
      `Health fell from ${points(d.fromTenths)} on ${d.fromDay} to ${points(d.toTenths)} on ${d.toDay}, ` +
      `${points(fall)} points within ${plural(s.scoreDropWindowDays, 'day')} (the alert is at ${s.scoreDropPoints}).`,
    evidence: {
      from: d.fromTenths / 10,
      to: d.toTenths / 10,
      fromDay: d.fromDay,
      toDay: d.toDay,
      drop: fall / 10,
      crossedOn: d.crossedOn,
      thresholdPoints: s.scoreDropPoints,
      windowDays: s.scoreDropWindowDays,
    },
  };
}

/** Every worsening of the tier between consecutive snapshots in the lookback ending on D. */
export function tierChanges(
  accountId: string,
  series: readonly ScorePoint[],
  s: AlertSettings,
  day: IsoDate,
  scaleOf: ScaleOf,
  /** "from>to" → the last day its earlier alerts cover (see the header). */
  covered: ReadonlyMap<string, IsoDate> = new Map(),
): Finding[] {
  const after = addDays(day, -s.tierChangeLookbackDays);
  const pts = series
    .filter((p): p is ScorePoint & { tier: string } => p.tier !== null && p.day <= day)
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  // The latest uncovered fall of each from→to (the points are in day order).
  const out = new Map<string, Finding>();
  for (let i = 1; i < pts.length; i++) {
    const prev = pts[i - 1]!;
    const cur = pts[i]!;
    if (cur.day <= after || cur.tier === prev.tier) continue;
    const fromScale = scaleOf(prev.modelKey, prev.modelVersion);
    const toScale = scaleOf(cur.modelKey, cur.modelVersion);
    if (!fromScale || !toScale) continue;
    const fromMin = tierMin(fromScale, prev.tier);
    const toMin = tierMin(toScale, cur.tier);
    if (fromMin === undefined || toMin === undefined || toMin >= fromMin) continue;
    const pair = `${prev.tier}>${cur.tier}`;
    if (cur.day <= (covered.get(pair) ?? '')) continue;
    const at = (p: ScorePoint) => (p.tenths === null ? p.day : `${points(p.tenths)} on ${p.day}`);
    out.set(pair, {
      accountId,
      kind: 'tier_change',
      causeKey: `${cur.day}:${pair}`,
      severity: cur.tier === lowestTier(toScale) ? 'high' : 'medium',
      title: `Health tier fell: ${prev.tier} → ${cur.tier}`,
      reason: `Health moved from ${prev.tier} (${at(prev)}) to ${cur.tier} (${at(cur)}).`,
      evidence: {
        from: prev.tier,
        to: cur.tier,
        fromDay: prev.day,
        toDay: cur.day,
        fromScore: prev.tenths === null ? null : prev.tenths / 10,
        toScore: cur.tenths === null ? null : cur.tenths / 10,
      },
    });
  }
  return [...out.values()];
}

export function usageDrop(f: UsageFigures, s: AlertSettings, w: AlertWindows): Finding | null {
  if (f.prevUsers < Math.max(1, s.usageDropMinUsers)) return null;
  const dropPercent = ((f.prevUsers - f.users) * 100) / f.prevUsers;
  if (!(dropPercent > s.usageDropPercent)) return null;
  const pct = Math.round(dropPercent * 10) / 10;
  return {
    accountId: f.accountId,
    kind: 'usage_drop',
    causeKey: w.day.slice(0, 7),
    severity: 'high',
    title: `Active users down ${pct}%`,
    reason:
      `${plural(f.users, 'user was', 'users were')} active in the last ${USAGE_WINDOW_DAYS} days ` +
      `(${w.usageFrom} to ${w.day}) against ${f.prevUsers} in the ${USAGE_WINDOW_DAYS} days before, down ${pct}%.`,
    evidence: {
      previousUsers: f.prevUsers,
      activeUsers: f.users,
      dropPercent: pct,
      previousFrom: w.usagePrevFrom,
      previousTo: w.usagePrevTo,
      from: w.usageFrom,
      to: w.day,
    },
  };
}

export function championLeft(c: ChampionExit, w: AlertWindows): Finding | null {
  if (c.leftOn < w.eventsFrom || c.leftOn > w.day) return null;
  const who = c.title ? `${c.name} (${c.title})` : c.name;
  return {
    accountId: c.accountId,
    kind: 'champion_left',
    causeKey: c.contactId,
    severity: 'high',
    title: `Champion left: ${c.name}`,
    reason: `${who}, the account's champion, left on ${c.leftOn}${c.reason ? `: ${c.reason}` : ''}.`,
    evidence: {
      contactId: c.contactId,
      name: c.name,
      title: c.title,
      leftOn: c.leftOn,
      reason: c.reason,
    },
  };
}

export function supportSpike(f: TicketFigures, s: AlertSettings, w: AlertWindows): Finding | null {
  const weekly = (f.baseline * SPIKE_DAYS) / SPIKE_BASELINE_DAYS;
  if (f.recent < s.supportSpikeMinTickets || f.recent < s.supportSpikeMultiplier * weekly)
    return null;
  const avg = Math.round(weekly * 100) / 100;
  return {
    accountId: f.accountId,
    kind: 'support_spike',
    causeKey: isoWeek(w.day),
    severity: 'medium',
    title: `Support spike: ${plural(f.recent, 'ticket')} in ${SPIKE_DAYS} days`,
    reason:
      `${plural(f.recent, 'ticket was', 'tickets were')} opened from ${w.spikeFrom} to ${w.day}, ` +
      `against a weekly average of ${avg} over the ${SPIKE_BASELINE_DAYS} days before.`,
    evidence: {
      tickets: f.recent,
      from: w.spikeFrom,
      to: w.day,
      baselineTickets: f.baseline,
      baselineFrom: w.baselineFrom,
      baselineTo: w.baselineTo,
      weeklyAverage: avg,
      multiplier: s.supportSpikeMultiplier,
    },
  };
}

export function detractorNps(a: NpsAnswer, w: AlertWindows): Finding | null {
  const on = a.respondedAt.slice(0, 10);
  if (a.score > DETRACTOR_MAX || on < w.eventsFrom || on > w.day) return null;
  return {
    accountId: a.accountId,
    kind: 'detractor_nps',
    causeKey: a.responseId,
    severity: 'high',
    title: `Detractor NPS: ${a.score}${a.contactName ? ` from ${a.contactName}` : ''}`,
    reason: `${a.contactName ?? 'A contact'} answered ${a.score} out of 10 to the NPS survey on ${on}, a detractor (0–${DETRACTOR_MAX}).`,
    evidence: {
      responseId: a.responseId,
      score: a.score,
      respondedAt: a.respondedAt,
      contactId: a.contactId,
      contactName: a.contactName,
      comment: a.comment,
    },
  };
}

export function onboardingNoLogin(
  a: OnboardingFigures,
  s: AlertSettings,
  day: IsoDate,
): Finding | null {
  const days = daysBetween(a.stageStartedOn, day);
  if (a.stage !== 'onboarding' || !a.linked || a.usersSinceStart > 0) return null;
  if (days < s.onboardingNoLoginDays) return null;
  return {
    accountId: a.accountId,
    kind: 'onboarding_no_login',
    causeKey: a.stageStartedOn,
    severity: 'high',
    title: `No login ${plural(days, 'day')} into onboarding`,
    reason: `The account has been onboarding since ${a.stageStartedOn} (${plural(days, 'day')}) and no user has been active in the product since.`,
    evidence: { stageStartedOn: a.stageStartedOn, daysInOnboarding: days, activeUsers: 0 },
  };
}

export function renewalRisk(
  r: RenewalFigures,
  s: AlertSettings,
  day: IsoDate,
  scaleOf: ScaleOf,
): Finding | null {
  const { latest } = r;
  const scale = scaleOf(latest.modelKey, latest.modelVersion);
  const top = scale && topTier(scale);
  if (!scale || !top || latest.tier === null || latest.tier === top) return null;
  const daysTo = daysBetween(day, r.renewalDate);
  if (daysTo < 0 || daysTo > s.renewalWithinDays) return null;
  const score = latest.tenths === null ? null : latest.tenths / 10;
  const scored = score === null ? latest.day : `${points(latest.tenths!)} on ${latest.day}`;
  return {
    accountId: r.accountId,
    kind: 'renewal_risk',
    causeKey: r.renewalDate,
    severity: latest.tier === lowestTier(scale) ? 'high' : 'medium',
    title: `Renewal in ${plural(daysTo, 'day')} while ${latest.tier}`,
    reason: `The renewal on ${r.renewalDate} is ${plural(daysTo, 'day')} away and health is ${latest.tier} (${scored}), below ${top}.`,
    evidence: {
      renewalDate: r.renewalDate,
      daysToRenewal: daysTo,
      tier: latest.tier,
      topTier: top,
      score,
      scoredOn: latest.day,
    },
  };
}

export function redNoIntervention(r: RedRun, s: AlertSettings, day: IsoDate): Finding | null {
  const days = daysBetween(r.redSince, day);
  if (r.intervened || days <= s.redDays || r.lastScoredOn > day) return null;
  return {
    accountId: r.accountId,
    kind: 'red_no_intervention',
    causeKey: r.redSince,
    severity: 'critical',
    title: `${r.tier} for ${plural(days, 'day')} with no intervention`,
    reason:
      `Health has been ${r.tier}, the lowest tier, since ${r.redSince} (${plural(days, 'day')}) and since then ` +
      'nobody has logged a note, call, meeting, email or health check, or acknowledged an alert.',
    evidence: {
      tier: r.tier,
      redSince: r.redSince,
      daysInTier: days,
      lastScoredOn: r.lastScoredOn,
      thresholdDays: s.redDays,
    },
  };
}
