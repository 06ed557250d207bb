import type { AccountRow } from '../../db/schema.js';
import type { AccountInput } from './account-model.js';
import type { PassEnv } from './engine.js';
import { isTenureId } from './fields.js';
import { NS, type KeySet } from './keyset.js';
import * as store from './store.js';

/**
 * Account hierarchy on import. A row names its parent by Tenure id or CRM id; the parent
 * may be in Tenure or anywhere in the same file, so links are resolved once the whole file
 * is read. Only rows that name a parent are remembered (a small record each); everything
 * else comes from the file's key set and batched lookups.
 *
 * Resolution uses the key set and the accounts the file does not touch, which a dry run
 * and an apply see alike, so both report the same issues. A row of the file is the node
 * `#line`; an account the file does not touch is its id.
 */

export interface PendingParent {
  line: number;
  /** The row's account (a fresh id in a dry run for new accounts). */
  accountId: string;
  /** The existing account the row updates; null when it creates one. */
  dbId: string | null;
  /** Its parent before the import. */
  currentParent: string | null;
  refId: string | undefined;
  refCrm: string | undefined;
  /** Fields the row changed besides its parent (updates only; its timeline entry waits for this). */
  changed: string[] | null;
}

export interface ParentOutcome {
  record: PendingParent;
  /** The parent's node when the row's parent changes, else null. */
  parentNode: string | null;
}

type Resolved = { node: string } | { released: number } | null;

export class ParentLinks {
  readonly pending = new Map<number, PendingParent>();
  /** CRM ids an update gives to an existing account, and ids an update takes away (with its line). */
  private readonly gained = new Map<string, string>();
  private readonly released = new Map<string, number>();
  /** The account id behind a `#line` node, where known. */
  private readonly dbIds = new Map<string, string>();
  private readonly dbParent = new Map<string, string | null>();
  private readonly byCrm = new Map<string, string>();

  constructor(
    /** False when the file has no parent column: then nothing is kept or looked up. */
    readonly enabled: boolean,
    private readonly claims: KeySet,
    private readonly col: (key: string) => string,
  ) {}

  wants(i: AccountInput): boolean {
    return this.enabled && Boolean(i.parentId || i.parentCrmId);
  }

  /** Remember a row's CRM id change: its new CRM id names it, its old one names nobody. */
  crmChange(target: AccountRow | undefined, input: AccountInput): void {
    if (!this.enabled || !target || !input.crmId || target.crm_id === input.crmId) return;
    this.gained.set(input.crmId, target.id);
    if (target.crm_id) this.released.set(target.crm_id, input.line);
  }

  add(p: PendingParent): void {
    this.pending.set(p.line, p);
  }

  /** The node of an existing account: its row when the file touches it. */
  private nodeOf(id: string): string {
    const line = this.claims.get(NS.record, id);
    if (line === null) return id;
    const node = `#${line}`;
    this.dbIds.set(node, id);
    return node;
  }

  private byId(v: string): string | null {
    const line = this.claims.get(NS.record, v);
    if (line !== null) {
      this.dbIds.set(`#${line}`, v);
      return `#${line}`;
    }
    return this.dbParent.has(v) ? v : null;
  }

  private byCrmId(c: string): Resolved {
    const line = this.claims.get(NS.crm, c);
    if (line !== null) {
      const rel = this.released.get(c);
      if (rel !== undefined) return { released: rel };
      const id = this.byCrm.get(c) ?? this.gained.get(c);
      if (id !== undefined) this.dbIds.set(`#${line}`, id);
      return { node: `#${line}` };
    }
    const id = this.byCrm.get(c);
    return id === undefined ? null : { node: this.nodeOf(id) };
  }

  private remember(rows: store.ParentLink[]): void {
    for (const r of rows) {
      this.dbParent.set(r.id, r.parent_id);
      if (r.crm_id !== null) this.byCrm.set(r.crm_id, r.id);
    }
  }

  /** The parent of a node after the import (as far as the checks need it). */
  private parentOf(node: string, links: Map<string, string>): string | null | undefined {
    if (node.startsWith('#')) {
      const p = this.pending.get(Number(node.slice(1)));
      if (p) return links.get(node) ?? null;
    }
    const id = node.startsWith('#') ? this.dbIds.get(node) : node;
    if (id === undefined) return null;
    if (!this.dbParent.has(id)) return undefined;
    const parent = this.dbParent.get(id) ?? null;
    return parent === null ? null : this.nodeOf(parent);
  }

