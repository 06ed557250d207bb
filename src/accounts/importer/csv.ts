import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { AppError } from '../../core/errors.js';

const CHUNK = 64 * 1024;

/** A CSV the importer can read more than once (it streams a file twice rather than hold it). */
export interface CsvSource {
  name: string | null;
  /** The file on disk, when there is one. */
  path: string | null;
  /** Size in bytes (files) or characters (text), for progress. */
  size: number;
  head(bytes: number): Promise<Buffer>;
  open(): Readable;
  /** Text already decoded by the caller (HTTP uploads). */
  decoded: boolean;
}

export async function fileSource(path: string): Promise<CsvSource> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
    size = s.size;
  } catch {
    throw new AppError('validation', `file: cannot read ${path}`, {
      issues: [{ path: 'file', message: 'cannot read file' }],
    });
  }
  return {
    name: basename(path),
    path,
    size,
    decoded: false,
    async head(bytes) {
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.alloc(Math.min(bytes, size));
        const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        return buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
    },
    // Small chunks: the parser turns a whole chunk into records at once, and records that
    // wait long enough to reach the old generation make garbage collection expensive.
    open: () => createReadStream(path, { highWaterMark: CHUNK }),
  };
}

export function textSource(text: string, name: string | null = null): CsvSource {
  return {
    name,
    path: null,
    size: text.length,
    decoded: true,
    head: async (bytes) => Buffer.from(text.slice(0, bytes), 'utf8'),
    // Chunked so progress moves and the parser never sees one 50 MB string at once.
    open: () =>
      Readable.from(
        (function* chunks() {
          for (let i = 0; i < text.length; i += CHUNK) yield text.slice(i, i + CHUNK);
        })(),
      ),
  };
}

export const ENCODINGS = ['utf-8', 'utf-16le', 'latin1'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/**
 * UTF-8, or UTF-16 when the file starts with its byte-order mark (Excel's "Unicode Text"),
 * or Latin-1 when the head of the file is not valid UTF-8 (old Excel "CSV" exports).
 */
export function detectEncoding(head: Buffer, decoded: boolean): Encoding {
  if (decoded) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'latin1';
  }
}

export function headText(head: Buffer, encoding: Encoding): string {
  if (encoding === 'latin1') return head.toString('latin1');
  return new TextDecoder(encoding).decode(head, { stream: true });
}

/** UTF-16 is turned into UTF-8 before parsing: csv-parse garbles the raw text of UTF-16 records. */
function utf16ToUtf8(): Transform {
  const decoder = new TextDecoder('utf-16le');
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode(), 'utf8'));
    },
  });
}

export interface CsvRecord {
  /** Physical line the record starts on (1-based, header is line 1 when it is the first line). */
  line: number;
  cells: string[];
}

export interface SkippedRecord {
  line: number;
  reason: string;
}

/** Line breaks in a record's raw text: CRLF, LF and lone CR each end one line. */
function lineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && s.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

function skipReason(err: CsvError): string {
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is never closed (missing ")';
  if (err.code === 'CSV_MAX_RECORD_SIZE') {
    return 'record longer than 1 MiB: most likely a quoted field that is never closed';
  }
  return 'this record cannot be read as CSV';
}

interface PendingSkip {
  afterRecords: number;
  /** Line breaks inside the skipped text; the text itself is not kept (it may be huge). */
  breaks: number;
  reason: string;
}

export const READ_BATCH = 500;
/** Largest record (in characters) the importer holds; longer ones are reported and skipped. */
export const MAX_RECORD_CHARS = 1_048_576;

export interface ReadOptions {
  delimiter: string;
  encoding: Encoding;
  onSkip: (s: SkippedRecord) => void;
  /** Input consumed so far (bytes of a file, characters of a text). */
  onProgress?: (done: number) => void;
}

/**
 * Stream the records of a CSV in batches, each with the physical line it starts on.
 * csv-parse reports the line a record ends on (and miscounts CRLF inside quotes), so lines
 * are counted here from the raw text of each record. Records are taken from 'data' events
 * and handed over in batches, with the parser paused while a batch is processed: an async
 * iterator per record costs more than the parsing. Blank records are skipped; unreadable
 * ones are reported through `onSkip` in file order.
 */
export async function* readBatches(
  source: CsvSource,
  opts: ReadOptions,
): AsyncGenerator<CsvRecord[]> {
  const pending: PendingSkip[] = [];
  const parser = parse({
    bom: true,
    delimiter: opts.delimiter,
    encoding: opts.encoding === 'latin1' ? 'latin1' : 'utf8',
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    // An unclosed quote must not swallow the rest of a big file into one record.
    max_record_size: MAX_RECORD_CHARS,
    record_delimiter: ['\r\n', '\n', '\r'],
    skip_records_with_error: true,
    on_skip: (err) => {
      if (err) {
        const e = err as CsvError & { raw?: string; records?: number };
        pending.push({
          afterRecords: e.records ?? 0,
          breaks: lineBreaks(e.raw ?? ''),
          reason: skipReason(e),
        });
      }
    },
  });
  const input = source.open();
  const decoded = opts.encoding === 'utf-16le' ? input.pipe(utf16ToUtf8()) : input;
  let line = 1;
  let seen = 0;
  let done = 0;
  let batch: CsvRecord[] = [];
  const ready: CsvRecord[][] = [];
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const flush = (upTo: number) => {
    while (pending.length && pending[0]!.afterRecords <= upTo) {
      const s = pending.shift()!;
      opts.onSkip({ line, reason: s.reason });
      line += s.breaks;
    }
  };
  input.on('data', (chunk: Buffer | string) => {
    done += chunk.length;
  });
  input.on('error', (err) => parser.destroy(err));
  decoded.on('error', (err) => parser.destroy(err));
  parser.on('data', (chunk: { record: string[]; raw: string }) => {
    flush(seen);
    seen++;
    const start = line;
    line += lineBreaks(chunk.raw);
    const cells = chunk.record;
    let blank = true;
    for (const c of cells) {
      if (c.trim() !== '') {
        blank = false;
        break;
      }
    }
    if (blank) return;
    batch.push({ line: start, cells });
    if (batch.length >= READ_BATCH) {
      ready.push(batch);
      batch = [];
      parser.pause();
      signal();
    }
  });
  parser.on('end', () => {
    flush(Number.POSITIVE_INFINITY);
    if (batch.length) ready.push(batch);
    batch = [];
    ended = true;
    signal();
  });
  parser.on('error', (err) => {
    failure = err;
    signal();
  });
  decoded.pipe(parser);
  try {
    for (;;) {
      const next = ready.shift();
      if (next) {
        opts.onProgress?.(done);
        yield next;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        parser.resume();
      });
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('validation', 'file: cannot be read as CSV', {
      issues: [{ path: 'file', message: 'unreadable CSV' }],
    });
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/** Records one by one, for callers that do not need batches. */
export async function* readRecords(
  source: CsvSource,
  opts: ReadOptions,
): AsyncGenerator<CsvRecord> {
  for await (const b of readBatches(source, opts)) yield* b;
}
