/**
 * The broker of the Redis farm: it keeps a plan's tree in memory and puts each job on a BullMQ queue
 * as soon as its dependencies' outputs exist; worker processes on any machine
 * (`fernet farm-worker --redis <url>`, {@link RedisFarmWorker}) take the jobs, prove them and store
 * the results in Redis.
 *
 * - **Idempotent jobs.** A job's BullMQ id is its content digest ({@link taskDigest}): the same job
 *   queued twice (two brokers, a retry, a resumed proof) is one job, and it can only ever produce one
 *   output. Results are stored under the digest and verified on read ({@link ResultDigestMismatchError}).
 * - **Resumable.** Everything the broker needs is in Redis: a new broker proving the same block walks
 *   the tree from the leaves, reuses every stored result (`stats.reused`), waits for jobs still queued
 *   and queues the rest. Closing a broker leaves its jobs in Redis for the next one.
 * - **Faults.** Workers enforce the per-attempt timeout; BullMQ's lock and stalled-job check bring back
 *   the job of a worker that died (SIGKILL, power loss) within the workers' lock duration; a job started
 *   `maxAttempts` times without success fails the proof with {@link JobFailedError} naming it.
 * - **Signals, not polling.** Completions, starts and retries arrive as BullMQ queue events; a slow
 *   reconciliation pass (every `reconcileIntervalMs`) only catches events lost while Redis was away.
 *
 * @example
 * ```ts
 * const broker = new RedisBroker({ redis: "redis://10.0.0.5:6379", workPerJob: 10_000, jobTimeoutMs: 60_000,
 *   maxAttempts: 3 });
 * const farm = new ProverFarm({ backend: new MockProofBackend(), broker });
 * const { proof, stats } = await farm.prove(request);
 * await farm.close(); // closes the broker; the workers keep running
 * ```
 */
