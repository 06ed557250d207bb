import type { ChurnReason, Stage } from '../accounts/account/model.js';
import type { BillingFrequency } from '../accounts/subscription/model.js';

/** One month slot of an account's hidden state; docs/demo.md says how to use them. */
export interface MonthSignals {
  /** Months before today: slot m covers [today − m months, today − m + 1 months). */
  slot: number;
  live: boolean;
  stage: Stage;
  /** Share of licensed seats active in the month (0..1). */
  engagement: number;
  /** Expected support tickets opened in the month. */
  ticketsExpected: number;
  /** Mean NPS answer in the month, or null when not a customer. */
  npsMean: number | null;
  championPresent: boolean;
  executiveSponsor: boolean;
  /** A product incident hit this account (a ticket spike). */
  incident: boolean;
  seats: number;
  mrrMinor: number;
  /** Within 90 days before a contract end. */
  renewalWindow: boolean;
  /** The customer told us they will not renew. */
  nonRenewalSignalled: boolean;
}

/** A subscription's terms; times are elapsed months since the account's start slot. */
export interface SubTerms {
  key: string;
  n: number;
  plan: string;
  product: string;
  seats: number;
  mrrMinor: number;
  termMonths: number;
  billing: BillingFrequency;
  autoRenew: boolean;
  endT: number;
  endDay: number;
}

export type ChangeWhy = 'renewal' | 'uplift' | 'expansion' | 'contraction';

export type LifeAction =
  | { kind: 'start' }
  | { kind: 'stage'; to: Stage; reason: string }
  | { kind: 'sub_create'; sub: SubTerms; reactivation: boolean; addon: boolean }
  | {
      kind: 'sub_change';
      key: string;
      plan: string;
      seats: number;
      mrrMinor: number;
      endT: number | null;
      endDay: number;
      why: ChangeWhy;
    }
  | { kind: 'sub_cancel'; key: string; why: 'churn' | 'contraction' }
  | { kind: 'champion_left'; champion: number }
  | { kind: 'champion_added'; champion: number }
  | { kind: 'contact_left' }
  | { kind: 'renewal_window'; endT: number }
  | { kind: 'non_renewal_signalled'; reason: ChurnReason }
  | { kind: 'churned'; reason: ChurnReason; driver: string }
  | { kind: 'reactivated' };

/** An action at elapsed month t (0 = the start slot), day offset `day`, in order `seq`. */
export type LifeEvent = LifeAction & { t: number; day: number; seq: number };

export interface LifeResult {
  months: MonthSignals[];
  events: LifeEvent[];
}

export type Emit = (t: number, day: number, action: LifeAction) => void;
