import type { Dialect, Executor } from '../db/database.js';
import type {
  ProductUsersTable,
  SurveyResponsesTable,
  TicketsTable,
  UsageDailyEventTable,
  UsageDailyUserEventTable,
  UsageDailyUserTable,
} from '../db/schema.js';
import { getSetting, putSetting } from '../settings/service.js';
import { BulkInserter } from './bulk.js';
import { accountDays, demoCalendar, type DemoCalendar } from './days.js';
import type { AccountPlan } from './plan.js';
import { ticketRows } from './tickets.js';
import { DEMO_FEATURES, usageRows } from './usage.js';

/** The usage feature mapping's settings key (owned by src/usage; the demo only seeds it). */
const FEATURES_KEY = 'usage.features';
/** Buffered rollup rows before a flush: enough for full statements, little memory. */
const FLUSH_AT = 20_000;

/** Push without spreading: an account can have more rows than a call has arguments. */
function append<T>(to: T[], rows: readonly T[]): void {
  for (const r of rows) to.push(r);
}

interface Batch {
  userDays: UsageDailyUserTable[];
  eventDays: UsageDailyEventTable[];
  userEvents: UsageDailyUserEventTable[];
  users: ProductUsersTable[];
  tickets: TicketsTable[];
  surveys: SurveyResponsesTable[];
}

const emptyBatch = (): Batch => ({
  userDays: [],
  eventDays: [],
  userEvents: [],
  users: [],
  tickets: [],
  surveys: [],
});

/**
 * Writes the demo's usage rollups, product users, tickets and NPS answers account by
 * account, in sets: rows are generated after each account is written (they need its id
 * and its contacts' ids) and flushed in multi-row inserts.
 */
export class ActivityWriter {
  private readonly cal: DemoCalendar;
  private readonly bulk: BulkInserter;
  private batch = emptyBatch();

  constructor(
    private readonly db: Executor,
    dialect: Dialect,
    private readonly seed: number,
    today: string,
  ) {
    this.cal = demoCalendar(today);
    this.bulk = new BulkInserter(db, dialect);
  }

  /** Generate one written account's rows; writes them once enough are buffered. */
  async add(a: AccountPlan, accountId: string, contactIds: ReadonlyMap<string, string>) {
    const { firm, events } = a;
    const b = this.batch;
    const days = accountDays(this.seed, firm.index, this.cal, events, a.months);
    const base = { seed: this.seed, index: firm.index, accountId, region: firm.region };
    const u = usageRows({ ...base, domain: firm.domain, cal: this.cal, days, events });
    append(b.userDays, u.userDays);
    append(b.eventDays, u.eventDays);
    append(b.userEvents, u.userEvents);
    append(b.users, u.users);
    const t = ticketRows({
      ...base,
      segment: firm.segment,
      cal: this.cal,
      days,
      events,
      contactIds,
    });
    append(b.tickets, t);
    for (const x of a.nps) {
      b.surveys.push({
        id: x.id,
        account_id: accountId,
        contact_id: contactIds.get(x.contact) ?? null,
        external_id: x.externalId,
        kind: 'nps',
        score: x.score,
        comment: x.comment,
        responded_at: x.at,
        created_at: x.at,
      });
    }
    if (b.userEvents.length + b.userDays.length + b.eventDays.length >= FLUSH_AT) {
      await this.flush();
    }
  }

  private async flush(): Promise<void> {
    const b = this.batch;
    this.batch = emptyBatch();
    await this.bulk.insert('usage_daily_user', b.userDays);
    await this.bulk.insert('usage_daily_event', b.eventDays);
    await this.bulk.insert('usage_daily_user_event', b.userEvents);
    await this.bulk.insert('product_users', b.users);
    await this.bulk.insert('tickets', b.tickets);
    await this.bulk.insert('survey_responses', b.surveys);
  }

  /** Write the rest, and name the product's events' features unless an admin already did. */
  async finish(now: Date): Promise<void> {
    await this.flush();
    if ((await getSetting<unknown>(this.db, FEATURES_KEY, null)) === null) {
      await putSetting(this.db, FEATURES_KEY, DEMO_FEATURES, now);
    }
  }
}
