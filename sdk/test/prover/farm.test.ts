import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ethers } from "hardhat";
import { FernetError } from "../../src/errors";
import { mockProof, publicInputsHash } from "../../src/hashing";
import {
  evaluatePlan,
  FarmClosedError,
  InlineExecutor,
  INJECTED_EXIT_CODE,
  InvalidFarmOptionError,
  InvalidProveInputError,
  JobFailedError,
  MockProofBackend,
  planProofTree,
  ProverFarm,
  TxsMismatchError,
  WorkerCrashedError,
  type FarmProof,
  type JobAttemptFailedEvent,
  type JobCompletedEvent,
  type ProveRequest,
  type ProverFarmOptions,
} from "../../src/prover";
import { OTHER_HASH, PROVER, ROLLUP, TEST_WORK, inputsHashOf, rejection, requestFor, until } from "./fixtures";

/** The tree root the farm must reproduce, computed sequentially on this thread. */
function referenceRoot(request: ProveRequest, work = TEST_WORK): string {
  return evaluatePlan(planProofTree({ txHashes: request.txHashes, publicInputsHash: inputsHashOf(request) }), work)
    .treeRoot;
}

describe("ProverFarm", function () {
  this.timeout(60_000);

  const farms: ProverFarm[] = [];
  function farm(options: Partial<ProverFarmOptions> = {}): ProverFarm {
    const created = new ProverFarm({ backend: new MockProofBackend(), workPerJob: TEST_WORK, ...options });
    farms.push(created);
    return created;
  }
  afterEach(async () => {
    for (const f of farms.splice(0)) await f.close();
  });

  describe("prove", () => {
    it("returns the proof the mock verifier accepts for the block's public inputs", async () => {
      const request = requestFor(8);
      const result = await farm({ workers: 2 }).prove(request);
      const inputsHash = publicInputsHash(request.chainId, request.rollup, request.header, request.prover);
      expect(result.publicInputsHash).to.equal(inputsHash);
      expect(result.proof).to.equal(mockProof(inputsHash));
      expect(result.backend).to.contain("NOT SOUND");

      const verifier = await ethers.deployContract("MockProofVerifier");
      expect(await verifier.verify(result.proof, inputsHash)).to.equal(true);
      const otherProver = publicInputsHash(request.chainId, request.rollup, request.header, request.rollup);
      expect(await verifier.verify(result.proof, otherProver)).to.equal(false);
    });

    it("gives the same tree root with 1 and 2 workers and in-process, equal to the sequential evaluation", async () => {
      const request = requestFor(9);
      const results: FarmProof[] = [];
      for (const options of [{ workers: 1 }, { workers: 2 }, { executor: new InlineExecutor() }]) {
        results.push(await farm(options).prove(request));
      }
      expect(results.map((r) => r.treeRoot)).to.deep.equal(Array(3).fill(referenceRoot(request)));
      expect(new Set(results.map((r) => r.proof)).size).to.equal(1);
    });

    it("proves empty, single-tx and odd blocks", async () => {
      const f = farm({ workers: 2 });
      for (const [count, jobs] of [
        [0, 2],
        [1, 2],
        [3, 4],
      ]) {
        const request = requestFor(count, BigInt(count + 1));
        const result = await f.prove(request);
        expect(result.treeRoot, `${count} txs`).to.equal(referenceRoot(request));
        expect(result.stats.jobs, `${count} txs`).to.equal(jobs);
      }
    });

    it("binds the tree root to the prover as well as to the txs", async () => {
      const f = farm({ workers: 1 });
      const request = requestFor(4);
      const mine = await f.prove(request);
      const theirs = await f.prove({ ...request, prover: request.rollup });
      expect(theirs.treeRoot).not.to.equal(mine.treeRoot);
      expect(theirs.proof).not.to.equal(mine.proof);
    });

    it("returns the run's stats and emits an event per job", async () => {
      const f = farm({ workers: 2 });
      const completed: JobCompletedEvent[] = [];
      const planIds: string[] = [];
      f.events.on("job-completed", (e) => completed.push(e));
      f.events.on("plan-completed", (stats) => planIds.push(stats.planId));
      const { stats, treeRoot } = await f.prove(requestFor(8, 5n));

      expect(stats).to.deep.include({
        jobs: 8,
        completed: 8,
        attempts: 8,
        retries: 0,
        crashes: 0,
        timeouts: 0,
        errors: 0,
      });
      expect(stats.byKind.base).to.deep.include({ jobs: 4, completed: 4, attempts: 4 });
      expect(stats.byKind.merge).to.deep.include({ jobs: 3, completed: 3, attempts: 3 });
      expect(stats.byKind.root).to.deep.include({ jobs: 1, completed: 1, attempts: 1 });
      expect(completed.map((e) => e.name).sort()).to.deep.equal([
        "base-0",
        "base-1",
        "base-2",
        "base-3",
        "merge-1-0",
        "merge-1-1",
        "merge-2-0",
        "root",
      ]);
      expect(completed.find((e) => e.name === "root")?.output).to.equal(treeRoot);
      expect(new Set(completed.map((e) => e.workerId)).size).to.be.within(1, 2);
      expect(planIds).to.deep.equal([stats.planId]);
    });

    it("proves two blocks at once on one farm", async () => {
      const f = farm({ workers: 2 });
      const a = requestFor(7, 1n);
      const b = requestFor(12, 2n);
      const [ra, rb] = await Promise.all([f.prove(a), f.prove(b)]);
      expect([ra.treeRoot, rb.treeRoot]).to.deep.equal([referenceRoot(a), referenceRoot(b)]);
      expect(ra.stats.planId).not.to.equal(rb.stats.planId);
    });

    it("rejects txs that are not the header's, before starting any thread", async () => {
      const f = farm({ workers: 1 });
      const request = requestFor(4);
      const [t0, t1, t2, t3] = request.txHashes;
      const reordered = await rejection(f.prove({ ...request, txHashes: [t1, t0, t2, t3] }));
      expect(reordered).to.be.instanceOf(TxsMismatchError).with.property("field", "txsRoot");
      const missing = await rejection(f.prove({ ...request, txHashes: [t0, t1, t2] }));
      expect(missing).to.be.instanceOf(TxsMismatchError).with.property("field", "txCount");
      expect(f.workersStarted).to.equal(0);
    });

    it("rejects malformed requests with typed errors naming the field", async () => {
      const f = farm({ workers: 1 });
      const request = requestFor(2);
      const cases: Array<[string, ProveRequest]> = [
        ["chainId", { ...request, chainId: 31337 as unknown as bigint }],
        ["rollup", { ...request, rollup: "0x1234" }],
        ["prover", { ...request, prover: "bob" }],
        ["txHashes[1]", { ...request, txHashes: [request.txHashes[0], "0xabc"] }],
        ["header.archive", { ...request, header: { ...request.header, archive: "0x00" } }],
        ["header.height", { ...request, header: { ...request.header, height: 1 as unknown as bigint } }],
      ];
      for (const [field, bad] of cases) {
        const error = await rejection(f.prove(bad));
        expect(error, field).to.be.instanceOf(InvalidProveInputError).and.instanceOf(FernetError);
        expect((error as InvalidProveInputError).field).to.equal(field);
      }
      expect(f.workersStarted).to.equal(0);
    });
  });

  describe("retries", () => {
    it("retries a job whose worker exited and returns the identical result", async () => {
      const request = requestFor(8);
      const expected = await farm({ workers: 2 }).prove(request);

      const faulty = farm({ workers: 2, faults: { "base-1": { mode: "exit", times: 1 } } });
      const retried: JobAttemptFailedEvent[] = [];
      const completed: JobCompletedEvent[] = [];
      faulty.events.on("job-retried", (e) => retried.push(e));
      faulty.events.on("job-completed", (e) => completed.push(e));
      const result = await faulty.prove(request);

      expect([result.proof, result.treeRoot]).to.deep.equal([expected.proof, expected.treeRoot]);
      expect(result.stats).to.deep.include({ crashes: 1, retries: 1, attempts: 9, timeouts: 0 });
      expect(retried.map((e) => [e.name, e.attempt, e.failure])).to.deep.equal([["base-1", 1, "crash"]]);
      expect(retried[0].message).to.contain(`exit code ${INJECTED_EXIT_CODE}`);
      const done = completed.find((e) => e.name === "base-1");
      expect(done?.attempt).to.equal(2);
      expect(done?.workerId).not.to.equal(retried[0].workerId);
      expect(faulty.workersStarted).to.equal(3);
      await until(() => faulty.liveWorkers === 2);
    });

    it("retries a job whose worker threw an uncaught error", async () => {
      const request = requestFor(4);
      const f = farm({ workers: 2, maxAttempts: 3, faults: { "merge-1-0": { mode: "throw", times: 2 } } });
      const result = await f.prove(request);
      expect(result.treeRoot).to.equal(referenceRoot(request));
      expect(result.stats).to.deep.include({ crashes: 2, retries: 2 });
      expect(f.workersStarted).to.equal(4);
    });

    it("fails with JobFailedError naming the job when it always crashes, and keeps serving other blocks", async () => {
      const f = farm({ workers: 2, maxAttempts: 2, faults: { "merge-1-0": { mode: "exit", times: Infinity } } });
      const error = await rejection(f.prove(requestFor(4)));
      expect(error).to.be.instanceOf(JobFailedError).and.instanceOf(FernetError);
      const failed = error as JobFailedError;
      expect(failed).to.deep.include({ jobName: "merge-1-0", kind: "merge", attempts: 2 });
      expect(failed.message).to.contain("merge-1-0");
      expect(failed.cause).to.be.instanceOf(WorkerCrashedError).with.property("exitCode", INJECTED_EXIT_CODE);

      const small = requestFor(2, 9n); // no merge-1-0 in a two-tx block
      expect((await f.prove(small)).treeRoot).to.equal(referenceRoot(small));
    });

    it("stops a timed-out job's worker and retries the job on a fresh one", async () => {
      const request = requestFor(2);
      const f = farm({ workers: 1, jobTimeoutMs: 2_000, faults: { "base-0": { mode: "hang", times: 1 } } });
      const retried: JobAttemptFailedEvent[] = [];
      const completed: JobCompletedEvent[] = [];
      f.events.on("job-retried", (e) => retried.push(e));
      f.events.on("job-completed", (e) => completed.push(e));
      const result = await f.prove(request);

      expect(result.treeRoot).to.equal(referenceRoot(request));
      expect(result.stats).to.deep.include({ timeouts: 1, retries: 1, crashes: 0 });
      expect(retried.map((e) => [e.name, e.failure])).to.deep.equal([["base-0", "timeout"]]);
      const fresh = completed.find((e) => e.name === "base-0")?.workerId;
      expect(fresh).to.be.a("string").and.not.equal(retried[0].workerId);
      expect(f.workersStarted).to.equal(2);
      await until(() => f.liveWorkers === 1);
    });
  });

  describe("close", () => {
    it("ends every worker thread and refuses further proofs", async () => {
      const f = farm({ workers: 2 });
      expect(f.liveWorkers).to.equal(0); // threads start with the first proof
      await f.prove(requestFor(4));
      expect(f.liveWorkers).to.equal(2);
      await f.close();
      expect(f.liveWorkers).to.equal(0);
      await f.close();
      expect(await rejection(f.prove(requestFor(4)))).to.be.instanceOf(FarmClosedError);
    });

    it("stops a proof in progress with FarmClosedError, hanging worker included", async () => {
      const f = farm({ workers: 2, jobTimeoutMs: 600_000, faults: { "base-0": { mode: "hang", times: Infinity } } });
      let started = false;
      f.events.on("job-started", (e) => {
        if (e.name === "base-0") started = true;
      });
      const proving = rejection(f.prove(requestFor(8)));
      await until(() => started);
      await f.close();
      expect(await proving).to.be.instanceOf(FarmClosedError);
      expect(f.liveWorkers).to.equal(0);
    });

    it("lets a process that proved a block and closed the farm exit on its own", () => {
      const code = [
        'const { ProverFarm, MockProofBackend } = require("./sdk/src/prover");',
        'const { requestFor } = require("./sdk/test/prover/fixtures");',
        "(async () => {",
        "  const farm = new ProverFarm({ workers: 2, workPerJob: 5, backend: new MockProofBackend() });",
        "  const { treeRoot } = await farm.prove(requestFor(6));",
        "  await farm.close();",
        "  console.log(treeRoot);",
        "})();",
      ].join("\n");
      const child = spawnSync(
        process.execPath,
        ["-r", require.resolve("ts-node/register/transpile-only"), "-e", code],
        {
          cwd: join(__dirname, "..", "..", ".."),
          encoding: "utf8",
          timeout: 50_000,
        },
      );
      expect(child.status, child.stderr).to.equal(0);
      expect(child.stdout.trim()).to.equal(referenceRoot(requestFor(6), 5));
    });
  });

  describe("options", () => {
    const bad: Array<[string, string, Partial<ProverFarmOptions>]> = [
      ["workers", "0", { workers: 0 }],
      ["workers", "-1", { workers: -1 }],
      ["workers", "1.5", { workers: 1.5 }],
      ["workers", "257", { workers: 257 }],
      ["workPerJob", "-1", { workPerJob: -1 }],
      ["workPerJob", "0.5", { workPerJob: 0.5 }],
      ["jobTimeoutMs", "0", { jobTimeoutMs: 0 }],
      ["jobTimeoutMs", "-5", { jobTimeoutMs: -5 }],
      ["maxAttempts", "0", { maxAttempts: 0 }],
      ["backend", "missing", { backend: undefined }],
      ["faults.root.mode", '"crash"', { faults: { root: { mode: "crash" as "exit", times: 1 } } }],
    ];
    for (const [option, shown, override] of bad) {
      it(`rejects ${option} = ${shown} with a typed error saying what to pass`, () => {
        const call = (): ProverFarm =>
          new ProverFarm({ backend: new MockProofBackend(), ...override } as ProverFarmOptions);
        expect(call).to.throw(InvalidFarmOptionError).with.property("option", option);
        expect(call).to.throw(FernetError, /Pass|Use one of/);
      });
    }

    it("uses the given executor instead of starting threads", async () => {
      const f = farm({ workers: 0, executor: new InlineExecutor({ capacity: 2 }) });
      const request = requestFor(5);
      expect((await f.prove(request)).treeRoot).to.equal(referenceRoot(request));
      expect(f.workersStarted).to.equal(0);
    });
  });

  describe("MockProofBackend", () => {
    it("is labelled as not sound and binds its proof to the prover it is given", async () => {
      const backend = new MockProofBackend();
      expect(backend.sound).to.equal(false);
      expect(backend.name).to.contain("NOT SOUND");
      const request = requestFor(1);
      const proveFor = (prover: string): Promise<string> =>
        backend.prove({ ...request, prover, publicInputsHash: inputsHashOf(request), treeRoot: OTHER_HASH });
      expect(await proveFor(PROVER)).to.equal(mockProof(inputsHashOf(request)));
      expect(await proveFor(ROLLUP)).to.equal(mockProof(inputsHashOf({ ...request, prover: ROLLUP })));
      expect(await proveFor(ROLLUP)).not.to.equal(await proveFor(PROVER));
    });
  });
});
