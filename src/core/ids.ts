import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Time-ordered ids (ULID layout, lower case) with a type prefix, e.g. `acc_01jd…`.
 * Ordering by id is ordering by creation, which keeps cursor pagination stable.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
}

export type IdPrefix = 'acc' | 'con' | 'sub' | 'mov' | 'tle' | 'stg' | 'usr' | 'imp';
