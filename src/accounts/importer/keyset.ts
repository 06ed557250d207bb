/**
 * Remembers which keys (CRM ids, billing ids, …) a file has used and on which line, in
 * typed arrays: a million-row file's keys take ~50 MB here instead of ~200 MB of Map
 * entries and strings. Keys are stored as two independent 32-bit hashes; two different
 * keys colliding in both (about 1 in 10^7 for a million rows) would be reported as a
 * duplicate, never written twice.
 */
export class KeySet {
  private h1: Int32Array;
  private h2: Int32Array;
  private lines: Int32Array;
  private size = 0;

  constructor(capacity = 1024) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, capacity * 2)));
    this.h1 = new Int32Array(n);
    this.h2 = new Int32Array(n);
    this.lines = new Int32Array(n);
  }

  /** The line that already used `key`, or null after recording it for `line` (≥ 1). */
  claim(ns: number, key: string, line: number): number | null {
    const prev = this.get(ns, key);
    if (prev !== null) return prev;
    if ((this.size + 1) * 2 > this.lines.length) this.grow();
    this.insert(hash1(ns, key), hash2(ns, key), line);
    this.size++;
    return null;
  }

  get(ns: number, key: string): number | null {
    const a = hash1(ns, key);
    const b = hash2(ns, key);
    const mask = this.lines.length - 1;
    for (let i = a & mask; ; i = (i + 1) & mask) {
      const line = this.lines[i]!;
      if (line === 0) return null;
      if (this.h1[i] === a && this.h2[i] === b) return line;
    }
  }

  private insert(a: number, b: number, line: number): void {
    const mask = this.lines.length - 1;
    let i = a & mask;
    while (this.lines[i] !== 0) i = (i + 1) & mask;
    this.h1[i] = a;
    this.h2[i] = b;
    this.lines[i] = line;
  }

  private grow(): void {
    const { h1, h2, lines } = this;
    this.h1 = new Int32Array(lines.length * 2);
    this.h2 = new Int32Array(lines.length * 2);
    this.lines = new Int32Array(lines.length * 2);
    for (let i = 0; i < lines.length; i++)
      if (lines[i] !== 0) this.insert(h1[i]!, h2[i]!, lines[i]!);
  }
}

/** FNV-1a over UTF-16 code units. */
function hash1(ns: number, s: string): number {
  let h = Math.imul(0x811c9dc5 ^ ns, 0x01000193);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** A differently seeded multiply-xorshift hash, independent of FNV. */
function hash2(ns: number, s: string): number {
  let h = Math.imul(0x9747b28c ^ s.length, 0x5bd1e995) ^ ns;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Key kinds: equal values of different kinds never clash. */
export const NS = {
  record: 1,
  crm: 2,
  billing: 3,
  domain: 4,
  name: 5,
  external: 6,
  email: 7,
} as const;

export interface Claim {
  ns: number;
  key: string;
  /** Field the key came from, to name the column when it clashes. */
  field: string;
  value: string;
}

/**
 * The keys of a record matched by Tenure id or external id: the record itself, the
 * external id the row gives, and the one it replaces (so no other row may take it).
 */
export function externalIdClaims(
  recordId: string,
  row: { id?: string | null; externalId?: string | null },
  previousExternalId: string | null | undefined,
): Claim[] {
  const keys: Claim[] = [
    {
      ns: NS.record,
      key: recordId,
      field: row.id ? 'id' : 'externalId',
      value: row.id ?? row.externalId ?? recordId,
    },
  ];
  if (row.externalId)
    keys.push({ ns: NS.external, key: row.externalId, field: 'externalId', value: row.externalId });
  if (previousExternalId && previousExternalId !== row.externalId)
    keys.push({
      ns: NS.external,
      key: previousExternalId,
      field: 'externalId',
      value: previousExternalId,
    });
  return keys;
}

/**
 * Take all of a row's keys, or none: returns the first one an earlier line already used.
 */
export function claimAll(
  set: KeySet,
  claims: readonly Claim[],
  line: number,
): (Claim & { line: number }) | null {
  for (const c of claims) {
    const prev = set.get(c.ns, c.key);
    if (prev !== null) return { ...c, line: prev };
  }
  for (const c of claims) set.claim(c.ns, c.key, line);
  return null;
}
