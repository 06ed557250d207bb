import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '../api/client';
import {
  assignableUsers,
  authorName,
  dueText,
  fieldIssues,
  filtersFromParams,
  listQuery,
  mayCreateTasks,
  mayReassignTask,
  mayWriteTask,
  paramsFromFilters,
  SCOPES,
  STATUS_FILTERS,
  summary,
  teamOf,
  type TaskFilters,
} from './tasks';

type User = Schemas['User'];

const user = (id: string, role: User['role'], managerId: string | null = null): User => ({
  id,
  email: `${id}@example.com`,
  name: id.toUpperCase(),
  role,
  managerId,
  hasPassword: true,
  sso: false,
  lastLoginAt: null,
  createdAt: '2025-01-01T00:00:00Z',
  archivedAt: null,
});

const admin = user('ada', 'admin');
const boss = user('mia', 'manager');
const csm = user('cal', 'csm', 'mia');
const other = user('oz', 'csm');
const viewer = user('vic', 'viewer');
const users = [admin, boss, csm, other, viewer];

describe('filters in the URL', () => {
  it('reads defaults from an empty URL and ignores what it does not know', () => {
    expect(filtersFromParams(new URLSearchParams())).toEqual({
      scope: null,
      status: 'open',
      overdue: false,
    });
    expect(filtersFromParams(new URLSearchParams('scope=galaxy&status=weird&overdue=yes'))).toEqual(
      { scope: null, status: 'open', overdue: false },
    );
  });

  it('survives a round trip through the URL, keeping other parameters', () => {
    const filters = fc.record({
      scope: fc.constantFrom(null, ...SCOPES),
      status: fc.constantFrom(...STATUS_FILTERS),
      overdue: fc.boolean(),
    });
    fc.assert(
      fc.property(filters, (f: TaskFilters) => {
        const p = paramsFromFilters(f, new URLSearchParams('task=tsk_1'));
        expect(p.get('task')).toBe('tsk_1');
        // Overdue is kept only with open tasks, as the API reads it.
        expect(filtersFromParams(p)).toEqual({ ...f, overdue: f.overdue && f.status === 'open' });
      }),
    );
  });

  it('leaves defaults out of links', () => {
    expect(paramsFromFilters({ scope: null, status: 'open', overdue: false }).toString()).toBe('');
    expect(paramsFromFilters({ scope: 'team', status: 'open', overdue: true }).toString()).toBe(
      'scope=team&overdue=1',
    );
  });

  it('asks the API for "any" when the page shows all', () => {
    expect(listQuery({ scope: null, status: 'all', overdue: false }, 50)).toEqual({
      limit: 50,
      status: 'any',
    });
    expect(listQuery({ scope: 'mine', status: 'open', overdue: true }, 10)).toEqual({
      limit: 10,
      status: 'open',
      scope: 'mine',
      overdue: 'true',
    });
  });
});

describe('summary', () => {
  const f = (status: TaskFilters['status'], overdue = false): TaskFilters => ({
    scope: null,
    status,
    overdue,
  });
  it('counts in words', () => {
    expect(summary(f('open'), 12, 3)).toBe('12 open tasks, 3 overdue');
    expect(summary(f('open'), 1, 0)).toBe('1 open task, 0 overdue');
    expect(summary(f('open'), 4, null)).toBe('4 open tasks');
    expect(summary(f('open', true), 1, 1)).toBe('1 overdue task');
    expect(summary(f('done'), 0, null)).toBe('0 done tasks');
    expect(summary(f('all'), 7, null)).toBe('7 tasks');
  });
});

