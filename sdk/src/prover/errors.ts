/**
 * Typed errors of the prover farm. Every error the farm throws extends {@link ProverFarmError},
 * itself a {@link FernetError}: a short message saying what went wrong, `details` saying what to do,
 * and the underlying `cause` when there is one.
 *
 * @example
 * ```ts
 * try {
 *   await farm.prove(request);
 * } catch (e) {
 *   if (e instanceof JobFailedError) console.error(`job ${e.jobName} failed ${e.attempts} times`);
 *   else if (e instanceof ProverFarmError) console.error(e.shortMessage, e.details);
 * }
 * ```
 */
import { FernetError } from "../errors";
import type { JobKind } from "./work";

/**
 * Base class of every prover-farm error; catch it to handle all of them at once.
 *
 * @example
 * ```ts
 * if (error instanceof ProverFarmError) console.error(error.details);
 * ```
 */
export class ProverFarmError extends FernetError {
  override name = "ProverFarmError";
}

/**
 * An option given to the farm, the pool or the broker is out of range.
 *
 * @example
 * ```ts
 * new ProverFarm({ backend, workers: 0 }); // throws InvalidFarmOptionError (option "workers")
 * ```
 */
export class InvalidFarmOptionError extends ProverFarmError {
  override name = "InvalidFarmOptionError";
  constructor(
    readonly option: string,
    readonly value: unknown,
    rule: string,
  ) {
    super(`Invalid prover farm option "${option}": ${describe(value)}.`, rule);
  }
}

/**
 * A field of a prove request (or of a plan's inputs) is malformed.
 *
 * @example
 * ```ts
 * await farm.prove({ ...request, txHashes: ["0x1234"] }); // throws InvalidProveInputError ("txHashes[0]")
 * ```
 */
export class InvalidProveInputError extends ProverFarmError {
  override name = "InvalidProveInputError";
  constructor(
    readonly field: string,
    readonly value: unknown,
    rule: string,
  ) {
    super(`Invalid prove input "${field}": ${describe(value)}.`, rule);
  }
}

/**
 * The tx hashes given to the farm are not the ones the header commits to (`txCount` or `txsRoot`).
 *
 * @example
 * ```ts
 * await farm.prove({ ...request, txHashes: otherTxs }); // throws TxsMismatchError (field "txsRoot")
 * ```
 */
export class TxsMismatchError extends ProverFarmError {
  override name = "TxsMismatchError";
  constructor(
    readonly field: "txCount" | "txsRoot",
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `The tx hashes do not match the header's ${field}: the header has ${expected}, the txs give ${actual}.`,
      "Pass the block's ordered tx hashes, the ones the header was built from (buildHeader).",
    );
  }
}

/**
 * The thread (or remote worker) running a job exited or threw before answering.
 *
 * @example
 * ```ts
 * pool.run(task, { timeoutMs }).catch((e) => {
 *   if (e instanceof WorkerCrashedError) console.warn(`${e.workerId} crashed on ${e.jobId}`);
 * });
 * ```
 */
export class WorkerCrashedError extends ProverFarmError {
  override name = "WorkerCrashedError";
  constructor(
    readonly jobId: string,
    readonly workerId: string,
    readonly exitCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `Worker ${workerId} crashed while proving job ${jobId}` +
        (exitCode === undefined ? "." : ` (exit code ${exitCode}).`),
      "The broker retries the job on a fresh worker until maxAttempts is reached.",
      options,
    );
  }
}

/**
 * A job ran longer than `jobTimeoutMs`; its worker was stopped and replaced.
 *
 * @example
 * ```ts
 * pool.run(task, { timeoutMs: 1_000 }).catch((e) => {
 *   if (e instanceof JobTimeoutError) console.warn(`${e.jobId} exceeded ${e.timeoutMs} ms`);
 * });
 * ```
 */
export class JobTimeoutError extends ProverFarmError {
  override name = "JobTimeoutError";
  constructor(
    readonly jobId: string,
    readonly workerId: string,
    readonly timeoutMs: number,
  ) {
    super(
      `Job ${jobId} did not finish within ${timeoutMs} ms on worker ${workerId}; the worker was stopped.`,
      "The broker retries the job on a fresh worker; raise jobTimeoutMs if jobs are slow rather than stuck.",
    );
  }
}

