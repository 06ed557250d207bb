import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';

describe('passwords', () => {
  it('hashes with argon2id at 19 MiB, 2 passes, 1 lane, and verifies', async () => {
    const h = await hashPassword('a long and unusual phrase 7');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'a long and unusual phrase 7')).toBe(true);
    expect(await verifyPassword(h, 'a long and unusual phrase 8')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });

  it('asks only for length and refuses common passwords', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('password1234')).toMatch(/commonly used/);
    expect(passwordProblem('qwertyuiop123')).toMatch(/commonly used/);
    expect(passwordProblem('ana.lopez@example.com', { email: 'Ana.Lopez@example.com' })).toMatch(
      /email/,
    );
    expect(passwordProblem('lowercase only but long enough')).toBeNull();
  });

  it('counts characters, not bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 11 }), (s) => {
        if ([...s].length < 12) expect(passwordProblem(s)).toMatch(/at least 12/);
      }),
    );
  });
});
