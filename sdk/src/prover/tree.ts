/**
 * Plans a block's proof tree as jobs.
 *
 * - **base** jobs (level 0) each prove a pair of txs, in order; an odd last tx is paired with the
 *   zero hash, and an empty block still has one base job over two zero hashes (so every block has
 *   the same shape of proof at the top);
 * - **merge** jobs (levels 1, 2, …) each merge two neighbouring proofs of the level below; an odd
 *   proof at the end of a level is carried up unchanged to be merged higher (no padding jobs);
 * - one **root** job binds the last remaining proof to the public-inputs hash.
 *
 * So `b = max(1, ⌈txs / 2⌉)` base jobs, `b − 1` merge jobs and one root job.
 * {@link evaluatePlan} computes the same outputs sequentially, as a reference.
 *
 * @example
 * ```ts
 * const plan = planProofTree({ planId: "h7", txHashes, publicInputsHash });
 * console.log(plan.jobs.length, plan.levels, plan.rootJobId); // e.g. 8, 4, "h7/root" for 8 txs
 * ```
 */
import { ZeroHash } from "ethers";
import { InvalidProveInputError } from "./errors";
import { isHash32, jobDigest, type JobKind } from "./work";

/**
 * One job of a proof tree.
 *
 * @example
 * ```ts
 * const merge = plan.jobs.find((j) => j.name === "merge-1-0");
 * console.log(merge?.dependencies); // ["h7/base-0", "h7/base-1"]
 * ```
 */
export interface ProofJob {
  /** Unique id: `<planId>/<name>`. */
  readonly id: string;
  readonly planId: string;
  /** Plan-local name: `base-<i>`, `merge-<level>-<i>` or `root`. */
  readonly name: string;
  readonly kind: JobKind;
  /** 0 for base jobs, 1… for merge rounds, one above the last merge round for the root. */
  readonly level: number;
  /** Position within its level. */
  readonly index: number;
  /** The job's own inputs: two tx hashes for a base job, `[publicInputsHash]` for the root, none for a merge. */
  readonly inputs: readonly string[];
  /** Ids of the jobs whose outputs it consumes, in order. */
  readonly dependencies: readonly string[];
}

/**
 * A planned proof tree.
 *
 * @example
 * ```ts
 * const { jobs, rootJobId } = planProofTree({ planId: "h1", txHashes: [], publicInputsHash });
 * ```
 */
export interface ProofPlan {
  readonly planId: string;
  /** Every job, each after its dependencies. */
  readonly jobs: readonly ProofJob[];
  readonly rootJobId: string;
  /** Number of levels including the base level and the root level. */
  readonly levels: number;
  readonly txCount: number;
  readonly publicInputsHash: string;
}

/**
 * Input of {@link planProofTree}.
 *
 * @example
 * ```ts
 * const input: PlanInput = { planId: "h7", txHashes, publicInputsHash };
 * ```
 */
export interface PlanInput {
  /** Prefix of every job id; unique among plans sharing a job store. Default `"plan"`. */
  readonly planId?: string;
  /** The block's ordered tx hashes (any count, including 0). */
  readonly txHashes: readonly string[];
  /** The hash the final proof is bound to (`publicInputsHash` in `hashing.ts`). */
  readonly publicInputsHash: string;
}

/**
 * Plan id used when none is given.
 *
 * @example
 * ```ts
 * planProofTree({ txHashes, publicInputsHash }).rootJobId; // `${DEFAULT_PLAN_ID}/root`
 * ```
 */
export const DEFAULT_PLAN_ID = "plan";

/**
 * Plans the proof tree of a block (see the module header for its shape).
 *
 * @throws {@link InvalidProveInputError} for a malformed tx hash, public-inputs hash or plan id.
 *
 * @example
 * ```ts
 * const plan = planProofTree({ planId: "h3", txHashes: [tx0, tx1, tx2], publicInputsHash });
 * // base-0 (tx0, tx1), base-1 (tx2, 0x0…0), merge-1-0 (base-0, base-1), root (merge-1-0)
 * ```
 */
export function planProofTree(input: PlanInput): ProofPlan {
  const planId = input.planId ?? DEFAULT_PLAN_ID;
  if (typeof planId !== "string" || planId.length === 0 || planId.includes("/")) {
    throw new InvalidProveInputError("planId", planId, "Use a non-empty string without '/'.");
  }
  if (!isHash32(input.publicInputsHash)) {
    throw new InvalidProveInputError(
      "publicInputsHash",
      input.publicInputsHash,
      "Use a 0x-prefixed 32-byte hex string.",
    );
  }
  input.txHashes.forEach((tx, i) => {
    if (!isHash32(tx)) {
      throw new InvalidProveInputError(`txHashes[${i}]`, tx, "Use 0x-prefixed 32-byte hex strings (tx hashes).");
    }
  });

  const jobs: ProofJob[] = [];
  const add = (job: Omit<ProofJob, "id" | "planId">): ProofJob => {
    const full: ProofJob = { id: `${planId}/${job.name}`, planId, ...job };
    jobs.push(full);
    return full;
  };

  const txs = input.txHashes;
  const baseCount = Math.max(1, Math.ceil(txs.length / 2));
  let current: ProofJob[] = [];
  for (let i = 0; i < baseCount; i++) {
    current.push(
      add({
        name: `base-${i}`,
        kind: "base",
        level: 0,
        index: i,
        inputs: [txs[2 * i] ?? ZeroHash, txs[2 * i + 1] ?? ZeroHash],
        dependencies: [],
      }),
    );
  }

  let level = 1;
  while (current.length > 1) {
    const next: ProofJob[] = [];
    for (let i = 0; i < current.length; i += 2) {
      const right = current[i + 1];
      if (right === undefined) {
        next.push(current[i]); // odd one out: carried up to be merged at a higher level
        continue;
      }
      next.push(
        add({
          name: `merge-${level}-${next.length}`,
          kind: "merge",
          level,
          index: next.length,
          inputs: [],
          dependencies: [current[i].id, right.id],
        }),
      );
    }
    current = next;
    level++;
  }

  const root = add({
    name: "root",
    kind: "root",
    level,
    index: 0,
    inputs: [input.publicInputsHash],
    dependencies: [current[0].id],
  });
  return {
    planId,
    jobs,
    rootJobId: root.id,
    levels: level + 1,
    txCount: txs.length,
    publicInputsHash: input.publicInputsHash,
  };
}