describe('due dates', () => {
  const now = Date.parse('2025-03-10T15:00:00Z');
  it('says overdue in words', () => {
    expect(dueText({ dueOn: '2025-03-07', overdue: true, status: 'open' }, now)).toEqual({
      text: '3 days overdue',
      overdue: true,
    });
    expect(dueText({ dueOn: '2025-03-09', overdue: true, status: 'in_progress' }, now)).toEqual({
      text: '1 day overdue',
      overdue: true,
    });
  });
  it('counts down to the due day', () => {
    expect(dueText({ dueOn: '2025-03-10', overdue: false, status: 'open' }, now).text).toBe(
      'Due today',
    );
    expect(dueText({ dueOn: '2025-03-11', overdue: false, status: 'open' }, now).text).toBe(
      'Due tomorrow',
    );
    expect(dueText({ dueOn: '2025-03-20', overdue: false, status: 'open' }, now).text).toBe(
      'Due in 10 days',
    );
    expect(dueText({ dueOn: null, overdue: false, status: 'open' }, now).text).toBe('No due date');
  });
  it('says nothing about a closed task being late', () => {
    expect(dueText({ dueOn: '2025-03-01', overdue: false, status: 'done' }, now)).toEqual({
      text: '',
      overdue: false,
    });
  });
});

describe('who may change a task (docs/permissions.md)', () => {
  const team = teamOf(users, boss);
  it('finds a manager’s team', () => {
    expect(team).toEqual(['cal']);
    expect(teamOf(users, csm)).toEqual([]);
  });
  it('follows the task rows of the matrix', () => {
    expect(mayWriteTask(admin, null, [])).toBe(true);
    expect(mayWriteTask(admin, 'oz', [])).toBe(true);
    expect(mayWriteTask(boss, 'mia', team)).toBe(true);
    expect(mayWriteTask(boss, 'cal', team)).toBe(true);
    expect(mayWriteTask(boss, 'oz', team)).toBe(false);
    expect(mayWriteTask(boss, null, team)).toBe(false);
    expect(mayWriteTask(csm, 'cal', [])).toBe(true);
    expect(mayWriteTask(csm, 'oz', [])).toBe(false);
    expect(mayWriteTask(viewer, 'vic', [])).toBe(false);
  });
  it('lets managers reassign within the team and take unassigned tasks', () => {
    expect(mayReassignTask(boss, 'cal', team)).toBe(true);
    expect(mayReassignTask(boss, null, team)).toBe(true);
    expect(mayReassignTask(boss, 'oz', team)).toBe(false);
    expect(mayReassignTask(csm, 'cal', [])).toBe(false);
    expect(mayReassignTask(admin, 'oz', [])).toBe(true);
  });
  it('keeps viewers from creating', () => {
    expect(mayCreateTasks(viewer)).toBe(false);
    expect(mayCreateTasks(csm)).toBe(true);
  });
  it('offers the assignees the server would accept', () => {
    expect(assignableUsers(users, admin, []).map((o) => o.value)).toEqual([
      'ada',
      'cal',
      'mia',
      'oz',
    ]);
    expect(assignableUsers(users, boss, team).map((o) => o.value)).toEqual(['cal', 'mia']);
    expect(assignableUsers(users, csm, [])).toEqual([{ value: 'cal', label: 'CAL (you)' }]);
    expect(assignableUsers([], csm, [])).toEqual([{ value: 'cal', label: 'CAL (you)' }]);
  });
});

describe('field issues', () => {
  it('puts the server’s issues at the form’s fields and names them', () => {
    const r = fieldIssues([
      { path: 'body.title', message: 'must not be blank' },
      { path: 'dueOn', message: 'not a date' },
      { path: 'body', message: 'malformed JSON' },
    ]);
    expect(r.fields).toEqual({ title: 'Must not be blank', dueOn: 'Not a date' });
    expect(r.sentence).toBe('Check Title, Due date: see the note under each.');
    expect(fieldIssues([{ path: 'body', message: 'x' }]).sentence).toBeNull();
  });
});

describe('comment authors', () => {
  it('names a user, and keeps the stored name for anyone else', () => {
    const c = { author: 'user:cal', authorName: 'cal@example.com' };
    expect(authorName(c, users)).toBe('CAL');
    expect(authorName({ author: 'operator:local', authorName: 'operator' }, users)).toBe(
      'operator',
    );
    expect(authorName({ author: 'user:gone', authorName: 'gone@example.com' }, users)).toBe(
      'gone@example.com',
    );
  });
});
