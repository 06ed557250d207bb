import type { IsoDate } from '../core/clock.js';
import type { ChurnReason, Stage } from '../accounts/account/model.js';
import type { BillingFrequency } from '../accounts/subscription/model.js';
import type { ManualKind } from '../accounts/timeline/model.js';
import type { Bucket } from '../renewals/model.js';
import type { RenewalOutcome } from '../renewals/outcomes.js';
import type { ContactPlan } from './contacts.js';

/** What the writer does, in order; every action maps to one service call. */
export type PlanAction =
  | { type: 'create_account' }
  | { type: 'add_contact'; contact: ContactPlan }
  | { type: 'contact_left'; contact: string; reason: string }
  | { type: 'survey'; contact: string; nps: number | null; lastSeenAt: string | null }
  | {
      type: 'sub_create';
      key: string;
      plan: string;
      product: string;
      seats: number;
      mrrMinor: number;
      billing: BillingFrequency;
      endDate: IsoDate;
      autoRenew: boolean;
      externalId: string;
    }
  | {
      type: 'sub_update';
      key: string;
      plan: string;
      seats: number;
      mrrMinor: number;
      endDate: IsoDate | null;
    }
  | { type: 'sub_cancel'; key: string }
  | { type: 'stage'; to: Stage; reason: string }
  | { type: 'churn_reason'; reason: ChurnReason; note: string }
  | { type: 'clear_churn' }
  | {
      /** How a past renewal ended and the bucket it was in then: calibration's history. */
      type: 'renewal_outcome';
      key: string;
      renewalDate: IsoDate;
      outcome: RenewalOutcome;
      bucket: Bucket;
      arrBeforeMinor: number;
      arrAfterMinor: number;
      churnReason: ChurnReason | null;
    }
  | { type: 'activity'; kind: ManualKind; title: string; body: string; contact: string | null };

/** `date` is the calendar day; `at` the simulated instant the service call happens. */
export type PlanEvent = PlanAction & { date: IsoDate; at: string };
