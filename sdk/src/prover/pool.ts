/**
 * A pool of worker threads that implements {@link JobExecutor}: one job per thread at a time, a
 * per-job timeout that starts when a ready thread receives the job, and automatic replacement of
 * threads that crash or are stopped for running too long.
 *
 * Loading from TypeScript sources (tests, `hardhat run`, `ts-node`): a thread cannot inherit the
 * parent's ts-node hook, so the pool starts each thread with a two-line bootstrap that registers
 * ts-node (transpile-only) and then requires `worker.ts`. From compiled JavaScript it starts
 * `worker.js` directly.
 *
 * The pool accepts as many jobs again as it has threads ahead of time (`prefetch`): they wait in its
 * queue, and when a thread reports a job done the next queued one is posted to it in the same message
 * handler, so a thread never waits for the broker's round trip between two jobs.
 *
 * Threads are referenced (they keep the process alive) only while there is work; still, call
 * {@link WorkerPool.close} to stop them.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool({ workers: 2 });
 * const { output } = await pool.run(task, { timeoutMs: 30_000 });
 * await pool.close(); // pool.liveWorkers === 0
 * ```
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import {
  FarmClosedError,
  InvalidFarmOptionError,
  JobTimeoutError,
  WorkerCrashedError,
  WorkerJobError,
  WorkerStartError,
} from "./errors";
import type { ExecutionResult, JobExecutor, RunOptions } from "./executor";
import type { ProofTask, WorkerReply, WorkerRequest } from "./work";

/**
 * Most worker threads a pool may run.
 *
 * @example
 * ```ts
 * const workers = Math.min(os.availableParallelism(), MAX_WORKERS);
 * ```
 */
export const MAX_WORKERS = 256;

/** Threads that die before becoming ready, in a row, after which the pool gives up. */
const MAX_BOOT_FAILURES = 3;

/** Longest timer Node supports (larger values fire at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Runs inside a new thread when the pool itself runs from TypeScript sources. */
const TS_BOOTSTRAP = [
  'const { workerData } = require("node:worker_threads");',
  "require(workerData.tsNode).register({ transpileOnly: true, projectSearchDir: workerData.searchDir });",
  "require(workerData.entry);",
].join("\n");

/**
 * Options of {@link WorkerPool}.
 *
 * @example
 * ```ts
 * new WorkerPool({ workers: 4 });
 * ```
 */
export interface WorkerPoolOptions {
  /** Number of worker threads (1 to {@link MAX_WORKERS}). */
  readonly workers: number;
  /**
   * Path of a JavaScript file to run in each thread instead of the bundled `worker.ts`/`worker.js`
   * (e.g. a bundled build); it must speak the {@link WorkerRequest}/{@link WorkerReply} protocol.
   */
  readonly workerScript?: string;
}

interface Pending {
  readonly task: ProofTask;
  readonly timeoutMs: number;
  readonly resolve: (result: ExecutionResult) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly id: string;
  readonly exited: Promise<void>;
  ready: boolean;
  /** Stopped after a timeout (already replaced); ignore whatever it still says. */
  retired: boolean;
  current?: { readonly pending: Pending; readonly timer: NodeJS.Timeout; readonly postedAt: number };
  lastError?: unknown;
}

interface Entry {
  readonly script: string;
  readonly eval: boolean;
  readonly workerData?: { tsNode: string; searchDir: string; entry: string };
}

/**
 * Executes proof jobs on worker threads (see the module header).
 *
 * @example
 * ```ts
 * const broker = new ProvingBroker(new InMemoryJobStore(), new WorkerPool({ workers: 2 }), brokerOptions);
 * ```
 */
export class WorkerPool implements JobExecutor {
  readonly capacity: number;
  /** Jobs accepted ahead of time, one per thread (see the module header). */
  readonly prefetch: number;
  private readonly entry: Entry;
  /** Threads that have not exited yet (including retired ones being stopped). */
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private started = 0;
  private bootFailures = 0;
  private closed = false;
  private broken?: WorkerStartError;

  constructor(options: WorkerPoolOptions) {
    const { workers } = options;
    if (!Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
      throw new InvalidFarmOptionError(
        "workers",
        workers,
        `Pass an integer from 1 to ${MAX_WORKERS}: the number of worker threads (e.g. os.availableParallelism() - 1).`,
      );
    }
    this.capacity = workers;
    this.prefetch = workers;
    this.entry = options.workerScript === undefined ? workerEntry() : { script: options.workerScript, eval: false };
    try {
      for (let i = 0; i < workers; i++) this.spawn();
    } catch (error) {
      this.closed = true;
      for (const slot of this.slots) void slot.worker.terminate();
      throw new WorkerStartError("a worker thread could not be created.", { cause: error });
    }
  }

  /**
   * Threads currently alive (0 once {@link WorkerPool.close} has resolved).
   *
   * @example
   * ```ts
   * await pool.close();
   * assert.equal(pool.liveWorkers, 0);
   * ```
   */
  get liveWorkers(): number {
    return this.slots.size;
  }

  /**
   * Threads started since the pool was created, replacements included.
   *
   * @example
   * ```ts
   * const replaced = pool.workersStarted - pool.capacity;
   * ```
   */
  get workersStarted(): number {
    return this.started;
  }

