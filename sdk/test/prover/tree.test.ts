import { expect } from "chai";
import { ZeroHash } from "ethers";
import { FernetError } from "../../src/errors";
import { InvalidProveInputError } from "../../src/prover/errors";
import { evaluatePlan, planProofTree, type ProofJob, type ProofPlan } from "../../src/prover/tree";
import { jobDigest, type JobKind } from "../../src/prover/work";
import { OTHER_HASH, TEST_WORK, txHashesOf } from "./fixtures";

const PIH = OTHER_HASH;

function plan(count: number, planId = "t"): ProofPlan {
  return planProofTree({ planId, txHashes: txHashesOf(count), publicInputsHash: PIH });
}

function byName(p: ProofPlan): Map<string, ProofJob> {
  return new Map(p.jobs.map((j) => [j.name, j]));
}

function countOf(p: ProofPlan, kind: JobKind): number {
  return p.jobs.filter((j) => j.kind === kind).length;
}

/** Compact view of a plan: name, level, inputs (tx index or Z for zero, P for public inputs), dependencies by name. */
function shape(p: ProofPlan, txs: readonly string[]): string[] {
  const label = (v: string): string => (v === ZeroHash ? "Z" : v === PIH ? "P" : `tx${txs.indexOf(v)}`);
  return p.jobs.map(
    (j) =>
      `${j.name}@${j.level}[${j.inputs.map(label).join(",")}](${j.dependencies.map((d) => d.split("/")[1]).join(",")})`,
  );
}

