/**
 * What one proof job computes, shared by the worker threads, the in-process executor and the
 * sequential reference evaluator, plus the messages exchanged with worker threads.
 *
 * This module only uses `node:crypto` (and the global `performance` clock) so that worker threads load fast.
 *
 * A job's output is a 32-byte digest:
 *
 * ```
 * seed   = sha256(domain(kind) ‖ u8(#inputs) ‖ inputs ‖ u8(#children) ‖ childOutputs)
 * work   = sha256^workPerJob(seed)          // the simulated proving cost
 * output = sha256(seed ‖ work)
 * ```
 *
 * so the tree root depends on every tx hash, on the public inputs, on the tree shape and on
 * `workPerJob` — and on nothing else (not on worker count, timing or retries).
 *
 * A job may also have a cost in wall time, `jobCostMs` ({@link runTask}): once its output is computed,
 * the worker keeps hashing (a separate chain whose result is thrown away) until that many milliseconds
 * have passed since the job started. The simulated cost is then what it says however fast the CPU runs
 * at the moment (a shared core, a busy neighbour), and the output still does not depend on it.
 *
 * @example
 * ```ts
 * const out = jobDigest("merge", [], [leftOutput, rightOutput], 1_000);
 * ```
 */
import { createHash } from "node:crypto";
import { InvalidProveInputError } from "./errors";

/**
 * The three kinds of proof in a block's proof tree: `base` proves a pair of txs, `merge` merges two
 * neighbouring proofs of the level below, `root` binds the last proof to the public-inputs hash.
 *
 * @example
 * ```ts
 * const kind: JobKind = "merge";
 * const digest = jobDigest(kind, [], [leftOutput, rightOutput], 1_000);
 * ```
 */
export type JobKind = "base" | "merge" | "root";

/**
 * All job kinds, in tree order (leaves first).
 *
 * @example
 * ```ts
 * for (const kind of JOB_KINDS) console.log(kind, stats.byKind[kind].jobs);
 * ```
 */
export const JOB_KINDS: readonly JobKind[] = ["base", "merge", "root"];

/** Domain tags separating the digests of each kind. */
const DIGEST_DOMAIN: Readonly<Record<JobKind, Buffer>> = {
  base: Buffer.from("fernet.farm.base.v1", "utf8"),
  merge: Buffer.from("fernet.farm.merge.v1", "utf8"),
  root: Buffer.from("fernet.farm.root.v1", "utf8"),
};

/** Bytes in a digest, a tx hash or a public-inputs hash. */
const HASH_BYTES = 32;

/** Most inputs or children one job may hash (their count is encoded in one byte). */
const MAX_PARTS = 255;

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;

/**
 * How an injected fault makes a worker misbehave: `exit` ends the thread with a non-zero code,
 * `throw` raises an uncaught error in it, `hang` spins forever (until the job times out).
 *
 * @example
 * ```ts
 * const mode: FaultMode = "hang";
 * new ProverFarm({ backend, jobTimeoutMs: 1_000, faults: { root: { mode, times: 1 } } });
 * ```
 */
export type FaultMode = "exit" | "throw" | "hang";

/**
 * Exit code of a worker thread that simulates a crash with the `exit` fault.
 *
 * @example
 * ```ts
 * if (error instanceof WorkerCrashedError && error.exitCode === INJECTED_EXIT_CODE) console.log("injected");
 * ```
 */
export const INJECTED_EXIT_CODE = 70;

/**
 * One unit of work sent to an executor: a planned job plus its dependencies' outputs.
 *
 * @example
 * ```ts
 * const task: ProofTask = { jobId: "p1/base-0", name: "base-0", kind: "base", inputs: [tx0, tx1],
 *   childOutputs: [], workPerJob: 1_000, attempt: 1 };
 * ```
 */
export interface ProofTask {
  /** Unique job id (`<planId>/<name>`). */
  readonly jobId: string;
  /** Plan-local name, e.g. `base-0`, `merge-1-0`, `root`. */
  readonly name: string;
  readonly kind: JobKind;
  /** The job's own inputs: two tx hashes for a base job, the public-inputs hash for the root. */
  readonly inputs: readonly string[];
  /** Outputs of the jobs it depends on, in order. */
  readonly childOutputs: readonly string[];
  /** Iterations of chained sha256 simulating the proving cost. */
  readonly workPerJob: number;
  /**
   * Least wall time of the job, in milliseconds: the worker keeps its CPU busy hashing until then
   * (0 or absent: none). Does not change the output.
   */
  readonly jobCostMs?: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Fault to simulate on this attempt (tests only). */
  readonly fault?: FaultMode;
}

