/**
 * Where the Redis farm keeps what it knows besides BullMQ's own keys: each job's result, keyed by
 * the job's content digest ({@link taskDigest}), and each worker's status. Keys live under
 * `fernet-farm:<queue>:`, apart from BullMQ's `fernet:<queue>:` keys:
 *
 * ```
 * fernet-farm:<queue>:result:<digest>   JSON StoredResult, written once (SET NX), expiring after resultTtlSeconds
 * fernet-farm:<queue>:workers           hash: workerId → JSON WorkerStatus
 * ```
 *
 * A record names the digest it was computed for; {@link RedisResultStore.read} refuses one that names
 * another ({@link ResultDigestMismatchError}), so a result written under the wrong key is never used.
 *
 * @example
 * ```ts
 * const results = new RedisResultStore(redis, "fernet-proofs");
 * const stored = await results.read(digest, "h7-r1/base-0"); // undefined until a worker proved it
 * ```
 */
import type { Redis } from "ioredis";
import { CorruptResultError, InvalidFarmOptionError, ResultConflictError, ResultDigestMismatchError } from "../errors";
import { isHash32, JOB_KINDS, type JobKind } from "../work";

/**
 * Name of the farm's BullMQ queue when none is given.
 *
 * @example
 * ```ts
 * new RedisBroker({ redis, queue: DEFAULT_QUEUE, ...jobOptions });
 * ```
 */
export const DEFAULT_QUEUE = "fernet-proofs";

/**
 * BullMQ's key prefix for the farm's queues (BullMQ's own default is `bull`).
 *
 * @example
 * ```ts
 * // redis-cli --scan --pattern 'fernet:fernet-proofs:*'
 * ```
 */
export const BULL_PREFIX = "fernet";

/**
 * Prefix of the farm's own keys (results and worker statuses).
 *
 * @example
 * ```ts
 * // redis-cli --scan --pattern 'fernet-farm:fernet-proofs:result:*'
 * ```
 */
export const FARM_KEY_PREFIX = "fernet-farm";

/**
 * How long a stored result is kept by default: a week, in seconds.
 *
 * @example
 * ```ts
 * new RedisBroker({ ...options, resultTtlSeconds: DEFAULT_RESULT_TTL_SECONDS * 4 });
 * ```
 */
export const DEFAULT_RESULT_TTL_SECONDS = 7 * 24 * 3600;

const QUEUE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Checks a queue name (letters, digits, `.`, `_`, `-`; no `:`, which Redis keys use as separator).
 *
 * @throws {@link InvalidFarmOptionError} for another name.
 *
 * @example
 * ```ts
 * checkQueueName("fernet-proofs"); // ok
 * checkQueueName("a:b"); // throws
 * ```
 */
export function checkQueueName(queue: unknown): string {
  if (typeof queue !== "string" || !QUEUE_RE.test(queue)) {
    throw new InvalidFarmOptionError(
      "queue",
      queue,
      "Use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. fernet-proofs).",
    );
  }
  return queue;
}

/**
 * What a worker stores for a job it proved.
 *
 * @example
 * ```ts
 * const { output, workerId, busyMs } = (await results.read(digest, jobId)) as StoredResult;
 * ```
 */
export interface StoredResult {
  /** The job's content digest: must equal the digest in the key. */
  readonly digest: string;
  readonly kind: JobKind;
  /** The job's output ({@link jobDigest}). */
  readonly output: string;
  /** Which worker proved it. */
  readonly workerId: string;
  /** Which attempt succeeded (1 for the first). */
  readonly attempt: number;
  /** Time the worker spent proving it, in milliseconds. */
  readonly busyMs: number;
  /** When it was stored (Unix milliseconds, worker clock). */
  readonly finishedAt: number;
}

/**
 * What a worker publishes about itself (in the `workers` hash), for progress while a big proof runs.
 *
 * @example
 * ```ts
 * for (const w of await broker.workers()) console.log(w.workerId, w.state, w.jobs, w.busyMs);
 * ```
 */
export interface WorkerStatus {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly queue: string;
  /** Jobs it runs at once (threads). */
  readonly concurrency: number;
  readonly state: "running" | "stopping" | "stopped";
  /** Jobs it proved since it started. */
  readonly jobs: number;
  /** Attempts that failed on it. */
  readonly failures: number;
  /** Time spent proving, in milliseconds. */
  readonly busyMs: number;
  /** Names (`<planId>/<name>`) of the jobs it is proving now. */
  readonly current: readonly string[];
  /** Unix milliseconds (worker clock). */
  readonly startedAt: number;
  readonly updatedAt: number;
}

/**
 * Reads and writes results and worker statuses of one queue (see the module header).
 *
 * @example
 * ```ts
 * const results = new RedisResultStore(new Redis(url, { maxRetriesPerRequest: null }), "fernet-proofs");
 * await results.write(record, 3600);
 * ```
 */
export class RedisResultStore {
  constructor(
    private readonly redis: Redis,
    readonly queue: string,
  ) {
    checkQueueName(queue);
  }

