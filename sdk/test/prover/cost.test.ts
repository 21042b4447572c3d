/**
 * The wall-time job cost (`jobCostMs`), prefetching in the worker pool and the tree's speed-up bound.
 */
import { expect } from "chai";
import { performance } from "node:perf_hooks";
import { ZeroHash } from "ethers";
import {
  burnUntil,
  checkJobCostMs,
  evaluatePlan,
  InlineExecutor,
  InvalidFarmOptionError,
  InvalidJobDataError,
  InvalidProveInputError,
  jobDigest,
  MAX_JOB_COST_MS,
  MockProofBackend,
  planProofTree,
  ProverFarm,
  ProvingBroker,
  InMemoryJobStore,
  runTask,
  speedupBound,
  taskDigest,
  validateBrokerOptions,
  WorkerPool,
  type ExecutionResult,
  type JobExecutor,
  type ProofTask,
  type ProverFarmOptions,
  type RunOptions,
} from "../../src/prover";
import { jobData, taskOf } from "../../src/prover/redis/protocol";
import { TEST_WORK, inputsHashOf, requestFor, txHashesOf } from "./fixtures";

const [TX0, TX1] = txHashesOf(2);
const TASK: ProofTask = {
  jobId: "p/base-0",
  name: "base-0",
  kind: "base",
  inputs: [TX0, TX1],
  childOutputs: [],
  workPerJob: TEST_WORK,
  attempt: 1,
};

function referenceRoot(txs: number, height: bigint, work = TEST_WORK): string {
  const request = requestFor(txs, height);
  return evaluatePlan(planProofTree({ txHashes: request.txHashes, publicInputsHash: inputsHashOf(request) }), work).treeRoot;
}

describe("Prover farm: wall-time job cost", function () {
  this.timeout(60_000);

  describe("runTask", () => {
    it("returns the job's digest whatever the cost, after at least jobCostMs", () => {
      const expected = jobDigest("base", TASK.inputs, [], TEST_WORK);
      for (const jobCostMs of [0, 5, 25]) {
        const t0 = performance.now();
        const { output, busyMs } = runTask({ ...TASK, jobCostMs });
        const wall = performance.now() - t0;
        expect(output, `jobCostMs ${jobCostMs}`).to.equal(expected);
        expect(busyMs).to.be.at.least(jobCostMs);
        expect(wall).to.be.at.least(jobCostMs);
      }
      expect(runTask(TASK).output).to.equal(expected);
    });

    it("keeps hashing until the deadline, and not at all past it", () => {
      expect(burnUntil(Buffer.alloc(32), performance.now() + 10)).to.be.greaterThan(0);
      expect(burnUntil(Buffer.alloc(32), performance.now() - 1)).to.equal(0);
    });

    it("refuses a cost that is not a whole number of milliseconds in range", () => {
      expect(checkJobCostMs(0)).to.equal(0);
      expect(checkJobCostMs(MAX_JOB_COST_MS)).to.equal(MAX_JOB_COST_MS);
      for (const bad of [-1, 0.5, Number.NaN, MAX_JOB_COST_MS + 1, "5"]) {
        expect(() => checkJobCostMs(bad), String(bad))
          .to.throw(InvalidProveInputError)
          .with.property("field", "jobCostMs");
        expect(() => runTask({ ...TASK, jobCostMs: bad as number }), String(bad)).to.throw(InvalidProveInputError);
      }
    });
  });

  describe("farm", () => {
    const farms: ProverFarm[] = [];
    afterEach(async () => {
      for (const f of farms.splice(0)) await f.close();
    });
    function farm(options: Partial<ProverFarmOptions>): ProverFarm {
      const created = new ProverFarm({ backend: new MockProofBackend(), workPerJob: TEST_WORK, ...options });
      farms.push(created);
      return created;
    }

    it("proves the same tree root on threads and inline with any jobCostMs, each job taking at least that long", async () => {
      const expected = referenceRoot(7, 5n);
      for (const [label, options] of [
        ["2 threads, 0 ms", { workers: 2 }],
        ["2 threads, 15 ms", { workers: 2, jobCostMs: 15 }],
        ["1 thread, 15 ms", { workers: 1, jobCostMs: 15 }],
        ["inline, 10 ms", { executor: new InlineExecutor(), jobCostMs: 10 }],
      ] as const) {
        const f = farm(options);
        const durations: number[] = [];
        f.events.on("job-completed", (e) => durations.push(e.durationMs));
        const { treeRoot, stats } = await f.prove(requestFor(7, 5n));
        expect(treeRoot, label).to.equal(expected);
        expect(durations, label).to.have.length(stats.jobs);
        const cost = "jobCostMs" in options ? options.jobCostMs : 0;
        for (const d of durations) expect(d, label).to.be.at.least(cost);
      }
    });

    it("validates jobCostMs with the option's name and what to pass", () => {
      for (const [why, options] of [
        ["negative", { jobCostMs: -1 }],
        ["fractional", { jobCostMs: 1.5 }],
        ["too long", { jobCostMs: MAX_JOB_COST_MS + 1 }],
        ["not a number", { jobCostMs: "50" as unknown as number }],
      ] as const) {
        expect(() => farm(options), why).to.throw(InvalidFarmOptionError).with.property("option", "jobCostMs");
      }
      expect(() => farm({ jobCostMs: 1_000, jobTimeoutMs: 1_000 }))
        .to.throw(InvalidFarmOptionError, /less than jobTimeoutMs \(1000 ms\)/)
        .with.property("option", "jobCostMs");
      expect(() => validateBrokerOptions({ maxAttempts: 1, jobTimeoutMs: 100, workPerJob: 0, jobCostMs: 99 })).not.to.throw();
    });
  });

  describe("Redis job data", () => {
    const settings = { workPerJob: TEST_WORK, jobTimeoutMs: 10_000, maxAttempts: 3, resultTtlSeconds: 60 };
    const job = planProofTree({ planId: "p", txHashes: [TX0, TX1], publicInputsHash: ZeroHash }).jobs[0];

    it("carries jobCostMs outside the content digest, and the worker's task gets it", () => {
      const plain = jobData(job, [], settings);
      const costly = jobData(job, [], { ...settings, jobCostMs: 40 });
      expect(plain).not.to.have.property("jobCostMs");
      expect(costly.jobCostMs).to.equal(40);
      expect(costly.digest).to.equal(plain.digest).and.to.equal(taskDigest("base", job.inputs, [], TEST_WORK));
      expect(taskOf(costly.digest, costly, 1).task.jobCostMs).to.equal(40);
      expect(taskOf(plain.digest, plain, 1).task).not.to.have.property("jobCostMs");
    });

    it("refuses a malformed jobCostMs", () => {
      const data = jobData(job, [], settings);
      for (const bad of [-1, 2.5, "40", MAX_JOB_COST_MS + 1]) {
        expect(() => taskOf(data.digest, { ...data, jobCostMs: bad }, 1), String(bad))
          .to.throw(InvalidJobDataError, /jobCostMs/);
      }
    });
  });
});

