import type { Ctx } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { normaliseSegment } from '../accounts/account/model.js';
import { putSetting, segments } from './service.js';
import { inTx } from '../db/database.js';
import { recordAudit } from '../audit/record.js';

export async function getSegments(ctx: Ctx): Promise<string[]> {
  ctx.can('read', 'setting');
  return segments(ctx.db);
}

/** Replace the segment list; refuses to drop a segment accounts still use. */
export async function setSegments(ctx: Ctx, raw: string[]): Promise<string[]> {
  ctx.can('write', 'setting');
  const next = [...new Set(raw.map(normaliseSegment))];
  const used = await ctx.db.selectFrom('accounts').select('segment').distinct().execute();
  const orphaned = used.map((r) => r.segment).filter((s) => !next.includes(s));
  if (orphaned.length) {
    throw new AppError('conflict', `segments still in use by accounts: ${orphaned.join(', ')}`, {
      field: 'segments',
      inUse: orphaned,
    });
  }
  const before = await segments(ctx.db);
  await inTx(ctx.db, async (trx) => {
    await putSetting(trx, 'segments', next, ctx.now());
    await recordAudit(ctx, trx, {
      entity: 'setting',
      entityId: 'segments',
      action: 'update',
      changes: { segments: [before, next] },
    });
  });
  return next;
}