  /**
   * Resolve every remembered row's parent, report unknown parents and cycles, and return
   * the rows whose parent is fine (with the new parent where it changes).
   */
  async resolve(env: PassEnv): Promise<ParentOutcome[]> {
    if (this.pending.size === 0) return [];
    const ids = new Set<string>();
    const crms = new Set<string>();
    for (const p of this.pending.values()) {
      if (p.refId && this.claims.get(NS.record, p.refId) === null) ids.add(p.refId);
      if (p.refCrm) {
        crms.add(p.refCrm);
        if (isTenureId('account', p.refCrm)) ids.add(p.refCrm);
      }
      if (p.dbId) this.dbIds.set(`#${p.line}`, p.dbId);
    }
    this.remember(await store.findParentLinks(env.db, [...ids], [...crms]));

    const links = new Map<string, string>();
    const ok: PendingParent[] = [];
    for (const p of this.pending.values()) {
      const node = this.link(env, p);
      if (node === null) continue;
      if (node === `#${p.line}`) {
        env.issue(this.problem(p, 'an account cannot be its own parent'));
        continue;
      }
      links.set(`#${p.line}`, node);
      ok.push(p);
    }

    // Load the existing parents of every account the new links lead to, a level per query.
    let frontier = [...new Set(links.values())];
    const seen = new Set(frontier);
    while (frontier.length) {
      const need = new Set<string>();
      for (const n of frontier) {
        const id = n.startsWith('#') ? this.dbIds.get(n) : n;
        if (this.parentOf(n, links) === undefined && id !== undefined) need.add(id);
      }
      if (need.size) this.remember(await store.findParentLinks(env.db, [...need], []));
      const next: string[] = [];
      for (const n of frontier) {
        const up = this.parentOf(n, links);
        if (up && !seen.has(up)) {
          seen.add(up);
          next.push(up);
        }
      }
      frontier = next;
    }

    const cycles = cycleMembers(links, (n) => this.parentOf(n, links) ?? null);
    const out: ParentOutcome[] = [];
    for (const p of ok) {
      const node = `#${p.line}`;
      const cycle = cycles.get(node);
      if (cycle) {
        env.issue(this.problem(p, `this parent would make a cycle: ${cyclePath(cycle)}`));
        continue;
      }
      const parent = links.get(node)!;
      const current = p.dbId && p.currentParent ? this.nodeOf(p.currentParent) : null;
      out.push({ record: p, parentNode: parent === current ? null : parent });
    }
    return out;
  }

  /** The account behind a node, once every row of an apply is written. */
  accountIdOf(node: string): string {
    if (!node.startsWith('#')) return node;
    const p = this.pending.get(Number(node.slice(1)));
    const id = p?.accountId ?? this.dbIds.get(node);
    if (id === undefined) throw new Error(`import: no account for parent ${node}`);
    return id;
  }

  /** A row's parent node, or null after reporting why it has none. */
  private link(env: PassEnv, p: PendingParent): string | null {
    const byId = p.refId ? this.byId(p.refId) : null;
    const crm = p.refCrm ? this.byCrmId(p.refCrm) : null;
    if (byId && crm && 'node' in crm && crm.node !== byId) {
      env.issue(this.problem(p, 'names a different account than the Parent Tenure ID', true));
      return null;
    }
    if (byId) return byId;
    if (crm && 'node' in crm) return crm.node;
    if (p.refCrm && isTenureId('account', p.refCrm)) {
      const asId = this.byId(p.refCrm);
      if (asId) return asId;
    }
    if (crm && 'released' in crm) {
      env.issue(
        this.problem(
          p,
          `line ${crm.released} gives this CRM ID up, so no account will have it after the import`,
          true,
        ),
      );
      return null;
    }
    env.issue(
      this.problem(
        p,
        p.refCrm
          ? 'no account in Tenure or in this file has this CRM ID'
          : 'no account in Tenure or in this file has this Tenure ID',
      ),
    );
    return null;
  }

  private problem(p: PendingParent, reason: string, crm = false) {
    const useCrm = crm || !p.refId;
    return {
      line: p.line,
      column: this.col(useCrm ? 'parentCrmId' : 'parentId'),
      value: (useCrm ? p.refCrm : p.refId) ?? '',
      reason,
    };
  }
}

function describe(node: string): string {
  return node.startsWith('#') ? `line ${node.slice(1)}` : `account ${node}`;
}

interface CycleSpot {
  cycle: readonly string[];
  at: number;
}

/** "line 3 → line 7 → line 3", starting at the reporting row, shortened for long cycles. */
function cyclePath({ cycle, at }: CycleSpot): string {
  const steps: string[] = [];
  for (let i = 0; i < Math.min(cycle.length, 6); i++)
    steps.push(describe(cycle[(at + i) % cycle.length]!));
  if (cycle.length > 6) steps.push('…');
  steps.push(describe(cycle[at]!));
  return steps.join(' → ');
}

/**
 * Nodes on a cycle of the parent graph. Every node has at most one parent, so a walk from
 * each start meets a cycle or a root; nodes a walk has finished are never walked again.
 */
function cycleMembers(
  starts: Map<string, string>,
  parentOf: (n: string) => string | null,
): Map<string, CycleSpot> {
  const done = new Set<string>();
  const out = new Map<string, CycleSpot>();
  for (const start of starts.keys()) {
    const path: string[] = [];
    const onPath = new Map<string, number>();
    let n: string | null = start;
    while (n !== null && !done.has(n) && !onPath.has(n)) {
      onPath.set(n, path.length);
      path.push(n);
      n = parentOf(n);
    }
    if (n !== null && onPath.has(n)) {
      const cycle = path.slice(onPath.get(n));
      cycle.forEach((m, at) => out.set(m, { cycle, at }));
    }
    for (const m of path) done.add(m);
  }
  return out;
}
