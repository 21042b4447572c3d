/**
 * Where proof jobs wait, behind a small asynchronous interface so that a queue engine shared by
 * several machines can replace the in-memory implementation without changing the broker.
 *
 * A job is `queued` until taken; taking it (only once all its dependencies are `done`) leases it
 * (`running`) and counts an attempt; the broker then completes it, releases it for a retry, or
 * fails it for good.
 *
 * @example
 * ```ts
 * const store = new InMemoryJobStore();
 * await store.add(plan.jobs);
 * const record = await store.take(); // a base job
 * if (record) await store.complete(record.job.id, output);
 * ```
 */
import { DuplicateJobError, JobStateError, UnknownJobError } from "./errors";
import type { ProofJob } from "./tree";

/**
 * Life cycle of a job in a store.
 *
 * @example
 * ```ts
 * if ((await store.get(id))?.status === "done") console.log("proved");
 * ```
 */
export type JobStatus = "queued" | "running" | "done" | "failed";

/**
 * A job and its state, as returned by a store (a snapshot: later changes do not show in it).
 *
 * @example
 * ```ts
 * const record = await store.get("h7/root");
 * console.log(record?.status, record?.attempts, record?.output);
 * ```
 */
export interface JobRecord {
  readonly job: ProofJob;
  readonly status: JobStatus;
  /** Attempts started so far (taking the job starts one). */
  readonly attempts: number;
  /** The job's output, once done. */
  readonly output?: string;
  /** Why each failed attempt failed, oldest first. */
  readonly failures: readonly string[];
}

/**
 * Storage and queueing of proof jobs. Implementations must be safe to call concurrently from one
 * broker (every method is asynchronous so that a remote queue fits).
 *
 * @example
 * ```ts
 * class RedisJobStore implements JobStore { ... } // same contract, jobs visible to other machines
 * const broker = new ProvingBroker(new RedisJobStore(), executor, options);
 * ```
 */
export interface JobStore {
  /** Adds jobs as `queued`. Each job's dependencies must already be stored or come earlier in `jobs`. */
  add(jobs: readonly ProofJob[]): Promise<void>;
  /**
   * Leases a queued job whose dependencies are all done, or returns undefined if none is ready. The
   * in-memory store takes the one farthest from its plan's root first (the critical path), the oldest
   * among equals; other stores may take the oldest.
   */
  take(): Promise<JobRecord | undefined>;
  /** Records a running job's output (`done`). */
  complete(jobId: string, output: string): Promise<void>;
  /** Puts a running job back in the queue after a failed attempt. */
  release(jobId: string, reason: string): Promise<void>;
  /** Marks a running job as failed for good. */
  fail(jobId: string, reason: string): Promise<void>;
  /** The job's current record, if stored. */
  get(jobId: string): Promise<JobRecord | undefined>;
  /** Forgets every job of a plan (finished, failed or abandoned). */
  removePlan(planId: string): Promise<void>;
}

interface MutableRecord {
  job: ProofJob;
  /** Jobs from it to its plan's root, itself included (the root: 1). */
  readonly height: number;
  status: JobStatus;
  attempts: number;
  output?: string;
  failures: string[];
}

/**
 * A {@link JobStore} in this process's memory: what the local farm uses.
 *
 * @example
 * ```ts
 * const store = new InMemoryJobStore();
 * const options = { maxAttempts: 3, jobTimeoutMs: 10_000, workPerJob: 100 };
 * const broker = new ProvingBroker(store, new InlineExecutor(), options);
 * ```
 */
export class InMemoryJobStore implements JobStore {
  private readonly records = new Map<string, MutableRecord>();
  /** Ids of queued jobs, oldest first. */
  private queue: string[] = [];

  /** Number of jobs held (any status). */
  get size(): number {
    return this.records.size;
  }

  /** Number of queued jobs (ready or waiting for dependencies). */
  get queued(): number {
    return this.queue.length;
  }

  async add(jobs: readonly ProofJob[]): Promise<void> {
    const batch = new Set<string>();
    for (const job of jobs) {
      if (this.records.has(job.id) || batch.has(job.id)) throw new DuplicateJobError(job.id);
      for (const dep of job.dependencies) {
        if (!this.records.has(dep) && !batch.has(dep)) throw new UnknownJobError(dep, `dependency of ${job.id}`);
      }
      batch.add(job.id);
    }
    // Jobs come after their dependencies, so walking backwards meets each job's dependents first.
    const height = new Map<string, number>();
    for (let i = jobs.length - 1; i >= 0; i--) {
      const own = 1 + (height.get(jobs[i].id) ?? 0);
      height.set(jobs[i].id, own);
      for (const dep of jobs[i].dependencies) height.set(dep, Math.max(height.get(dep) ?? 0, own));
    }
    for (const job of jobs) {
      this.records.set(job.id, { job, height: height.get(job.id) ?? 1, status: "queued", attempts: 0, failures: [] });
      this.queue.push(job.id);
    }
  }

  async take(): Promise<JobRecord | undefined> {
    // The ready job farthest from its root first (highest-level-first: optimal for trees of equal
    // jobs, e.g. 6 rounds instead of 7 for 10 txs on 2 workers), the oldest among equals.
    let at = -1;
    let best = 0;
    this.queue.forEach((id, i) => {
      const record = this.mustGet(id, "queued job");
      if (record.height > best && this.isReady(record)) {
        at = i;
        best = record.height;
      }
    });
    if (at < 0) return undefined;
    const [id] = this.queue.splice(at, 1);
    const record = this.mustGet(id, "take");
    record.status = "running";
    record.attempts++;
    return snapshot(record);
  }

  async complete(jobId: string, output: string): Promise<void> {
    const record = this.running(jobId, "complete");
    record.status = "done";
    record.output = output;
  }

  async release(jobId: string, reason: string): Promise<void> {
    const record = this.running(jobId, "release");
    record.status = "queued";
    record.failures.push(reason);
    this.queue.push(jobId);
  }

  async fail(jobId: string, reason: string): Promise<void> {
    const record = this.running(jobId, "fail");
    record.status = "failed";
    record.failures.push(reason);
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const record = this.records.get(jobId);
    return record === undefined ? undefined : snapshot(record);
  }

  async removePlan(planId: string): Promise<void> {
    for (const [id, record] of this.records) {
      if (record.job.planId === planId) this.records.delete(id);
    }
    this.queue = this.queue.filter((id) => this.records.has(id));
  }

  private isReady(record: MutableRecord): boolean {
    return record.job.dependencies.every((dep) => this.records.get(dep)?.status === "done");
  }

  private running(jobId: string, action: string): MutableRecord {
    const record = this.mustGet(jobId, action);
    if (record.status !== "running") throw new JobStateError(jobId, record.status, "running");
    return record;
  }

  private mustGet(jobId: string, action: string): MutableRecord {
    const record = this.records.get(jobId);
    if (record === undefined) throw new UnknownJobError(jobId, action);
    return record;
  }
}

function snapshot(record: MutableRecord): JobRecord {
  return {
    job: record.job,
    status: record.status,
    attempts: record.attempts,
    ...(record.output === undefined ? {} : { output: record.output }),
    failures: [...record.failures],
  };
}
