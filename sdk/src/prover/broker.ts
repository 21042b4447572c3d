/**
 * The scheduler of the farm. It puts a plan's jobs in a {@link JobStore}, takes those whose
 * dependencies are done, hands them to a {@link JobExecutor} (never more than its capacity at once),
 * feeds each job its dependencies' outputs, and retries failed attempts — crashes, timeouts, errors —
 * until `maxAttempts`, after which the plan fails with {@link JobFailedError} naming the job.
 *
 * It knows nothing of threads: the same broker drives a worker pool, the in-process executor or a
 * transport to other machines. Several plans may run at once; they share the executor.
 *
 * @example
 * ```ts
 * const broker = new ProvingBroker(new InMemoryJobStore(), new WorkerPool({ workers: 2 }), {
 *   maxAttempts: 3, jobTimeoutMs: 30_000, workPerJob: 1_000,
 * });
 * const treeRoot = await broker.run(planProofTree({ planId: "h7", txHashes, publicInputsHash }));
 * await broker.close();
 * ```
 */
import {
  FarmClosedError,
  InvalidFarmOptionError,
  JobFailedError,
  JobTimeoutError,
  UnknownJobError,
  WorkerCrashedError,
  WorkerJobError,
} from "./errors";
import type { JobExecutor } from "./executor";
import { FarmMetrics, type AttemptFailure } from "./metrics";
import type { JobRecord, JobStore } from "./store";
import type { ProofJob, ProofPlan } from "./tree";
import { MAX_JOB_COST_MS, type FaultMode, type ProofTask } from "./work";

/**
 * A fault to inject into a job's first `times` attempts (tests and drills only).
 *
 * @example
 * ```ts
 * const fault: FaultInjection = { mode: "exit", times: 2 }; // crash the worker on attempts 1 and 2
 * ```
 */
export interface FaultInjection {
  readonly mode: FaultMode;
  /** How many first attempts misbehave (`Infinity`: all of them). */
  readonly times: number;
}

/**
 * Faults to inject, by plan-local job name (`base-1`, `merge-2-0`, `root`), in every plan.
 *
 * @example
 * ```ts
 * const faults: FaultPlan = { "base-1": { mode: "throw", times: 1 }, root: { mode: "hang", times: 1 } };
 * ```
 */
export type FaultPlan = Readonly<Record<string, FaultInjection>>;

/**
 * Options of {@link ProvingBroker}.
 *
 * @example
 * ```ts
 * const options: BrokerOptions = { maxAttempts: 3, jobTimeoutMs: 30_000, workPerJob: 1_000 };
 * ```
 */
export interface BrokerOptions {
  /** Attempts per job before the plan fails (at least 1). */
  readonly maxAttempts: number;
  /** Per-attempt timeout passed to the executor, in milliseconds. */
  readonly jobTimeoutMs: number;
  /** Simulated proving work per job (chained sha256 iterations). */
  readonly workPerJob: number;
  /**
   * Simulated proving cost in wall time: a worker keeps hashing until each job has taken at least
   * this many milliseconds (0 or absent: none; must be below `jobTimeoutMs`). Does not change outputs.
   */
  readonly jobCostMs?: number;
  /** Injected faults (tests only). */
  readonly faults?: FaultPlan;
}

/**
 * What proves a plan: {@link ProvingBroker} here, or a broker that sends jobs to other machines
 * (`RedisBroker` in `prover/redis`). {@link ProverFarm} drives either through this interface.
 *
 * @example
 * ```ts
 * const runner: PlanRunner = new ProvingBroker(store, executor, options);
 * const treeRoot = await runner.run(plan, new FarmMetrics(plan));
 * await runner.close();
 * ```
 */
export interface PlanRunner {
  /** Proves every job of `plan`, recording into `metrics`, and resolves with the root job's output. */
  run(plan: ProofPlan, metrics?: FarmMetrics): Promise<string>;
  /** Stops: running plans reject with {@link FarmClosedError}. */
  close(): Promise<void>;
}

/** Longest timer Node supports (larger values fire at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const FAULT_MODES: readonly FaultMode[] = ["exit", "throw", "hang"];

interface PlanRun {
  readonly plan: ProofPlan;
  readonly metrics: FarmMetrics;
  readonly resolve: (treeRoot: string) => void;
  readonly reject: (error: unknown) => void;
  readonly outputs: Map<string, string>;
  /** Dependencies not yet done, per job. */
  readonly waitingOn: Map<string, number>;
  /** Jobs depending on each job. */
  readonly dependents: Map<string, string[]>;
  /** When each job last became ready (for queue-wait metrics). */
  readonly readyAt: Map<string, number>;
}

/**
 * Schedules proof plans on an executor (see the module header).
 *
 * @example
 * ```ts
 * const metrics = new FarmMetrics(plan);
 * const treeRoot = await broker.run(plan, metrics);
 * console.log(metrics.finish());
 * ```
 */
export class ProvingBroker implements PlanRunner {
  private readonly options: BrokerOptions;
  private readonly runs = new Map<string, PlanRun>();
  private inFlight = 0;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;

