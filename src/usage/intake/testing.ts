import type { Db } from '../../db/database.js';
import { checkEvent } from './model.js';
import type { Submitted } from './service.js';

/** Test fixtures for the intake: a batch of track calls as the writer receives them. */
export function trackBatch(
  prefix: string,
  n: number,
  opts: { at: Date; groupId?: string; users?: number; names?: readonly string[] },
): Submitted[] {
  const names = opts.names ?? ['Login'];
  return Array.from({ length: n }, (_, index) => {
    const raw = {
      type: 'track',
      event: names[index % names.length],
      userId: `u${opts.users ? index % opts.users : index}`,
      messageId: `${prefix}-${index}`,
      timestamp: opts.at.toISOString(),
      context: { groupId: opts.groupId ?? 'g' },
    };
    return {
      index,
      sourceId: 's',
      receivedAt: opts.at.toISOString(),
      raw: () => JSON.stringify(raw),
      checked: checkEvent(raw, { receivedAt: opts.at }),
    };
  });
}

/** Σ events and Σ new users over usage_daily_event. */
export async function dailyEventSums(db: Db): Promise<{ events: number; users: number }> {
  const r = await db
    .selectFrom('usage_daily_event')
    .select((e) => [e.fn.sum<number>('events').as('events'), e.fn.sum<number>('users').as('users')])
    .executeTakeFirstOrThrow();
  return { events: Number(r.events ?? 0), users: Number(r.users ?? 0) };
}
