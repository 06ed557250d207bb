import {
  LineCounter,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseDocument,
  stringify,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import { AppError, isAppError } from '../../core/errors.js';
import {
  modelInvalid,
  parseModelDefinition,
  type HealthModelDef,
  type ModelIssue,
} from './definition.js';

/**
 * Health models as files an admin keeps in version control: YAML or JSON text in, a checked
 * definition out. Syntax problems name the line and column; problems with the content name
 * the field (and, where the file shows it, the line).
 */

export type ModelFormat = 'yaml' | 'json';

/** Far above any real model; keeps a stray upload from tying up the parser. */
export const MAX_MODEL_TEXT = 256 * 1024;

export function modelToText(def: HealthModelDef, format: ModelFormat): string {
  if (format === 'json') return `${JSON.stringify(def, null, 2)}\n`;
  // No folding of long descriptions and no &anchors for bands the presets share: the file
  // should read the way it would be written by hand.
  return stringify(def, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * The model in `text`, checked by parseModelDefinition. Without a format, text starting with
 * `{` is read as JSON and anything else as YAML.
 */
export function modelFromText(text: string, format?: ModelFormat): HealthModelDef {
  if (text.length > MAX_MODEL_TEXT) throw fileInvalid(`longer than ${MAX_MODEL_TEXT} characters`);
  const source = text.replace(/^\uFEFF/, '');
  const as = format ?? (/^\s*\{/.test(source) ? 'json' : 'yaml');
  const data = as === 'json' ? readJson(source) : readYaml(source);
  try {
    return parseModelDefinition(data);
  } catch (err) {
    throw isAppError(err) && err.code === 'validation' ? withLines(err, source) : err;
  }
}

function fileInvalid(message: string): AppError {
  return modelInvalid([{ path: 'file', message }]);
}

function syntaxError(source: string, offset: number, message: string): AppError {
  const { line, col } = linePos(source, offset);
  return fileInvalid(`line ${line}, column ${col}: ${message}`);
}

function readYaml(source: string): unknown {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) throw modelInvalid(doc.errors.map(yamlIssue));
  return doc.toJS();
}

function yamlIssue(e: YAMLError): ModelIssue {
  const at = e.linePos?.[0];
  const what = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return { path: 'file', message: at ? `line ${at.line}, column ${at.col}: ${what}` : what };
}

function readJson(source: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (err) {
    // V8 names the offset for some mistakes only and quotes the text for others: keep its
    // words and find the offset ourselves.
    const message = err instanceof Error ? err.message : '';
    const what = message.replace(/(?: in JSON)? at position \d+.*$|, (?:\.\.\.)?".*$/s, '');
    throw syntaxError(source, jsonErrorOffset(source), what || 'not valid JSON');
  }
  // JSON.parse keeps the last of two equal keys without a word; in a hand-edited model that
  // silently drops a setting, so refuse it (JSON is YAML, whose parser notices).
  const duplicates = parseDocument(source).errors.filter((e) => e.code === 'DUPLICATE_KEY');
  if (duplicates.length > 0) throw modelInvalid(duplicates.map(yamlIssue));
  return data;
}

function linePos(source: string, offset: number): { line: number; col: number } {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

// ----- line hints for content problems -----------------------------------------------------

/** Adds "(line N)" to each issue whose path can be found in the file. */
function withLines(err: AppError, source: string): AppError {
  const issues = err.details?.issues as ModelIssue[] | undefined;
  const lineCounter = new LineCounter();
  // JSON is YAML too, so one parser finds the lines for both formats.
  const doc = parseDocument(source, { lineCounter });
  if (!issues || doc.errors.length > 0) return err;
  return modelInvalid(
    issues.map((issue) => {
      const line = lineOf(doc, lineCounter, issue.path);
      return line === null ? issue : { ...issue, message: `${issue.message} (line ${line})` };
    }),
  );
}

/** The line of the deepest field along `path` that the file has. */
function lineOf(doc: Document, lineCounter: LineCounter, path: string): number | null {
  if (path === 'file') return null;
  const segments = path === 'model' ? [] : pathSegments(path);
  for (let n = segments.length; n >= 0; n--) {
    const node = nodeAt(doc, segments.slice(0, n));
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return null;
}

/** A field's key (the line a reader looks for), a list item, or the whole document. */
function nodeAt(doc: Document, segments: readonly (string | number)[]): Node | null {
  const last = segments[segments.length - 1];
  if (last === undefined) return isNode(doc.contents) ? doc.contents : null;
  const parent = segments.length === 1 ? doc.contents : doc.getIn(segments.slice(0, -1), true);
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    return pair && isNode(pair.key) ? pair.key : null;
  }
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last];
    return isNode(item) ? item : null;
  }
  return null;
}

/** "dimensions[1].measures[0].weight" → ['dimensions', 1, 'measures', 0, 'weight']. */
export function pathSegments(path: string): (string | number)[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) =>
    m[1] !== undefined ? Number(m[1]) : m[2]!,
  );
}

// ----- where JSON.parse gave up --------------------------------------------------------------

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Offset of the first syntax error in JSON text that JSON.parse refused. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const step = (n = 1): true => {
    i += n;
    return true;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') return step();
      if (c < ' ') return false;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const value = (depth: number): boolean => {
    space();
    const c = text[i];
    if (depth > MAX_DEPTH) return false;
    if (c === '"') return string();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return step();
      for (;;) {
        if (c === '{') {
          space();
          if (!string()) return false;
          space();
          if (text[i] !== ':') return false;
          i++;
        }
        if (!value(depth + 1)) return false;
        space();
        if (text[i] === close) return step();
        if (text[i] !== ',') return false;
        i++;
      }
    }
    const word = ['true', 'false', 'null'].find((w) => w[0] === c);
    if (word !== undefined) {
      // Stop at the first wrong letter, where V8 points too ("tru}" fails at the brace).
      for (const letter of word) {
        if (text[i] !== letter) return false;
        i++;
      }
      return true;
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) return step(NUMBER.lastIndex - i);
    return false;
  };
  if (value(0)) space();
  return Math.min(i, text.length);
}
