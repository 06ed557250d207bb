import type { Schemas } from '../api/client';
import { oneOf } from './url';

/** The tasks page's state in the URL, who may change a task, and how a task reads. Pure. */

export type Task = Schemas['Task'];
export type TaskDetail = Schemas['TaskDetail'];
export type TaskStatus = Task['status'];
export type TaskPriority = Task['priority'];
type User = Schemas['User'];

export const SCOPES = ['mine', 'team', 'all'] as const;
export type TaskScope = (typeof SCOPES)[number];
/** What the page filters by; "all" is the API's "any". */
export const STATUS_FILTERS = ['open', 'done', 'all'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const PRIORITIES: readonly { value: TaskPriority; label: string }[] = [
  { value: 'urgent', label: 'Urgent' },
  { value: 'high', label: 'High' },
  { value: 'normal', label: 'Normal' },
  { value: 'low', label: 'Low' },
];

export const STATUSES: readonly { value: TaskStatus; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'in_progress', label: 'In progress' },
  { value: 'done', label: 'Done' },
  { value: 'cancelled', label: 'Cancelled' },
];

export const PRIORITY_COLOR: Record<TaskPriority, string> = {
  urgent: 'red',
  high: 'orange',
  normal: 'gray',
  low: 'gray',
};

export const priorityLabel = (p: TaskPriority): string =>
  PRIORITIES.find((x) => x.value === p)?.label ?? p;
export const statusLabel = (s: TaskStatus): string =>
  STATUSES.find((x) => x.value === s)?.label ?? s;
export const isOpenStatus = (s: TaskStatus): boolean => s === 'open' || s === 'in_progress';

export interface TaskFilters {
  /** Null: the server picks the role's default (a CSM's own, everyone's for the rest). */
  scope: TaskScope | null;
  status: StatusFilter;
  overdue: boolean;
}

export function filtersFromParams(p: URLSearchParams): TaskFilters {
  return {
    scope: oneOf(p.get('scope'), SCOPES),
    status: oneOf(p.get('status'), STATUS_FILTERS) ?? 'open',
    overdue: p.get('overdue') === '1',
  };
}

/** `base` with the filters written in; defaults are left out so links stay short. */
export function paramsFromFilters(f: TaskFilters, base = new URLSearchParams()): URLSearchParams {
  const next = new URLSearchParams(base);
  const put = (k: string, v: string | null) => (v ? next.set(k, v) : next.delete(k));
  put('scope', f.scope);
  put('status', f.status === 'open' ? null : f.status);
  // Overdue only means something for open tasks (the API reads it so too).
  put('overdue', f.overdue && f.status === 'open' ? '1' : null);
  return next;
}

