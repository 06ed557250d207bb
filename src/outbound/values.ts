import type { Executor } from '../db/database.js';
import type { TemplateValues } from './model.js';

/**
 * What templates may say about an account: {{account.name|segment|stage}},
 * {{owner.name|email}}, {{manager.name|email}} (the owner's), and {{contact.name|first_name|email}}
 * — the champion, else the first current contact.
 */
export async function accountValues(db: Executor, accountId: string): Promise<TemplateValues> {
  const r = await db
    .selectFrom('accounts as a')
    .leftJoin('users as o', 'o.id', 'a.owner_id')
    .leftJoin('users as m', 'm.id', 'o.manager_id')
    .select([
      'a.name',
      'a.segment',
      'a.stage',
      'o.name as owner_name',
      'o.email as owner_email',
      'm.name as manager_name',
      'm.email as manager_email',
    ])
    .where('a.id', '=', accountId)
    .executeTakeFirst();
  if (!r) return {};
  const contact = await db
    .selectFrom('contacts')
    .select(['name', 'email'])
    .where('account_id', '=', accountId)
    .where('archived_at', 'is', null)
    .where('left_on', 'is', null)
    .orderBy('is_champion', 'desc')
    .orderBy('name')
    .limit(1)
    .executeTakeFirst();
  return {
    account: { name: r.name, segment: r.segment, stage: r.stage },
    owner: { name: r.owner_name, email: r.owner_email },
    manager: { name: r.manager_name, email: r.manager_email },
    contact: {
      name: contact?.name ?? null,
      first_name: contact?.name.trim().split(/\s+/)[0] ?? null,
      email: contact?.email ?? null,
    },
  };
}
