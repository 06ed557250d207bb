import { describe, expect, it } from 'vitest';
import {
  decideDateOrder,
  detectType,
  emptyProfile,
  profileCell,
  sniffDelimiter,
} from './detect.js';
import { parseMapArgs, resolveMapping, splitMapParam, suggestField } from './mapping.js';

function profile(values: string[]) {
  const p = emptyProfile();
  values.forEach((v, i) => profileCell(p, v, i + 2));
  return p;
}

describe('delimiter detection', () => {
  it('finds comma, semicolon and tab', () => {
    expect(sniffDelimiter('a,b,c\n1,2,3\n')).toBe(',');
    expect(sniffDelimiter('\ufeffName;Amount\nAcme;"1,5"\nBeta;2\n')).toBe(';');
    expect(sniffDelimiter('a\tb\n1\t2\n')).toBe('\t');
  });

  it('ignores delimiters inside quotes, including quoted newlines', () => {
    expect(sniffDelimiter('name;note\n"a, b, c";"x\ny, z"\nq;r\n')).toBe(';');
  });

  it('defaults to comma for one column', () => {
    expect(sniffDelimiter('name\nAcme\n')).toBe(',');
  });
});

describe('column types', () => {
  it('detects booleans, numbers, money, dates and text', () => {
    expect(detectType(profile(['TRUE', 'False', 'yes']))).toBe('boolean');
    expect(detectType(profile(['1', '0', '1']))).toBe('integer');
    expect(detectType(profile(['1', '2.5']))).toBe('number');
    expect(detectType(profile(['$1,200.50', '30']))).toBe('money');
    expect(detectType(profile(['15/03/2024', '2024-01-01']))).toBe('date');
    expect(detectType(profile(['A-2e4581', 'A-1']))).toBe('text');
    expect(detectType(profile([]))).toBe('empty');
  });

  it('keeps ids like A-2e4581 as text even next to numbers', () => {
    expect(detectType(profile(['123', 'A-2e4581']))).toBe('text');
    expect(detectType(profile(['2e4581']))).toBe('text');
  });
});

describe('day/month order', () => {
  it('asks when no value proves the order', () => {
    const d = decideDateOrder(profile(['01/02/2024', '03/04/2024']), null);
    expect(d.needsChoice).toBe(true);
    expect(d.order).toBeNull();
  });

  it('uses the order one value proves', () => {
    expect(decideDateOrder(profile(['01/02/2024', '25/12/2024']), null)).toMatchObject({
      order: 'dm',
      needsChoice: false,
    });
    expect(decideDateOrder(profile(['01/02/2024', '12/25/2024']), null)).toMatchObject({
      order: 'md',
      needsChoice: false,
    });
  });

  it('lets the majority decide when values disagree, and asks on a tie', () => {
    expect(
      decideDateOrder(profile(['25/12/2024', '26/12/2024', '12/27/2024']), null),
    ).toMatchObject({ order: 'dm', needsChoice: false });
    expect(decideDateOrder(profile(['25/12/2024', '12/27/2024']), null)).toMatchObject({
      needsChoice: true,
    });
  });

  it('takes the user choice', () => {
    expect(decideDateOrder(profile(['01/02/2024']), 'm/d/yyyy')).toMatchObject({
      order: 'md',
      needsChoice: false,
    });
    expect(decideDateOrder(profile(['01/02/2024']), 'yyyy-mm-dd')).toMatchObject({
      expectIso: true,
    });
  });

  it('needs nothing for ISO dates', () => {
    expect(decideDateOrder(profile(['2024-01-02']), null)).toMatchObject({
      order: null,
      needsChoice: false,
    });
  });
});

describe('column mapping', () => {
  it('recognises synonyms regardless of case, spaces and underscores', () => {
    expect(suggestField('accounts', 'Account Name')?.key).toBe('name');
    expect(suggestField('accounts', 'COMPANY')?.key).toBe('name');
    expect(suggestField('accounts', 'website')?.key).toBe('domain');
    expect(suggestField('accounts', 'Salesforce_ID')?.key).toBe('crmId');
    expect(suggestField('accounts', 'crm id')?.key).toBe('crmId');
    expect(suggestField('accounts', 'Stripe Customer ID')?.key).toBe('billingId');
    expect(suggestField('accounts', 'Billing ID')?.key).toBe('billingId');
    expect(suggestField('accounts', 'CSM')?.key).toBe('owner');
    expect(suggestField('accounts', 'Account Owner')?.key).toBe('owner');
    expect(suggestField('accounts', 'Tier')?.key).toBe('segment');
    expect(suggestField('accounts', 'Lifecycle Stage')?.key).toBe('stage');
    expect(suggestField('accounts', 'ARR')?.key).toBe('arr');
    expect(suggestField('subscriptions', 'MRR')?.key).toBe('mrr');
    expect(suggestField('subscriptions', 'Renewal Date')?.key).toBe('endDate');
    expect(suggestField('subscriptions', 'Contract End')?.key).toBe('endDate');
    expect(suggestField('subscriptions', 'Stripe Customer ID')?.key).toBe('accountBillingId');
    expect(suggestField('contacts', 'E-mail')?.key).toBe('email');
  });

  it('prefers header spellings over field keys, and field keys in --map', () => {
    expect(suggestField('contacts', 'Account ID')?.key).toBe('accountCrmId');
    expect(suggestField('contacts', 'Company')?.key).toBe('accountName');
    const r = resolveMapping('contacts', ['X'], { X: 'accountId' });
    expect(r.columns[0]!.target).toMatchObject({ kind: 'field', field: { key: 'accountId' } });
  });

  it('turns unmapped account columns into traits and ignores them elsewhere', () => {
    const a = resolveMapping('accounts', ['Company', 'Plan Tier', 'traits.health_note']);
    expect(a.columns.map((c) => c.target)).toMatchObject([
      { kind: 'field', field: { key: 'name' } },
      { kind: 'trait', key: 'plan_tier' },
      { kind: 'trait', key: 'health_note' },
    ]);
    const c = resolveMapping('contacts', ['Name', 'Favourite colour']);
    expect(c.columns[1]!.target.kind).toBe('ignore');
  });

  it('applies overrides, including ignoring a column', () => {
    const r = resolveMapping(
      'accounts',
      ['Customer', 'Notes', 'Ref'],
      parseMapArgs(['Customer=name', 'Notes=', 'ref=crmId']).overrides,
    );
    expect(r.problems).toEqual([]);
    expect(
      r.columns.map((c) => (c.target.kind === 'field' ? c.target.field.key : c.target.kind)),
    ).toEqual(['name', 'ignore', 'crmId']);
  });

  it('reports unknown fields, unknown columns and double mappings', () => {
    expect(resolveMapping('accounts', ['A'], { A: 'nope' }).problems[0]).toMatch(
      /unknown accounts field "nope"/,
    );
    expect(resolveMapping('accounts', ['A'], { B: 'name' }).problems[0]).toMatch(/no such column/);
    expect(resolveMapping('accounts', ['A', 'B'], { A: 'name', B: 'name' }).problems[0]).toMatch(
      /both map/,
    );
  });

  it('parses map arguments and comma lists', () => {
    expect(parseMapArgs(['a=b', 'c=-', 'x=y=z']).overrides).toEqual({
      a: 'b',
      c: null,
      'x=y': 'z',
    });
    expect(parseMapArgs(['nothing']).problems).toHaveLength(1);
    expect(splitMapParam(['a=name,b=crmId', 'Last, First=name'])).toEqual([
      'a=name',
      'b=crmId',
      'Last, First=name',
    ]);
  });
});
