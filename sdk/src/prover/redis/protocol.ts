/**
 * What the Redis broker and its workers agree on: how to connect, what a queued job carries, and how
 * a job's data is checked before it is proved. A job's BullMQ id is its content digest
 * ({@link taskDigest}); the data repeats the digest and carries everything needed to prove it, so a
 * worker needs nothing but Redis.
 *
 * @example
 * ```ts
 * const data = jobData(job, childOutputs, { workPerJob: 1_000, jobTimeoutMs: 30_000, maxAttempts: 3,
 *   resultTtlSeconds: 3600 });
 * await queue.add(job.kind, data, { jobId: data.digest });
 * ```
 */
import type { ConnectionOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { InvalidFarmOptionError, InvalidJobDataError } from "../errors";
import type { FaultInjection } from "../broker";
import type { ProofJob } from "../tree";
import {
  isHash32,
  JOB_KINDS,
  MAX_JOB_COST_MS,
  taskDigest,
  type FaultMode,
  type JobKind,
  type ProofTask,
} from "../work";

/**
 * Where Redis is: a `redis://` or `rediss://` (TLS) URL, e.g. `redis://:password@10.0.0.5:6379/0`,
 * or ioredis options (`{ host, port, password, tls }`).
 *
 * @example
 * ```ts
 * const redis: RedisConnection = process.env.FERNET_REDIS_URL ?? "redis://127.0.0.1:6379";
 * ```
 */
export type RedisConnection = string | RedisOptions;

/**
 * Version of {@link RedisJobData}; a worker refuses other versions.
 *
 * @example
 * ```ts
 * if (data.v !== JOB_DATA_VERSION) throw new Error("upgrade the worker");
 * ```
 */
export const JOB_DATA_VERSION = 1;

/**
 * The payload of one queued proof job.
 *
 * @example
 * ```ts
 * const data: RedisJobData = job.data; // inside a BullMQ processor
 * ```
 */
export interface RedisJobData {
  readonly v: typeof JOB_DATA_VERSION;
  /** The job's content digest, also its BullMQ id. */
  readonly digest: string;
  /** The plan job that first asked for it (`<planId>/<name>`), for logs and errors. */
  readonly jobId: string;
  readonly name: string;
  readonly kind: JobKind;
  readonly inputs: readonly string[];
  readonly childOutputs: readonly string[];
  readonly workPerJob: number;
  /** Least wall time of the job in milliseconds (see `ProofTask.jobCostMs`); absent: none. Not part of the digest. */
  readonly jobCostMs?: number;
  /** Per-attempt timeout, enforced by the worker (it stops the thread). */
  readonly timeoutMs: number;
  /** Attempts (starts) allowed before the job fails for good, crashes of workers included. */
  readonly maxAttempts: number;
  /** How long the worker keeps the result in Redis, in seconds. */
  readonly resultTtlSeconds: number;
  /** Injected fault (tests only); `times` is a count of first attempts, `-1` for all of them. */
  readonly fault?: { readonly mode: FaultMode; readonly times: number };
}

/**
 * The job options the broker sends along with each job.
 *
 * @example
 * ```ts
 * const settings: JobSettings = { workPerJob: 1_000, jobTimeoutMs: 30_000, maxAttempts: 3, resultTtlSeconds: 3600 };
 * ```
 */
export interface JobSettings {
  readonly workPerJob: number;
  /** Least wall time per job, in milliseconds (0 or absent: none). */
  readonly jobCostMs?: number;
  readonly jobTimeoutMs: number;
  readonly maxAttempts: number;
  readonly resultTtlSeconds: number;
}

/**
 * Builds the queued payload of a plan job whose dependencies' outputs are known.
 *
 * @example
 * ```ts
 * const data = jobData(job, [leftOutput, rightOutput], settings);
 * ```
 */
export function jobData(
  job: ProofJob,
  childOutputs: readonly string[],
  settings: JobSettings,
  fault?: FaultInjection,
): RedisJobData {
  return {
    v: JOB_DATA_VERSION,
    digest: taskDigest(job.kind, job.inputs, childOutputs, settings.workPerJob),
    jobId: job.id,
    name: job.name,
    kind: job.kind,
    inputs: job.inputs,
    childOutputs,
    workPerJob: settings.workPerJob,
    ...(settings.jobCostMs ? { jobCostMs: settings.jobCostMs } : {}),
    timeoutMs: settings.jobTimeoutMs,
    maxAttempts: settings.maxAttempts,
    resultTtlSeconds: settings.resultTtlSeconds,
    ...(fault === undefined ? {} : { fault: { mode: fault.mode, times: fault.times === Infinity ? -1 : fault.times } }),
  };
}

/**
 * A dequeued job, checked: the task to prove and the limits it came with.
 *
 * @example
 * ```ts
 * const { task, digest, timeoutMs, maxAttempts } = taskOf(job.id ?? "", job.data, job.attemptsStarted);
 * ```
 */
export interface QueuedTask {
  readonly task: ProofTask;
  readonly digest: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly resultTtlSeconds: number;
}

/**
 * Checks a dequeued payload and that `queueJobId` is its content digest; returns the task to prove
 * on attempt `attempt`.
 *
 * @throws {@link InvalidJobDataError} naming what is wrong.
 *
 * @example
 * ```ts
 * const { task, timeoutMs } = taskOf(job.id ?? "", job.data, job.attemptsStarted);
 * ```
 */
export function taskOf(queueJobId: string, value: unknown, attempt: number): QueuedTask {
  const fail = (reason: string): never => {
    throw new InvalidJobDataError(queueJobId, reason);
  };
  if (value === null || typeof value !== "object") return fail("no data");
  const data = value as Partial<Record<keyof RedisJobData, unknown>>;
  if (data.v !== JOB_DATA_VERSION) fail(`data version ${String(data.v)}, this worker reads ${JOB_DATA_VERSION}`);
  if (!JOB_KINDS.includes(data.kind as JobKind)) fail(`unknown kind ${String(data.kind)}`);
  const kind = data.kind as JobKind;
  const hashes = (field: "inputs" | "childOutputs"): string[] => {
    const list = data[field];
    if (!Array.isArray(list) || !list.every(isHash32)) fail(`${field} must be a list of 32-byte hex strings`);
    return list as string[];
  };
  const inputs = hashes("inputs");
  const childOutputs = hashes("childOutputs");
  const count = (field: "workPerJob" | "timeoutMs" | "maxAttempts" | "resultTtlSeconds", min: number): number => {
    const n = data[field];
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min) fail(`${field} must be an integer >= ${min}`);
    return n as number;
  };
  const workPerJob = count("workPerJob", 0);
  const timeoutMs = count("timeoutMs", 1);
  const maxAttempts = count("maxAttempts", 1);
  const resultTtlSeconds = count("resultTtlSeconds", 1);
  const cost = data.jobCostMs ?? 0;
  const jobCostMs =
    typeof cost === "number" && Number.isSafeInteger(cost) && cost >= 0 && cost <= MAX_JOB_COST_MS
      ? cost
      : fail(`jobCostMs must be an integer from 0 to ${MAX_JOB_COST_MS}`);
  if (typeof data.jobId !== "string" || typeof data.name !== "string") fail("jobId and name must be strings");
  const digest = taskDigest(kind, inputs, childOutputs, workPerJob);
  if (data.digest !== digest || queueJobId !== digest) {
    fail(`its id and digest field must both be the content digest ${digest}`);
  }
  const fault = data.fault as RedisJobData["fault"] | undefined;
  const faulty = fault !== undefined && (fault.times < 0 || attempt <= fault.times);
  const task: ProofTask = {
    jobId: data.jobId as string,
    name: data.name as string,
    kind,
    inputs,
    childOutputs,
    workPerJob,
    ...(jobCostMs > 0 ? { jobCostMs } : {}),
    attempt,
    ...(faulty ? { fault: fault.mode } : {}),
  };
  return { task, digest, timeoutMs, maxAttempts, resultTtlSeconds };
}

