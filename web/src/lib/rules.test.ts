import { describe, expect, it } from 'vitest';
import { actionsSummary, describeRule, EXAMPLE_RULE, parseRule, toJson } from './rules';

describe('rules in words', () => {
  it('says the example', () => {
    expect(describeRule(EXAMPLE_RULE)).toEqual({
      when: 'When a tier change alert is raised moving the account into Red',
      conditions: [],
      then: ['Start the playbook low-engagement'],
    });
  });
  it('says each trigger, condition and action', () => {
    const d = describeRule({
      when: { type: 'stage_changed', to: 'at_risk' },
      conditions: [
        { field: 'arrMinor', op: 'gte', value: 1000000 },
        { field: 'segment', op: 'in', value: ['enterprise', 'mid_market'] },
        { field: 'healthTier', op: 'missing' },
      ],
      then: [
        { type: 'create_task', title: 'Call them', dueAfterDays: 2, priority: 'high' },
        { type: 'send_email', to: 'manager', subject: 'Red', body: '…' },
        { type: 'set_stage', stage: 'renewal' },
      ],
    });
    expect(d.when).toBe('When an account moves into the At risk stage');
    expect(d.conditions).toEqual([
      'ARR (minor units) is at least 1,000,000',
      'Segment is one of enterprise, mid_market',
      'Health tier is not set',
    ]);
    expect(d.then).toEqual([
      'Create a task “Call them”, due after 2 days, high priority',
      'Email the owner’s manager: “Red”',
      'Set the stage to Renewal',
    ]);
    expect(describeRule({ when: { type: 'schedule', once: 'week' } }).when).toBe(
      'On a schedule, once a week per account',
    );
    expect(actionsSummary({})).toBe('No action');
  });
});

describe('the rule editor', () => {
  it('reads JSON objects and names what is wrong otherwise', () => {
    expect(parseRule(toJson(EXAMPLE_RULE))).toEqual({ ok: true, definition: EXAMPLE_RULE });
    expect(parseRule('{ "key": ').ok).toBe(false);
    expect(parseRule('[1]')).toEqual({
      ok: false,
      message: 'The rule must be one JSON object: { "key": …, "when": … }',
    });
  });
});
