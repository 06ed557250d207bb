import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newId } from '../../core/ids.js';
import { idFactory } from './ids.js';
import { KeySet, NS, claimAll } from './keyset.js';
import { blockingReason, emptyReport, IssueSink, statusOf } from './model.js';
import { formatReport } from './report-text.js';

describe('import status and reasons', () => {
  it('puts mapping problems before date choices before bad rows', () => {
    const r = emptyReport('accounts', 'a.csv');
    expect(statusOf(r)).toBe('dry_run');
    expect(blockingReason(r)).toBeNull();
    r.errorCount = 2;
    r.badRows = 1;
    r.errors = [{ line: 3, column: 'Stage', value: 'x', reason: 'not a lifecycle stage' }];
    expect(statusOf(r)).toBe('invalid');
    expect(blockingReason(r)).toBe(
      '1 bad row (first: line 3, column "Stage": not a lifecycle stage); nothing was written',
    );
    r.needsInput = [{ column: 'Since', reason: 'ambiguous', choices: ['d/m/yyyy', 'm/d/yyyy'] }];
    expect(statusOf(r)).toBe('needs_input');
    r.problems = ['map "X=y": unknown accounts field "y"'];
    expect(statusOf(r)).toBe('invalid');
    expect(blockingReason(r)).toMatch(/^map "X=y"/);
  });

  it('counts every issue but keeps only the first ones', () => {
    const sink = new IssueSink(2);
    for (let i = 0; i < 5; i++) sink.add({ line: i, column: 'A', value: '', reason: 'r' });
    expect(sink.count).toBe(5);
    expect(sink.errors).toHaveLength(2);
    expect(sink.truncated).toBe(true);
  });

  it('prints every kept bad row with its line, column, value and reason', () => {
    const r = {
      ...emptyReport('accounts', 'a.csv'),
      rows: 3,
      badRows: 1,
      errorCount: 1,
      errors: [{ line: 4, column: 'Tier', value: 'platinum', reason: 'not a segment' }],
    };
    const text = formatReport(r, 'invalid', null);
    expect(text).toContain('Import of accounts from a.csv: 3 rows, comma-separated, UTF-8');
    expect(text).toContain('  line 4, column "Tier": "platinum" not a segment');
  });
});

describe('the key set', () => {
  it('remembers the first line of every key, per kind of key', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(NS.crm, NS.billing), fc.string({ maxLength: 6 })), {
          maxLength: 300,
        }),
        (keys) => {
          const set = new KeySet(4);
          const first = new Map<string, number>();
          keys.forEach(([ns, key], i) => {
            const prev = set.claim(ns, key, i + 1);
            const id = `${ns}:${key}`;
            expect(prev).toBe(first.get(id) ?? null);
            if (!first.has(id)) first.set(id, i + 1);
          });
        },
      ),
    );
  });

  it("takes all of a row's keys or none", () => {
    const set = new KeySet();
    expect(claimAll(set, [{ ns: NS.crm, key: 'A', field: 'crmId', value: 'A' }], 2)).toBeNull();
    const clash = claimAll(
      set,
      [
        { ns: NS.billing, key: 'B', field: 'billingId', value: 'B' },
        { ns: NS.crm, key: 'A', field: 'crmId', value: 'A' },
      ],
      3,
    );
    expect(clash).toMatchObject({ field: 'crmId', line: 2 });
    expect(set.get(NS.billing, 'B')).toBeNull();
  });
});

describe('import ids', () => {
  it('look like core ids and ascend within an import', () => {
    const next = idFactory(Date.UTC(2026, 0, 15));
    const ids = Array.from({ length: 2000 }, () => next('acc'));
    for (const id of ids) expect(id).toMatch(/^acc_[0-9a-hjkmnp-tv-z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]!.slice(0, 14)).toBe(newId('acc', Date.UTC(2026, 0, 15)).slice(0, 14));
  });
});