/**
 * Result of {@link evaluatePlan}.
 *
 * @example
 * ```ts
 * const { treeRoot, outputs } = evaluatePlan(plan, 1_000);
 * ```
 */
export interface PlanEvaluation {
  /** Output of the root job. */
  readonly treeRoot: string;
  /** Output of every job, by id. */
  readonly outputs: ReadonlyMap<string, string>;
}

/**
 * Computes every job of a plan in order, in this thread: the reference the farm must reproduce.
 *
 * @example
 * ```ts
 * const { treeRoot } = evaluatePlan(plan, workPerJob);
 * assert.equal((await farm.prove(request)).treeRoot, treeRoot);
 * ```
 */
export function evaluatePlan(plan: ProofPlan, workPerJob: number): PlanEvaluation {
  const outputs = new Map<string, string>();
  for (const job of plan.jobs) {
    const childOutputs = job.dependencies.map((id) => {
      const output = outputs.get(id);
      if (output === undefined) {
        throw new InvalidProveInputError(`${job.id}.dependencies`, id, "List each job after the jobs it depends on.");
      }
      return output;
    });
    outputs.set(job.id, jobDigest(job.kind, job.inputs, childOutputs, workPerJob));
  }
  const treeRoot = outputs.get(plan.rootJobId);
  if (treeRoot === undefined) {
    throw new InvalidProveInputError("rootJobId", plan.rootJobId, "The root job must be one of the plan's jobs.");
  }
  return { treeRoot, outputs };
}

/**
 * What a plan's shape allows `workers` workers to gain, every job taking the same time: see
 * {@link speedupBound}.
 *
 * @example
 * ```ts
 * const { rounds, criticalPath, speedup } = speedupBound(plan, 2);
 * ```
 */
export interface SpeedupBound {
  readonly jobs: number;
  /** Jobs on the longest dependency chain (leaf to root): a lower bound of the rounds with any worker count. */
  readonly criticalPath: number;
  /** Rounds of an optimal schedule on `workers` workers (one job per worker per round). */
  readonly rounds: number;
  /** `jobs / rounds`: the best speed-up over one worker that the tree's shape permits. */
  readonly speedup: number;
}

/**
 * The best speed-up `workers` workers can reach on `plan` when every job costs the same: the rounds of
 * a highest-level-first schedule (the job farthest from the root first), which is optimal for trees
 * of equal-time jobs. With 2 workers, a top of the tree where a level holds a single job (the last
 * merge, the root) leaves one worker idle; so does a level with an odd number of jobs.
 *
 * @example
 * ```ts
 * speedupBound(planProofTree({ txHashes: txs64, publicInputsHash }), 2).speedup; // 64 / 33 ≈ 1.94
 * ```
 */
export function speedupBound(plan: ProofPlan, workers: number): SpeedupBound {
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new InvalidProveInputError("workers", workers, "Use a whole number of workers, at least 1.");
  }
  const dependents = new Map<string, string[]>();
  for (const job of plan.jobs) {
    for (const dep of job.dependencies) dependents.set(dep, [...(dependents.get(dep) ?? []), job.id]);
  }
  // Distance to the root, in jobs (the root: 1); jobs come after their dependencies, so walk backwards.
  const height = new Map<string, number>();
  for (let i = plan.jobs.length - 1; i >= 0; i--) {
    const { id } = plan.jobs[i];
    height.set(id, 1 + Math.max(0, ...(dependents.get(id) ?? []).map((d) => height.get(d) ?? 0)));
  }
  const waiting = new Map(plan.jobs.map((job) => [job.id, job.dependencies.length]));
  let ready = plan.jobs.filter((job) => job.dependencies.length === 0).map((job) => job.id);
  let rounds = 0;
  let done = 0;
  while (ready.length > 0) {
    ready.sort((a, b) => (height.get(b) ?? 0) - (height.get(a) ?? 0));
    const batch = ready.slice(0, workers);
    ready = ready.slice(workers);
    rounds++;
    done += batch.length;
    for (const id of batch) {
      for (const d of dependents.get(id) ?? []) {
        const left = (waiting.get(d) ?? 0) - 1;
        waiting.set(d, left);
        if (left === 0) ready.push(d);
      }
    }
  }
  if (done !== plan.jobs.length) {
    throw new InvalidProveInputError("jobs", plan.jobs.length, "Every job must be reachable from the leaves (a plan of planProofTree).");
  }
  const criticalPath = Math.max(...height.values());
  return { jobs: plan.jobs.length, criticalPath, rounds, speedup: plan.jobs.length / rounds };
}
