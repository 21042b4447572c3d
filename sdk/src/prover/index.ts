/**
 * The local prover farm: proves a block as a tree of jobs on worker threads and returns the proof
 * for the verifier in use (DESIGN §11).
 *
 * ```
 * ProverFarm ── plans (tree.ts) ──► ProvingBroker (broker.ts) ──► JobExecutor (executor.ts)
 *      │                               │  JobStore (store.ts)        └─ WorkerPool (pool.ts) ─► worker.ts
 *      │                               └─ FarmMetrics (metrics.ts)
 *      └─ or any PlanRunner, e.g. RedisBroker (redis/) ──► BullMQ on Redis ──► RedisFarmWorker processes
 * ProofBackend (backend.ts): tree root + public inputs ──► proof bytes
 * ```
 *
 * The Redis farm lives in `./redis` and is not re-exported here, so importing the thread farm does
 * not load BullMQ.
 *
 * @example
 * ```ts
 * import { ProverFarm, MockProofBackend } from "./sdk/src/prover";
 *
 * const farm = new ProverFarm({ workers: 2, workPerJob: 10_000, jobTimeoutMs: 30_000, maxAttempts: 3,
 *   backend: new MockProofBackend() });
 * try {
 *   const request = { chainId, rollup, header, prover, txHashes };
 *   const { proof, publicInputsHash, treeRoot, stats } = await farm.prove(request);
 *   await rollup.connect(proverSigner).submitProof(headerTuple(header), proof);
 * } finally {
 *   await farm.close();
 * }
 * ```
 */
import { EventEmitter } from "node:events";
import { isAddress } from "ethers";
import { publicInputsHash, txsRoot, type Header } from "../hashing";
import type { ProofBackend } from "./backend";
import { ProvingBroker, validateBrokerOptions, type FaultPlan, type PlanRunner } from "./broker";
import { FarmClosedError, InvalidFarmOptionError, InvalidProveInputError, TxsMismatchError } from "./errors";
import type { JobExecutor } from "./executor";
import { FarmMetrics, type FarmEventMap, type FarmStats } from "./metrics";
import { MAX_WORKERS, WorkerPool } from "./pool";
import { InMemoryJobStore, type JobStore } from "./store";
import { planProofTree } from "./tree";
import { isHash32, MAX_JOB_COST_MS } from "./work";

export { MockProofBackend, type ProofBackend, type ProofBackendInput } from "./backend";
export {
  ProvingBroker,
  validateBrokerOptions,
  type BrokerOptions,
  type FaultInjection,
  type FaultPlan,
  type PlanRunner,
} from "./broker";
export * from "./errors";
export {
  InlineExecutor,
  INLINE_WORKER_ID,
  type ExecutionResult,
  type InlineExecutorOptions,
  type JobExecutor,
  type RunOptions,
} from "./executor";
export * from "./metrics";
export { MAX_WORKERS, WorkerPool, type WorkerPoolOptions } from "./pool";
export * from "./store";
export * from "./tree";
export * from "./work";

/**
 * Defaults of {@link ProverFarmOptions}.
 *
 * @example
 * ```ts
 * new ProverFarm({ backend, workPerJob: FARM_DEFAULTS.workPerJob * 10 });
 * ```
 */
export const FARM_DEFAULTS = {
  workers: 2,
  workPerJob: 1_000,
  jobCostMs: 0,
  jobTimeoutMs: 60_000,
  maxAttempts: 3,
} as const;

/**
 * Options of {@link ProverFarm}.
 *
 * @example
 * ```ts
 * const options: ProverFarmOptions = { workers: 2, workPerJob: 10_000, jobTimeoutMs: 30_000, maxAttempts: 3,
 *   backend: new MockProofBackend() };
 * ```
 */
