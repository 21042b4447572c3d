import { expect } from "chai";
import { EventEmitter } from "node:events";
import { FernetError } from "../../src/errors";
import { ProvingBroker, validateBrokerOptions, type BrokerOptions } from "../../src/prover/broker";
import {
  DuplicateJobError,
  FarmClosedError,
  InvalidFarmOptionError,
  JobFailedError,
  JobStateError,
  JobTimeoutError,
  UnknownJobError,
  WorkerCrashedError,
  WorkerJobError,
} from "../../src/prover/errors";
import { InlineExecutor, type ExecutionResult, type JobExecutor, type RunOptions } from "../../src/prover/executor";
import { FarmMetrics, type FarmEventMap, type JobAttemptFailedEvent } from "../../src/prover/metrics";
import { InMemoryJobStore, type JobRecord, type JobStore } from "../../src/prover/store";
import { evaluatePlan, planProofTree, type ProofJob, type ProofPlan } from "../../src/prover/tree";
import { jobDigest, type ProofTask } from "../../src/prover/work";
import { OTHER_HASH, TEST_WORK, rejection, txHashesOf, until } from "./fixtures";

type Outcome = "crash" | "timeout" | "error";

/**
 * An executor without threads: computes jobs on this thread after a tick (so that several are in
 * flight at once), failing the attempts a script says, and hanging the jobs it is told to hang.
 */
