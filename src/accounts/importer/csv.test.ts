import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyze } from './analyze.js';
import {
  fileSource,
  readRecords,
  textSource,
  type CsvSource,
  type Encoding,
  type SkippedRecord,
} from './csv.js';
import { csvLine } from '../export/format.js';

async function records(source: CsvSource, delimiter = ',', encoding: Encoding = 'utf-8') {
  const skipped: SkippedRecord[] = [];
  const out: { line: number; cells: string[] }[] = [];
  for await (const r of readRecords(source, {
    delimiter,
    encoding,
    onSkip: (s) => skipped.push(s),
  }))
    out.push({ line: r.line, cells: r.cells });
  return { out, skipped };
}

const dir = mkdtempSync(join(tmpdir(), 'tenure-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading records', () => {
  it('strips a BOM and reports the line each record starts on', async () => {
    const { out } = await records(textSource('\ufeffname,note\nAcme,"two\nlines"\n\n\nBeta,x\n'));
    expect(out).toEqual([
      { line: 1, cells: ['name', 'note'] },
      { line: 2, cells: ['Acme', 'two\nlines'] },
      { line: 6, cells: ['Beta', 'x'] },
    ]);
  });

  it('counts CRLF, mixed endings and quoted CRLF as one line each', async () => {
    const { out } = await records(textSource('a,b\r\n1,"x\r\ny"\r\n2,3\n4,5\r\n'));
    expect(out.map((r) => r.line)).toEqual([1, 2, 4, 5]);
    expect(out[1]!.cells[1]).toBe('x\r\ny');
  });

  it('reads semicolon and tab files', async () => {
    expect((await records(textSource('a;b\n"1;2";3\n'), ';')).out[1]!.cells).toEqual(['1;2', '3']);
    expect((await records(textSource('a\tb\n1\t2\n'), '\t')).out[1]!.cells).toEqual(['1', '2']);
  });

  it('reports an unclosed quote at the line it opens', async () => {
    const { out, skipped } = await records(textSource('a,b\n1,2\n3,"open\n4,5\n'));
    expect(out).toHaveLength(2);
    expect(skipped).toEqual([{ line: 3, reason: expect.stringMatching(/never closed/) }]);
  });

  it('reads a Latin-1 file it cannot decode as UTF-8', async () => {
    const file = join(dir, 'latin1.csv');
    writeFileSync(file, Buffer.from('name;city\nCaf\xe9 Oy;K\xf6ln\n', 'latin1'));
    const a = await analyze('accounts', await fileSource(file), {});
    expect(a.encoding).toBe('latin1');
    expect(a.delimiter).toBe(';');
    const { out } = await records(await fileSource(file), ';', 'latin1');
    expect(out[1]!.cells).toEqual(['Café Oy', 'Köln']);
  });

  it('reads Excel "Unicode Text": UTF-16 with a byte-order mark, tab-separated', async () => {
    const file = join(dir, 'unicode.txt');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('Name\tCity\r\n"Café\r\nOy"\tKöln\r\nBeta\tOslo\r\n', 'utf16le'),
      ]),
    );
    const a = await analyze('accounts', await fileSource(file), {});
    expect(a).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
    const { out } = await records(await fileSource(file), '\t', 'utf-16le');
    expect(out).toEqual([
      { line: 1, cells: ['Name', 'City'] },
      { line: 2, cells: ['Café\r\nOy', 'Köln'] },
      { line: 4, cells: ['Beta', 'Oslo'] },
    ]);
  });

  it('reads back whatever the exporter writes, line numbers included', async () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'b', ',', ';', '"', '\n', '\r\n', ' ', 'é', '1'),
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        async (rows) => {
          const data = rows.filter((r) => r.some((c) => c.trim() !== ''));
          const text = csvLine(['h1', 'h2']) + data.map((r) => csvLine(r)).join('');
          const { out } = await records(textSource(text));
          expect(out.slice(1).map((r) => r.cells)).toEqual(
            data.map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c))),
          );
          let line = 2;
          data.forEach((r, i) => {
            expect(out[i + 1]!.line).toBe(line);
            line += r.join(',').split(/\r\n|\r|\n/).length;
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('a quote that is never closed', () => {
  it('is reported on its own line instead of swallowing the file into memory', async () => {
    const rows = ['crm id,name', 'X0,"Broken quote'];
    for (let i = 1; i < 40_000; i++) rows.push(`X${i},Name ${i} padded with some text`);
    const { skipped } = await records(textSource(`${rows.join('\n')}\n`));
    expect(skipped[0]).toMatchObject({ line: 2, reason: expect.stringContaining('never closed') });
  });
});
