import { randomBytes } from 'node:crypto';

export const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** The 10-character time part of an id: milliseconds since the epoch in base 32. */
export function encodeTime(now: number): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/**
 * Time-ordered ids (ULID layout, lower case) with a type prefix, e.g. `acc_01jd…`.
 * Ordering by id is ordering by creation, which keeps cursor pagination stable.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  const time = encodeTime(now);
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
}

export type IdPrefix =
  | 'acc'
  | 'con'
  | 'sub'
  | 'mov'
  | 'tle'
  | 'stg'
  | 'usr'
  | 'imp'
  | 'ses'
  | 'key'
  | 'lgf'
  | 'aud'
  | 'dlq'
  | 'tkt'
  | 'svy'
  | 'hmd'
  | 'mms'
  | 'alr'
  | 'rvw'
  | 'btr'
  | 'pvw'
  | 'job'
  | 'tsk'
  | 'tcm'
  | 'pbk'
  | 'run'
  | 'out'
  | 'end'
  | 'fir'
  | 'rno'
  | 'quo'
  | 'qev'
  | 'opp';