/**
 * A worker answered that it could not compute a job (its process stayed healthy).
 *
 * @example
 * ```ts
 * if (e instanceof WorkerJobError) console.warn(`${e.workerId} rejected ${e.jobId}: ${e.reason}`);
 * ```
 */
export class WorkerJobError extends ProverFarmError {
  override name = "WorkerJobError";
  constructor(
    readonly jobId: string,
    readonly workerId: string,
    readonly reason: string,
  ) {
    super(
      `Worker ${workerId} failed job ${jobId}: ${reason}`,
      "The broker retries the job until maxAttempts is reached.",
    );
  }
}

/**
 * A job failed on every one of its `maxAttempts` attempts; the whole proof is abandoned.
 * `cause` is the last attempt's error and `failures` lists every attempt's.
 *
 * @example
 * ```ts
 * try { await farm.prove(request); }
 * catch (e) { if (e instanceof JobFailedError) console.error(e.jobId, e.failures); }
 * ```
 */
export class JobFailedError extends ProverFarmError {
  override name = "JobFailedError";
  constructor(
    readonly jobId: string,
    readonly jobName: string,
    readonly kind: JobKind,
    readonly attempts: number,
    readonly failures: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `Proof job ${jobName} (${kind}, id ${jobId}) failed after ${attempts} attempt(s).`,
      `Attempts: ${failures.map((f, i) => `#${i + 1} ${f}`).join("; ")}. ` +
        "Check the workers (crashes, timeouts), raise maxAttempts or jobTimeoutMs, then prove the block again.",
      options,
    );
  }
}

/**
 * The farm (or its pool or broker) was closed: no more work is accepted and unfinished proofs stop.
 *
 * @example
 * ```ts
 * await farm.close();
 * await farm.prove(request); // throws FarmClosedError
 * ```
 */
export class FarmClosedError extends ProverFarmError {
  override name = "FarmClosedError";
  constructor() {
    super("The prover farm is closed.", "Create a new ProverFarm to prove more blocks.");
  }
}

/**
 * Worker threads could not be started (for example TypeScript support missing in the worker).
 *
 * @example
 * ```ts
 * if (e instanceof JobFailedError && e.cause instanceof WorkerStartError) console.error(e.cause.details);
 * ```
 */
export class WorkerStartError extends ProverFarmError {
  override name = "WorkerStartError";
  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      `Prover worker threads cannot start: ${reason}`,
      "Run the SDK through ts-node (tests, hardhat run) with the 'ts-node' package installed, " +
        "or compile it to JavaScript.",
      options,
    );
  }
}

/**
 * A job store was given a job whose id it already holds.
 *
 * @example
 * ```ts
 * await store.add(plan.jobs);
 * await store.add(plan.jobs); // throws DuplicateJobError
 * ```
 */
export class DuplicateJobError extends ProverFarmError {
  override name = "DuplicateJobError";
  constructor(readonly jobId: string) {
    super(`Job ${jobId} is already in the store.`, "Give each plan a unique planId (job ids are prefixed with it).");
  }
}

/**
 * A job store was asked about a job it does not hold, or given a job depending on an unknown job.
 *
 * @example
 * ```ts
 * await store.complete("nope/base-0", output); // throws UnknownJobError
 * ```
 */
export class UnknownJobError extends ProverFarmError {
  override name = "UnknownJobError";
  constructor(
    readonly jobId: string,
    context: string,
  ) {
    super(
      `Unknown job ${jobId} (${context}).`,
      "Add a job's dependencies before it (plans list their jobs in dependency order).",
    );
  }
}

/**
 * A job store transition was asked from the wrong state (e.g. completing a job nobody took).
 *
 * @example
 * ```ts
 * await store.complete(queuedJobId, output); // throws JobStateError (status "queued", expected "running")
 * ```
 */
