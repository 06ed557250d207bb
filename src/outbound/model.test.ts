import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageIdOf, render, signature, variablesOf, verifySignature } from './model.js';

describe('templates', () => {
  it('fills known variables, reports missing ones, and leaves other text alone', () => {
    const t =
      'Hi {{contact.first_name}}, about {{ account.name }} ({{account.segment}}) — {{owner.name}}';
    expect(variablesOf(t)).toEqual([
      'contact.first_name',
      'account.name',
      'account.segment',
      'owner.name',
    ]);
    expect(
      render(t, {
        contact: { first_name: 'Ana' },
        account: { name: 'Acme', segment: '' },
        owner: { name: 'Cal' },
      }),
    ).toEqual({ text: 'Hi Ana, about Acme () — Cal', missing: ['account.segment'] });
  });

  it('never changes text without variables', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{{')),
        (s) => {
          expect(render(s, {}).text).toBe(s);
        },
      ),
    );
  });
});

describe('webhook signatures', () => {
  it('verify for the same secret, body and a fresh timestamp, and for nothing else', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
        fc.string({ minLength: 1 }),
        (secret, body, ts, other) => {
          const sig = signature(secret, ts, body);
          expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
          expect(
            verifySignature(secret, { timestamp: String(ts), signature: sig }, body, ts + 10),
          ).toBe(true);
          expect(
            verifySignature(secret, { timestamp: String(ts), signature: sig }, body, ts + 301),
          ).toBe(false);
          if (other !== body)
            expect(
              verifySignature(secret, { timestamp: String(ts), signature: sig }, other, ts),
            ).toBe(false);
          if (other !== secret)
            expect(
              verifySignature(other, { timestamp: String(ts), signature: sig }, body, ts),
            ).toBe(false);
        },
      ),
    );
  });

  it('matches a value computed independently (for receivers in other languages)', () => {
    // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
    expect(signature('s3cret', 1_700_000_000, '{"a":1}')).toBe(
      'v1=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940',
    );
    expect(messageIdOf('out_1', 'tenure.example.com')).toBe('<out_1@tenure.example.com>');
  });
});
