import type { IsoDate } from '../core/clock.js';
import { canTransition, type Stage } from '../accounts/account/model.js';
import { CHURN_NOTES } from './catalog.js';
import type { ContactPlan, People } from './contacts.js';
import type { Firm } from './layout.js';
import type { LifeEvent } from './life-types.js';
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

/** Turn the lifecycle's events into service-level actions, tracking who is still there. */
export function lifeActions(
  seed: number,
  firm: Firm,
  life: LifeEvent[],
  people: People,
  dateOf: (t: number, day: number) => IsoDate,
): { raw: Raw[]; presentEnd: Map<number, ContactPlan[]> } {
  const raw: Raw[] = [];
  const present = new Map<string, ContactPlan>();
  const presentEnd = new Map<number, ContactPlan[]>();
  const rng = rngFor(seed, 'actions', firm.index);
  for (const e of life) {
    let k = 0;
    const push = (a: PlanAction) =>
      raw.push({ ...a, t: e.t, day: e.day, order: e.seq * 100 + k++ });
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
      case 'sub_create': {
        const s = e.sub;
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
      case 'sub_change':
        push({
          type: 'sub_update',
          key: e.key,
          plan: e.plan,
          seats: e.seats,
          mrrMinor: e.mrrMinor,
          endDate: e.endT === null ? null : dateOf(e.endT, e.endDay),
        });
        break;
      case 'sub_cancel':
        push({ type: 'sub_cancel', key: e.key });
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
