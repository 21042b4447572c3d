/**
 * A worker of the Redis farm: takes proof jobs from the farm's BullMQ queue, proves them on its own
 * worker threads ({@link WorkerPool}: real per-job timeouts, a crashed thread is replaced), stores each
 * result under the job's content digest and publishes its status (jobs, busy time, current jobs).
 * `fernet farm-worker --redis <url>` runs one per process; run as many processes on as many
 * machines as wanted against one Redis.
 *
 * The worker checks what it takes: a job whose id is not the digest of its data is refused
 * ({@link InvalidJobDataError}); a job started more than its `maxAttempts` times (its earlier workers
 * died) fails for good; a result is stored only if none is (SET NX): the first stored output stays,
 * and a different one computed later is reported (`job-failed` with a {@link ResultConflictError}).
 *
 * Its main thread only talks to Redis, so BullMQ's lock on each job is renewed on time however long
 * the job proves; if the process dies, the lock expires after `lockDurationMs` and another worker's
 * stalled-job check (every `stalledIntervalMs`) puts the job back in the queue.
 *
 * @example
 * ```ts
 * const worker = new RedisFarmWorker({ redis: "redis://10.0.0.5:6379", concurrency: 2 });
 * worker.events.on("job-done", (e) => console.log(`${e.name} in ${e.busyMs.toFixed(0)} ms`));
 * await worker.start();
 * process.once("SIGTERM", () => void worker.close()); // finishes its current jobs first
 * ```
 */
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { FarmClosedError, InvalidFarmOptionError, RedisUnavailableError, type ResultConflictError } from "../errors";
import { MAX_WORKERS, WorkerPool } from "../pool";
import type { JobKind } from "../work";
import { bullConnection, closeWithin, createRedis, redactUrl, taskOf, type RedisConnection } from "./protocol";
import { BULL_PREFIX, checkQueueName, DEFAULT_QUEUE, RedisResultStore, type WorkerStatus } from "./results";

/**
 * Options of {@link RedisFarmWorker}.
 *
 * @example
 * ```ts
 * const options: RedisFarmWorkerOptions = { redis: "redis://127.0.0.1:6379", queue: "fernet-proofs", concurrency: 1 };
 * ```
 */
export interface RedisFarmWorkerOptions {
  /** Redis URL (`redis://`, `rediss://` for TLS) or ioredis options. */
  readonly redis: RedisConnection;
  /** BullMQ queue name, the broker's. Default {@link DEFAULT_QUEUE}. */
  readonly queue?: string;
  /** Jobs proved at once, one worker thread each (1 to {@link MAX_WORKERS}). Default 1. */
  readonly concurrency?: number;
  /** Name in statuses, metrics and logs. Default `<hostname>-<pid>` (plus `-<n>` for further workers of a process). */
  readonly workerId?: string;
  /** How long a job's lock lasts without renewal: the time to notice this worker died. Default 15,000 ms. */
  readonly lockDurationMs?: number;
  /** Every how often this worker looks for jobs whose worker died. Default 5,000 ms. */
  readonly stalledIntervalMs?: number;
  /** How long {@link RedisFarmWorker.start} waits for Redis. Default 10,000 ms. */
  readonly connectTimeoutMs?: number;
  /** How often the status (with the current jobs) is published between job completions. Default 1,000 ms. */
  readonly statusIntervalMs?: number;
  /** How long {@link RedisFarmWorker.close} waits for current jobs to finish. Default 60,000 ms. */
  readonly closeGraceMs?: number;
  /** Script for the threads instead of the bundled worker (see {@link WorkerPoolOptions}). */
  readonly workerScript?: string;
}

/**
 * Defaults of {@link RedisFarmWorkerOptions}.
 *
 * @example
 * ```ts
 * new RedisFarmWorker({ redis, lockDurationMs: REDIS_WORKER_DEFAULTS.lockDurationMs * 2 });
 * ```
 */
export const REDIS_WORKER_DEFAULTS = {
  queue: DEFAULT_QUEUE,
  concurrency: 1,
  lockDurationMs: 15_000,
  stalledIntervalMs: 5_000,
  connectTimeoutMs: 10_000,
  statusIntervalMs: 1_000,
  closeGraceMs: 60_000,
} as const;

