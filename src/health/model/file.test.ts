import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import type { ModelIssue } from './definition.js';
import { MAX_MODEL_TEXT, jsonErrorOffset, modelFromText, modelToText } from './file.js';
import { PRESET_MODELS, THREE_PILLARS } from './presets.js';

/** The issues of the validation error `run` throws. */
function issuesOf(run: () => unknown): ModelIssue[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('validation');
    return (err as AppError).details!.issues as ModelIssue[];
  }
  throw new Error('expected a validation error');
}

describe('model files', () => {
  it('round-trips every preset through YAML and JSON exactly', () => {
    for (const p of PRESET_MODELS) {
      for (const format of ['yaml', 'json'] as const) {
        const text = modelToText(p, format);
        expect(modelFromText(text, format)).toStrictEqual(p);
        expect(modelFromText(text)).toStrictEqual(p);
        expect(modelToText(modelFromText(text, format), format)).toBe(text);
      }
    }
  });

  it('writes YAML a person would write: no anchors, no folded lines', () => {
    const text = modelToText(THREE_PILLARS, 'yaml');
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text).toContain(`description: ${THREE_PILLARS.description}\n`);
    expect(text).toMatch(/^key: three-pillars\n/);
  });

  it('names the line and column of a YAML syntax error', () => {
    const text = 'key: x\nname: X\ndimensions: [\n  { key: a\ntiers: []\n';
    const [issue] = issuesOf(() => modelFromText(text, 'yaml'));
    expect(issue!.path).toBe('file');
    expect(issue!.message).toMatch(/^line \d+, column \d+: \S/);
    expect(issue!.message).not.toMatch(/\n/);
  });

  it('refuses duplicate keys and several documents in YAML', () => {
    expect(issuesOf(() => modelFromText('key: a\nkey: b\n', 'yaml'))[0]!.message).toMatch(
      /^line 2, column 1: Map keys must be unique/,
    );
    expect(issuesOf(() => modelFromText('key: a\n---\nkey: b\n', 'yaml'))[0]!.message).toMatch(
      /^line \d+, column \d+: .*multiple documents/,
    );
  });

  it('names the line and column of a JSON syntax error, whatever V8 says', () => {
    const cases: [string, string][] = [
      ['{\n  "key": "x",\n  "name": }', "line 3, column 11: Unexpected token '}'"],
      [
        '{\n  "key": "x"\n  "name": "y"\n}',
        "line 3, column 3: Expected ',' or '}' after property value",
      ],
      ['{"key": "x",}', 'line 1, column 13: Expected double-quoted property name'],
      ['{"key": tru}', "line 1, column 12: Unexpected token '}'"],
      ['{"key": "x"', "line 1, column 12: Expected ',' or '}' after property value"],
      [
        '{"key": "x"} trailing',
        'line 1, column 14: Unexpected non-whitespace character after JSON',
      ],
      ['', 'line 1, column 1: Unexpected end of JSON input'],
    ];
    for (const [text, message] of cases) {
      expect(issuesOf(() => modelFromText(text, 'json'))).toEqual([{ path: 'file', message }]);
    }
  });

  it('refuses a key given twice in JSON, which JSON.parse would let pass', () => {
    expect(issuesOf(() => modelFromText('{\n  "key": "a",\n  "key": "b"\n}', 'json'))).toEqual([
      { path: 'file', message: 'line 3, column 3: Map keys must be unique' },
    ]);
  });

  it('finds the first JSON error offset', () => {
    expect(jsonErrorOffset('[1, 2,, 3]')).toBe(6);
    expect(jsonErrorOffset('{"a": "\\x"}')).toBe(7);
    expect(jsonErrorOffset('{"a": 01}')).toBe(7);
    expect(jsonErrorOffset('['.repeat(600))).toBeLessThanOrEqual(600);
  });

  it('points content problems at their field and line', () => {
    const text = modelToText(THREE_PILLARS, 'yaml').replace('weight: 30', 'weight: 35');
    const issues = issuesOf(() => modelFromText(text, 'yaml'));
    expect(issues).toEqual([
      { path: 'dimensions', message: expect.stringMatching(/not 100 \(line 4\)$/) },
    ]);
    const json = modelToText(THREE_PILLARS, 'json').replace('"score": 10', '"score": 11');
    const [bad] = issuesOf(() => modelFromText(json, 'json'));
    const line = json.split('\n').findIndex((l) => l.includes('"score": 11')) + 1;
    expect(bad).toEqual({
      path: 'dimensions[0].measures[0].bands[5].score',
      message: `must be 0 to 10 (line ${line})`,
    });
  });

  it('points a missing field at its parent', () => {
    const [issue] = issuesOf(() =>
      modelFromText('key: x\nname: X\ntiers:\n  - name: Only\n    min: 0\n', 'yaml'),
    );
    expect(issue).toEqual({ path: 'dimensions', message: 'required (line 1)' });
  });

  it('reads a byte-order mark, and refuses empty and oversized text', () => {
    expect(modelFromText(`\uFEFF${modelToText(THREE_PILLARS, 'json')}`)).toEqual(THREE_PILLARS);
    expect(issuesOf(() => modelFromText('', 'yaml'))[0]!.path).toBe('model');
    expect(issuesOf(() => modelFromText('x'.repeat(MAX_MODEL_TEXT + 1)))[0]).toEqual({
      path: 'file',
      message: expect.stringMatching(/longer than/),
    });
  });
});
