import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELDS as SERVER_FIELDS } from '../../../src/accounts/importer/fields';
import {
  carryMapping,
  clashes,
  decodeCsv,
  editMapping,
  FIELDS,
  headersOf,
  IGNORE,
  issuesByColumn,
  issuesCsv,
  KINDS,
  mapParams,
  nextOverrides,
  pageOf,
  parseCsvHead,
  samplesOf,
  sniffDelimiter,
  statusBadge,
  stepOf,
  targetLabel,
  targetOptions,
  traitKeyOf,
  type ImportReport,
  type ImportView,
} from './import';

function report(over: Partial<ImportReport> = {}): ImportReport {
  return {
    kind: 'accounts',
    mode: 'dry_run',
    fileName: 'crm.csv',
    delimiter: ',',
    encoding: 'utf-8',
    rows: 2,
    created: 2,
    updated: 0,
    unchanged: 0,
    columns: [
      { column: 'Company', target: 'name', source: 'auto', type: 'text', note: null },
      { column: 'Ref', target: 'traits.ref', source: 'auto', type: 'text', note: null },
      { column: 'ARR', target: null, source: 'auto', type: 'money', note: 'ignored: …' },
    ],
    traits: ['ref'],
    needsInput: [],
    problems: [],
    warnings: [],
    badRows: 0,
    errorCount: 0,
    errors: [],
    errorsTruncated: false,
    ...over,
  };
}

function view(over: Partial<ImportView> = {}, rep: Partial<ImportReport> = {}): ImportView {
  return {
    id: 'imp_1',
    kind: 'accounts',
    status: 'dry_run',
    fileName: 'crm.csv',
    createdAt: '2026-01-01T00:00:00Z',
    appliedAt: null,
    options: {},
    report: report(rep),
    ...over,
  };
}

describe('fields', () => {
  it('offers exactly the fields the server maps, for every kind', () => {
    expect(KINDS.map((k) => k.value)).toEqual(Object.keys(SERVER_FIELDS));
    for (const k of KINDS) {
      const server = SERVER_FIELDS[k.value].filter((f) => !f.derived).map((f) => [f.key, f.label]);
      expect(FIELDS[k.value]).toEqual(server);
    }
  });

  it('offers traits on accounts only, and always a way to ignore', () => {
    const acc = targetOptions('accounts', 'Renewal Notes', 'traits.notes');
    expect(acc.map((g) => g.group)).toEqual(['Fields', 'Custom', 'Skip']);
    expect(acc[1]!.items.map((i) => i.value)).toEqual(['traits.renewal_notes', 'traits.notes']);
    const con = targetOptions('contacts', 'Renewal Notes', null);
    expect(con.map((g) => g.group)).toEqual(['Fields', 'Skip']);
    expect(con[1]!.items[0]!.value).toBe(IGNORE);
  });

  it('names targets in words', () => {
    expect(targetLabel('accounts', 'crmId')).toBe('CRM ID');
    expect(targetLabel('accounts', 'traits.ref')).toBe('Custom trait “ref”');
    expect(targetLabel('accounts', null)).toBe('Ignored');
    expect(traitKeyOf('Renewal Notes')).toBe('renewal_notes');
    expect(traitKeyOf('customerSince')).toBe('customer_since');
    expect(traitKeyOf('  ')).toBe('column');
  });
});

describe('mapping edits', () => {
  it('keeps only real changes, and finds two columns filling one field', () => {
    const r = report();
    let edits = editMapping(r, {}, 'Ref', 'crmId');
    expect(edits).toEqual({ Ref: 'crmId' });
    edits = editMapping(r, edits, 'Ref', 'traits.ref');
    expect(edits).toEqual({});
    edits = editMapping(r, edits, 'Ref', 'name');
    expect(clashes({ Company: 'name', Ref: 'name', ARR: null })).toEqual({
      Company: 'Ref',
      Ref: 'Company',
    });
    expect(clashes({ A: null, B: null })).toEqual({});
  });

  it('builds the next dry run from earlier overrides and new edits', () => {
    const v = view({ options: { mapping: { Company: 'name', Ref: null } } });
    const next = nextOverrides(v, { Ref: 'crmId' });
    expect(next).toEqual({ Company: 'name', Ref: 'crmId' });
    expect(mapParams({ ...next, ARR: null })).toEqual(['Company=name', 'Ref=crmId', 'ARR=']);
    expect(carryMapping(next, ['Company', 'Domain'])).toEqual({ Company: 'name' });
  });

  it('clashes are symmetric and never name a column against itself', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 4 }),
          fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
        ),
        (m) => {
          const c = clashes(m);
          for (const [col, other] of Object.entries(c)) {
            expect(other).not.toBe(col);
            expect(m[col]).toBe(m[other]);
            expect(c[other]).toBeDefined();
          }
        },
      ),
    );
  });
});