  /**
   * The key of a digest's result.
   *
   * @example
   * ```ts
   * results.keyOf(digest); // "fernet-farm:fernet-proofs:result:0x…"
   * ```
   */
  keyOf(digest: string): string {
    return `${FARM_KEY_PREFIX}:${this.queue}:result:${digest}`;
  }

  /**
   * The key of the worker-status hash.
   *
   * @example
   * ```ts
   * await redis.hgetall(results.workersKey);
   * ```
   */
  get workersKey(): string {
    return `${FARM_KEY_PREFIX}:${this.queue}:workers`;
  }

  /**
   * The verified result for `digest`, or undefined if none is stored.
   *
   * @throws {@link ResultDigestMismatchError} when the stored record names another digest;
   *   {@link CorruptResultError} when it is not a result record.
   *
   * @example
   * ```ts
   * const stored = await results.read(digest, "h7-r1/merge-1-0");
   * ```
   */
  async read(digest: string, jobId: string): Promise<StoredResult | undefined> {
    const key = this.keyOf(digest);
    return this.parse(await this.redis.get(key), digest, jobId);
  }

  /**
   * Reads many results in one round trip, with the checks of {@link RedisResultStore.read} applied to
   * each: an entry has `stored` (found), `error` (refused) or neither (none stored).
   *
   * @example
   * ```ts
   * const [first, second] = await results.readMany([[d1, "p/base-0"], [d2, "p/base-1"]]);
   * if (first.error) throw first.error;
   * ```
   */
  async readMany(
    entries: readonly (readonly [digest: string, jobId: string])[],
  ): Promise<{ readonly stored?: StoredResult; readonly error?: unknown }[]> {
    if (entries.length === 0) return [];
    const raw = await this.redis.mget(...entries.map(([digest]) => this.keyOf(digest)));
    return entries.map(([digest, jobId], i) => {
      try {
        const stored = this.parse(raw[i] ?? null, digest, jobId);
        return stored === undefined ? {} : { stored };
      } catch (error) {
        return { error };
      }
    });
  }

  /**
   * Stores a result unless one exists for its digest (SET NX, expiring after `ttlSeconds`).
   * If one exists with another output, throws {@link ResultConflictError} (the first one stays).
   *
   * @example
   * ```ts
   * await results.write(record, DEFAULT_RESULT_TTL_SECONDS);
   * ```
   */
  async write(record: StoredResult, ttlSeconds: number): Promise<void> {
    const key = this.keyOf(record.digest);
    const reply = await this.redis.set(key, JSON.stringify(record), "EX", ttlSeconds, "NX");
    if (reply === "OK") return;
    const stored = await this.read(record.digest, record.digest);
    if (stored !== undefined && stored.output !== record.output) {
      throw new ResultConflictError(record.digest, stored.output, record.output);
    }
  }

  /**
   * Publishes a worker's status.
   *
   * @example
   * ```ts
   * await results.publishStatus({ ...status, state: "stopped", updatedAt: Date.now() });
   * ```
   */
  async publishStatus(status: WorkerStatus): Promise<void> {
    await this.redis.hset(this.workersKey, status.workerId, JSON.stringify(status));
  }

  /**
   * Every worker status published on this queue (stopped workers included), by worker id.
   *
   * @example
   * ```ts
   * const running = (await results.workers()).filter((w) => w.state === "running");
   * ```
   */
  async workers(): Promise<WorkerStatus[]> {
    const all = await this.redis.hgetall(this.workersKey);
    const statuses: WorkerStatus[] = [];
    for (const raw of Object.values(all)) {
      try {
        statuses.push(JSON.parse(raw) as WorkerStatus);
      } catch {
        // a status written by something else: not ours to show
      }
    }
    return statuses.sort((a, b) => a.workerId.localeCompare(b.workerId));
  }

  private parse(raw: string | null, digest: string, jobId: string): StoredResult | undefined {
    if (raw === null) return undefined;
    const key = this.keyOf(digest);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new CorruptResultError(key, "not JSON");
    }
    if (value === null || typeof value !== "object") throw new CorruptResultError(key, "not an object");
    const record = value as Record<string, unknown>;
    if (typeof record.digest !== "string") throw new CorruptResultError(key, "no digest field");
    if (record.digest.toLowerCase() !== digest.toLowerCase()) {
      throw new ResultDigestMismatchError(jobId, key, digest, record.digest);
    }
    if (!isHash32(record.output)) throw new CorruptResultError(key, "output is not a 32-byte hex string");
    if (!JOB_KINDS.includes(record.kind as JobKind)) throw new CorruptResultError(key, "unknown job kind");
    return {
      digest: record.digest,
      kind: record.kind as JobKind,
      output: record.output,
      workerId: typeof record.workerId === "string" ? record.workerId : "unknown",
      attempt: typeof record.attempt === "number" ? record.attempt : 1,
      busyMs: typeof record.busyMs === "number" ? record.busyMs : 0,
      finishedAt: typeof record.finishedAt === "number" ? record.finishedAt : 0,
    };
  }
}