import { Queue, QueueEvents, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { validateBrokerOptions, type BrokerOptions, type PlanRunner } from "../broker";
import {
  CorruptResultError,
  FarmClosedError,
  InvalidFarmOptionError,
  JobFailedError,
  RedisUnavailableError,
  WorkerJobError,
} from "../errors";
import { FarmMetrics, type AttemptFailure } from "../metrics";
import type { ProofJob, ProofPlan } from "../tree";
import { closeWithin, createRedis, jobData, redactUrl, type RedisConnection, type RedisJobData } from "./protocol";
import {
  BULL_PREFIX,
  checkQueueName,
  DEFAULT_QUEUE,
  DEFAULT_RESULT_TTL_SECONDS,
  RedisResultStore,
  type StoredResult,
  type WorkerStatus,
} from "./results";

/**
 * Options of {@link RedisBroker}: the job options of {@link BrokerOptions} plus where Redis is.
 *
 * @example
 * ```ts
 * const options: RedisBrokerOptions = { redis: "redis://127.0.0.1:6379", queue: "fernet-proofs",
 *   workPerJob: 10_000, jobTimeoutMs: 60_000, maxAttempts: 3 };
 * ```
 */
export interface RedisBrokerOptions extends BrokerOptions {
  /** Redis URL (`redis://`, `rediss://` for TLS) or ioredis options. */
  readonly redis: RedisConnection;
  /** BullMQ queue name, shared with the workers. Default {@link DEFAULT_QUEUE}. */
  readonly queue?: string;
  /** How long results stay in Redis, in seconds. Default a week. */
  readonly resultTtlSeconds?: number;
  /** How long to wait for Redis on first use before {@link RedisUnavailableError}. Default 10,000 ms. */
  readonly connectTimeoutMs?: number;
  /** Period of the pass that catches events lost while Redis was away. Default 2,000 ms. */
  readonly reconcileIntervalMs?: number;
}

/**
 * Defaults of {@link RedisBrokerOptions}.
 *
 * @example
 * ```ts
 * new RedisBroker({ ...options, connectTimeoutMs: REDIS_BROKER_DEFAULTS.connectTimeoutMs * 3 });
 * ```
 */
export const REDIS_BROKER_DEFAULTS = {
  queue: DEFAULT_QUEUE,
  resultTtlSeconds: DEFAULT_RESULT_TTL_SECONDS,
  connectTimeoutMs: 10_000,
  reconcileIntervalMs: 2_000,
} as const;

/** Failed jobs stay in BullMQ's failed set this long (seconds), for inspection. */
const FAILED_JOB_AGE_SECONDS = 24 * 3600;

/** How long a graceful close may take before connections are dropped, in milliseconds. */
const CLOSE_GRACE_MS = 5_000;

/** Tolerated clock difference between this machine and the workers', in milliseconds. */
const CLOCK_SKEW_MS = 5_000;

/** Every how many reconciliation passes the jobs' BullMQ states are checked too (not only results). */
const STATE_CHECK_EVERY = 3;

/** BullMQ states of a job that is still on its way (events will come). */
const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

interface PlanRun {
  readonly plan: ProofPlan;
  readonly metrics: FarmMetrics;
  readonly resolve: (treeRoot: string) => void;
  readonly reject: (error: unknown) => void;
  readonly jobs: ReadonlyMap<string, ProofJob>;
  readonly outputs: Map<string, string>;
  readonly waitingOn: Map<string, number>;
  readonly dependents: Map<string, string[]>;
}

interface Waiter {
  readonly run: PlanRun;
  readonly job: ProofJob;
}

/** A queued (or about to be queued) job digest and the plan jobs waiting for its result. */
interface Pending {
  readonly digest: string;
  readonly data: RedisJobData;
  readonly waiters: Waiter[];
  /** Starts seen (`active` events). */
  attempts: number;
  /** Stalls seen (BullMQ's stalled counter), to tell a dead worker from a failed attempt. */
  stalls: number;
  /** When it last became ready (queue-wait metrics). */
  readyAt: number;
  /** When an event last concerned it. */
  seenAt: number;
  /** When this broker first queued it (Unix milliseconds). */
  readonly queuedAt: number;
  /** A result read or a state check is under way. */
  busy: boolean;
  /** Something happened while busy: check again once done. */
  again: boolean;
}

/**
 * Proves plans on Redis worker processes (see the module header). Implements {@link PlanRunner}, so
 * `new ProverFarm({ backend, broker })` uses it in place of the thread farm.
 *
 * @example
 * ```ts
 * const broker = new RedisBroker({ redis: url, workPerJob: 1_000, jobTimeoutMs: 30_000, maxAttempts: 3 });
 * const treeRoot = await broker.run(planProofTree({ planId: "h7", txHashes, publicInputsHash }));
 * console.log(await broker.workers());
 * await broker.close();
 * ```
 */
export class RedisBroker implements PlanRunner {
  /** The BullMQ queue name. */
  readonly queueName: string;
  private readonly options: BrokerOptions;
  private readonly resultTtlSeconds: number;
  private readonly connectTimeoutMs: number;
  private readonly label: string;
  private readonly redis: Redis;
  private readonly queueClient: Redis;
  private readonly eventsClient: Redis;
  private readonly results: RedisResultStore;
  private readonly queue: Queue;
  /** Created once Redis answers, reading events from the stream's end at that moment (none is missed). */
  private queueEvents?: QueueEvents;
  private readonly runs = new Set<PlanRun>();
  private readonly pending = new Map<string, Pending>();
  private readonly timer: NodeJS.Timeout;
  private readying?: Promise<void>;
  private lastError?: unknown;
  private passes = 0;
  private closed = false;

  /**
   * Checks the options and opens the connections (lazily: nothing waits for Redis before the first
   * {@link RedisBroker.run} or {@link RedisBroker.ready}).
   *
   * @throws {@link InvalidFarmOptionError} for the first bad option.
   *
   * @example
   * ```ts
   * const broker = new RedisBroker({ redis: "redis://127.0.0.1:6379", workPerJob: 0, jobTimeoutMs: 5_000,
   *   maxAttempts: 2 });
   * ```
   */
  constructor(options: RedisBrokerOptions) {
    if (options === null || typeof options !== "object") {
      throw new InvalidFarmOptionError("options", options, "Pass { redis, workPerJob, jobTimeoutMs, maxAttempts }.");
    }
    validateBrokerOptions(options);
    this.queueName = checkQueueName(options.queue ?? REDIS_BROKER_DEFAULTS.queue);
    this.resultTtlSeconds = positiveInteger(
      "resultTtlSeconds",
      options.resultTtlSeconds ?? REDIS_BROKER_DEFAULTS.resultTtlSeconds,
    );
    this.connectTimeoutMs = positiveInteger(
      "connectTimeoutMs",
      options.connectTimeoutMs ?? REDIS_BROKER_DEFAULTS.connectTimeoutMs,
    );
    const reconcileMs = positiveInteger(
      "reconcileIntervalMs",
      options.reconcileIntervalMs ?? REDIS_BROKER_DEFAULTS.reconcileIntervalMs,
    );
    const { maxAttempts, jobTimeoutMs, workPerJob, jobCostMs, faults } = options;
    this.options = { maxAttempts, jobTimeoutMs, workPerJob, ...(jobCostMs ? { jobCostMs } : {}), ...(faults ? { faults } : {}) };
    this.label = redactUrl(options.redis);

    const remember = (error: unknown): void => {
      this.lastError = error;
    };
    this.redis = createRedis(options.redis, "fernet-broker");
    this.redis.on("error", remember);
    this.results = new RedisResultStore(this.redis, this.queueName);
    // Connections of our own (not BullMQ's), so that close() can always drop them, even before Redis answered.
    this.queueClient = createRedis(options.redis, "fernet-broker-queue");
    this.queueClient.on("error", remember);
    this.eventsClient = createRedis(options.redis, "fernet-broker-events");
    this.eventsClient.on("error", remember);
    this.queue = new Queue(this.queueName, { connection: this.queueClient, prefix: BULL_PREFIX });
    this.queue.on("error", remember);
    this.timer = setInterval(() => this.reconcile(reconcileMs), reconcileMs);
    this.timer.unref();
  }

  /**
   * Resolves once Redis answers on every connection.
   *
   * @throws {@link RedisUnavailableError} after `connectTimeoutMs`; {@link FarmClosedError} once closed.
   *
   * @example
   * ```ts
   * await broker.ready();
   * ```
   */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new FarmClosedError());
    this.readying ??= new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readying = undefined;
        reject(new RedisUnavailableError(this.label, this.connectTimeoutMs, { cause: this.lastError }));
      }, this.connectTimeoutMs);
      this.listen().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          this.readying = undefined;
          reject(new RedisUnavailableError(this.label, this.connectTimeoutMs, { cause: error }));
        },
      );
    });
    return this.readying;
  }

  /** Connects, then starts reading queue events from the stream's current end. */
  private async listen(): Promise<void> {
    await Promise.all([this.redis.ping(), this.queue.waitUntilReady()]);
    if (this.queueEvents !== undefined || this.closed) return;
    const [last] = await this.redis.xrevrange(this.queue.keys.events, "+", "-", "COUNT", 1);
    const events = new QueueEvents(this.queueName, {
      connection: this.eventsClient,
      prefix: BULL_PREFIX,
      lastEventId: last?.[0] ?? "0-0",
    });
    this.queueEvents = events;
    events.on("error", (error) => {
      this.lastError = error;
    });
    events.on("active", ({ jobId }) => this.onActive(jobId));
    events.on("completed", ({ jobId }) => this.onCompleted(jobId));
    events.on("failed", ({ jobId }) => this.onFailed(jobId));
    events.on("duplicated", ({ jobId }) => this.onDuplicated(jobId));
    events.on("waiting", ({ jobId, prev }) => {
      if (prev === "active") this.onRetry(jobId);
    });
    await events.waitUntilReady();
  }

  /**
   * Proves every job of `plan` on the workers and resolves with the root job's output.
   *
   * @throws {@link JobFailedError} when a job fails `maxAttempts` times; {@link ResultDigestMismatchError}
   *   or {@link CorruptResultError} for a stored result that is not this job's; {@link RedisUnavailableError}
   *   when Redis does not answer at first; {@link FarmClosedError} when the broker is closed first.
   *
   * @example
   * ```ts
   * const treeRoot = await broker.run(plan, new FarmMetrics(plan, events));
   * ```
   */
  async run(plan: ProofPlan, metrics: FarmMetrics = new FarmMetrics(plan)): Promise<string> {
    await this.ready();
    if (this.closed) throw new FarmClosedError();
    return new Promise<string>((resolve, reject) => {
      const run: PlanRun = {
        plan,
        metrics,
        resolve,
        reject,
        jobs: new Map(plan.jobs.map((job) => [job.id, job])),
        outputs: new Map(),
        waitingOn: new Map(),
        dependents: new Map(),
      };
      for (const job of plan.jobs) {
        run.waitingOn.set(job.id, job.dependencies.length);
        for (const dep of job.dependencies) run.dependents.set(dep, [...(run.dependents.get(dep) ?? []), job.id]);
      }
      this.runs.add(run);
      this.dispatch(
        run,
        plan.jobs.filter((job) => job.dependencies.length === 0),
      );
    });
  }

  /**
   * Plans currently running on this broker.
   *
   * @example
   * ```ts
   * if (broker.activePlans === 0) await broker.close();
   * ```
   */
  get activePlans(): number {
    return this.runs.size;
  }

  /**
   * The statuses the workers of this queue publish (jobs done, busy time, current jobs), for progress.
   *
   * @example
   * ```ts
   * const timer = setInterval(async () => console.table(await broker.workers()), 5_000);
   * ```
   */
  async workers(): Promise<WorkerStatus[]> {
    await this.ready();
    return this.results.workers();
  }

  /**
   * Stops: running plans reject with {@link FarmClosedError} and the connections close. Queued jobs
   * and results stay in Redis, so a new broker resumes the same proofs. Safe to call twice.
   *
   * @example
   * ```ts
   * await broker.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const runs = [...this.runs];
    this.runs.clear();
    this.pending.clear();
    for (const run of runs) run.reject(new FarmClosedError());
    const graceMs = this.redis.status === "ready" ? CLOSE_GRACE_MS : 0;
    this.eventsClient.disconnect(); // it is blocked reading events: nothing to flush
    await Promise.all([
      this.queueEvents ? closeWithin(this.queueEvents, graceMs) : undefined,
      closeWithin(this.queue, graceMs),
    ]);
    for (const client of [this.queueClient, this.redis]) {
      if (client.status === "ready") await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    }
  }

  /** Queues jobs whose dependencies are done (their outputs are in `run.outputs`). */
  private dispatch(run: PlanRun, jobs: readonly ProofJob[]): void {
    const now = run.metrics.now();
    for (const job of jobs) {
      let data: RedisJobData;
      try {
        const childOutputs = job.dependencies.map((dep) => run.outputs.get(dep) as string);
        const settings = { ...this.options, resultTtlSeconds: this.resultTtlSeconds };
        data = jobData(job, childOutputs, settings, this.options.faults?.[job.name]);
      } catch (error) {
        this.abort(run, error);
        return;
      }
      const known = this.pending.get(data.digest);
      if (known !== undefined) {
        known.waiters.push({ run, job });
        continue;
      }
      const pending: Pending = {
        digest: data.digest,
        data,
        waiters: [{ run, job }],
        attempts: 0,
        stalls: 0,
        readyAt: now,
        seenAt: now,
        queuedAt: Date.now(),
        busy: false,
        again: false,
      };
      this.pending.set(data.digest, pending);
      void this.resolveOrEnqueue(pending, true);
    }
  }

  /**
   * Uses the stored result if there is one; otherwise queues the job. If a job with that id exists
   * already, BullMQ keeps it and reports the duplicate ({@link RedisBroker.onDuplicated} then looks
   * at its state); `checkState` looks at it first (after a lost event, or for a duplicate).
   */
  private async resolveOrEnqueue(pending: Pending, first: boolean, checkState = false): Promise<void> {
    if (pending.busy) {
      pending.again = true;
      return;
    }
    pending.busy = true;
    try {
      const { digest, data } = pending;
      const [stored, state] = await Promise.all([
        this.results.read(digest, data.jobId),
        checkState ? this.queue.getJobState(digest) : "unknown",
      ]);
      if (stored !== undefined) {
        this.settle(pending, stored, first);
        return;
      }
      if (!this.isPending(pending) || LIVE_STATES.has(state)) return;
      // A failed job of an earlier proof (or a finished one whose result is gone) is queued afresh.
      if (state !== "unknown") await this.queue.remove(digest);
      await this.queue.add(data.kind, data, {
        jobId: digest,
        attempts: data.maxAttempts,
        removeOnComplete: true,
        removeOnFail: { age: FAILED_JOB_AGE_SECONDS },
      });
    } catch (error) {
      this.failPending(pending, error);
    } finally {
      pending.busy = false;
      if (pending.again && this.isPending(pending)) {
        pending.again = false;
        void this.resolveOrEnqueue(pending, false, true);
      }
    }
  }

  /** Hands a verified result to every plan job waiting for it, and queues what became ready. */
  private settle(pending: Pending, stored: StoredResult, reused: boolean): void {
    if (!this.isPending(pending)) return;
    this.pending.delete(pending.digest);
    for (const { run, job } of pending.waiters) {
      if (!this.runs.has(run)) continue;
      if (stored.kind !== job.kind) {
        this.abort(run, new CorruptResultError(this.results.keyOf(pending.digest), `kind ${stored.kind}, not ${job.kind}`));
        continue;
      }
      if (reused) {
        run.metrics.jobReused(job, stored.output, stored.workerId);
      } else {
        if (pending.attempts === 0) run.metrics.jobStarted(job, stored.attempt, 0); // its start event was missed
        run.metrics.jobCompleted(job, stored.attempt, stored.workerId, stored.output, stored.busyMs);
      }
      run.outputs.set(job.id, stored.output);
      if (job.id === run.plan.rootJobId) {
        this.runs.delete(run);
        run.resolve(stored.output);
        continue;
      }
      const ready: ProofJob[] = [];
      for (const id of run.dependents.get(job.id) ?? []) {
        const left = (run.waitingOn.get(id) ?? 0) - 1;
        run.waitingOn.set(id, left);
        if (left === 0) ready.push(run.jobs.get(id) as ProofJob);
      }
      if (ready.length > 0) this.dispatch(run, ready);
    }
  }

  /**
   * A job we queued already existed: live (another broker's, or a resumed proof's: its events will
   * come), or failed in an earlier proof (it is then queued afresh).
   */
  private onDuplicated(digest: string): void {
    const pending = this.pending.get(digest);
    if (pending === undefined) return;
    pending.seenAt = performance.now();
    void this.resolveOrEnqueue(pending, false, true);
  }

  private onActive(digest: string): void {
    const pending = this.pending.get(digest);
    if (pending === undefined) return;
    pending.attempts++;
    const now = performance.now();
    pending.seenAt = now;
    for (const { run, job } of pending.waiters) run.metrics.jobStarted(job, pending.attempts, now - pending.readyAt);
  }

  /** A worker finished the job: its result is in Redis (one read; the full check only if it is not). */
  private onCompleted(digest: string): void {
    const pending = this.pending.get(digest);
    if (pending === undefined) return;
    pending.seenAt = performance.now();
    if (pending.busy) {
      pending.again = true;
      return;
    }
    this.results.read(digest, pending.data.jobId).then(
      (stored) => {
        if (stored !== undefined) this.settle(pending, stored, false);
        else void this.resolveOrEnqueue(pending, false, true);
      },
      (error: unknown) => this.failPending(pending, error),
    );
  }

  /** A failed attempt went back to the queue: a worker error, or a stall (its worker died). */
  private onRetry(digest: string): void {
    const pending = this.pending.get(digest);
    if (pending === undefined) return;
    const now = performance.now();
    pending.seenAt = now;
    pending.readyAt = now;
    void this.queue
      .getJob(digest)
      .then((job) => {
        if (!this.isPending(pending)) return;
        const stalled = (job?.stalledCounter ?? 0) > pending.stalls;
        pending.stalls = job?.stalledCounter ?? pending.stalls;
        const failure: AttemptFailure = stalled ? "crash" : classify(job?.stacktrace?.at(-1));
        const message = stalled
          ? "crash: the worker's lock expired (worker killed, crashed or cut off)"
          : `${failure}: ${firstLine(job?.failedReason)}`;
        const workerId = stalled ? undefined : job?.processedBy;
        for (const { run, job: planJob } of pending.waiters) {
          run.metrics.attemptFailed(planJob, pending.attempts, failure, message, workerId, 0, true);
        }
      })
      .catch((error: unknown) => {
        this.lastError = error;
      });
  }

  private onFailed(digest: string): void {
    const pending = this.pending.get(digest);
    if (pending === undefined) return;
    void this.queue
      .getJob(digest)
      .then((job) => this.failPending(pending, this.failure(pending, job)))
      .catch((error: unknown) => this.failPending(pending, error));
  }

  /** The final error of a job that failed for good, from what BullMQ kept of its attempts. */
  private failure(pending: Pending, job: Job | undefined): JobFailedError {
    const stacks = job?.stacktrace ?? [];
    const failures = stacks.map((stack) => `${classify(stack)}: ${firstLine(stack)}`);
    const stalls = job?.stalledCounter ?? pending.stalls;
    if (stalls > 0) failures.unshift(`crash: ${stalls} attempt(s) lost their worker (lock expired)`);
    if (failures.length === 0) failures.push(firstLine(job?.failedReason ?? "failed"));
    const attempts = Math.max(job?.attemptsStarted ?? 0, pending.attempts, 1);
    const { jobId, name, kind } = pending.data;
    const cause = new WorkerJobError(jobId, job?.processedBy ?? "unknown", firstLine(job?.failedReason ?? "failed"));
    for (const { run, job: planJob } of pending.waiters) {
      const failure = classify(stacks.at(-1));
      run.metrics.attemptFailed(planJob, attempts, failure, failures.at(-1) as string, job?.processedBy, 0, false);
    }
    return new JobFailedError(jobId, name, kind, attempts, failures, { cause });
  }

  /** Catches results and failures whose events were lost (e.g. while Redis restarted). */
  private reconcile(intervalMs: number): void {
    if (this.closed || this.pending.size === 0 || this.redis.status !== "ready") return;
    const now = performance.now();
    const idle = [...this.pending.values()].filter((p) => !p.busy && now - p.seenAt >= intervalMs);
    if (idle.length === 0) return;
    const checkStates = ++this.passes % STATE_CHECK_EVERY === 0;
    void this.results
      .readMany(idle.map((p) => [p.digest, p.data.jobId] as const))
      .then((found) => {
        found.forEach((result, i) => {
          const pending = idle[i];
          if (!this.isPending(pending) || pending.busy) return;
          if (result.error !== undefined) this.failPending(pending, result.error);
          else if (result.stored !== undefined) this.settle(pending, result.stored, false);
          else if (checkStates) void this.recheck(pending);
        });
      })
      .catch((error: unknown) => {
        this.lastError = error;
      });
  }

  /** A job with no result and no recent event: failed without our hearing, or lost with Redis's data. */
  private async recheck(pending: Pending): Promise<void> {
    const state = await this.queue.getJobState(pending.digest).catch(() => "busy");
    if (!this.isPending(pending)) return;
    pending.seenAt = performance.now();
    if (state === "failed") {
      // Failed since we queued it (its event was lost), or in an earlier proof (then queue it afresh)?
      const job = await this.queue.getJob(pending.digest).catch(() => undefined);
      if ((job?.finishedOn ?? 0) >= pending.queuedAt - CLOCK_SKEW_MS) this.onFailed(pending.digest);
      else await this.resolveOrEnqueue(pending, false, true);
    } else if (state === "unknown" || state === "completed") await this.resolveOrEnqueue(pending, false, true);
  }

  private isPending(pending: Pending): boolean {
    return this.pending.get(pending.digest) === pending;
  }

  /** Fails every plan waiting for a digest. */
  private failPending(pending: Pending, error: unknown): void {
    if (!this.isPending(pending)) return;
    this.pending.delete(pending.digest);
    for (const { run } of pending.waiters) this.abort(run, error);
  }

  /** Fails one plan; its other queued jobs stay in Redis (another proof may want them). */
  private abort(run: PlanRun, error: unknown): void {
    if (!this.runs.delete(run)) return;
    for (const pending of [...this.pending.values()]) {
      const others = pending.waiters.filter((w) => w.run !== run);
      if (others.length === 0) this.pending.delete(pending.digest);
      else pending.waiters.splice(0, pending.waiters.length, ...others);
    }
    run.reject(error);
  }
}

/** The kind of failure a worker error stack shows (its first word is the error's name). */
function classify(stack: string | undefined): AttemptFailure {
  const name = stack?.split(":")[0]?.trim();
  if (name === "WorkerCrashedError") return "crash";
  if (name === "JobTimeoutError") return "timeout";
  return "error";
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0];
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidFarmOptionError(option, value, "Pass a whole number of at least 1.");
  }
  return value;
}
