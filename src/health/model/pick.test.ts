import { describe, expect, it } from 'vitest';
import type { HealthModelDef, ModelScope } from './definition.js';
import { pickModel } from './pick.js';
import { THREE_PILLARS } from './presets.js';

const model = (id: string, appliesTo?: ModelScope, key = id) => ({
  id,
  def: { ...THREE_PILLARS, key, ...(appliesTo ? { appliesTo } : {}) } satisfies HealthModelDef,
});

const all = model('all');
const enterprise = model('enterprise', { segments: ['enterprise'] });
const onboarding = model('onboarding', { stages: ['onboarding'] });
const entOnboarding = model('ent-onboarding', { segments: ['enterprise'], stages: ['onboarding'] });
const models = [all, enterprise, onboarding, entOnboarding];

const pick = (ms: typeof models, segment: string, stage: string) =>
  pickModel(ms, { segment, stage })?.id;

describe('pickModel', () => {
  it('prefers segment and stage, then segment, then stage, then the model for everyone', () => {
    expect(pick(models, 'enterprise', 'onboarding')).toBe('ent-onboarding');
    expect(pick(models, 'enterprise', 'active')).toBe('enterprise');
    expect(pick(models, 'smb', 'onboarding')).toBe('onboarding');
    expect(pick(models, 'smb', 'active')).toBe('all');
  });

  it('returns null when nothing applies', () => {
    expect(pick([enterprise, onboarding], 'smb', 'active')).toBeUndefined();
    expect(pickModel([], { segment: 'smb', stage: 'active' })).toBeNull();
  });

  it('breaks ties by the narrower model, then by key, whatever the order given', () => {
    const wide = model('wide', { segments: ['enterprise', 'mid_market'] }, 'a-wide');
    const narrow = model('narrow', { segments: ['enterprise'] }, 'z-narrow');
    expect(pick([wide, narrow], 'enterprise', 'active')).toBe('narrow');
    expect(pick([narrow, wide], 'enterprise', 'active')).toBe('narrow');
    const b = model('b', undefined, 'b');
    const a = model('a', undefined, 'a');
    expect(pick([b, a], 'smb', 'active')).toBe('a');
    expect(pick([a, b], 'smb', 'active')).toBe('a');
  });

  it('keeps the first of two otherwise equal models', () => {
    const one = model('one', undefined, 'same');
    const two = model('two', undefined, 'same');
    expect(pick([one, two], 'smb', 'active')).toBe('one');
  });
});