/** Stalls tolerated by BullMQ itself: effectively unlimited, the worker enforces `maxAttempts` on starts. */
const MAX_STALLED_COUNT = 1_000;

/**
 * A job this worker proved and stored.
 *
 * @example
 * ```ts
 * worker.events.on("job-done", (e: WorkerJobDoneEvent) => console.log(e.jobId, e.attempt, e.busyMs));
 * ```
 */
export interface WorkerJobDoneEvent {
  readonly digest: string;
  readonly jobId: string;
  readonly name: string;
  readonly kind: JobKind;
  readonly attempt: number;
  readonly output: string;
  readonly busyMs: number;
}

/**
 * A failed attempt on this worker (BullMQ retries it unless attempts are exhausted).
 *
 * @example
 * ```ts
 * worker.events.on("job-failed", (e: WorkerJobFailedEvent) => console.warn(e.jobId, e.error));
 * ```
 */
export interface WorkerJobFailedEvent {
  readonly queueJobId: string;
  readonly jobId?: string;
  readonly attempt: number;
  readonly error: unknown;
}

/**
 * Events of {@link RedisFarmWorker}; `connection-error` reports Redis errors (the worker reconnects by itself).
 *
 * @example
 * ```ts
 * worker.events.on("connection-error", (e) => log.warn(e.message));
 * ```
 */
export interface RedisWorkerEventMap {
  "job-done": [WorkerJobDoneEvent];
  "job-failed": [WorkerJobFailedEvent];
  "connection-error": [Error];
}

let workersInProcess = 0;

/**
 * Proves jobs of a Redis farm's queue (see the module header).
 *
 * @example
 * ```ts
 * const worker = new RedisFarmWorker({ redis: url });
 * await worker.start();
 * console.log(worker.status());
 * await worker.close();
 * ```
 */
export class RedisFarmWorker {
  /** Job and connection events. */
  readonly events = new EventEmitter<RedisWorkerEventMap>();
  readonly workerId: string;
  readonly queueName: string;
  readonly concurrency: number;
  private readonly options: RedisFarmWorkerOptions;
  private readonly lockDurationMs: number;
  private readonly stalledIntervalMs: number;
  private readonly connectTimeoutMs: number;
  private readonly statusIntervalMs: number;
  private readonly closeGraceMs: number;
  private statusTimer?: NodeJS.Timeout;
  /** Something changed since the last published status. */
  private dirty = false;
  private readonly current = new Set<string>();
  private readonly startedAt = Date.now();
  private state: WorkerStatus["state"] = "running";
  private jobs = 0;
  private failures = 0;
  private busyMs = 0;
  private pool?: WorkerPool;
  private redis?: Redis;
  private results?: RedisResultStore;
  private bull?: Worker;
  private running?: Promise<void>;
  private closing?: Promise<void>;