  run(task: ProofTask, options: RunOptions): Promise<ExecutionResult> {
    if (this.closed) return Promise.reject(new FarmClosedError());
    if (this.broken) return Promise.reject(this.broken);
    const { timeoutMs } = options;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      return Promise.reject(
        new InvalidFarmOptionError(
          "timeoutMs",
          timeoutMs,
          `Pass an integer from 1 to ${MAX_TIMEOUT_MS} (milliseconds).`,
        ),
      );
    }
    return new Promise<ExecutionResult>((resolve, reject) => {
      this.queue.push({ task, timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new FarmClosedError());
    const exits = [...this.slots].map((slot) => slot.exited);
    for (const slot of this.slots) {
      const current = this.detach(slot);
      current?.reject(new FarmClosedError());
      void slot.worker.terminate();
    }
    await Promise.all(exits);
  }

  private spawn(): void {
    const worker = new Worker(this.entry.script, { eval: this.entry.eval, workerData: this.entry.workerData });
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    const slot: Slot = { worker, id: `thread-${worker.threadId}`, exited, ready: false, retired: false };
    this.started++;
    this.slots.add(slot);
    worker.on("message", (message: WorkerReply) => this.onMessage(slot, message));
    worker.on("error", (error) => {
      slot.lastError = error;
    });
    worker.on("exit", (code) => {
      this.onExit(slot, code);
      markExited();
    });
    this.updateRefs();
  }

  private onMessage(slot: Slot, message: WorkerReply): void {
    if (slot.retired) return;
    if (message.type === "ready") {
      slot.ready = true;
      this.bootFailures = 0;
      this.dispatch();
      return;
    }
    const current = slot.current;
    if (current?.pending.task.jobId !== message.jobId) return;
    const pending = this.detach(slot);
    // The next queued job goes to this thread before anything else runs: no idle gap between jobs.
    this.dispatch();
    if (message.type === "done") {
      const busyMs = message.busyMs ?? performance.now() - current.postedAt;
      pending?.resolve({ output: message.output, workerId: slot.id, busyMs });
    } else {
      pending?.reject(new WorkerJobError(message.jobId, slot.id, message.message));
    }
  }

  private onExit(slot: Slot, code: number): void {
    this.slots.delete(slot);
    const pending = this.detach(slot);
    if (this.closed) {
      pending?.reject(new FarmClosedError());
      return;
    }
    if (pending) {
      pending.reject(new WorkerCrashedError(pending.task.jobId, slot.id, code, { cause: slot.lastError }));
    }
    if (slot.retired) return; // already replaced when it timed out
    if (!slot.ready) {
      this.bootFailures++;
      if (this.bootFailures >= MAX_BOOT_FAILURES) {
        this.breakDown(slot.lastError);
        return;
      }
    }
    this.replace();
  }

  private onTimeout(slot: Slot): void {
    const pending = this.detach(slot);
    if (pending === undefined) return;
    slot.retired = true;
    void slot.worker.terminate();
    pending.reject(new JobTimeoutError(pending.task.jobId, slot.id, pending.timeoutMs));
    this.replace();
  }

  /** Starts a thread in place of one that is gone; if even that fails, the pool gives up. */
  private replace(): void {
    try {
      this.spawn();
    } catch (error) {
      this.breakDown(error);
      return;
    }
    this.dispatch();
  }

  /** Gives up (repeated boot failures, or no thread can be created): every waiting and future job is rejected. */
  private breakDown(cause: unknown): void {
    this.broken = new WorkerStartError("worker threads keep exiting before becoming ready, or cannot be created.", {
      cause,
    });
    for (const pending of this.queue.splice(0)) pending.reject(this.broken);
    this.updateRefs();
  }

  /** Sends queued jobs to idle ready threads, starting each job's timer. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.ready || slot.retired || slot.current) continue;
      const pending = this.queue.shift() as Pending;
      const timer = setTimeout(() => this.onTimeout(slot), pending.timeoutMs);
      slot.current = { pending, timer, postedAt: performance.now() };
      slot.worker.postMessage({ type: "run", task: pending.task } satisfies WorkerRequest);
    }
    this.updateRefs();
  }

  /** Clears a thread's current job and its timer, returning it. */
  private detach(slot: Slot): Pending | undefined {
    const current = slot.current;
    if (current === undefined) return undefined;
    clearTimeout(current.timer);
    slot.current = undefined;
    this.updateRefs();
    return current.pending;
  }

  /** Threads keep the process alive only while some job is queued or running. */
  private updateRefs(): void {
    let busy = this.queue.length > 0;
    for (const slot of this.slots) busy ||= slot.current !== undefined;
    for (const slot of this.slots) {
      if (busy) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}

/** How to start a thread: through the ts-node bootstrap from TypeScript sources, directly from JavaScript. */
function workerEntry(): Entry {
  if (!__filename.endsWith(".ts")) {
    return { script: join(__dirname, "worker.js"), eval: false };
  }
  let tsNode: string;
  try {
    tsNode = require.resolve("ts-node");
  } catch (cause) {
    throw new WorkerStartError("the SDK runs from TypeScript sources but 'ts-node' cannot be resolved.", { cause });
  }
  return {
    script: TS_BOOTSTRAP,
    eval: true,
    workerData: { tsNode, searchDir: __dirname, entry: join(__dirname, "worker.ts") },
  };
}
