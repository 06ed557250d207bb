import type { ChurnReason } from '../accounts/account/model.js';
import type { ManualKind } from '../accounts/timeline/model.js';
import type { Rng } from './random.js';

/**
 * What a CSM would write in the timeline. Text follows the month's hidden state, so the
 * notes carry the same signals later features measure (usage, tickets, sentiment).
 */
export interface Activity {
  kind: ManualKind;
  title: string;
  body: string;
}

const ISSUES = [
  'scheduled exports failing overnight',
  'slow dashboard loads for the EU team',
  'SSO logins timing out',
  'duplicate records after the CRM sync',
  'webhook deliveries delayed by hours',
  'permissions reset after the last release',
  'reports showing stale data',
];

const CHECKIN_BODIES = [
  'Walked through the roadmap; they want better reporting next quarter.',
  'Reviewed open requests. Team is settled into the weekly workflow.',
  'Quick sync on adoption. Shared two best-practice guides.',
  'Covered upcoming release and the admin training schedule.',
];

const DEPARTMENTS = ['finance', 'support', 'operations', 'marketing', 'sales ops', 'IT'];

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function kickoff(rng: Rng, company: string, selfServe: boolean): Activity {
  if (selfServe) {
    return {
      kind: 'email',
      title: `Welcome to Lumora, ${company}`,
      body: 'Sent the getting-started guide and the link to office hours.',
    };
  }
  return {
    kind: 'meeting',
    title: 'Kickoff meeting',
    body: rng.pick([
      'Agreed success criteria and a rollout plan by team. Admin training booked.',
      'Introduced the onboarding plan; data import scheduled for next week.',
    ]),
  };
}

export function championLeftNote(name: string, title: string): Activity {
  return {
    kind: 'note',
    title: `Champion ${name} has left`,
    body: `${name} (${title}) is no longer with the company. Nobody owns the rollout now; need a new sponsor before the next renewal conversation.`,
  };
}

export function newChampionCall(name: string): Activity {
  return {
    kind: 'call',
    title: `Intro call with ${name}`,
    body: `${name} is taking over as our main contact. Reviewed goals and set up a monthly check-in.`,
  };
}

export function escalation(rng: Rng, tickets: number): Activity {
  const issue = rng.pick(ISSUES);
  return {
    kind: 'call',
    title: `Escalation: ${issue}`,
    body: `Customer escalated ${issue}; about ${Math.max(2, Math.round(tickets))} tickets opened this month. Engineering engaged, workaround shared.`,
  };
}

export function usageReview(engagement: number, seats: number): Activity {
  return {
    kind: 'note',
    title: 'Usage review: adoption is low',
    body: `Only ${pct(engagement)} of ${seats} licensed seats were active last month. Proposed a re-training session for the team leads.`,
  };
}

export function healthyNote(rng: Rng, engagement: number, seats: number): Activity {
  return {
    kind: 'note',
    title: 'Good momentum',
    body: `${pct(engagement)} of ${seats} seats active. ${rng.pick([
      'They asked about rolling out to another team.',
      'Power users are building their own reports now.',
      'Positive feedback on the latest release.',
    ])}`,
  };
}

export function detractorCall(rng: Rng, name: string): Activity {
  return {
    kind: 'call',
    title: `Call with ${name}: frustrated`,
    body: `${name} is unhappy with ${rng.pick(ISSUES)} and questioned whether the tool is worth it. Promised a fix date.`,
  };
}

export function renewalKickoff(name: string | null): Activity {
  return {
    kind: 'call',
    title: 'Renewal kickoff',
    body: `Opened the renewal conversation${name ? ` with ${name}` : ''}; contract ends in 90 days.`,
  };
}

const NON_RENEWAL: Record<ChurnReason, string> = {
  value: 'they are not getting enough value for the price and usage stayed low',
  product: 'the open issues have cost them too much time',
  relationship: 'nobody internally owns the tool any more',
  financial: 'budgets are being cut across the company',
  competition: 'they are evaluating a competing platform',
  strategic: 'the company is changing direction',
  other: 'of internal changes',
};

export function nonRenewal(reason: ChurnReason): Activity {
  return {
    kind: 'call',
    title: 'Customer signalled they may not renew',
    body: `They told us ${NON_RENEWAL[reason]}. Preparing a save plan.`,
  };
}

export function expansionMeeting(rng: Rng): Activity {
  return {
    kind: 'meeting',
    title: 'Expansion discussion',
    body: `Scoped a rollout to the ${rng.pick(DEPARTMENTS)} team; order form sent.`,
  };
}

export function routine(rng: Rng, quarterly: boolean, sponsor: boolean): Activity {
  if (quarterly) {
    return {
      kind: 'meeting',
      title: 'Quarterly business review',
      body: sponsor
        ? 'Shared usage trends and the support summary; their executive sponsor attended.'
        : 'Reviewed outcomes against goals with the project team; no executive joined.',
    };
  }
  return rng.chance(0.5)
    ? { kind: 'call', title: 'Monthly check-in', body: rng.pick(CHECKIN_BODIES) }
    : {
        kind: 'email',
        title: 'Monthly update sent',
        body: 'Sent release notes and the monthly usage summary.',
      };
}

export function exitInterview(reason: ChurnReason): Activity {
  return {
    kind: 'note',
    title: 'Exit interview',
    body: `Main reason given: ${NON_RENEWAL[reason]}.`,
  };
}

export function winbackEmail(): Activity {
  return {
    kind: 'email',
    title: 'Win-back outreach',
    body: 'Shared what changed since they left and offered a return discount.',
  };
}

export function welcomeBack(): Activity {
  return {
    kind: 'call',
    title: 'Welcome back call',
    body: 'They are returning on a smaller plan; agreed a fresh onboarding plan.',
  };
}
