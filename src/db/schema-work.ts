/** The work process's tables (jobs first); part of `Database` in schema.ts. */

/**
 * One-off jobs and the runs of recurring ones, in one queue. A recurring run's `key` is
 * `job@slot`, unique, so only one server process can enqueue (and so run) each slot.
 */
export interface JobsTable {
  id: string;
  /** What to run: a registered handler's name. */
  kind: string;
  /** Unique when set: a recurring slot, or a caller's de-duplication key. */
  key: string | null;
  /** JSON handed to the handler. */
  payload: string;
  /** queued → running → succeeded | failed (out of attempts); running again after a crash. */
  status: string;
  attempts: number;
  max_attempts: number;
  /** Not before this instant (ISO): the due time, or the next retry after a failure. */
  run_at: string;
  /** A running job whose lease has passed is taken over: its worker died. */
  lease_until: string | null;
  worker: string | null;
  last_error: string | null;
  /** JSON the handler returned, for the history. */
  result: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface TasksTable {
  id: string;
  account_id: string | null;
  title: string;
  description: string | null;
  assignee_id: string | null;
  due_on: string | null;
  priority: string;
  status: string;
  source: string;
  source_ref: string | null;
  playbook_run_id: string | null;
  step_index: number | null;
  /** The actor label of who (or what) created it. */
  created_by: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  completed_by: string | null;
}

export interface TaskCommentsTable {
  id: string;
  task_id: string;
  /** Actor label. */
  author: string;
  author_name: string;
  body: string;
  created_at: string;
}

export interface PlaybooksTable {
  id: string;
  key: string;
  name: string;
  category: string;
  description: string;
  /** JSON array of steps. */
  steps: string;
  version: number;
  built_in: number;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PlaybookRunsTable {
  id: string;
  playbook_id: string;
  playbook_key: string;
  playbook_name: string;
  playbook_version: number;
  account_id: string;
  status: string;
  source: string;
  source_ref: string | null;
  started_by: string;
  started_at: string;
  finished_at: string | null;
}

export interface OutboundEndpointsTable {
  id: string;
  kind: string;
  name: string;
  url: string;
  secret: string | null;
  created_at: string;
  archived_at: string | null;
}

export interface OutboxTable {
  id: string;
  channel: string;
  status: string;
  recipient: string;
  endpoint_id: string | null;
  subject: string | null;
  body: string;
  account_id: string | null;
  source: string;
  source_ref: string | null;
  dedupe_key: string | null;
  attempts: number;
  max_attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  response: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface RulesTable {
  key: string;
  name: string;
  version: number;
  definition: string;
  active: number;
  active_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface RuleVersionsTable {
  key: string;
  version: number;
  definition: string;
  note: string | null;
  created_by: string;
  created_at: string;
}

export interface RuleFiringsTable {
  id: string;
  rule_key: string;
  rule_version: number;
  account_id: string;
  cause_key: string;
  reason: string;
  outcome: string;
  fired_at: string;
}

export interface WorkTables {
  jobs: JobsTable;
  tasks: TasksTable;
  task_comments: TaskCommentsTable;
  playbooks: PlaybooksTable;
  playbook_runs: PlaybookRunsTable;
  outbound_endpoints: OutboundEndpointsTable;
  outbox: OutboxTable;
  rules: RulesTable;
  rule_versions: RuleVersionsTable;
  rule_firings: RuleFiringsTable;
}
