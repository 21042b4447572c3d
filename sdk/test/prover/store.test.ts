import { expect } from "chai";
import { FernetError } from "../../src/errors";
import { DuplicateJobError, JobStateError, UnknownJobError } from "../../src/prover/errors";
import { InMemoryJobStore, type JobRecord } from "../../src/prover/store";
import { planProofTree, type ProofPlan } from "../../src/prover/tree";
import { OTHER_HASH, rejection, txHashesOf } from "./fixtures";

function plan(count: number, planId = "p"): ProofPlan {
  return planProofTree({ planId, txHashes: txHashesOf(count), publicInputsHash: OTHER_HASH });
}

/** Takes every ready job. */
async function drain(store: InMemoryJobStore): Promise<JobRecord[]> {
  const taken: JobRecord[] = [];
  for (let r = await store.take(); r !== undefined; r = await store.take()) taken.push(r);
  return taken;
}

describe("InMemoryJobStore", () => {
  describe("take", () => {
    it("hands out only jobs whose dependencies are done, oldest first", async () => {
      const store = new InMemoryJobStore();
      await store.add(plan(8).jobs);
      const bases = await drain(store);
      expect(bases.map((r) => r.job.name)).to.deep.equal(["base-0", "base-1", "base-2", "base-3"]);
      expect(bases.every((r) => r.status === "running" && r.attempts === 1)).to.equal(true);

      await store.complete("p/base-0", OTHER_HASH);
      expect(await store.take()).to.equal(undefined);
      await store.complete("p/base-1", OTHER_HASH);
      expect((await drain(store)).map((r) => r.job.name)).to.deep.equal(["merge-1-0"]);
      await store.complete("p/base-3", OTHER_HASH);
      await store.complete("p/base-2", OTHER_HASH);
      expect((await drain(store)).map((r) => r.job.name)).to.deep.equal(["merge-1-1"]);
    });

    it("takes the ready job farthest from the root first (critical path), the oldest among equals", async () => {
      // 10 txs: base-0…base-3 under merge-1-0/1-1 and merge-2-0 (5 jobs to the root); base-4 is carried up (3).
      const store = new InMemoryJobStore();
      await store.add(plan(10).jobs);
      expect([(await store.take())?.job.name, (await store.take())?.job.name]).to.deep.equal(["base-0", "base-1"]);
      await store.complete("p/base-0", OTHER_HASH);
      await store.complete("p/base-1", OTHER_HASH);
      expect((await drain(store)).map((r) => r.job.name)).to.deep.equal(["base-2", "base-3", "merge-1-0", "base-4"]);
    });

    it("returns nothing from an empty store", async () => {
      expect(await new InMemoryJobStore().take()).to.equal(undefined);
    });
  });

  describe("complete, release and fail", () => {
    it("records the output of a completed job", async () => {
      const store = new InMemoryJobStore();
      await store.add(plan(0).jobs);
      await store.take();
      await store.complete("p/base-0", OTHER_HASH);
      expect(await store.get("p/base-0")).to.deep.include({ status: "done", output: OTHER_HASH, attempts: 1 });
    });

    it("puts a released job back at the end of the queue, counting attempts and keeping the reasons", async () => {
      const store = new InMemoryJobStore();
      await store.add(plan(4).jobs);
      await store.take(); // base-0
      await store.release("p/base-0", "crash: first");
      expect(await store.get("p/base-0")).to.deep.include({ status: "queued", attempts: 1 });
      expect((await store.take())?.job.name).to.equal("base-1");
      const again = await store.take();
      expect(again).to.deep.include({ attempts: 2, status: "running" });
      expect(again?.failures).to.deep.equal(["crash: first"]);
      await store.fail("p/base-0", "timeout: second");
      expect(await store.get("p/base-0")).to.deep.include({ status: "failed", attempts: 2 });
      expect((await store.get("p/base-0"))?.failures).to.deep.equal(["crash: first", "timeout: second"]);
    });

    it("refuses to complete, release or fail a job that is not running", async () => {
      const store = new InMemoryJobStore();
      await store.add(plan(2).jobs);
      for (const call of [
        store.complete("p/base-0", OTHER_HASH),
        store.release("p/base-0", "x"),
        store.fail("p/root", "x"),
      ]) {
        const error = await rejection(call);
        expect(error).to.be.instanceOf(JobStateError).and.instanceOf(FernetError);
        expect(error).to.deep.include({ status: "queued", expected: "running" });
      }
    });

    it("refuses a transition on a job it does not hold", async () => {
      const error = await rejection(new InMemoryJobStore().complete("p/nope", OTHER_HASH));
      expect(error).to.be.instanceOf(UnknownJobError).with.property("jobId", "p/nope");
    });
  });

  describe("add", () => {
    it("rejects a job id it already holds, adding nothing of the batch", async () => {
      const store = new InMemoryJobStore();
      await store.add(plan(2).jobs);
      const error = await rejection(store.add([...plan(2, "q").jobs, ...plan(2).jobs]));
      expect(error).to.be.instanceOf(DuplicateJobError).with.property("jobId", "p/base-0");
      expect(store.size).to.equal(2);
    });

    it("rejects a job listed before one of its dependencies", async () => {
      const store = new InMemoryJobStore();
      const error = await rejection(store.add([...plan(3).jobs].reverse()));
      expect(error).to.be.instanceOf(UnknownJobError).with.property("jobId", "p/merge-1-0");
      expect(store.size).to.equal(0);
    });
  });

  describe("get and removePlan", () => {
    it("returns snapshots that later changes do not alter", async () => {
      const store = new InMemoryJobStore();
      await store.add(plan(0).jobs);
      const before = await store.get("p/base-0");
      await store.take();
      expect(before).to.deep.include({ status: "queued", attempts: 0 });
      expect(await store.get("p/unknown")).to.equal(undefined);
    });

    it("forgets every job of one plan and only of that plan", async () => {
      const store = new InMemoryJobStore();
      await store.add(plan(4, "a").jobs);
      await store.add(plan(4, "b").jobs);
      await store.take();
      await store.removePlan("a");
      expect(store.size).to.equal(4);
      expect(store.queued).to.equal(4);
      expect(await store.get("a/base-1")).to.equal(undefined);
      expect((await drain(store)).map((r) => r.job.id)).to.deep.equal(["b/base-0", "b/base-1"]);
    });
  });
});