/**
 * ioredis options for a connection: the URL's or the given ones, retrying forever while Redis is
 * down (`maxRetriesPerRequest: null`, which BullMQ workers require), so that a Redis restart only
 * pauses the farm.
 *
 * @throws {@link InvalidFarmOptionError} for a URL that is not `redis://` or `rediss://`.
 *
 * @example
 * ```ts
 * const redis = new Redis(connectionOptions("redis://127.0.0.1:6379"));
 * ```
 */
export function connectionOptions(connection: RedisConnection, name?: string): RedisOptions & { url?: string } {
  return ioredisOptions(connection, name);
}

/**
 * {@link connectionOptions} typed for BullMQ's `connection` option.
 *
 * @example
 * ```ts
 * new Queue("fernet-proofs", { connection: bullConnection(url, "fernet-broker") });
 * ```
 */
export function bullConnection(connection: RedisConnection, name?: string): ConnectionOptions {
  return ioredisOptions(connection, name) as ConnectionOptions;
}

function ioredisOptions(connection: RedisConnection, name?: string): RedisOptions & { url?: string } {
  const base: RedisOptions = {
    maxRetriesPerRequest: null,
    ...(name === undefined ? {} : { connectionName: name }),
  };
  if (typeof connection === "string") {
    let url: URL;
    try {
      url = new URL(connection);
    } catch {
      throw new InvalidFarmOptionError("redis", connection, "Pass a URL such as redis://127.0.0.1:6379.");
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw new InvalidFarmOptionError(
        "redis",
        redactUrl(connection),
        "Use a redis:// URL, or rediss:// for TLS (e.g. redis://:password@10.0.0.5:6379).",
      );
    }
    return { ...base, url: connection };
  }
  if (connection === null || typeof connection !== "object") {
    throw new InvalidFarmOptionError("redis", connection, "Pass a redis:// URL or ioredis options.");
  }
  return { ...connection, ...base };
}

