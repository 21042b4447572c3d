/**
 * Instrumentation of one proof run: counters and timings per job kind and per worker, attempts,
 * retries, crashes, timeouts, queue wait, jobs reused from a result store, and wall time, returned as
 * {@link FarmStats} and, optionally, emitted as events on a typed `EventEmitter` while the run goes.
 * The thread farm and the Redis farm report the same shape.
 *
 * @example
 * ```ts
 * farm.events.on("job-retried", (e) => console.warn(`${e.name} ${e.failure} on ${e.workerId}, retrying`));
 * const { stats } = await farm.prove(request);
 * console.log(stats.jobs, stats.retries, stats.byKind.merge.busyMs);
 * ```
 */
import type { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import type { ProofJob, ProofPlan } from "./tree";
import { JOB_KINDS, type JobKind } from "./work";

/**
 * Why an attempt failed: its worker crashed, it timed out, or the worker reported an error.
 *
 * @example
 * ```ts
 * const failure: AttemptFailure = "timeout";
 * ```
 */
export type AttemptFailure = "crash" | "timeout" | "error";

/**
 * Counters and timings of one job kind.
 *
 * @example
 * ```ts
 * const { jobs, attempts, busyMs } = stats.byKind.base;
 * ```
 */
export interface KindStats {
  /** Jobs of this kind in the plan. */
  readonly jobs: number;
  /** Jobs of this kind completed. */
  readonly completed: number;
  /** Attempts started (retries included). */
  readonly attempts: number;
  /** Time from dispatch to answer, summed over attempts, in milliseconds. */
  readonly busyMs: number;
}

/**
 * What one worker did for a run: jobs it completed and the time it spent on them.
 *
 * @example
 * ```ts
 * for (const [id, w] of Object.entries(stats.byWorker)) console.log(id, w.jobs, w.busyMs.toFixed(0));
 * ```
 */
export interface WorkerStats {
  /** Jobs it completed. */
  readonly jobs: number;
  /** Attempts that failed on it (when the executor knows the worker). */
  readonly failures: number;
  /** Time spent on its completed jobs, in milliseconds (for remote workers, as the worker measured it). */
  readonly busyMs: number;
}

/**
 * What a proof run did and how long it took.
 *
 * @example
 * ```ts
 * const { stats } = await farm.prove(request);
 * console.log(`${stats.jobs} jobs in ${stats.wallMs.toFixed(0)} ms, ${stats.retries} retries`);
 * ```
 */
export interface FarmStats {
  readonly planId: string;
  /** Jobs in the plan. */
  readonly jobs: number;
  /** Jobs completed. */
  readonly completed: number;
  /** Attempts started. */
  readonly attempts: number;
  /** Failed attempts that were put back in the queue. */
  readonly retries: number;
  /** Attempts whose worker crashed. */
  readonly crashes: number;
  /** Attempts that ran past the job timeout. */
  readonly timeouts: number;
  /** Attempts the worker reported as failed. */
  readonly errors: number;
  readonly byKind: Readonly<Record<JobKind, KindStats>>;
  /** Per worker id (`thread-3`, `host-a-4242`, …): completed jobs and busy time. */
  readonly byWorker: Readonly<Record<string, WorkerStats>>;
  /** Jobs whose output was found already computed in a result store (a resumed proof), not run again. */
  readonly reused: number;
  /** Time jobs spent ready but not yet dispatched, in milliseconds. */
  readonly queueWaitMs: { readonly total: number; readonly max: number };
  /** From the start of the run to its end (or to now, while it runs), in milliseconds. */
  readonly wallMs: number;
}

/** Fields common to every job event. */
interface JobEventBase {
  readonly planId: string;
  readonly jobId: string;
  readonly name: string;
  readonly kind: JobKind;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/**
 * A job was dispatched to the executor.
 *
 * @example
 * ```ts
 * farm.events.on("job-started", (e: JobStartedEvent) => console.log(e.name, e.queueWaitMs));
 * ```
 */
export interface JobStartedEvent extends JobEventBase {
  readonly queueWaitMs: number;
}

/**
 * A job's attempt succeeded.
 *
 * @example
 * ```ts
 * farm.events.on("job-completed", (e: JobCompletedEvent) => console.log(e.name, e.workerId, e.output));
 * ```
 */
export interface JobCompletedEvent extends JobEventBase {
  readonly workerId: string;
  readonly output: string;
  readonly durationMs: number;
}

/**
 * A job's output was found in a result store (computed earlier, e.g. before a broker restart).
 *
 * @example
 * ```ts
 * farm.events.on("job-reused", (e: JobReusedEvent) => console.log(`${e.name} already proved by ${e.workerId}`));
 * ```
 */
export interface JobReusedEvent extends Omit<JobEventBase, "attempt"> {
  readonly output: string;
  /** The worker that computed it, as recorded. */
  readonly workerId: string;
}

/**
 * A job's attempt failed (`job-retried` if it will run again, `job-failed` if it will not).
 *
 * @example
 * ```ts
 * farm.events.on("job-failed", (e: JobAttemptFailedEvent) => console.error(e.name, e.failure, e.message));
 * ```
 */
export interface JobAttemptFailedEvent extends JobEventBase {
  readonly failure: AttemptFailure;
  readonly message: string;
  /** The worker it failed on, when the executor says. */
  readonly workerId?: string;
}

/**
 * Events of a farm (or of any {@link FarmMetrics} given an emitter), for `EventEmitter<FarmEventMap>`.
 *
 * @example
 * ```ts
 * const events = new EventEmitter<FarmEventMap>();
 * events.on("plan-completed", (stats) => console.log(stats.planId, stats.wallMs));
 * ```
 */
export interface FarmEventMap {
  "job-started": [JobStartedEvent];
  "job-completed": [JobCompletedEvent];
  "job-reused": [JobReusedEvent];
  "job-retried": [JobAttemptFailedEvent];
  "job-failed": [JobAttemptFailedEvent];
  "plan-completed": [FarmStats];
}

interface MutableKindStats {
  jobs: number;
  completed: number;
  attempts: number;
  busyMs: number;
}

/**
 * Records one run's metrics; the broker calls it, the farm returns {@link FarmMetrics.snapshot}.
 *
 * @example
 * ```ts
 * const metrics = new FarmMetrics(plan, events);
 * await broker.run(plan, metrics);
 * console.log(metrics.finish().retries);
 * ```
 */
export class FarmMetrics {
  private readonly byKind: Record<JobKind, MutableKindStats>;
  private readonly byWorker = new Map<string, { jobs: number; failures: number; busyMs: number }>();
  private reused = 0;
  private readonly startedAt: number;
  private endedAt?: number;
  private attempts = 0;
  private completed = 0;
  private retries = 0;
  private crashes = 0;
  private timeouts = 0;
  private errors = 0;
  private queueWaitTotal = 0;
  private queueWaitMax = 0;

  constructor(
    private readonly plan: ProofPlan,
    private readonly events?: EventEmitter<FarmEventMap>,
  ) {
    this.byKind = Object.fromEntries(
      JOB_KINDS.map((kind) => [kind, { jobs: 0, completed: 0, attempts: 0, busyMs: 0 }]),
    ) as Record<JobKind, MutableKindStats>;
    for (const job of plan.jobs) this.byKind[job.kind].jobs++;
    this.startedAt = performance.now();
  }

  /**
   * Milliseconds on the clock the metrics use (for queue waits and durations).
   *
   * @example
   * ```ts
   * const t0 = metrics.now();
   * ```
   */
  now(): number {
    return performance.now();
  }

  /**
   * A job was dispatched (attempt `attempt`, after waiting `queueWaitMs` while ready).
   *
   * @example
   * ```ts
   * metrics.jobStarted(job, 1, 0);
   * ```
   */
  jobStarted(job: ProofJob, attempt: number, queueWaitMs: number): void {
    this.attempts++;
    this.byKind[job.kind].attempts++;
    this.queueWaitTotal += queueWaitMs;
    this.queueWaitMax = Math.max(this.queueWaitMax, queueWaitMs);
    this.events?.emit("job-started", { ...eventBase(job, attempt), queueWaitMs });
  }

  /**
   * A job's attempt succeeded after `durationMs`.
   *
   * @example
   * ```ts
   * metrics.jobCompleted(job, 1, "thread-2", output, 12.5);
   * ```
   */
  jobCompleted(job: ProofJob, attempt: number, workerId: string, output: string, durationMs: number): void {
    this.completed++;
    this.byKind[job.kind].completed++;
    this.byKind[job.kind].busyMs += durationMs;
    const worker = this.worker(workerId);
    worker.jobs++;
    worker.busyMs += durationMs;
    this.events?.emit("job-completed", { ...eventBase(job, attempt), workerId, output, durationMs });
  }

  /**
   * A job's output came from a result store instead of a worker (it counts as completed, not as an attempt).
   *
   * @example
   * ```ts
   * metrics.jobReused(job, storedOutput, "host-a-4242");
   * ```
   */
  jobReused(job: ProofJob, output: string, workerId: string): void {
    this.completed++;
    this.reused++;
    this.byKind[job.kind].completed++;
    const { planId, id: jobId, name, kind } = job;
    this.events?.emit("job-reused", { planId, jobId, name, kind, output, workerId });
  }

  /**
   * A job's attempt failed after `durationMs`; `retrying` says whether it goes back to the queue.
   *
   * @example
   * ```ts
   * metrics.attemptFailed(job, 1, "crash", "exit code 70", "thread-3", 3.1, true);
   * ```
   */
  attemptFailed(
    job: ProofJob,
    attempt: number,
    failure: AttemptFailure,
    message: string,
    workerId: string | undefined,
    durationMs: number,
    retrying: boolean,
  ): void {
    this.byKind[job.kind].busyMs += durationMs;
    if (failure === "crash") this.crashes++;
    else if (failure === "timeout") this.timeouts++;
    else this.errors++;
    if (retrying) this.retries++;
    if (workerId !== undefined) this.worker(workerId).failures++;
    const event: JobAttemptFailedEvent = {
      ...eventBase(job, attempt),
      failure,
      message,
      ...(workerId === undefined ? {} : { workerId }),
    };
    this.events?.emit(retrying ? "job-retried" : "job-failed", event);
  }

  /**
   * Ends the run's wall clock, emits `plan-completed` and returns the final stats.
   *
   * @example
   * ```ts
   * const stats = metrics.finish();
   * ```
   */
  finish(): FarmStats {
    this.endedAt ??= performance.now();
    const stats = this.snapshot();
    this.events?.emit("plan-completed", stats);
    return stats;
  }

  /**
   * The stats so far.
   *
   * @example
   * ```ts
   * setInterval(() => console.log(metrics.snapshot().completed), 1_000);
   * ```
   */
  snapshot(): FarmStats {
    const byKind = Object.fromEntries(JOB_KINDS.map((kind) => [kind, { ...this.byKind[kind] }])) as Record<
      JobKind,
      KindStats
    >;
    return {
      planId: this.plan.planId,
      jobs: this.plan.jobs.length,
      completed: this.completed,
      attempts: this.attempts,
      retries: this.retries,
      crashes: this.crashes,
      timeouts: this.timeouts,
      errors: this.errors,
      byKind,
      byWorker: Object.fromEntries([...this.byWorker].map(([id, w]) => [id, { ...w }])),
      reused: this.reused,
      queueWaitMs: { total: this.queueWaitTotal, max: this.queueWaitMax },
      wallMs: (this.endedAt ?? performance.now()) - this.startedAt,
    };
  }

  private worker(id: string): { jobs: number; failures: number; busyMs: number } {
    let worker = this.byWorker.get(id);
    if (worker === undefined) {
      worker = { jobs: 0, failures: 0, busyMs: 0 };
      this.byWorker.set(id, worker);
    }
    return worker;
  }
}

function eventBase(job: ProofJob, attempt: number): JobEventBase {
  return { planId: job.planId, jobId: job.id, name: job.name, kind: job.kind, attempt };
}