class FakeExecutor implements JobExecutor {
  readonly tasks: ProofTask[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  private readonly hung: Array<(error: unknown) => void> = [];

  constructor(
    readonly capacity: number,
    private readonly script: Readonly<Record<string, readonly Outcome[]>> = {},
    private readonly hang: ReadonlySet<string> = new Set(),
  ) {}

  async run(task: ProofTask, options: RunOptions): Promise<ExecutionResult> {
    this.tasks.push(task);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.hang.has(task.name)) await new Promise((_, reject) => this.hung.push(reject));
      const workerId = `fake-${this.tasks.length}`;
      switch (this.script[task.name]?.[task.attempt - 1]) {
        case "crash":
          throw new WorkerCrashedError(task.jobId, workerId, 1);
        case "timeout":
          throw new JobTimeoutError(task.jobId, workerId, options.timeoutMs);
        case "error":
          throw new WorkerJobError(task.jobId, workerId, "scripted");
        default:
          return { output: jobDigest(task.kind, task.inputs, task.childOutputs, task.workPerJob), workerId };
      }
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {
    for (const reject of this.hung.splice(0)) reject(new FarmClosedError());
  }

  /** Jobs currently hanging. */
  get hanging(): number {
    return this.hung.length;
  }

  attemptsOf(name: string): number {
    return this.tasks.filter((t) => t.name === name).length;
  }
}

const OPTIONS: BrokerOptions = { maxAttempts: 3, jobTimeoutMs: 10_000, workPerJob: TEST_WORK };

function plan(count: number, planId = "p", salt = 0): ProofPlan {
  return planProofTree({ planId, txHashes: txHashesOf(count, salt), publicInputsHash: OTHER_HASH });
}

describe("ProvingBroker", function () {
  this.timeout(20_000);

  describe("run", () => {
    it("proves a plan with a fake in-process executor and matches the sequential evaluation", async () => {
      const p = plan(8);
      const store = new InMemoryJobStore();
      const executor = new FakeExecutor(2);
      const metrics = new FarmMetrics(p);
      const root = await new ProvingBroker(store, executor, OPTIONS).run(p, metrics);

      const reference = evaluatePlan(p, TEST_WORK);
      expect(root).to.equal(reference.treeRoot);
      expect(executor.tasks.map((t) => t.name).sort()).to.deep.equal(p.jobs.map((j) => j.name).sort());
      for (const task of executor.tasks) {
        const job = p.jobs.find((j) => j.id === task.jobId);
        expect(task.childOutputs, task.name).to.deep.equal(job?.dependencies.map((d) => reference.outputs.get(d)));
        expect(task).to.deep.include({ workPerJob: TEST_WORK, attempt: 1 });
        expect(task.fault).to.equal(undefined);
      }
      expect(metrics.finish()).to.deep.include({ jobs: 8, completed: 8, attempts: 8, retries: 0, crashes: 0 });
      expect(store.size).to.equal(0);
    });

    it("keeps the executor busy up to its capacity and never beyond", async () => {
      for (const capacity of [1, 3]) {
        const executor = new FakeExecutor(capacity);
        await new ProvingBroker(new InMemoryJobStore(), executor, OPTIONS).run(plan(16));
        expect(executor.maxInFlight, `capacity ${capacity}`).to.equal(capacity);
      }
    });

    it("proves blocks of 0, 1 and 3 txs", async () => {
      for (const count of [0, 1, 3]) {
        const p = plan(count);
        const root = await new ProvingBroker(new InMemoryJobStore(), new FakeExecutor(2), OPTIONS).run(p);
        expect(root, `${count} txs`).to.equal(evaluatePlan(p, TEST_WORK).treeRoot);
      }
    });

    it("runs two plans at once on one executor without mixing their outputs", async () => {
      const a = plan(6, "a", 1);
      const b = plan(9, "b", 2);
      const executor = new FakeExecutor(2);
      const broker = new ProvingBroker(new InMemoryJobStore(), executor, OPTIONS);
      const roots = await Promise.all([broker.run(a), broker.run(b)]);
      expect(roots).to.deep.equal([evaluatePlan(a, TEST_WORK).treeRoot, evaluatePlan(b, TEST_WORK).treeRoot]);
      expect(executor.maxInFlight).to.equal(2);
      expect(broker.activePlans).to.equal(0);
    });

    it("rejects a plan whose id is already running", async () => {
      const broker = new ProvingBroker(new InMemoryJobStore(), new FakeExecutor(1), OPTIONS);
      const first = broker.run(plan(4));
      expect(await rejection(broker.run(plan(4)))).to.be.instanceOf(DuplicateJobError);
      expect(await first).to.equal(evaluatePlan(plan(4), TEST_WORK).treeRoot);
    });
  });

  describe("retries", () => {
    it("retries a crashed attempt and gives the same root", async () => {
      const p = plan(8);
      const executor = new FakeExecutor(2, { "base-1": ["crash"] });
      const events = new EventEmitter<FarmEventMap>();
      const retried: JobAttemptFailedEvent[] = [];
      events.on("job-retried", (e) => retried.push(e));
      const metrics = new FarmMetrics(p, events);
      const root = await new ProvingBroker(new InMemoryJobStore(), executor, OPTIONS).run(p, metrics);

      expect(root).to.equal(evaluatePlan(p, TEST_WORK).treeRoot);
      expect(executor.attemptsOf("base-1")).to.equal(2);
      expect(executor.tasks.filter((t) => t.name === "base-1").map((t) => t.attempt)).to.deep.equal([1, 2]);
      expect(metrics.finish()).to.deep.include({ attempts: 9, retries: 1, crashes: 1, timeouts: 0, errors: 0 });
      expect(retried).to.have.length(1);
      expect(retried[0]).to.deep.include({ name: "base-1", attempt: 1, failure: "crash" });
      expect(retried[0].workerId).to.match(/^fake-/);
    });

    it("counts timeouts and worker errors apart from crashes", async () => {
      const p = plan(4);
      const executor = new FakeExecutor(2, { "base-0": ["timeout"], "merge-1-0": ["error", "crash"] });
      const metrics = new FarmMetrics(p);
      const root = await new ProvingBroker(new InMemoryJobStore(), executor, OPTIONS).run(p, metrics);
      expect(root).to.equal(evaluatePlan(p, TEST_WORK).treeRoot);
      expect(metrics.finish()).to.deep.include({ retries: 3, crashes: 1, timeouts: 1, errors: 1, attempts: 7 });
      expect(metrics.snapshot().byKind.merge).to.deep.include({ jobs: 1, completed: 1, attempts: 3 });
    });

    it("fails with JobFailedError naming the job after maxAttempts, and stops the plan", async () => {
      const p = plan(8);
      const store = new InMemoryJobStore();
      const executor = new FakeExecutor(2, { "merge-1-1": ["crash", "timeout", "crash"] });
      const events = new EventEmitter<FarmEventMap>();
      const failed: JobAttemptFailedEvent[] = [];
      events.on("job-failed", (e) => failed.push(e));
      const metrics = new FarmMetrics(p, events);
      const error = await rejection(new ProvingBroker(store, executor, OPTIONS).run(p, metrics));

      expect(error).to.be.instanceOf(JobFailedError).and.instanceOf(FernetError);
      const failure = error as JobFailedError;
      expect(failure).to.deep.include({ jobId: "p/merge-1-1", jobName: "merge-1-1", kind: "merge", attempts: 3 });
      expect(failure.shortMessage).to.contain("merge-1-1");
      expect(failure.failures).to.have.length(3);
      expect(failure.failures[1]).to.match(/^timeout: /);
      expect(failure.cause).to.be.instanceOf(WorkerCrashedError);
      expect(executor.attemptsOf("merge-1-1")).to.equal(3);
      expect(executor.attemptsOf("root")).to.equal(0);
      expect(failed.map((e) => e.name)).to.deep.equal(["merge-1-1"]);
      expect(metrics.snapshot()).to.deep.include({ retries: 2, crashes: 2, timeouts: 1 });
      expect(store.size).to.equal(0);
    });

    it("does not retry at all when maxAttempts is 1", async () => {
      const executor = new FakeExecutor(1, { "base-0": ["error"] });
      const broker = new ProvingBroker(new InMemoryJobStore(), executor, { ...OPTIONS, maxAttempts: 1 });
      const error = await rejection(broker.run(plan(2)));
      expect(error).to.be.instanceOf(JobFailedError).with.property("attempts", 1);
      expect(executor.attemptsOf("base-0")).to.equal(1);
    });

    it("injects faults into the first attempts of the named job only", async () => {
      const executor = new FakeExecutor(1);
      const broker = new ProvingBroker(new InMemoryJobStore(), executor, {
        ...OPTIONS,
        faults: { "base-0": { mode: "exit", times: 2 }, "merge-9-9": { mode: "hang", times: 1 } },
      });
      await broker.run(plan(4)); // the fake executor ignores faults: every job succeeds
      expect(executor.tasks.map((t) => [t.name, t.fault])).to.deep.equal([
        ["base-0", "exit"],
        ["base-1", undefined],
        ["merge-1-0", undefined],
        ["root", undefined],
      ]);
    });
  });

  describe("with the InlineExecutor", () => {
    it("retries jobs whose simulated worker crashed and gives the sequential root", async () => {
      const p = plan(5);
      const metrics = new FarmMetrics(p);
      const broker = new ProvingBroker(new InMemoryJobStore(), new InlineExecutor({ capacity: 2 }), {
        ...OPTIONS,
        faults: { "base-2": { mode: "exit", times: 2 }, "merge-1-0": { mode: "throw", times: 1 } },
      });
      expect(await broker.run(p, metrics)).to.equal(evaluatePlan(p, TEST_WORK).treeRoot);
      expect(metrics.finish()).to.deep.include({ crashes: 3, retries: 3, timeouts: 0 });
    });

    it("times out a hanging job and retries it", async () => {
      const p = plan(2);
      const metrics = new FarmMetrics(p);
      const broker = new ProvingBroker(new InMemoryJobStore(), new InlineExecutor(), {
        ...OPTIONS,
        jobTimeoutMs: 20,
        faults: { root: { mode: "hang", times: 1 } },
      });
      expect(await broker.run(p, metrics)).to.equal(evaluatePlan(p, TEST_WORK).treeRoot);
      expect(metrics.finish()).to.deep.include({ timeouts: 1, retries: 1, crashes: 0 });
    });
  });

  describe("close", () => {
    it("rejects running plans with FarmClosedError, empties the store and refuses new plans", async () => {
      const store = new InMemoryJobStore();
      const executor = new FakeExecutor(2, {}, new Set(["base-0"]));
      const broker = new ProvingBroker(store, executor, OPTIONS);
      const running = rejection(broker.run(plan(4)));
      await until(() => executor.hanging === 1);
      await broker.close();
      expect(await running).to.be.instanceOf(FarmClosedError);
      expect(store.size).to.equal(0);
      expect(await rejection(broker.run(plan(2, "later")))).to.be.instanceOf(FarmClosedError);
      await executor.close();
    });

    it("fails a plan without retrying when its executor is closed under it", async () => {
      const executor = new FakeExecutor(1, {}, new Set(["base-0"]));
      const broker = new ProvingBroker(new InMemoryJobStore(), executor, OPTIONS);
      const running = rejection(broker.run(plan(2)));
      await until(() => executor.hanging === 1);
      await executor.close();
      expect(await running).to.be.instanceOf(FarmClosedError);
      expect(executor.attemptsOf("base-0")).to.equal(1);
    });
  });

  describe("with a faulty store", () => {
    /** Delegates to an in-memory store, but can hand out the root first or fail when taking. */
    class FaultyStore implements JobStore {
      readonly inner = new InMemoryJobStore();
      private jobs: ProofJob[] = [];
      constructor(private readonly fault: "root-first" | "take-throws") {}
      async add(jobs: readonly ProofJob[]): Promise<void> {
        this.jobs = [...this.jobs, ...jobs];
        await this.inner.add(jobs);
      }
      async take(): Promise<JobRecord | undefined> {
        if (this.fault === "take-throws") throw new JobStateError("x", "lost", "queued");
        const root = this.jobs.find((j) => j.kind === "root");
        this.jobs = [];
        return root ? { job: root, status: "running", attempts: 1, failures: [] } : this.inner.take();
      }
      complete(jobId: string, output: string): Promise<void> {
        return this.inner.complete(jobId, output);
      }
      release(jobId: string, reason: string): Promise<void> {
        return this.inner.release(jobId, reason);
      }
      fail(jobId: string, reason: string): Promise<void> {
        return this.inner.fail(jobId, reason);
      }
      get(jobId: string): Promise<JobRecord | undefined> {
        return this.inner.get(jobId);
      }
      removePlan(planId: string): Promise<void> {
        return this.inner.removePlan(planId);
      }
    }

    it("fails the plan with a typed error instead of proving a job before its dependencies", async () => {
      const executor = new FakeExecutor(1);
      const error = await rejection(new ProvingBroker(new FaultyStore("root-first"), executor, OPTIONS).run(plan(4)));
      expect(error).to.be.instanceOf(UnknownJobError).with.property("jobId", "p/merge-1-0");
      expect(executor.attemptsOf("root")).to.equal(0);
    });

    it("fails every running plan with the store's error when the store fails", async () => {
      const broker = new ProvingBroker(new FaultyStore("take-throws"), new FakeExecutor(1), OPTIONS);
      const errors = await Promise.all([rejection(broker.run(plan(2, "a"))), rejection(broker.run(plan(2, "b")))]);
      expect(errors.map((e) => e instanceof JobStateError)).to.deep.equal([true, true]);
      expect(broker.activePlans).to.equal(0);
    });
  });

  describe("validateBrokerOptions", () => {
    const bad: Array<[string, string, Record<string, unknown>]> = [
      ["maxAttempts", "0", { maxAttempts: 0 }],
      ["maxAttempts", "1.5", { maxAttempts: 1.5 }],
      ["jobTimeoutMs", "0", { jobTimeoutMs: 0 }],
      ["jobTimeoutMs", "2^31 (beyond Node's timers)", { jobTimeoutMs: 2 ** 31 }],
      ["jobTimeoutMs", "NaN", { jobTimeoutMs: Number.NaN }],
      ["workPerJob", "-1", { workPerJob: -1 }],
      ["workPerJob", "0.5", { workPerJob: 0.5 }],
      ["faults.base-0.mode", '"explode"', { faults: { "base-0": { mode: "explode", times: 1 } } }],
      ["faults.root.times", "-1", { faults: { root: { mode: "hang", times: -1 } } }],
    ];
    for (const [option, shown, override] of bad) {
      it(`rejects ${option} = ${shown} and says what to pass`, () => {
        const call = (): void => validateBrokerOptions({ ...OPTIONS, ...override } as BrokerOptions);
        expect(call).to.throw(InvalidFarmOptionError).with.property("option", option);
        expect(call).to.throw(FernetError, /Pass|Use one of/);
        expect(
          () =>
            new ProvingBroker(new InMemoryJobStore(), new FakeExecutor(1), {
              ...OPTIONS,
              ...override,
            } as BrokerOptions),
        ).to.throw(InvalidFarmOptionError);
      });
    }

    it("accepts zero work and faults that never or always fire", () => {
      expect(() =>
        validateBrokerOptions({
          ...OPTIONS,
          workPerJob: 0,
          faults: { root: { mode: "exit", times: 0 }, "base-0": { mode: "throw", times: Infinity } },
        }),
      ).not.to.throw();
    });
  });
});
