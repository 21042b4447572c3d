/**
 * The transport between the broker and whatever computes jobs. The shipped implementations are the
 * worker-thread pool (`pool.ts`) and {@link InlineExecutor} (this thread, no parallelism); a
 * transport to remote machines implements the same three members.
 *
 * @example
 * ```ts
 * const executor: JobExecutor = new WorkerPool({ workers: 2 });
 * const { output, workerId } = await executor.run(task, { timeoutMs: 30_000 });
 * await executor.close();
 * ```
 */
import { FarmClosedError, InvalidFarmOptionError, JobTimeoutError, WorkerCrashedError, WorkerJobError } from "./errors";
import { runTask, type ProofTask } from "./work";

/**
 * What an executor returns for a job that succeeded.
 *
 * @example
 * ```ts
 * const { output, workerId } = await executor.run(task, { timeoutMs });
 * ```
 */
export interface ExecutionResult {
  /** The job's output digest. */
  readonly output: string;
  /** Which worker computed it (e.g. `thread-3`). */
  readonly workerId: string;
  /**
   * Time a worker spent on it, in milliseconds, when the executor knows (e.g. without the time the
   * job waited in the executor's own queue); the broker otherwise times the whole call.
   */
  readonly busyMs?: number;
}

/**
 * Per-run options given by the broker.
 *
 * @example
 * ```ts
 * await executor.run(task, { timeoutMs: 5_000 } satisfies RunOptions);
 * ```
 */
export interface RunOptions {
  /** How long the job may run once a worker has started it, in milliseconds. */
  readonly timeoutMs: number;
}

/**
 * Runs proof jobs somewhere. `run` resolves with the output, or rejects with
 * {@link WorkerCrashedError} (the worker died), {@link JobTimeoutError} (it ran past `timeoutMs`; the
 * executor must stop that worker), {@link WorkerJobError} (the worker reported an error) or
 * {@link FarmClosedError} (after `close`). The broker retries the first three.
 *
 * @example
 * ```ts
 * class QueueExecutor implements JobExecutor {
 *   readonly capacity = 16;
 *   run(task: ProofTask, options: RunOptions): Promise<ExecutionResult> { ... }
 *   close(): Promise<void> { ... }
 * }
 * ```
 */
export interface JobExecutor {
  /** How many jobs it can run at once. */
  readonly capacity: number;
  /**
   * How many jobs beyond `capacity` the broker may hand over in advance (default 0): they wait in the
   * executor's queue, and one starts the moment a worker frees up, without a round trip to the broker.
   * The broker never has more than `capacity + prefetch` jobs in flight.
   */
  readonly prefetch?: number;
  run(task: ProofTask, options: RunOptions): Promise<ExecutionResult>;
  /** Stops every worker; pending runs reject with {@link FarmClosedError}. */
  close(): Promise<void>;
}

/**
 * Options of {@link InlineExecutor}.
 *
 * @example
 * ```ts
 * new InlineExecutor({ capacity: 4 });
 * ```
 */
export interface InlineExecutorOptions {
  /** Jobs accepted at once (they still run one after another on this thread). Default 1. */
  readonly capacity?: number;
}

/**
 * Worker id reported by {@link InlineExecutor}.
 *
 * @example
 * ```ts
 * farm.events.on("job-completed", (e) => assert.equal(e.workerId, INLINE_WORKER_ID));
 * ```
 */
export const INLINE_WORKER_ID = "inline";

/**
 * Computes jobs on the calling thread, without worker threads: for tests, tiny blocks and
 * environments without threads. Injected faults are simulated: `exit` and `throw` reject with
 * {@link WorkerCrashedError}, `hang` with {@link JobTimeoutError} once `timeoutMs` has passed.
 * A job's own computation cannot be interrupted, so real timeouts need the worker pool.
 *
 * @example
 * ```ts
 * const farm = new ProverFarm({ backend: new MockProofBackend(), executor: new InlineExecutor() });
 * ```
 */
export class InlineExecutor implements JobExecutor {
  readonly capacity: number;
  private closed = false;
  private readonly pending = new Set<() => void>();

  constructor(options: InlineExecutorOptions = {}) {
    const capacity = options.capacity ?? 1;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new InvalidFarmOptionError("capacity", capacity, "Pass an integer of at least 1.");
    }
    this.capacity = capacity;
  }

  run(task: ProofTask, options: RunOptions): Promise<ExecutionResult> {
    if (this.closed) return Promise.reject(new FarmClosedError());
    return new Promise<ExecutionResult>((resolve, reject) => {
      const abort = (): void => {
        clearTimeout(timer);
        clearImmediate(immediate);
        reject(new FarmClosedError());
      };
      const settle = (): void => {
        this.pending.delete(abort);
      };
      let timer: NodeJS.Timeout | undefined;
      let immediate: NodeJS.Immediate | undefined;
      this.pending.add(abort);
      if (task.fault === "hang") {
        timer = setTimeout(() => {
          settle();
          reject(new JobTimeoutError(task.jobId, INLINE_WORKER_ID, options.timeoutMs));
        }, options.timeoutMs);
        return;
      }
      immediate = setImmediate(() => {
        settle();
        if (task.fault === "exit" || task.fault === "throw") {
          reject(new WorkerCrashedError(task.jobId, INLINE_WORKER_ID, undefined));
          return;
        }
        try {
          const { output, busyMs } = runTask(task);
          resolve({ output, workerId: INLINE_WORKER_ID, busyMs });
        } catch (error) {
          reject(
            new WorkerJobError(task.jobId, INLINE_WORKER_ID, error instanceof Error ? error.message : String(error)),
          );
        }
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const abort of [...this.pending]) abort();
    this.pending.clear();
  }
}