/**
 * Message from the pool to a worker thread.
 *
 * @example
 * ```ts
 * worker.postMessage({ type: "run", task } satisfies WorkerRequest);
 * ```
 */
export interface WorkerRequest {
  readonly type: "run";
  readonly task: ProofTask;
}

/**
 * Message from a worker thread to the pool: it is ready, or a job is done or failed.
 *
 * @example
 * ```ts
 * worker.on("message", (m: WorkerReply) => { if (m.type === "done") console.log(m.output); });
 * ```
 */
export type WorkerReply =
  | { readonly type: "ready" }
  | {
      readonly type: "done";
      readonly jobId: string;
      readonly output: string;
      /** Time the worker spent on the job, in milliseconds, as it measured it. */
      readonly busyMs?: number;
    }
  | { readonly type: "failed"; readonly jobId: string; readonly message: string };

/**
 * Whether `value` is a 0x-prefixed 32-byte hex string.
 *
 * @example
 * ```ts
 * isHash32(ethers.ZeroHash); // true
 * ```
 */
export function isHash32(value: unknown): value is string {
  return typeof value === "string" && HASH_RE.test(value);
}

/**
 * The simulated proving cost: `iterations` rounds of chained sha256 over `seed`.
 *
 * @example
 * ```ts
 * const result = simulateProving(Buffer.alloc(32), 10_000);
 * ```
 */
export function simulateProving(seed: Uint8Array, iterations: number): Buffer {
  let state = Buffer.from(seed);
  for (let i = 0; i < iterations; i++) {
    state = createHash("sha256").update(state).digest();
  }
  return state;
}

/**
 * Longest `jobCostMs` accepted: an hour, in milliseconds.
 *
 * @example
 * ```ts
 * new ProverFarm({ backend, jobCostMs: Math.min(costMs, MAX_JOB_COST_MS) });
 * ```
 */
export const MAX_JOB_COST_MS = 3_600_000;

/** Hashes between two looks at the clock while burning (a few tens of microseconds). */
const BURN_CHUNK = 32;

/** Domain of the burn chain's start (its result is discarded; it only keeps the CPU busy). */
const BURN_DOMAIN = Buffer.from("fernet.farm.burn.v1", "utf8");

/**
 * Keeps this thread's CPU busy with chained sha256 from `seed` until `performance.now()` reaches
 * `deadline`; returns how many hashes it made (which varies with the machine: never use it in an output).
 *
 * @example
 * ```ts
 * const hashes = burnUntil(Buffer.alloc(32), performance.now() + 50); // about 50 ms of hashing
 * ```
 */
export function burnUntil(seed: Uint8Array, deadline: number): number {
  let state = createHash("sha256").update(BURN_DOMAIN).update(seed).digest();
  let hashes = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < BURN_CHUNK; i++) state = createHash("sha256").update(state).digest();
    hashes += BURN_CHUNK;
  }
  return hashes;
}

/**
 * Checks a `jobCostMs` value: a whole number of milliseconds from 0 to {@link MAX_JOB_COST_MS}.
 *
 * @throws {@link InvalidProveInputError} otherwise.
 *
 * @example
 * ```ts
 * checkJobCostMs(50); // 50
 * ```
 */
export function checkJobCostMs(jobCostMs: unknown): number {
  if (typeof jobCostMs !== "number" || !Number.isSafeInteger(jobCostMs) || jobCostMs < 0 || jobCostMs > MAX_JOB_COST_MS) {
    throw new InvalidProveInputError(
      "jobCostMs",
      jobCostMs,
      `Use a whole number of milliseconds from 0 to ${MAX_JOB_COST_MS} (the least wall time of a job).`,
    );
  }
  return jobCostMs;
}

/**
 * Runs one task as a worker does: its output ({@link jobDigest}), then, if `task.jobCostMs` is set,
 * hashing on until that many milliseconds have passed since the call began. The output is the same
 * whatever `jobCostMs` is and however many hashes the wait took.
 *
 * @throws {@link InvalidProveInputError} for a malformed task (see {@link jobDigest}) or `jobCostMs`.
 *
 * @example
 * ```ts
 * const { output, busyMs } = runTask({ ...task, jobCostMs: 50 }); // busyMs >= 50
 * ```
 */
