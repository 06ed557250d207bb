import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Ctx } from '../../core/context.js';
import { checkEvent } from './model.js';
import { writeSubmitted, type Submitted } from './service.js';

export interface FileIngestResult {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first refusals, by line, for the report. */
  problems: { line: number; reason: string }[];
}

/**
 * Bulk backfill: one Segment call (with its `type`) per line of a JSON Lines file, through
 * the same checks and writer as the HTTP intake, a few hundred per transaction. Refused
 * lines go to the dead letters like refused HTTP events.
 */
export async function ingestFile(
  ctx: Ctx,
  path: string,
  opts: {
    sourceId: string;
    batchSize?: number;
    onProgress?: (bytes: number, total: number) => void;
  },
): Promise<FileIngestResult> {
  ctx.can('write', 'setting');
  const total = statSync(path).size;
  const size = opts.batchSize ?? 500;
  const out: FileIngestResult = { lines: 0, accepted: 0, duplicates: 0, rejected: 0, problems: [] };
  let pending: Submitted[] = [];
  let bytes = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const results = await writeSubmitted(ctx, pending);
    for (const [k, r] of results.entries()) {
      if (r.status === 'accepted') out.accepted += 1;
      else if (r.status === 'duplicate') out.duplicates += 1;
      else if (r.status === 'rejected') {
        out.rejected += 1;
        if (out.problems.length < 100)
          out.problems.push({ line: pending[k]!.index, reason: r.reason });
      }
    }
    pending = [];
    opts.onProgress?.(bytes, total);
  };
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    out.lines += 1;
    bytes += Buffer.byteLength(line) + 1;
    if (!line.trim()) continue;
    const receivedAt = ctx.now();
    let parsed: unknown;
    let bad: string | null = null;
    try {
      parsed = JSON.parse(line);
    } catch {
      bad = 'line: malformed JSON';
    }
    pending.push({
      index: out.lines,
      sourceId: opts.sourceId,
      receivedAt: receivedAt.toISOString(),
      raw: () => line,
      checked: bad ? { ok: false, reason: bad } : checkEvent(parsed, { receivedAt }),
    });
    if (pending.length >= size) await flush();
  }
  await flush();
  return out;
}