export interface ProverFarmOptions {
  /** The backend producing the final proof; required so that a stub is never chosen by default. */
  readonly backend: ProofBackend;
  /** Worker threads (1 to {@link MAX_WORKERS}); ignored when `executor` is given. Default 2. */
  readonly workers?: number;
  /** Chained sha256 iterations per job, the simulated proving cost (0 or more). Default 1,000. */
  readonly workPerJob?: number;
  /**
   * Simulated proving cost in wall time: each job keeps its worker's CPU busy hashing until it has
   * taken at least this many milliseconds (after its `workPerJob` iterations), however fast the CPU
   * runs meanwhile. Outputs do not depend on it. 0 to {@link MAX_JOB_COST_MS}, below `jobTimeoutMs`. Default 0.
   */
  readonly jobCostMs?: number;
  /** Per-attempt timeout in milliseconds; a job past it has its worker stopped and is retried. Default 60,000. */
  readonly jobTimeoutMs?: number;
  /** Attempts per job before the proof fails with {@link JobFailedError}. Default 3. */
  readonly maxAttempts?: number;
  /**
   * Runs jobs elsewhere than on this farm's own worker threads (e.g. {@link InlineExecutor});
   * the farm does not close it.
   */
  readonly executor?: JobExecutor;
  /** Where jobs wait; default a fresh {@link InMemoryJobStore}. */
  readonly store?: JobStore;
  /** Faults to inject by job name, to exercise retries (tests only). */
  readonly faults?: FaultPlan;
  /**
   * Schedules the plans instead of the farm's own broker and threads, e.g. a `RedisBroker` proving on
   * worker processes of other machines. It carries its own job options, so `workers`, `workPerJob`,
   * `jobTimeoutMs`, `maxAttempts`, `executor`, `store` and `faults` must not be given with it.
   * {@link ProverFarm.close} closes it.
   */
  readonly broker?: PlanRunner;
}

/** Options that belong to the farm's own broker, not to an injected one. */
const OWN_BROKER_OPTIONS = [
  "workers",
  "workPerJob",
  "jobCostMs",
  "jobTimeoutMs",
  "maxAttempts",
  "executor",
  "store",
  "faults",
] as const satisfies readonly (keyof ProverFarmOptions)[];

/** The numeric options, defaults applied. */
type FarmSettings = Required<
  Pick<ProverFarmOptions, "workers" | "workPerJob" | "jobCostMs" | "jobTimeoutMs" | "maxAttempts">
>;

/**
 * What to prove: the public inputs the rollup checks and the block's ordered tx hashes.
 *
 * @example
 * ```ts
 * const request: ProveRequest = { chainId: 31337n, rollup, header, prover, txHashes };
 * ```
 */
export interface ProveRequest {
  readonly chainId: bigint;
  /** The rollup contract's address. */
  readonly rollup: string;
  /** The block's header; its `txCount` and `txsRoot` must match `txHashes`. */
  readonly header: Header;
  /** The prover address the proof is bound to (the committed prover, or the backup submitter). */
  readonly prover: string;
  readonly txHashes: readonly string[];
}

/**
 * A finished proof.
 *
 * @example
 * ```ts
 * const { proof, publicInputsHash, treeRoot, stats } = await farm.prove(request);
 * ```
 */
export interface FarmProof {
  /** Proof bytes for `IProofVerifier.verify(proof, publicInputsHash)`. */
  readonly proof: string;
  readonly publicInputsHash: string;
  /** Output of the root job: reproducible from the txs, the public inputs and `workPerJob` (not `jobCostMs`). */
  readonly treeRoot: string;
  /** Name of the backend that made `proof`. */
  readonly backend: string;
  readonly stats: FarmStats;
}

/**
 * Proves blocks on a pool of worker threads (see the module header). Create it once, prove as many
 * blocks as needed (concurrently if wished), then {@link ProverFarm.close} it.
 *
 * @example
 * ```ts
 * const farm = new ProverFarm({ workers: 2, backend: new MockProofBackend() });
 * farm.events.on("job-retried", (e) => console.warn(`retrying ${e.name}: ${e.message}`));
 * const result = await farm.prove(request);
 * await farm.close();
 * ```
 */
export class ProverFarm {
  /** Job and plan events (`job-started`, `job-completed`, `job-retried`, `job-failed`, `plan-completed`). */
  readonly events = new EventEmitter<FarmEventMap>();
  private readonly backend: ProofBackend;
  private readonly settings: FarmSettings;
  private readonly faults?: FaultPlan;
  private readonly store: JobStore;
  private readonly injectedExecutor?: JobExecutor;
  private pool?: WorkerPool;
  private broker?: PlanRunner;
  private runs = 0;
  private closed = false;

