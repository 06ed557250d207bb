import type { Kysely } from 'kysely';

// Frozen once landed. A deferred batch of rollups is written in slices, part by part (per
// account, per user, the catalog), so no single transaction holds the writer for long. The
// transaction that starts it swaps the batch's backlog rows for one row per slice: each
// names the whole batch's events, the part it writes, and which of `slices` slices it is
// (events are dealt to slices by a hash of their account or user). 'all' 0/1 is a whole
// group, as before.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('intake_rollup_backlog')
    .addColumn('part', 'text', (c) => c.notNull().defaultTo('all'))
    .execute();
  await db.schema
    .alterTable('intake_rollup_backlog')
    .addColumn('slice', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('intake_rollup_backlog')
    .addColumn('slices', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['slices', 'slice', 'part'])
    await db.schema.alterTable('intake_rollup_backlog').dropColumn(c).execute();
}