  /**
   * Checks the options; nothing connects before {@link RedisFarmWorker.start}.
   *
   * @throws {@link InvalidFarmOptionError} for the first bad option.
   *
   * @example
   * ```ts
   * const worker = new RedisFarmWorker({ redis: "redis://127.0.0.1:6379", workerId: "gpu-box-1" });
   * ```
   */
  constructor(options: RedisFarmWorkerOptions) {
    if (options === null || typeof options !== "object") {
      throw new InvalidFarmOptionError("options", options, "Pass at least { redis }.");
    }
    bullConnection(options.redis); // validates the URL
    this.options = options;
    this.queueName = checkQueueName(options.queue ?? REDIS_WORKER_DEFAULTS.queue);
    this.concurrency = options.concurrency ?? REDIS_WORKER_DEFAULTS.concurrency;
    if (!Number.isSafeInteger(this.concurrency) || this.concurrency < 1 || this.concurrency > MAX_WORKERS) {
      throw new InvalidFarmOptionError(
        "concurrency",
        this.concurrency,
        `Pass an integer from 1 to ${MAX_WORKERS}: jobs proved at once (e.g. the machine's cores).`,
      );
    }
    this.lockDurationMs = whole("lockDurationMs", options.lockDurationMs ?? REDIS_WORKER_DEFAULTS.lockDurationMs, 100);
    this.stalledIntervalMs = whole(
      "stalledIntervalMs",
      options.stalledIntervalMs ?? REDIS_WORKER_DEFAULTS.stalledIntervalMs,
      50,
    );
    this.connectTimeoutMs = whole(
      "connectTimeoutMs",
      options.connectTimeoutMs ?? REDIS_WORKER_DEFAULTS.connectTimeoutMs,
      1,
    );
    this.statusIntervalMs = whole(
      "statusIntervalMs",
      options.statusIntervalMs ?? REDIS_WORKER_DEFAULTS.statusIntervalMs,
      10,
    );
    this.closeGraceMs = whole("closeGraceMs", options.closeGraceMs ?? REDIS_WORKER_DEFAULTS.closeGraceMs, 0);
    const n = workersInProcess++;
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}${n === 0 ? "" : `-${n}`}`;
    if (typeof this.workerId !== "string" || this.workerId.length === 0 || this.workerId.length > 200) {
      throw new InvalidFarmOptionError("workerId", this.workerId, "Pass a non-empty name of at most 200 characters.");
    }
  }

  /**
   * Starts the threads, connects to Redis and begins taking jobs.
   *
   * @throws {@link RedisUnavailableError} if Redis does not answer within `connectTimeoutMs`;
   *   {@link WorkerStartError} if the threads cannot start.
   *
   * @example
   * ```ts
   * await worker.start();
   * ```
   */
  async start(): Promise<void> {
    if (this.closing) throw new FarmClosedError();
    if (this.bull) return;
    const pool = (this.pool = new WorkerPool({
      workers: this.concurrency,
      ...(this.options.workerScript ? { workerScript: this.options.workerScript } : {}),
    }));
    // Warm the threads up (code loaded) before taking jobs, so a job's time is the proving time.
    const warmUp = { jobId: "warm-up", name: "warm-up", kind: "base" as const, inputs: [], childOutputs: [] };
    await Promise.all(
      Array.from({ length: this.concurrency }, () =>
        pool.run({ ...warmUp, workPerJob: 0, attempt: 1 }, { timeoutMs: 120_000 }),
      ),
    );
    const redis = (this.redis = createRedis(this.options.redis, `fernet-worker:${this.workerId}`));
    redis.on("error", (error: Error) => this.events.emit("connection-error", error));
    this.results = new RedisResultStore(redis, this.queueName);
    // BullMQ shares this connection for its non-blocking commands: a result written on it is in Redis
    // before the job's completion, sent after it on the same socket (see process()).
    const bull = (this.bull = new Worker(this.queueName, (job) => this.process(job), {
      connection: redis,
      prefix: BULL_PREFIX,
      autorun: false,
      concurrency: this.concurrency,
      lockDuration: this.lockDurationMs,
      stalledInterval: this.stalledIntervalMs,
      maxStalledCount: MAX_STALLED_COUNT,
      name: this.workerId,
    }));
    bull.on("error", (error: Error) => this.events.emit("connection-error", error));
    const label = redactUrl(this.options.redis);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all([redis.ping(), bull.waitUntilReady()]),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new RedisUnavailableError(label, this.connectTimeoutMs)), this.connectTimeoutMs);
        }),
      ]);
    } catch (error) {
      await this.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    await this.publish();
    this.statusTimer = setInterval(() => {
      if (this.dirty) void this.publish().catch(() => undefined);
    }, this.statusIntervalMs);
    this.statusTimer.unref();
    this.running = bull.run().catch((error: unknown) => {
      this.events.emit("connection-error", error instanceof Error ? error : new Error(String(error)));
    });
  }

  /**
   * What this worker publishes in Redis, now.
   *
   * @example
   * ```ts
   * const { jobs, busyMs, current } = worker.status();
   * ```
   */
  status(): WorkerStatus {
    return {
      workerId: this.workerId,
      host: hostname(),
      pid: process.pid,
      queue: this.queueName,
      concurrency: this.concurrency,
      state: this.state,
      jobs: this.jobs,
      failures: this.failures,
      busyMs: this.busyMs,
      current: [...this.current],
      startedAt: this.startedAt,
      updatedAt: Date.now(),
    };
  }

  /**
   * Stops taking jobs, lets the current ones finish (and store their results), stops the threads and
   * disconnects. Safe to call twice.
   *
   * @example
   * ```ts
   * process.once("SIGTERM", () => worker.close().then(() => process.exit(0)));
   * ```
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state = "stopping";
      clearInterval(this.statusTimer);
      await this.publishIfConnected();
      // A graceful close waits for the current jobs; without Redis there is nothing to wait for.
      if (this.bull) await closeWithin(this.bull, this.redis?.status === "ready" ? this.closeGraceMs : 0);
      await this.running;
      await this.pool?.close();
      this.state = "stopped";
      await this.publishIfConnected();
      const redis = this.redis;
      if (redis?.status === "ready") await redis.quit().catch(() => redis.disconnect());
      else redis?.disconnect();
    })();
    return this.closing;
  }

  /** BullMQ's processor: check the job, prove it on a thread, store the result, report. */
  private async process(job: Job): Promise<{ digest: string; output: string }> {
    const attempt = job.attemptsStarted;
    const queueJobId = job.id ?? "";
    let checked: ReturnType<typeof taskOf>;
    try {
      checked = taskOf(queueJobId, job.data, attempt);
    } catch (error) {
      this.failed(queueJobId, undefined, attempt, error);
      throw new UnrecoverableError(describeError(error));
    }
    const { task, digest, timeoutMs, maxAttempts, resultTtlSeconds } = checked;
    if (attempt > maxAttempts) {
      const error = new UnrecoverableError(
        `Job ${task.jobId} (${task.kind}) was started ${attempt} times, more than maxAttempts ${maxAttempts}: ` +
          "its earlier workers died or failed.",
      );
      this.failed(queueJobId, task.jobId, attempt, error);
      throw error;
    }
    const results = this.results as RedisResultStore;
    const pool = this.pool as WorkerPool;

    this.current.add(task.jobId);
    this.dirty = true;
    try {
      const startedAt = performance.now();
      const { output } = await pool.run(task, { timeoutMs });
      const busyMs = performance.now() - startedAt;
      this.current.delete(task.jobId);
      this.jobs++;
      this.busyMs += busyMs;
      const record = {
        digest,
        kind: task.kind,
        output,
        workerId: this.workerId,
        attempt,
        busyMs,
        finishedAt: Date.now(),
      };
      this.dirty = true; // published by the status timer, not with every job
      // Not awaited: the write is queued on the connection BullMQ completes the job on, so Redis stores
      // the result before it marks the job completed, one round trip fewer per job. A failed write
      // (the broker then finds no result and queues the job again) or a conflicting stored output
      // is reported as a failed job event.
      results.write(record, resultTtlSeconds).catch((error: unknown) => {
        this.failed(queueJobId, task.jobId, attempt, error);
      });
      this.events.emit("job-done", { digest, jobId: task.jobId, name: task.name, kind: task.kind, attempt, output, busyMs });
      return { digest, output };
    } catch (error) {
      this.failed(queueJobId, task.jobId, attempt, error);
      throw error;
    } finally {
      this.current.delete(task.jobId);
    }
  }

  private failed(queueJobId: string, jobId: string | undefined, attempt: number, error: unknown): void {
    this.failures++;
    this.dirty = true;
    this.events.emit("job-failed", { queueJobId, ...(jobId === undefined ? {} : { jobId }), attempt, error });
  }

  /** Publishes the status unless Redis is away (commands would wait for it to come back). */
  private async publishIfConnected(): Promise<void> {
    if (this.redis?.status === "ready") await this.publish().catch(() => undefined);
  }

  private async publish(): Promise<void> {
    this.dirty = false;
    await this.results?.publishStatus(this.status());
  }
}

function whole(option: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidFarmOptionError(option, value, `Pass a whole number of milliseconds, at least ${min}.`);
  }
  return value;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
}
