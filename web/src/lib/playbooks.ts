import type { Schemas } from '../api/client';

/** Playbooks in words: categories, lengths, progress, and the editor's draft. Pure. */

export type Playbook = Schemas['Playbook'];
export type PlaybookRun = Schemas['PlaybookRun'];
export type Step = Playbook['steps'][number];
export type Category = Playbook['category'];

export const CATEGORIES: { value: Category; label: string }[] = [
  { value: 'risk', label: 'Risk' },
  { value: 'onboarding', label: 'Onboarding' },
  { value: 'renewal', label: 'Renewal' },
  { value: 'expansion', label: 'Expansion' },
  { value: 'win_back', label: 'Win-back' },
];

export const categoryLabel = (c: string): string =>
  CATEGORIES.find((x) => x.value === c)?.label ?? c;

/** The library grouped by category, in the order above; archived playbooks left out. */
export function byCategory(
  items: readonly Playbook[],
): { category: Category; items: Playbook[] }[] {
  return CATEGORIES.map(({ value }) => ({
    category: value,
    items: items
      .filter((p) => p.category === value && !p.archived)
      .sort((a, b) => a.name.localeCompare(b.name)),
  })).filter((g) => g.items.length > 0);
}

/** The day of the last step: how long a play runs. */
export const lengthDays = (p: Pick<Playbook, 'steps'>): number =>
  p.steps.reduce((m, s) => Math.max(m, s.dueAfterDays), 0);

/** "3 steps over 14 days", "1 step on the day". */
export function stepsText(p: Pick<Playbook, 'steps'>): string {
  const n = p.steps.length;
  const d = lengthDays(p);
  const steps = `${n} step${n === 1 ? '' : 's'}`;
  if (d === 0) return `${steps} on the day`;
  return `${steps} over ${d} day${d === 1 ? '' : 's'}`;
}

/** "On the day", "After 1 day", "After 14 days". */
export const dueAfterText = (days: number): string =>
  days === 0 ? 'On the day' : `After ${days} day${days === 1 ? '' : 's'}`;

export const assigneeText = (to: Step['assignTo']): string =>
  to === 'manager' ? 'The owner’s manager' : 'The account owner';

/** Done of total, 0–100 (a play with no tasks counts as done). */
export function progressPct(r: Pick<PlaybookRun, 'progress'>): number {
  const { done, total } = r.progress;
  return total === 0 ? 100 : Math.round((done / total) * 100);
}

/** What the editor holds: every field as text or a choice, so a half-typed form is fine. */
export interface StepDraft {
  title: string;
  description: string;
  dueAfterDays: string;
  assignTo: Step['assignTo'];
  priority: Step['priority'];
  withEmail: boolean;
  subject: string;
  body: string;
}

export interface PlaybookDraft {
  key: string;
  name: string;
  category: Category;
  description: string;
  steps: StepDraft[];
}

export const emptyStep = (): StepDraft => ({
  title: '',
  description: '',
  dueAfterDays: '0',
  assignTo: 'owner',
  priority: 'normal',
  withEmail: false,
  subject: '',
  body: '',
});

export function draftOf(p: Playbook | null): PlaybookDraft {
  if (!p) return { key: '', name: '', category: 'risk', description: '', steps: [emptyStep()] };
  return {
    key: p.key,
    name: p.name,
    category: p.category,
    description: p.description,
    steps: p.steps.map((s) => ({
      title: s.title,
      description: s.description ?? '',
      dueAfterDays: String(s.dueAfterDays),
      assignTo: s.assignTo,
      priority: s.priority,
      withEmail: s.email !== undefined,
      subject: s.email?.subject ?? '',
      body: s.email?.body ?? '',
    })),
  };
}

/**
 * The definition sent to the server. Days that are not whole numbers are sent as typed so
 * the server names the problem at its field.
 */
export function definitionOf(d: PlaybookDraft): Record<string, unknown> {
  return {
    key: d.key.trim(),
    name: d.name.trim(),
    category: d.category,
    description: d.description.trim(),
    steps: d.steps.map((s) => {
      const days = s.dueAfterDays.trim();
      return {
        title: s.title.trim(),
        ...(s.description.trim() ? { description: s.description.trim() } : {}),
        dueAfterDays: /^-?\d+$/.test(days) ? Number(days) : days,
        assignTo: s.assignTo,
        priority: s.priority,
        ...(s.withEmail ? { email: { subject: s.subject, body: s.body } } : {}),
      };
    }),
  };
}

/** Moves one item of a list up or down (a no-op at the ends). */
export function move<T>(list: readonly T[], from: number, by: -1 | 1): T[] {
  const to = from + by;
  if (to < 0 || to >= list.length) return [...list];
  const next = [...list];
  [next[from], next[to]] = [next[to]!, next[from]!];
  return next;
}

/** A suggested key from a name: "QBR preparation" → "qbr-preparation". */
export const keyFromName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

/** A server issue path without the body prefix: "body.steps.0.title" → "steps.0.title". */
export const issuePath = (path: string): string => path.replace(/^(body|definition)\.?/, '');

/** Issues by their path, several at one path joined into one sentence. */
export function issuesByPath(
  issues: readonly { path: string; message: string }[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of issues) {
    const p = issuePath(i.path);
    out.set(p, out.has(p) ? `${out.get(p)}; ${i.message}` : i.message);
  }
  return out;
}