describe("Prover farm: prefetch and speed-up bound", function () {
  this.timeout(60_000);

  it("a pool takes one job per thread ahead and reports each job's own busy time, not its wait", async () => {
    const pool = new WorkerPool({ workers: 1 });
    try {
      expect(pool.prefetch).to.equal(1);
      const t0 = performance.now();
      const results = await Promise.all(
        [0, 1, 2].map((i) => pool.run({ ...TASK, jobId: `p/base-${i}`, jobCostMs: 20 }, { timeoutMs: 30_000 })),
      );
      const wall = performance.now() - t0;
      expect(wall).to.be.at.least(60);
      for (const r of results) {
        expect(r.output).to.equal(jobDigest("base", TASK.inputs, [], TEST_WORK));
        expect(r.busyMs).to.be.at.least(20).and.below(wall - 20); // the last one waited for two others
      }
    } finally {
      await pool.close();
    }
  });

  it("a broker hands an executor up to capacity + prefetch jobs", async () => {
    class Counting implements JobExecutor {
      inFlight = 0;
      maxInFlight = 0;
      constructor(
        readonly capacity: number,
        readonly prefetch: number,
      ) {}
      async run(task: ProofTask, _options: RunOptions): Promise<ExecutionResult> {
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        this.inFlight--;
        return { output: jobDigest(task.kind, task.inputs, task.childOutputs, task.workPerJob), workerId: "w", busyMs: 1 };
      }
      async close(): Promise<void> {}
    }
    const executor = new Counting(1, 2);
    const broker = new ProvingBroker(new InMemoryJobStore(), executor, { maxAttempts: 1, jobTimeoutMs: 5_000, workPerJob: 1 });
    const request = requestFor(16, 3n);
    const plan = planProofTree({ txHashes: request.txHashes, publicInputsHash: inputsHashOf(request) });
    expect(await broker.run(plan)).to.equal(evaluatePlan(plan, 1).treeRoot);
    expect(executor.maxInFlight).to.equal(3);
    await broker.close();
  });

  it("computes the best speed-up a tree allows from its shape", () => {
    const bound = (txs: number, workers: number) => {
      const request = requestFor(txs);
      return speedupBound(planProofTree({ txHashes: request.txHashes, publicInputsHash: inputsHashOf(request) }), workers);
    };
    expect(bound(64, 2)).to.deep.equal({ jobs: 64, criticalPath: 7, rounds: 33, speedup: 64 / 33 });
    expect(bound(1024, 2)).to.deep.include({ jobs: 1024, criticalPath: 11, rounds: 513 });
    expect(bound(64, 1)).to.deep.include({ rounds: 64, speedup: 1 });
    expect(bound(64, 100)).to.deep.include({ rounds: 7 }); // the critical path
    expect(bound(3, 2)).to.deep.include({ jobs: 4, rounds: 3 });
    expect(() => bound(4, 0)).to.throw(InvalidProveInputError).with.property("field", "workers");
  });
});
