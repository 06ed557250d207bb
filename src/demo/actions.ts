import type { IsoDate } from '../core/clock.js';
import { canTransition, type Stage } from '../accounts/account/model.js';
import { CHURN_NOTES } from './catalog.js';
import type { ContactPlan, People } from './contacts.js';
import type { Firm } from './layout.js';
import type { LifeEvent, MonthSignals } from './life-types.js';
import type { Bucket } from '../renewals/model.js';
import { subscriptionExternalId } from './names.js';
import type { PlanAction } from './types.js';
import { rngFor } from './random.js';

const LEFT_REASONS = [
  'Left the company',
  'Moved to another role',
  'Joined another company',
  'Role eliminated in a reorganisation',
];
const KEY_ROLES = ['champion', 'executive_sponsor', 'economic_buyer'];

/** An action placed in simulated time: month slot t, day offset, and order within the day. */
export type Raw = PlanAction & { t: number; day: number; order: number };

/**
 * The bucket a renewal was in as its contract ended, read from the month before: the
 * customer said they would not renew, or an at-risk account's usage collapsed (Churning);
 * at risk (a champion gone, usage declining), low usage, or no champion and middling usage
 * (At Risk); more than 80% of seats active (Expanding); otherwise On Track. The same
 * signals the pipeline's rules read today, as the simulation knew them then.
 */
export function bucketBefore(m: MonthSignals): Bucket {
  if (m.nonRenewalSignalled || (m.stage === 'at_risk' && m.engagement < 0.3)) return 'churning';
  if (m.stage === 'at_risk' || m.engagement < 0.3 || (!m.championPresent && m.engagement < 0.5))
    return 'at_risk';
  if (m.engagement >= 0.8) return 'expanding';
  return 'on_track';
}

