import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZeroHash } from "ethers";
import {
  FarmClosedError,
  InvalidFarmOptionError,
  jobDigest,
  WorkerJobError,
  WorkerPool,
  WorkerStartError,
  type ProofTask,
} from "../../src/prover";
import { OTHER_HASH, TEST_WORK, rejection } from "./fixtures";

const TASK: ProofTask = {
  jobId: "p/base-0",
  name: "base-0",
  kind: "base",
  inputs: [OTHER_HASH, ZeroHash],
  childOutputs: [],
  workPerJob: TEST_WORK,
  attempt: 1,
};

describe("WorkerPool", function () {
  this.timeout(60_000);

  const pools: WorkerPool[] = [];
  function pool(workers: number, workerScript?: string): WorkerPool {
    const created = new WorkerPool({ workers, ...(workerScript === undefined ? {} : { workerScript }) });
    pools.push(created);
    return created;
  }
  afterEach(async () => {
    for (const p of pools.splice(0)) await p.close();
  });

  it("computes a job on a worker thread exactly as on this thread", async () => {
    const p = pool(1);
    const result = await p.run(TASK, { timeoutMs: 30_000 });
    expect(result.output).to.equal(jobDigest("base", TASK.inputs, [], TEST_WORK));
    expect(result.workerId).to.match(/^thread-\d+$/);
  });

  it("queues jobs beyond its threads and never gives a busy thread a second job", async () => {
    const p = pool(2);
    const stuck = rejection(p.run({ ...TASK, jobId: "p/stuck", fault: "hang" }, { timeoutMs: 600_000 }));
    const tasks = Array.from({ length: 5 }, (_, i) => ({ ...TASK, jobId: `p/base-${i}`, name: `base-${i}` }));
    const results = await Promise.all(tasks.map((t) => p.run(t, { timeoutMs: 600_000 })));
    expect(new Set(results.map((r) => r.output))).to.deep.equal(
      new Set([jobDigest("base", TASK.inputs, [], TEST_WORK)]),
    );
    expect(new Set(results.map((r) => r.workerId)).size).to.equal(1); // the other thread is still spinning
    expect(p.workersStarted).to.equal(2);
    await p.close();
    expect(await stuck).to.be.instanceOf(FarmClosedError);
  });

  it("reports a job the worker cannot compute as a WorkerJobError and keeps the thread", async () => {
    const p = pool(1);
    const error = await rejection(p.run({ ...TASK, inputs: ["0x12"] }, { timeoutMs: 30_000 }));
    expect(error).to.be.instanceOf(WorkerJobError);
    expect((error as WorkerJobError).reason).to.contain("inputs[0]");
    expect((await p.run(TASK, { timeoutMs: 30_000 })).output).to.equal(jobDigest("base", TASK.inputs, [], TEST_WORK));
    expect(p.workersStarted).to.equal(1);
  });

  it("gives up with WorkerStartError when threads keep dying before they are ready", async () => {
    const dir = mkdtempSync(join(tmpdir(), "farm-pool-"));
    try {
      const script = join(dir, "dies.js");
      writeFileSync(script, "process.exit(3);\n");
      const p = pool(1, script);
      const error = await rejection(p.run(TASK, { timeoutMs: 30_000 }));
      expect(error).to.be.instanceOf(WorkerStartError);
      expect(p.workersStarted).to.equal(3);
      expect(await rejection(p.run(TASK, { timeoutMs: 30_000 }))).to.equal(error);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("throws WorkerStartError when a thread cannot even be created", () => {
    // Node refuses relative worker paths that do not start with "./" before starting any thread.
    expect(() => new WorkerPool({ workers: 2, workerScript: "no-such-worker.js" }))
      .to.throw(WorkerStartError)
      .with.property("cause");
  });

  it("rejects a bad thread count or timeout with InvalidFarmOptionError", async () => {
    expect(() => new WorkerPool({ workers: 0 }))
      .to.throw(InvalidFarmOptionError)
      .with.property("option", "workers");
    const error = await rejection(pool(1).run(TASK, { timeoutMs: 0 }));
    expect(error).to.be.instanceOf(InvalidFarmOptionError).with.property("option", "timeoutMs");
  });

  it("ends every thread on close and refuses jobs afterwards", async () => {
    const p = pool(3);
    await p.run(TASK, { timeoutMs: 30_000 });
    expect(p.liveWorkers).to.equal(3);
    await p.close();
    expect(p.liveWorkers).to.equal(0);
    expect(await rejection(p.run(TASK, { timeoutMs: 30_000 }))).to.be.instanceOf(FarmClosedError);
  });

  it("rejects the jobs it holds when closed", async () => {
    const p = pool(1);
    const hanging = rejection(p.run({ ...TASK, fault: "hang" }, { timeoutMs: 600_000 }));
    const queued = rejection(p.run(TASK, { timeoutMs: 600_000 }));
    await p.close();
    expect(await hanging).to.be.instanceOf(FarmClosedError);
    expect(await queued).to.be.instanceOf(FarmClosedError);
    expect(p.liveWorkers).to.equal(0);
  });
});