  /**
   * Checks the options; threads start on the first {@link ProverFarm.prove}.
   *
   * @throws {@link InvalidFarmOptionError} naming the first bad option and what to pass instead.
   *
   * @example
   * ```ts
   * const farm = new ProverFarm({ workers: 1, backend: new MockProofBackend() });
   * ```
   */
  constructor(options: ProverFarmOptions) {
    if (options === null || typeof options !== "object") {
      throw new InvalidFarmOptionError("options", options, "Pass an object with at least { backend }.");
    }
    const backend = options.backend as ProofBackend | undefined;
    if (backend === undefined || backend === null || typeof backend.prove !== "function") {
      throw new InvalidFarmOptionError(
        "backend",
        backend,
        "Pass a ProofBackend for the verifier in use, e.g. new MockProofBackend() for the NOT SOUND MockProofVerifier.",
      );
    }
    if (options.broker !== undefined) {
      const broker = options.broker as PlanRunner | null;
      if (broker === null || typeof broker.run !== "function" || typeof broker.close !== "function") {
        throw new InvalidFarmOptionError("broker", broker, "Pass a PlanRunner (run and close), e.g. a RedisBroker.");
      }
      const clash = OWN_BROKER_OPTIONS.find((key) => options[key] !== undefined);
      if (clash !== undefined) {
        throw new InvalidFarmOptionError(
          clash,
          options[clash],
          "Set it on the broker given in 'broker' (e.g. RedisBroker's options), not on the farm.",
        );
      }
      this.broker = broker;
    }
    const settings = {
      workers: options.workers ?? FARM_DEFAULTS.workers,
      workPerJob: options.workPerJob ?? FARM_DEFAULTS.workPerJob,
      jobCostMs: options.jobCostMs ?? FARM_DEFAULTS.jobCostMs,
      jobTimeoutMs: options.jobTimeoutMs ?? FARM_DEFAULTS.jobTimeoutMs,
      maxAttempts: options.maxAttempts ?? FARM_DEFAULTS.maxAttempts,
    };
    if (options.executor === undefined && options.broker === undefined) validateWorkers(settings.workers);
    validateBrokerOptions({ ...settings, ...(options.faults ? { faults: options.faults } : {}) });
    this.backend = backend;
    this.settings = settings;
    this.faults = options.faults;
    this.store = options.store ?? new InMemoryJobStore();
    this.injectedExecutor = options.executor;
  }

  /**
   * Threads alive in the farm's own pool (0 before the first proof and after {@link ProverFarm.close}).
   *
   * @example
   * ```ts
   * await farm.close();
   * assert.equal(farm.liveWorkers, 0);
   * ```
   */
  get liveWorkers(): number {
    return this.pool?.liveWorkers ?? 0;
  }

  /**
   * Threads started by the farm's own pool so far, replacements of crashed or stopped ones included.
   *
   * @example
   * ```ts
   * console.log(`${farm.workersStarted - 2} worker(s) replaced`);
   * ```
   */
  get workersStarted(): number {
    return this.pool?.workersStarted ?? 0;
  }

