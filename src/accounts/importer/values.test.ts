import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  classifyPair,
  dateShape,
  guard,
  parseBoolean,
  parseDate,
  parseMoney,
  parseNumber,
  toInstant,
  traitKeyOf,
  unguard,
} from './values.js';

describe('booleans', () => {
  it.each([
    ['TRUE', true],
    ['False', false],
    ['yes', true],
    ['No', false],
    ['y', true],
    ['N', false],
    ['1', true],
    ['0', false],
    ['on', true],
    ['OFF', false],
  ])('%s → %s', (v, b) => expect(parseBoolean(v)).toBe(b));

  it('refuses anything else', () => {
    expect(parseBoolean('maybe')).toBeNull();
    expect(parseBoolean('2')).toBeNull();
  });
});

describe('numbers and ids', () => {
  it('reads plain decimals only', () => {
    expect(parseNumber('42')).toBe(42);
    expect(parseNumber('-3.25')).toBe(-3.25);
  });

  it('never turns identifiers into numbers', () => {
    for (const id of [
      'A-2e4581',
      '2e4581',
      '1e5',
      '007',
      '0x1F',
      '12345678901234567890',
      '1,234',
    ]) {
      expect(parseNumber(id)).toBeNull();
    }
  });

  it('reads money the way people write it', () => {
    expect(parseMoney('$1,200.50', 'USD')).toBe(120050);
    expect(parseMoney('1.200,50 €', 'EUR')).toBe(120050);
    expect(parseMoney('USD 20', 'USD')).toBe(2000);
    expect(parseMoney('1500', 'JPY')).toBe(1500);
    expect(parseMoney('A-2e4581', 'USD')).toBeNull();
    expect(parseMoney('n/a', 'USD')).toBeNull();
  });
});

describe('dates', () => {
  it('reads ISO, slashes, dots and month names, with or without time', () => {
    expect(parseDate('2024-03-15', null)).toMatchObject({ ok: true, date: '2024-03-15' });
    expect(parseDate('2024/03/15', null)).toMatchObject({ ok: true, date: '2024-03-15' });
    expect(parseDate('15.03.2024', null)).toMatchObject({ ok: true, date: '2024-03-15' });
    expect(parseDate('15/03/2024', null)).toMatchObject({ ok: true, date: '2024-03-15' });
    expect(parseDate('03/15/2024 14:30', null)).toMatchObject({ ok: true, date: '2024-03-15' });
    expect(parseDate('2024-03-15T10:00:00Z', null)).toMatchObject({ ok: true, date: '2024-03-15' });
    expect(parseDate('15 Mar 2024', null)).toMatchObject({ ok: true, date: '2024-03-15' });
    expect(parseDate('March 15, 2024', null)).toMatchObject({ ok: true, date: '2024-03-15' });
  });

  it('refuses to guess the order of 05/06/2024', () => {
    expect(parseDate('05/06/2024', null)).toMatchObject({ ok: false, needsOrder: true });
    expect(parseDate('05/06/2024', 'dm')).toMatchObject({ ok: true, date: '2024-06-05' });
    expect(parseDate('05/06/2024', 'md')).toMatchObject({ ok: true, date: '2024-05-06' });
    // Same day and month reads the same either way.
    expect(parseDate('07/07/2024', null)).toMatchObject({ ok: true, date: '2024-07-07' });
  });

  it('names a value that contradicts the column order', () => {
    const r = parseDate('03/15/2024', 'dm');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/only valid as m\/d\/yyyy/);
  });

  it('refuses impossible dates and the wrong shape for yyyy-mm-dd', () => {
    expect(parseDate('31/02/2024', 'dm').ok).toBe(false);
    expect(parseDate('2024-02-30', null).ok).toBe(false);
    expect(parseDate('15/03/2024', null, true).ok).toBe(false);
    expect(parseDate('A-2e4581', null).ok).toBe(false);
  });

  it('classifies pairs by which order is possible', () => {
    expect(classifyPair(13, 1, 2024)).toBe('dm');
    expect(classifyPair(1, 13, 2024)).toBe('md');
    expect(classifyPair(1, 2, 2024)).toBe('either');
    expect(classifyPair(3, 3, 2024)).toBe('same');
    expect(classifyPair(13, 13, 2024)).toBe('neither');
  });

  it('keeps times as UTC instants, honouring offsets and AM/PM', () => {
    const shape = dateShape('2024-03-15 2:30 PM');
    expect(shape?.kind).toBe('fixed');
    const r = parseDate('2024-03-15T10:00:00+02:00', null);
    expect(r.ok && toInstant(r.date, r.time)).toBe('2024-03-15T08:00:00.000Z');
    const pm = parseDate('03/15/2024 2:30 PM', 'md');
    expect(pm.ok && toInstant(pm.date, pm.time)).toBe('2024-03-15T14:30:00.000Z');
  });

  it('reads every valid day back in both orders', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          const [y, m, day] = iso.split('-');
          expect(parseDate(`${day}/${m}/${y}`, 'dm')).toMatchObject({ ok: true, date: iso });
          expect(parseDate(`${Number(m)}/${Number(day)}/${y}`, 'md')).toMatchObject({
            ok: true,
            date: iso,
          });
          expect(parseDate(iso, null)).toMatchObject({ ok: true, date: iso });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('trait keys and the formula guard', () => {
  it('snake-cases headers', () => {
    expect(traitKeyOf('Plan Tier')).toBe('plan_tier');
    expect(traitKeyOf('NPS (latest)')).toBe('nps_latest');
    expect(traitKeyOf('employeeCount')).toBe('employee_count');
  });

  it('round-trips any text through the guard', () => {
    // Text that itself starts with the guard ("'=…") is the one thing that does not survive.
    const text = fc.string().filter((s) => !/^'[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(text, (s) => {
        expect(unguard(guard(s))).toBe(s);
      }),
    );
    expect(guard('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(unguard("'=SUM(A1)")).toBe('=SUM(A1)');
  });
});