/** Turn the lifecycle's events into service-level actions, tracking who is still there. */
export function lifeActions(
  seed: number,
  firm: Firm,
  life: LifeEvent[],
  months: readonly MonthSignals[],
  people: People,
  dateOf: (t: number, day: number) => IsoDate,
): { raw: Raw[]; presentEnd: Map<number, ContactPlan[]> } {
  const raw: Raw[] = [];
  const present = new Map<string, ContactPlan>();
  const presentEnd = new Map<number, ContactPlan[]>();
  const rng = rngFor(seed, 'actions', firm.index);
  // Each subscription's MRR and end date as last written; annual renewals coming up (the
  // month their contract ends), and the core subscription a churn at term end canceled.
  const subs = new Map<string, { mrrMinor: number; endDate: IsoDate }>();
  const renewalsDue = new Set<number>();
  let canceledCore: string | null = null;
  for (const e of life) {
    let k = 0;
    const push = (a: PlanAction) =>
      raw.push({ ...a, t: e.t, day: e.day, order: e.seq * 100 + k++ });
    const outcome = (
      key: string,
      o: Pick<
        PlanAction & { type: 'renewal_outcome' },
        'outcome' | 'arrAfterMinor' | 'churnReason'
      >,
    ) => {
      const before = subs.get(key)!;
      renewalsDue.delete(e.t);
      push({
        type: 'renewal_outcome',
        key,
        renewalDate: before.endDate,
        bucket: bucketBefore(months[e.t - 1] ?? months[e.t]!),
        arrBeforeMinor: before.mrrMinor * 12,
        ...o,
      });
    };
    switch (e.kind) {
      case 'start':
        push({ type: 'create_account' });
        for (const c of people.initial) {
          push({ type: 'add_contact', contact: c });
          present.set(c.key, c);
        }
        break;
      case 'stage':
        push({ type: 'stage', to: e.to, reason: e.reason });
        break;
      case 'renewal_window':
        renewalsDue.add(e.endT);
        break;
      case 'sub_create': {
        const s = e.sub;
        subs.set(s.key, { mrrMinor: s.mrrMinor, endDate: dateOf(s.endT, s.endDay) });
        push({
          type: 'sub_create',
          key: s.key,
          plan: s.plan,
          product: s.product,
          seats: s.seats,
          mrrMinor: s.mrrMinor,
          billing: s.billing,
          endDate: dateOf(s.endT, s.endDay),
          autoRenew: s.autoRenew,
          externalId: subscriptionExternalId(seed, firm.index, s.n, rng),
        });
        if (e.reactivation) push({ type: 'clear_churn' });
        break;
      }
      case 'sub_change': {
        const endDate = e.endT === null ? null : dateOf(e.endT, e.endDay);
        push({
          type: 'sub_update',
          key: e.key,
          plan: e.plan,
          seats: e.seats,
          mrrMinor: e.mrrMinor,
          endDate,
        });
        // The core contract renewed at its term end (add-ons renew alongside it).
        if (endDate !== null && renewalsDue.has(e.t) && e.key.startsWith('core')) {
          // Below the ARR it had is a downgrade, as when a CSM records it.
          const lower = e.mrrMinor < subs.get(e.key)!.mrrMinor;
          outcome(e.key, {
            outcome: lower ? 'downgraded' : 'renewed',
            arrAfterMinor: e.mrrMinor * 12,
            churnReason: null,
          });
        }
        const prev = subs.get(e.key);
        subs.set(e.key, { mrrMinor: e.mrrMinor, endDate: endDate ?? prev?.endDate ?? '' });
        break;
      }
      case 'sub_cancel':
        push({ type: 'sub_cancel', key: e.key });
        if (e.why === 'churn') canceledCore = e.key;
        break;
      case 'champion_left': {
        const c = people.champion(e.champion).contact;
        if (present.delete(c.key)) {
          push({ type: 'contact_left', contact: c.key, reason: rng.pick(LEFT_REASONS) });
        }
        break;
      }
      case 'champion_added': {
        const { contact, created } = people.champion(e.champion);
        if (created) {
          push({ type: 'add_contact', contact });
          present.set(contact.key, contact);
        }
        break;
      }
      case 'contact_left': {
        const others = [...present.values()].filter(
          (c) => !c.roles.some((r) => KEY_ROLES.includes(r)),
        );
        if (others.length > 1) {
          const c = rng.pick(others);
          present.delete(c.key);
          push({ type: 'contact_left', contact: c.key, reason: rng.pick(LEFT_REASONS) });
        }
        break;
      }
      case 'churned':
        push({
          type: 'churn_reason',
          reason: e.reason,
          note: rng.pick(CHURN_NOTES[e.reason] ?? ['']),
        });
        // Lost at its term end, rather than a month-to-month customer leaving.
        if (canceledCore && renewalsDue.has(e.t))
          outcome(canceledCore, { outcome: 'churned', arrAfterMinor: 0, churnReason: e.reason });
        canceledCore = null;
        break;
      default:
        break;
    }
    presentEnd.set(e.t, [...present.values()]);
  }
  return { raw, presentEnd };
}

/** Drop stage moves the lifecycle forbids at the point they land (defensive; see tests). */
export function validStages(events: Raw[]): Raw[] {
  let stage: Stage = 'onboarding';
  let mrrLive = 0;
  const live = new Map<string, number>();
  return events.filter((e) => {
    if (e.type === 'stage') {
      if (e.to === stage || !canTransition(stage, e.to)) return false;
      stage = e.to;
    } else if (e.type === 'sub_create' || e.type === 'sub_update' || e.type === 'sub_cancel') {
      live.set(e.key, e.type === 'sub_cancel' ? 0 : e.mrrMinor);
      const before = mrrLive;
      mrrLive = [...live.values()].reduce((s, x) => s + x, 0);
      if (before > 0 && mrrLive === 0 && stage !== 'churned') stage = 'churned';
      if (before === 0 && mrrLive > 0 && stage === 'churned') stage = 'active';
    }
    return true;
  });
}