export class JobStateError extends ProverFarmError {
  override name = "JobStateError";
  constructor(
    readonly jobId: string,
    readonly status: string,
    readonly expected: string,
  ) {
    super(
      `Job ${jobId} is ${status}, not ${expected}.`,
      "Only a job taken from the store (running) can be completed, released or failed.",
    );
  }
}

/**
 * Thrown inside a worker by the fault-injection option `throw`, to simulate a crashing prover.
 *
 * @example
 * ```ts
 * new ProverFarm({ backend, faults: { "base-1": { mode: "throw", times: 1 } } });
 * ```
 */
export class InjectedFaultError extends ProverFarmError {
  override name = "InjectedFaultError";
  constructor(readonly jobId: string) {
    super(`Injected fault while proving job ${jobId}.`, "Remove the 'faults' option outside tests.");
  }
}

/**
 * A result stored in Redis for a job's content digest names another digest: it was written for a
 * different job (a buggy or hostile worker, or a corrupted database) and is refused, never used.
 *
 * @example
 * ```ts
 * try { await farm.prove(request); }
 * catch (e) { if (e instanceof ResultDigestMismatchError) console.error(e.key, e.expected, e.actual); }
 * ```
 */
export class ResultDigestMismatchError extends ProverFarmError {
  override name = "ResultDigestMismatchError";
  constructor(
    readonly jobId: string,
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `The result stored for job ${jobId} at ${key} was written for digest ${actual}, not ${expected}; refused.`,
      "Something wrote a result under another job's key. Delete that key (the job is then proved again) " +
        "and check which worker wrote it (its workerId is in the record).",
    );
  }
}

/**
 * A stored result cannot be read: not JSON, or a field is missing or malformed.
 *
 * @example
 * ```ts
 * await results.read(digest); // throws CorruptResultError for a record that is not a result
 * ```
 */
export class CorruptResultError extends ProverFarmError {
  override name = "CorruptResultError";
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`The result stored at ${key} is unreadable: ${reason}.`, "Delete the key; the job is then proved again.");
  }
}

/**
 * Two workers stored different outputs for the same job digest. Job outputs are deterministic, so
 * one of them computed wrongly; the first stored result is kept and the second worker's job fails.
 *
 * @example
 * ```ts
 * worker.events.on("job-failed", (e) => { if (e.error instanceof ResultConflictError) alert(e.error.message); });
 * ```
 */
export class ResultConflictError extends ProverFarmError {
  override name = "ResultConflictError";
  constructor(
    readonly digest: string,
    readonly stored: string,
    readonly computed: string,
  ) {
    super(
      `Job digest ${digest} already has output ${stored}, but this worker computed ${computed}.`,
      "Outputs are deterministic: check this worker's build (same SDK version and workPerJob) and its hardware.",
    );
  }
}

/**
 * A queued job's data is not a proof task this worker understands, or its id is not its content digest.
 *
 * @example
 * ```ts
 * // a job added to the farm's queue by hand, without the broker
 * worker.events.on("job-failed", (e) => console.error(e.error)); // InvalidJobDataError
 * ```
 */
export class InvalidJobDataError extends ProverFarmError {
  override name = "InvalidJobDataError";
  constructor(
    readonly queueJobId: string,
    reason: string,
  ) {
    super(
      `Queued job ${queueJobId} is not a valid proof task: ${reason}.`,
      "Only the farm's broker (RedisBroker) should add jobs to the farm's queue; " +
        "brokers and workers must run the same SDK version.",
    );
  }
}

/**
 * Redis did not answer within the connection timeout.
 *
 * @example
 * ```ts
 * await new RedisBroker({ redis: "redis://10.0.0.5:6379", ...options }).ready(); // may throw RedisUnavailableError
 * ```
 */
export class RedisUnavailableError extends ProverFarmError {
  override name = "RedisUnavailableError";
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Redis at ${url} did not answer within ${timeoutMs} ms.`,
      "Check that redis-server runs and is reachable from this machine (host, port, password, TLS), " +
        "or raise connectTimeoutMs.",
      options,
    );
  }
}

/** Renders an offending value for a message. */
function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === undefined || value === null) {
    return String(value);
  }
  return typeof value;
}