  constructor(
    private readonly store: JobStore,
    private readonly executor: JobExecutor,
    options: BrokerOptions,
  ) {
    validateBrokerOptions(options);
    this.options = { ...options };
  }

  /**
   * Proves every job of `plan` and resolves with the root job's output (the tree root).
   *
   * @throws {@link JobFailedError} when a job fails `maxAttempts` times; {@link FarmClosedError}
   *   when the broker or its executor is closed first; the store's errors (e.g. a duplicate plan id).
   *
   * @example
   * ```ts
   * const treeRoot = await broker.run(planProofTree({ planId: "h9", txHashes, publicInputsHash }));
   * ```
   */
  async run(plan: ProofPlan, metrics: FarmMetrics = new FarmMetrics(plan)): Promise<string> {
    if (this.closed) throw new FarmClosedError();
    await this.store.add(plan.jobs);
    if (this.closed) {
      await this.store.removePlan(plan.planId);
      throw new FarmClosedError();
    }
    return new Promise<string>((resolve, reject) => {
      const run: PlanRun = {
        plan,
        metrics,
        resolve,
        reject,
        outputs: new Map(),
        waitingOn: new Map(),
        dependents: new Map(),
        readyAt: new Map(),
      };
      const now = metrics.now();
      for (const job of plan.jobs) {
        run.waitingOn.set(job.id, job.dependencies.length);
        if (job.dependencies.length === 0) run.readyAt.set(job.id, now);
        for (const dep of job.dependencies) run.dependents.set(dep, [...(run.dependents.get(dep) ?? []), job.id]);
      }
      this.runs.set(plan.planId, run);
      this.pump();
    });
  }

  /**
   * Plans currently running.
   *
   * @example
   * ```ts
   * if (broker.activePlans === 0) await farm.close();
   * ```
   */
  get activePlans(): number {
    return this.runs.size;
  }

  /**
   * Stops scheduling: running plans reject with {@link FarmClosedError} and their jobs leave the
   * store. Does not close the executor (its owner does).
   *
   * @example
   * ```ts
   * await broker.close();
   * await executor.close();
   * ```
   */
  async close(): Promise<void> {
    this.closed = true;
    const runs = [...this.runs.values()];
    this.runs.clear();
    for (const run of runs) run.reject(new FarmClosedError());
    for (const run of runs) await this.store.removePlan(run.plan.planId);
  }

  /** Fills the executor up to its capacity; re-entrant calls are folded into one more pass. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.fill()
      .catch((error: unknown) => this.abortAll(error))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async fill(): Promise<void> {
    const limit = this.executor.capacity + (this.executor.prefetch ?? 0);
    while (!this.closed && this.inFlight < limit && this.runs.size > 0) {
      const record = await this.store.take();
      if (record === undefined) return;
      const run = this.runs.get(record.job.planId);
      if (run === undefined) {
        await this.store.removePlan(record.job.planId); // a leftover of an abandoned plan
        continue;
      }
      this.inFlight++;
      this.attempt(run, record)
        .catch((error: unknown) => this.abort(run, error))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  /** Runs one attempt of a job and records its outcome in the store and the metrics. */
  private async attempt(run: PlanRun, record: JobRecord): Promise<void> {
    const { job, attempts: attempt } = record;
    const { metrics } = run;
    const startedAt = metrics.now();
    metrics.jobStarted(job, attempt, startedAt - (run.readyAt.get(job.id) ?? startedAt));
    const childOutputs = job.dependencies.map((dep) => {
      const output = run.outputs.get(dep);
      if (output === undefined) throw new UnknownJobError(dep, `output needed by ${job.id}`); // a store bug
      return output;
    });
    const task: ProofTask = {
      jobId: job.id,
      name: job.name,
      kind: job.kind,
      inputs: job.inputs,
      childOutputs,
      workPerJob: this.options.workPerJob,
      ...(this.options.jobCostMs ? { jobCostMs: this.options.jobCostMs } : {}),
      attempt,
      ...this.faultFor(job, attempt),
    };

    let output: string;
    let workerId: string;
    let busyMs: number | undefined;
    try {
      ({ output, workerId, busyMs } = await this.executor.run(task, { timeoutMs: this.options.jobTimeoutMs }));
    } catch (error) {
      if (!this.isActive(run)) return;
      if (error instanceof FarmClosedError) throw error;
      await this.attemptFailed(run, record, error, metrics.now() - startedAt);
      return;
    }
    if (!this.isActive(run)) return;

    await this.store.complete(job.id, output);
    run.outputs.set(job.id, output);
    const doneAt = metrics.now();
    metrics.jobCompleted(job, attempt, workerId, output, busyMs ?? doneAt - startedAt);
    if (job.id === run.plan.rootJobId) {
      this.runs.delete(run.plan.planId);
      await this.store.removePlan(run.plan.planId);
      run.resolve(output);
      return;
    }
    for (const dependent of run.dependents.get(job.id) ?? []) {
      const left = (run.waitingOn.get(dependent) ?? 0) - 1;
      run.waitingOn.set(dependent, left);
      if (left === 0) run.readyAt.set(dependent, doneAt);
    }
  }