/**
 * Opens an ioredis connection with {@link connectionOptions}, plus `extra` options (e.g.
 * `{ enableAutoPipelining: true }`: commands issued in the same tick leave in one write).
 *
 * @example
 * ```ts
 * const redis = createRedis("redis://127.0.0.1:6379", "fernet-broker");
 * redis.on("error", (e) => log.warn(e.message));
 * ```
 */
export function createRedis(connection: RedisConnection, name?: string, extra: RedisOptions = {}): Redis {
  const { url, ...rest } = connectionOptions(connection, name);
  return url === undefined ? new Redis({ ...rest, ...extra }) : new Redis(url, { ...rest, ...extra });
}

/**
 * Closes a BullMQ queue, worker or event listener gracefully, or drops its connections if that does
 * not finish within `timeoutMs` (e.g. Redis is unreachable: a graceful close would wait for it).
 *
 * @example
 * ```ts
 * await closeWithin(queue, 2_000);
 * ```
 */
export async function closeWithin(
  closeable: { close(): Promise<void>; disconnect(): Promise<void> },
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = closeable.close().then(
    () => true,
    () => false,
  );
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ok = await Promise.race([closed, late]);
  clearTimeout(timer);
  // BullMQ's disconnect waits for a first connection: do not wait for it.
  if (!ok) void closeable.disconnect().catch(() => undefined);
}

/**
 * A connection's description for logs and errors, without its password.
 *
 * @example
 * ```ts
 * redactUrl("redis://:s3cret@10.0.0.5:6379"); // "redis://:***@10.0.0.5:6379"
 * ```
 */
export function redactUrl(connection: RedisConnection): string {
  if (typeof connection !== "string") {
    return `redis://${connection.host ?? "127.0.0.1"}:${connection.port ?? 6379}`;
  }
  try {
    const url = new URL(connection);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable URL)";
  }
}
