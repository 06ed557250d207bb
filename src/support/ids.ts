import { newId } from '../core/ids.js';

/** Id prefixes of support records: tickets and survey responses. */
export type SupportIdPrefix = 'tkt' | 'svy';

export function supportId(prefix: SupportIdPrefix, now: number): string {
  return newId(prefix, now);
}
