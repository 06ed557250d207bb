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

export interface WorkTables {
  jobs: JobsTable;
}