  private async attemptFailed(run: PlanRun, record: JobRecord, error: unknown, durationMs: number): Promise<void> {
    const { job, attempts } = record;
    const { failure, workerId } = classify(error);
    const message = `${failure}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
    const retrying = attempts < this.options.maxAttempts;
    run.metrics.attemptFailed(job, attempts, failure, message, workerId, durationMs, retrying);
    if (retrying) {
      await this.store.release(job.id, message);
      run.readyAt.set(job.id, run.metrics.now());
      return;
    }
    await this.store.fail(job.id, message);
    await this.abort(
      run,
      new JobFailedError(job.id, job.name, job.kind, attempts, [...record.failures, message], { cause: error }),
    );
  }

  private faultFor(job: ProofJob, attempt: number): { fault?: FaultMode } {
    const fault = this.options.faults?.[job.name];
    return fault !== undefined && attempt <= fault.times ? { fault: fault.mode } : {};
  }

  private isActive(run: PlanRun): boolean {
    return this.runs.get(run.plan.planId) === run;
  }

  /** Fails one plan and forgets its jobs. */
  private async abort(run: PlanRun, error: unknown): Promise<void> {
    if (!this.isActive(run)) return;
    this.runs.delete(run.plan.planId);
    run.reject(error);
    await this.store.removePlan(run.plan.planId);
  }

  /** The store itself failed: no plan can go on. */
  private async abortAll(error: unknown): Promise<void> {
    for (const run of [...this.runs.values()]) await this.abort(run, error);
  }
}

/**
 * Checks broker options, throwing {@link InvalidFarmOptionError} for the first bad one.
 *
 * @example
 * ```ts
 * validateBrokerOptions({ maxAttempts: 0, jobTimeoutMs: 1_000, workPerJob: 1 }); // throws ("maxAttempts")
 * validateBrokerOptions({ maxAttempts: 3, jobTimeoutMs: 1_000, workPerJob: 0, jobCostMs: 1_000 }); // throws ("jobCostMs")
 * ```
 */
export function validateBrokerOptions(options: BrokerOptions): void {
  const { maxAttempts, jobTimeoutMs, workPerJob, jobCostMs, faults } = options;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidFarmOptionError(
      "maxAttempts",
      maxAttempts,
      "Pass an integer of at least 1: how many times a job may be tried before the proof fails.",
    );
  }
  if (!Number.isSafeInteger(jobTimeoutMs) || jobTimeoutMs < 1 || jobTimeoutMs > MAX_TIMEOUT_MS) {
    throw new InvalidFarmOptionError(
      "jobTimeoutMs",
      jobTimeoutMs,
      `Pass a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, longer than one job takes.`,
    );
  }
  if (!Number.isSafeInteger(workPerJob) || workPerJob < 0) {
    throw new InvalidFarmOptionError(
      "workPerJob",
      workPerJob,
      "Pass a whole number of hashing iterations per job, 0 or more (the simulated proving cost).",
    );
  }
  if (jobCostMs !== undefined) {
    if (!Number.isSafeInteger(jobCostMs) || jobCostMs < 0 || jobCostMs > MAX_JOB_COST_MS) {
      throw new InvalidFarmOptionError(
        "jobCostMs",
        jobCostMs,
        `Pass a whole number of milliseconds from 0 to ${MAX_JOB_COST_MS}: the least wall time of each job (0: none).`,
      );
    }
    if (jobCostMs >= jobTimeoutMs) {
      throw new InvalidFarmOptionError(
        "jobCostMs",
        jobCostMs,
        `Pass less than jobTimeoutMs (${jobTimeoutMs} ms), or raise jobTimeoutMs: every job would time out.`,
      );
    }
  }
  for (const [name, fault] of Object.entries(faults ?? {})) {
    if (!FAULT_MODES.includes(fault?.mode)) {
      throw new InvalidFarmOptionError(`faults.${name}.mode`, fault?.mode, `Use one of: ${FAULT_MODES.join(", ")}.`);
    }
    if (!(Number.isSafeInteger(fault.times) || fault.times === Infinity) || fault.times < 0) {
      throw new InvalidFarmOptionError(
        `faults.${name}.times`,
        fault.times,
        "Pass how many first attempts misbehave: an integer of at least 0, or Infinity.",
      );
    }
  }
}

/** Sorts an executor's rejection into a failure kind and, when known, the worker it happened on. */
function classify(error: unknown): { failure: AttemptFailure; workerId?: string } {
  if (error instanceof WorkerCrashedError) return { failure: "crash", workerId: error.workerId };
  if (error instanceof JobTimeoutError) return { failure: "timeout", workerId: error.workerId };
  if (error instanceof WorkerJobError) return { failure: "error", workerId: error.workerId };
  return { failure: "error" };
}