/** The list call's query for these filters. */
export function listQuery(f: TaskFilters, limit: number) {
  return {
    limit,
    status: f.status === 'all' ? ('any' as const) : f.status,
    ...(f.scope ? { scope: f.scope } : {}),
    ...(f.overdue && f.status === 'open' ? { overdue: 'true' as const } : {}),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "12 open tasks, 3 overdue": the count behind the filters, in words. */
export function summary(f: TaskFilters, total: number, overdue: number | null): string {
  if (f.status === 'open' && f.overdue) return plural(total, 'overdue task');
  if (f.status === 'open') {
    const open = plural(total, 'open task');
    return overdue === null ? open : `${open}, ${overdue} overdue`;
  }
  if (f.status === 'done') return plural(total, 'done task');
  return plural(total, 'task');
}

/**
 * How near an open task's due day is, in words (empty once it is closed); an overdue task
 * says so in words, not only in red.
 */
export function dueText(
  t: Pick<Task, 'dueOn' | 'overdue' | 'status'>,
  now = Date.now(),
): { text: string; overdue: boolean } {
  if (!t.dueOn) return { text: 'No due date', overdue: false };
  const today = new Date(now).toISOString().slice(0, 10);
  const days = Math.round((Date.parse(`${t.dueOn}T00:00:00Z`) - Date.parse(today)) / 864e5);
  if (!isOpenStatus(t.status)) return { text: '', overdue: false };
  if (t.overdue || days < 0) {
    const late = Math.max(1, -days);
    return { text: `${plural(late, 'day')} overdue`, overdue: true };
  }
  if (days === 0) return { text: 'Due today', overdue: false };
  if (days === 1) return { text: 'Due tomorrow', overdue: false };
  return { text: `Due in ${days} days`, overdue: false };
}

/** The users a manager leads (the server's "team" reach). */
export function teamOf(users: readonly User[], me: User): string[] {
  return me.role === 'manager' ? users.filter((u) => u.managerId === me.id).map((u) => u.id) : [];
}

/**
 * Whether the server would let `me` edit, complete or comment on a task assigned to
 * `assigneeId` (docs/permissions.md, resource task). It decides; the page hides the rest.
 */
export function mayWriteTask(
  me: User,
  assigneeId: string | null | undefined,
  team: readonly string[],
): boolean {
  if (me.role === 'admin') return true;
  if (me.role === 'viewer' || !assigneeId) return false;
  if (assigneeId === me.id) return true;
  return me.role === 'manager' && team.includes(assigneeId);
}

/** Whether `me` may hand a task from `from` to someone else (managers take unassigned ones). */
export function mayReassignTask(
  me: User,
  from: string | null | undefined,
  team: readonly string[],
): boolean {
  if (me.role === 'admin') return true;
  if (me.role !== 'manager') return false;
  return !from || from === me.id || team.includes(from);
}

/** Anyone but a viewer may create tasks (for themselves at least). */
export const mayCreateTasks = (me: User): boolean => me.role !== 'viewer';

/** Whom `me` may give a task to: everyone live for an admin, the team for a manager, else self. */
export function assignableUsers(
  users: readonly User[],
  me: User,
  team: readonly string[],
): { value: string; label: string }[] {
  const live = users.filter((u) => !u.archivedAt && u.role !== 'viewer');
  const ok =
    me.role === 'admin'
      ? live
      : live.filter((u) => u.id === me.id || (me.role === 'manager' && team.includes(u.id)));
  const list = ok.some((u) => u.id === me.id) || me.role === 'viewer' ? ok : [me, ...ok];
  return list
    .map((u) => ({ value: u.id, label: u.id === me.id ? `${u.name} (you)` : u.name }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

export const TASK_FIELDS = [
  'title',
  'accountId',
  'assigneeId',
  'dueOn',
  'priority',
  'description',
] as const;
export type TaskField = (typeof TASK_FIELDS)[number];

const FIELD_LABEL: Record<TaskField, string> = {
  title: 'Title',
  accountId: 'Account',
  assigneeId: 'Assignee',
  dueOn: 'Due date',
  priority: 'Priority',
  description: 'Details',
};

/**
 * The server's field issues ("body.title", "dueOn") placed at the form's fields, and one
 * sentence for the form naming them (null when no issue names a field of the form).
 */
export function fieldIssues(issues: readonly { path: string; message: string }[]): {
  fields: Partial<Record<TaskField, string>>;
  sentence: string | null;
} {
  const fields: Partial<Record<TaskField, string>> = {};
  for (const i of issues) {
    const f = oneOf(i.path.replace(/^body\./, ''), TASK_FIELDS);
    if (f && !fields[f]) fields[f] = i.message.charAt(0).toUpperCase() + i.message.slice(1);
  }
  const named = TASK_FIELDS.filter((f) => fields[f]).map((f) => FIELD_LABEL[f]);
  return {
    fields,
    sentence: named.length ? `Check ${named.join(', ')}: see the note under each.` : null,
  };
}

/** A comment's author by name: "user:ID" is looked up (the stored name is their email). */
export function authorName(
  c: { author: string; authorName: string },
  users: readonly Pick<User, 'id' | 'name'>[],
): string {
  const id = c.author.startsWith('user:') ? c.author.slice(5) : null;
  return users.find((u) => u.id === id)?.name ?? c.authorName;
}
