/**
 * The events of the ingest benchmark, shared by the load generator (which sends them) and
 * the baseline (which inserts the same events raw). Event n is a pure function of n:
 * product use across 200 accounts of 20 users, ~500 bytes of JSON each.
 *
 * messageIds: `uuid` (default) is a random v4 UUID, as RudderStack's and most other
 * clients send, and the hard case for a unique index; `segment` is @segment/analytics-node's
 * `node-next-<ms>-<uuid>`, which sorts roughly by time and so inserts near the end.
 */

export const ACCOUNTS = 200;
export const USERS_PER_ACCOUNT = 20;
export const BATCH_SIZE = 100;

const EVENT_NAMES = [
  'Dashboard Viewed',
  'Report Created',
  'Report Exported',
  'Alert Configured',
  'Integration Synced',
  'User Invited',
  'Search Performed',
  'Filter Applied',
  'Comment Added',
  'Playbook Run',
  'Note Created',
  'Settings Updated',
];
const PLANS = ['starter', 'team', 'business', 'enterprise'];
const PATHS = ['/app/home', '/app/reports', '/app/accounts', '/app/settings', '/app/playbooks'];
const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36',
];
const TIMEZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Singapore', 'America/Sao_Paulo'];
const BASE_MS = 1_780_000_000_000;

/** A 32-bit mix of n (splitmix-style): stable pseudo-randomness without state. */
function mix(n: number, salt: number): number {
  let x = (n ^ salt) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

const hex8 = (v: number) => v.toString(16).padStart(8, '0');

export type IdStyle = 'uuid' | 'segment';
export const ID_STYLES: readonly IdStyle[] = ['uuid', 'segment'];

export function messageIdOf(n: number, style: IdStyle): string {
  const a = hex8(mix(n, 0x9e3779b9));
  const b = hex8(mix(n, 0x85ebca6b));
  const c = hex8(mix(n, 0xc2b2ae35));
  const d = hex8(mix(n, 0x27d4eb2f));
  const uuid = `${a}-${b.slice(0, 4)}-4${b.slice(5)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
  return style === 'segment' ? `node-next-${BASE_MS + Math.floor(n / 7)}-${uuid}` : uuid;
}

export interface BenchEvent {
  type: 'track';
  messageId: string;
  userId: string;
  event: string;
  timestamp: string;
  context: Record<string, unknown>;
  properties: Record<string, unknown>;
}

export function benchEvent(n: number, timestamp: string, ids: IdStyle): BenchEvent {
  const h = mix(n, 0x165667b1);
  const account = h % ACCOUNTS;
  const user = (h >>> 8) % USERS_PER_ACCOUNT;
  return {
    type: 'track',
    messageId: messageIdOf(n, ids),
    userId: `user-${account}-${user}`,
    event: EVENT_NAMES[(h >>> 13) % EVENT_NAMES.length]!,
    timestamp,
    context: {
      groupId: `acct-${account}`,
      ip: `10.${account % 250}.${user}.${(h >>> 20) % 250}`,
      library: { name: 'analytics-node', version: '3.1.0' },
      locale: 'en-US',
      timezone: TIMEZONES[account % TIMEZONES.length],
      userAgent: BROWSERS[(h >>> 3) % BROWSERS.length],
    },
    properties: {
      plan: PLANS[account % PLANS.length],
      path: PATHS[(h >>> 5) % PATHS.length],
      duration_ms: (h >>> 7) % 5000,
      items: (h >>> 11) % 40,
      feature_flag: (h & 1) === 1,
    },
  };
}

/** The request body for the batch of events [first, first + size). */
export function batchBody(first: number, size: number, at: Date, ids: IdStyle): string {
  const ts = at.toISOString();
  const batch: BenchEvent[] = new Array<BenchEvent>(size);
  for (let i = 0; i < size; i++) batch[i] = benchEvent(first + i, ts, ids);
  return JSON.stringify({ batch, sentAt: ts });
}