export function runTask(task: ProofTask): { readonly output: string; readonly busyMs: number } {
  const startedAt = performance.now();
  const costMs = checkJobCostMs(task.jobCostMs ?? 0);
  const output = jobDigest(task.kind, task.inputs, task.childOutputs, task.workPerJob);
  if (costMs > 0) burnUntil(Buffer.from(output.slice(2), "hex"), startedAt + costMs);
  return { output, busyMs: performance.now() - startedAt };
}

/**
 * The output digest of one job (see the module header for the formula). Pure and deterministic.
 *
 * @throws {@link InvalidProveInputError} when a value is not a 32-byte hex string, there are too many
 *   of them, or the kind or work is invalid; the farm validates its inputs first, so this only guards
 *   direct callers and corrupt messages.
 *
 * @example
 * ```ts
 * const leaf = jobDigest("base", [tx0, tx1], [], 1_000);
 * const root = jobDigest("root", [publicInputsHash], [leaf], 1_000);
 * ```
 */
export function jobDigest(
  kind: JobKind,
  inputs: readonly string[],
  childOutputs: readonly string[],
  workPerJob: number,
): string {
  const domain = checkedDomain(kind, workPerJob);
  const seed = createHash("sha256")
    .update(domain)
    .update(encodeParts(inputs, "inputs"))
    .update(encodeParts(childOutputs, "childOutputs"))
    .digest();
  const work = simulateProving(seed, workPerJob);
  return `0x${createHash("sha256").update(seed).update(work).digest("hex")}`;
}

/** Domain tag of task digests (distinct from every job-output domain). */
const TASK_DOMAIN = Buffer.from("fernet.farm.task.v1", "utf8");

/**
 * The content digest of a job: what it computes, not where or when.
 *
 * ```
 * taskDigest = sha256("fernet.farm.task.v1" ‖ domain(kind) ‖ u8(#inputs) ‖ inputs
 *                     ‖ u8(#children) ‖ childOutputs ‖ u64be(workPerJob))
 * ```
 *
 * Two jobs with the same digest have the same output (see {@link jobDigest}), so a queue may use it
 * as the job's id: a duplicate collapses into one job and a retry can only reproduce the same output.
 *
 * @throws {@link InvalidProveInputError} for the same malformed values as {@link jobDigest}.
 *
 * @example
 * ```ts
 * const id = taskDigest("merge", [], [leftOutput, rightOutput], 1_000); // BullMQ job id
 * ```
 */
export function taskDigest(
  kind: JobKind,
  inputs: readonly string[],
  childOutputs: readonly string[],
  workPerJob: number,
): string {
  const domain = checkedDomain(kind, workPerJob);
  const work = Buffer.alloc(8);
  work.writeBigUInt64BE(BigInt(workPerJob));
  const digest = createHash("sha256")
    .update(TASK_DOMAIN)
    .update(domain)
    .update(encodeParts(inputs, "inputs"))
    .update(encodeParts(childOutputs, "childOutputs"))
    .update(work)
    .digest("hex");
  return `0x${digest}`;
}

/** The digest domain of `kind`, after checking the kind and the work count. */
function checkedDomain(kind: JobKind, workPerJob: number): Buffer {
  const domain = DIGEST_DOMAIN[kind];
  if (domain === undefined) {
    throw new InvalidProveInputError("kind", kind, `Use one of: ${JOB_KINDS.join(", ")}.`);
  }
  if (!Number.isSafeInteger(workPerJob) || workPerJob < 0) {
    throw new InvalidProveInputError("workPerJob", workPerJob, "Use a whole number of hashing iterations, 0 or more.");
  }
  return domain;
}

/** `u8(count) ‖ values` with every value checked to be 32 bytes. */
function encodeParts(values: readonly string[], label: string): Buffer {
  if (values.length > MAX_PARTS) {
    throw new InvalidProveInputError(label, values.length, `A job hashes at most ${MAX_PARTS} ${label}.`);
  }
  const out = Buffer.alloc(1 + values.length * HASH_BYTES);
  out[0] = values.length;
  values.forEach((value, i) => {
    if (!isHash32(value)) {
      throw new InvalidProveInputError(`${label}[${i}]`, value, "Use a 0x-prefixed 32-byte hex string.");
    }
    out.write(value.slice(2), 1 + i * HASH_BYTES, "hex");
  });
  return out;
}