describe('steps', () => {
  it('derives the step from the import, honouring the URL where it may', () => {
    expect(stepOf(null, 'review')).toBe('upload');
    expect(stepOf(view(), null)).toBe('review');
    expect(stepOf(view(), 'map')).toBe('map');
    expect(stepOf(view(), 'upload')).toBe('upload');
    expect(stepOf(view({ status: 'applied' }), 'map')).toBe('done');
    const ambiguous = view(
      { status: 'needs_input' },
      { needsInput: [{ column: 'Churned On', reason: 'ambiguous', choices: [] }] },
    );
    expect(stepOf(ambiguous, 'review')).toBe('map');
    expect(stepOf(view({ status: 'invalid' }, { problems: ['map: x'] }), null)).toBe('map');
    expect(statusBadge(view({ status: 'invalid' }, { problems: ['x'] })).label).toBe(
      'Mapping problem',
    );
    expect(statusBadge(view({ status: 'invalid' })).label).toBe('Has bad rows');
  });
});

describe('bad rows', () => {
  const errors = [
    { line: 3, column: 'Segment', value: 'galactic', reason: 'not a segment' },
    { line: 4, column: 'Name', value: '', reason: 'required' },
    { line: 5, column: 'Segment', value: '=cmd()', reason: 'not a segment' },
  ];

  it('counts per column and pages', () => {
    expect(issuesByColumn(errors)).toEqual([
      { column: 'Segment', count: 2 },
      { column: 'Name', count: 1 },
    ]);
    expect(pageOf(errors, 2, 2)).toEqual([errors[2]]);
  });

  it('writes a CSV a spreadsheet opens safely', () => {
    const csv = issuesCsv(errors);
    expect(csv.startsWith('\ufeffLine,Column,Value,Reason\r\n3,Segment,galactic,')).toBe(true);
    expect(csv).toContain("5,Segment,'=cmd(),");
  });
});

describe('reading files', () => {
  it('decodes UTF-8, UTF-16 and Latin-1', () => {
    const utf8 = new TextEncoder().encode('\ufeffName\nZürich\n');
    expect(decodeCsv(utf8)).toEqual({ text: 'Name\nZürich\n', encoding: 'utf-8' });
    const text = 'Name\tCity\nA\tZürich\n';
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + i * 2] = text.charCodeAt(i);
    expect(decodeCsv(utf16)).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeCsv(new Uint8Array([0x5a, 0xfc, 0x72]))).toEqual({
      text: 'Zür',
      encoding: 'latin1',
    });
  });

  it('parses quotes, doubled quotes and line breaks in quotes', () => {
    const csv = 'Name,Notes\r\n"Acme, Inc","said ""hi""\nthen left"\r\n\r\nBeta,\n';
    expect(parseCsvHead(csv, ',', 10)).toEqual([
      ['Name', 'Notes'],
      ['Acme, Inc', 'said "hi"\nthen left'],
      ['Beta', ''],
    ]);
    expect(parseCsvHead('a;b\n1;2', ';', 10)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsvHead(csv, ',', 1)).toEqual([['Name', 'Notes']]);
  });

  it('finds the delimiter, the headers and sample values', () => {
    expect(sniffDelimiter('"a;b",c,d\n1;2;3;4')).toBe(',');
    expect(sniffDelimiter('a;b;c')).toBe(';');
    expect(sniffDelimiter('a\tb')).toBe('\t');
    expect(headersOf('\ufeff Name ; Segment \nA;smb')).toEqual(['Name', 'Segment']);
    const s = samplesOf('Name,Segment,Empty\nA,smb,\nB,smb,\nC,ent,\nD,mid,\n', ',');
    expect(s).toEqual({ Name: ['A', 'B', 'C'], Segment: ['smb', 'ent', 'mid'], Empty: [] });
  });

  it('reads back what a simple CSV writer wrote', () => {
    const cellArb = fc.string({ maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(fc.array(cellArb, { minLength: 2, maxLength: 2 }), { maxLength: 5 }),
        (rows) => {
          const all = [['h1', 'h2'], ...rows.filter((r) => r.some((c) => c.trim() !== ''))];
          const q = (c: string) => `"${c.replace(/"/g, '""')}"`;
          const text = all.map((r) => r.map(q).join(',')).join('\n');
          expect(parseCsvHead(text, ',', 100)).toEqual(all);
        },
      ),
    );
  });
});