describe("prover tree plan", () => {
  describe("planProofTree", () => {
    it("plans one base job over two zero hashes and a root for an empty block", () => {
      const p = plan(0);
      expect(shape(p, [])).to.deep.equal(["base-0@0[Z,Z]()", "root@1[P](base-0)"]);
      expect(p.levels).to.equal(2);
      expect(p.txCount).to.equal(0);
      expect(p.rootJobId).to.equal("t/root");
    });

    it("pairs a single tx with the zero hash", () => {
      const txs = txHashesOf(1);
      expect(shape(plan(1), txs)).to.deep.equal(["base-0@0[tx0,Z]()", "root@1[P](base-0)"]);
    });

    it("proves two txs with one base job and the root, without any merge", () => {
      const txs = txHashesOf(2);
      const p = plan(2);
      expect(shape(p, txs)).to.deep.equal(["base-0@0[tx0,tx1]()", "root@1[P](base-0)"]);
      expect(p.levels).to.equal(2);
    });

    it("merges the two base jobs of three txs and pads the odd tx with the zero hash", () => {
      const txs = txHashesOf(3);
      const p = plan(3);
      expect(shape(p, txs)).to.deep.equal([
        "base-0@0[tx0,tx1]()",
        "base-1@0[tx2,Z]()",
        "merge-1-0@1[](base-0,base-1)",
        "root@2[P](merge-1-0)",
      ]);
      expect(p.levels).to.equal(3);
    });

    it("plans four base jobs, three merges on two levels and a root for eight txs", () => {
      const txs = txHashesOf(8);
      const p = plan(8);
      expect(shape(p, txs)).to.deep.equal([
        "base-0@0[tx0,tx1]()",
        "base-1@0[tx2,tx3]()",
        "base-2@0[tx4,tx5]()",
        "base-3@0[tx6,tx7]()",
        "merge-1-0@1[](base-0,base-1)",
        "merge-1-1@1[](base-2,base-3)",
        "merge-2-0@2[](merge-1-0,merge-1-1)",
        "root@3[P](merge-2-0)",
      ]);
      expect(p.levels).to.equal(4);
      expect([countOf(p, "base"), countOf(p, "merge"), countOf(p, "root")]).to.deep.equal([4, 3, 1]);
    });

    it("carries an odd proof up a level instead of padding it (five txs)", () => {
      const txs = txHashesOf(5);
      expect(shape(plan(5), txs)).to.deep.equal([
        "base-0@0[tx0,tx1]()",
        "base-1@0[tx2,tx3]()",
        "base-2@0[tx4,Z]()",
        "merge-1-0@1[](base-0,base-1)",
        "merge-2-0@2[](merge-1-0,base-2)",
        "root@3[P](merge-2-0)",
      ]);
    });

    it("keeps the tree invariants for every block size up to 70 txs", () => {
      for (let n = 0; n <= 70; n++) {
        const p = plan(n);
        const bases = Math.max(1, Math.ceil(n / 2));
        const problems: string[] = [];
        const seen = new Set<string>();
        const consumers = new Map<string, number>();
        for (const job of p.jobs) {
          if (job.id !== `t/${job.name}`) problems.push(`${job.id} is not prefixed`);
          const arity = job.kind === "base" ? 0 : job.kind === "merge" ? 2 : 1;
          if (job.dependencies.length !== arity) problems.push(`${job.id} has ${job.dependencies.length} children`);
          for (const dep of job.dependencies) {
            if (!seen.has(dep)) problems.push(`${job.id} comes before its dependency ${dep}`);
            consumers.set(dep, (consumers.get(dep) ?? 0) + 1);
          }
          seen.add(job.id);
        }
        for (const job of p.jobs) {
          const expected = job.kind === "root" ? 0 : 1;
          if ((consumers.get(job.id) ?? 0) !== expected)
            problems.push(`${job.id} is consumed ${consumers.get(job.id)} times`);
        }
        const root = p.jobs[p.jobs.length - 1];
        const top = byName(p).get(bases > 1 ? `merge-${p.levels - 2}-0` : "base-0");
        const baseInputs = p.jobs.filter((j) => j.kind === "base").flatMap((j) => j.inputs);
        expect(
          {
            counts: [countOf(p, "base"), countOf(p, "merge"), countOf(p, "root")],
            levels: p.levels,
            uniqueIds: seen.size,
            rootId: root.id,
            rootDeps: root.dependencies,
            baseInputs,
            problems,
          },
          `${n} txs`,
        ).to.deep.equal({
          counts: [bases, bases - 1, 1],
          levels: Math.ceil(Math.log2(bases)) + 2,
          uniqueIds: p.jobs.length,
          rootId: p.rootJobId,
          rootDeps: [top?.id],
          baseInputs: [...txHashesOf(n), ...Array<string>(2 * bases - n).fill(ZeroHash)],
          problems: [],
        });
      }
    });

    it("prefixes job ids with the plan id and defaults it to 'plan'", () => {
      expect(plan(3, "h9-r2").jobs.map((j) => j.id)).to.deep.equal([
        "h9-r2/base-0",
        "h9-r2/base-1",
        "h9-r2/merge-1-0",
        "h9-r2/root",
      ]);
      expect(planProofTree({ txHashes: [], publicInputsHash: PIH }).rootJobId).to.equal("plan/root");
    });

    it("rejects a malformed tx hash, naming its index", () => {
      const txHashes = [...txHashesOf(2), "0x1234"];
      const call = (): ProofPlan => planProofTree({ txHashes, publicInputsHash: PIH });
      expect(call).to.throw(InvalidProveInputError).with.property("field", "txHashes[2]");
      expect(call).to.throw(FernetError, /Use 0x-prefixed 32-byte hex strings/);
    });

    it("rejects a malformed public-inputs hash and a plan id containing '/'", () => {
      expect(() => planProofTree({ txHashes: [], publicInputsHash: "0x00" }))
        .to.throw(InvalidProveInputError)
        .with.property("field", "publicInputsHash");
      expect(() => planProofTree({ planId: "a/b", txHashes: [], publicInputsHash: PIH }))
        .to.throw(InvalidProveInputError)
        .with.property("field", "planId");
      expect(() => planProofTree({ planId: "", txHashes: [], publicInputsHash: PIH }))
        .to.throw(InvalidProveInputError)
        .with.property("field", "planId");
    });
  });

  describe("evaluatePlan", () => {
    it("computes each job from its kind, inputs and children, so the root is reproducible", () => {
      const p = plan(3);
      const { treeRoot, outputs } = evaluatePlan(p, TEST_WORK);
      const [tx0, tx1, tx2] = txHashesOf(3);
      const b0 = jobDigest("base", [tx0, tx1], [], TEST_WORK);
      const b1 = jobDigest("base", [tx2, ZeroHash], [], TEST_WORK);
      const m = jobDigest("merge", [], [b0, b1], TEST_WORK);
      expect(outputs.get("t/base-0")).to.equal(b0);
      expect(outputs.get("t/merge-1-0")).to.equal(m);
      expect(treeRoot).to.equal(jobDigest("root", [PIH], [m], TEST_WORK));
      expect(evaluatePlan(plan(3), TEST_WORK).treeRoot).to.equal(treeRoot);
    });

    it("gives another root when a tx, the tx order, the public inputs or the work changes", () => {
      const txs = txHashesOf(4);
      const rootOf = (txHashes: string[], pih = PIH, work = TEST_WORK): string =>
        evaluatePlan(planProofTree({ txHashes, publicInputsHash: pih }), work).treeRoot;
      const base = rootOf(txs);
      const variants = [
        rootOf([txs[0], txs[1], txs[2], OTHER_HASH]),
        rootOf([txs[1], txs[0], txs[2], txs[3]]),
        rootOf(txs, ZeroHash),
        rootOf(txs, PIH, TEST_WORK + 1),
      ];
      expect(new Set([base, ...variants]).size).to.equal(5);
    });

    it("rejects a plan whose jobs are not in dependency order", () => {
      const p = plan(2);
      const reversed: ProofPlan = { ...p, jobs: [...p.jobs].reverse() };
      expect(() => evaluatePlan(reversed, 1)).to.throw(InvalidProveInputError, /List each job after/);
    });
  });

  describe("jobDigest", () => {
    it("separates kinds and the position of children", () => {
      const [a, b] = txHashesOf(2);
      const digests = [
        jobDigest("base", [a, b], [], 1),
        jobDigest("merge", [], [a, b], 1),
        jobDigest("merge", [], [b, a], 1),
        jobDigest("root", [a], [b], 1),
        jobDigest("root", [b], [a], 1),
        jobDigest("merge", [a, b], [], 1),
      ];
      expect(new Set(digests).size).to.equal(digests.length);
    });

    it("rejects malformed values and negative work with typed errors", () => {
      expect(() => jobDigest("base", ["0x12"], [], 1))
        .to.throw(InvalidProveInputError)
        .with.property("field", "inputs[0]");
      expect(() => jobDigest("merge", [], [ZeroHash, "nope"], 1))
        .to.throw(InvalidProveInputError)
        .with.property("field", "childOutputs[1]");
      expect(() => jobDigest("base", [], [], -1))
        .to.throw(InvalidProveInputError)
        .with.property("field", "workPerJob");
      expect(() => jobDigest("leaf" as JobKind, [], [], 1))
        .to.throw(InvalidProveInputError)
        .with.property("field", "kind");
    });
  });
});