  /**
   * Proves one block: plans its tree, runs the jobs, and asks the backend for the final proof.
   *
   * @throws {@link InvalidProveInputError} or {@link TxsMismatchError} for a bad request;
   *   {@link JobFailedError} when a job fails `maxAttempts` times; {@link FarmClosedError} after
   *   (or during) {@link ProverFarm.close}.
   *
   * @example
   * ```ts
   * const { proof, treeRoot, stats } = await farm.prove({ chainId, rollup, header, prover, txHashes });
   * ```
   */
  async prove(request: ProveRequest): Promise<FarmProof> {
    if (this.closed) throw new FarmClosedError();
    const { chainId, rollup, header, prover, txHashes } = checkRequest(request);
    const inputsHash = publicInputsHash(chainId, rollup, header, prover);
    const plan = planProofTree({ planId: `h${header.height}-r${++this.runs}`, txHashes, publicInputsHash: inputsHash });
    const metrics = new FarmMetrics(plan, this.events);
    // Idle threads are unref'd so a process can exit once it is done; while a proof is under way
    // (between a job's completion and its parent's dispatch, say) this timer keeps the process alive.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      const treeRoot = await this.start().run(plan, metrics);
      const proof = await this.backend.prove({ chainId, rollup, header, prover, publicInputsHash: inputsHash, treeRoot });
      return { proof, publicInputsHash: inputsHash, treeRoot, backend: this.backend.name, stats: metrics.finish() };
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * Stops the farm: running proofs reject with {@link FarmClosedError} and every worker thread of
   * its own pool has exited when the promise resolves. Safe to call twice.
   *
   * @example
   * ```ts
   * await farm.close();
   * ```
   */
  async close(): Promise<void> {
    this.closed = true;
    const broker = this.broker;
    const pool = this.pool;
    // Idle threads are unref'd: without this timer, a process awaiting close() could end before its
    // threads' exit is reported, and the await would never return.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      await broker?.close();
      await pool?.close();
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Starts the pool and broker on first use. */
  private start(): PlanRunner {
    if (this.broker === undefined) {
      const executor = this.injectedExecutor ?? (this.pool = new WorkerPool({ workers: this.settings.workers }));
      this.broker = new ProvingBroker(this.store, executor, {
        workPerJob: this.settings.workPerJob,
        jobCostMs: this.settings.jobCostMs,
        jobTimeoutMs: this.settings.jobTimeoutMs,
        maxAttempts: this.settings.maxAttempts,
        ...(this.faults ? { faults: this.faults } : {}),
      });
    }
    return this.broker;
  }
}

/** Same rule as the pool's, checked before any thread starts. */
function validateWorkers(workers: number): void {
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new InvalidFarmOptionError(
      "workers",
      workers,
      `Pass an integer from 1 to ${MAX_WORKERS}: the number of worker threads (e.g. os.availableParallelism() - 1).`,
    );
  }
}

/** Header fields that must be 32-byte hashes. */
const HEADER_HASH_FIELDS = ["parentArchive", "archive", "txsRoot", "dataHash", "signal"] as const;

/** Checks a prove request field by field, then that the txs are the header's. */
function checkRequest(request: ProveRequest): ProveRequest {
  if (request === null || typeof request !== "object") {
    throw new InvalidProveInputError("request", request, "Pass { chainId, rollup, header, prover, txHashes }.");
  }
  const { chainId, rollup, header, prover, txHashes } = request;
  if (typeof chainId !== "bigint" || chainId < 0n) {
    throw new InvalidProveInputError("chainId", chainId, "Pass the chain id as a non-negative bigint (e.g. 31337n).");
  }
  if (typeof rollup !== "string" || !isAddress(rollup)) {
    throw new InvalidProveInputError("rollup", rollup, "Pass the rollup contract's address.");
  }
  if (typeof prover !== "string" || !isAddress(prover)) {
    throw new InvalidProveInputError("prover", prover, "Pass the address the proof is bound to.");
  }
  if (header === null || typeof header !== "object") {
    throw new InvalidProveInputError("header", header, "Pass the block's Header (e.g. from buildHeader).");
  }
  for (const field of ["height", "txCount"] as const) {
    if (typeof header[field] !== "bigint" || header[field] < 0n) {
      throw new InvalidProveInputError(
        `header.${field}`,
        header[field],
        "Pass a non-negative bigint (use buildHeader).",
      );
    }
  }
  for (const field of HEADER_HASH_FIELDS) {
    if (!isHash32(header[field])) {
      throw new InvalidProveInputError(
        `header.${field}`,
        header[field],
        "Pass a 0x-prefixed 32-byte hex string (use buildHeader).",
      );
    }
  }
  if (!Array.isArray(txHashes)) {
    throw new InvalidProveInputError("txHashes", txHashes, "Pass the block's ordered tx hashes as an array.");
  }
  txHashes.forEach((tx: unknown, i) => {
    if (!isHash32(tx)) throw new InvalidProveInputError(`txHashes[${i}]`, tx, "Use 0x-prefixed 32-byte hex strings.");
  });
  if (header.txCount !== BigInt(txHashes.length)) {
    throw new TxsMismatchError("txCount", String(header.txCount), String(txHashes.length));
  }
  const root = txsRoot(txHashes);
  if (header.txsRoot.toLowerCase() !== root.toLowerCase()) {
    throw new TxsMismatchError("txsRoot", header.txsRoot, root);
  }
  return request;
}
