import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, toUtf8Bytes, ZeroHash, type ContractTransactionResponse } from "ethers";
import { blockHash } from "../../sdk/src/hashing";
import {
  EMPTY_ROOT,
  absenceProof,
  astriaTxProof,
  bindingDigest,
  bindingDomain,
  entryProof,
  l2TxHash,
  l2TxProof,
  rollupLeafProof,
  rollupTxsRoot,
  shapeWitness,
  type Binding,
  type Entry,
  type RollupLeaf,
} from "../../sdk/src/astria";
import {
  ROLLUP_ID,
  SLASHER,
  TOKEN,
  astriaBlock,
  backupRound,
  commitProver,
  commitRevealProve,
  deployWorld,
  finalizeRound,
  handOver,
  load,
  postBinding,
  propose,
  prove,
  relay,
  rollupTxs,
  sign,
  signedBinding,
  toProposalDeadline,
  toRevealDeadline,
  top,
  withEntries,
  type World,
} from "./helpers/world";
import {
  H,
  HIGH,
  LOW,
  OWN_TX,
  astriaReady,
  endsEarly,
  entryAt,
  fabricated,
  hashesOf,
  honest,
  leafOf,
  otherLeaf,
  scenario,
  skippedAll,
  skippedFirst,
  skippedLast,
  skippedMiddle,
  swapped,
  truncated,
  txsOf,
  unposted,
  unpostedFinalized,
  wrongCount,
  wrongRoot,
  type Scenario,
} from "./helpers/scenarios";

const BURN = "0x000000000000000000000000000000000000dEaD";
const PENALTY = SLASHER.penalty;
const BOUNTY = (PENALTY * SLASHER.bountyBps) / 10_000n;

enum Offence {
  DoubleBinding,
  WrongBlockHash,
  AstriaMismatch,
  TxMismatch,
  MissingBinding,
  RangeOmission,
  AbandonedHeight,
}
enum Mismatch {
  RootMismatch,
  RollupAbsent,
  SkippedBlock,
  CountMismatch,
}

// ------------------------------------------------------------------ fixtures (one per scenario)

const toTreasury = async () => {
  const [deployer] = await ethers.getSigners();
  return scenario({ post: false, finalize: false, world: { slasher: { treasury: deployer.address } } });
};
const bigPenalty = () => scenario({ post: false, finalize: false, world: { slasher: { penalty: 1_500n * TOKEN } } });
const noBounty = () => scenario({ post: false, finalize: false, world: { slasher: { bountyBps: 0n } } });
const allBounty = () => scenario({ post: false, finalize: false, world: { slasher: { bountyBps: 10_000n } } });
/** The honest scenario (height 3 bound to Astria [1, 9) and proven: the cursor is at 9), seqB bonded too. */
const honestWithB = () => scenario({ world: { bondB: true } });
/** How late (seconds after the round start) the proposal of {@link lateProposal} lands on L1. */
const LATE = 8n;
/**
 * seqA builds height 3 at its round start from Astria [1, 9) (everything final then), Astria 9 (with
 * rollup txs) has time `roundStart + astriaOffset`, and the proposal lands LATE seconds into the round;
 * the binding of [1, 9) is posted and the block finalized.
 */
const lateProposal = (astriaOffset: bigint) =>
  async function lateProposalFixture() {
    const w = await astriaReady();
    const { roundStart } = await w.rollup.getHeightState(H);
    await relay(w, astriaBlock(w, 9n, roundStart + astriaOffset, rollupTxs("a9", 2)));
    const t = top(w, 1n, 9n);
    await time.setNextBlockTimestamp(roundStart + LATE);
    const header = await propose(w, w.seqA, H, [...t.txHashes, OWN_TX]);
    await postBinding(w, w.seqA, H, t);
    await commitRevealProve(w, H);
    return { w, t, header, txHashes: [...t.txHashes, OWN_TX], roundStart };
  };
/** seqA won height 3 with an honest block and posted an honest binding of Astria [1, 9); nothing more yet. */
const boundPending = () => scenario({ finalize: false });
/** As {@link boundPending}, with seqB bonded too. */
const boundPendingWithB = () => scenario({ finalize: false, world: { bondB: true } });
/**
 * The top-of-block of height 3 with Astria 3's first two txs swapped: what the winner's own backup
 * block (sent from a second key it controls, `stranger`) carries instead of what it preconfirmed.
 */
function reordered(s: Scenario): string[] {
  const [x, y, z] = hashesOf(txsOf(s.w, 3n));
  return [...hashesOf(txsOf(s.w, 1n)), y, x, z, ...hashesOf(txsOf(s.w, 4n)), OWN_TX];
}
/**
 * As {@link astriaReady}, but Astria 3 (3 rollup txs) is built and never relayed: Astria 1, 2 and 4-8 are
 * final in the light client under the genesis set.
 */
async function astriaBlocksBeforeHandOver(): Promise<World> {
  const w = await deployWorld();
  const t0 = BigInt(await time.latest());
  for (let h = 1n; h <= 8n; h++) {
    const ours = h === 1n ? 2 : h === 3n ? 3 : h === 4n ? 1 : 0;
    const block = astriaBlock(w, h, t0 + h, rollupTxs(`a${h}`, ours));
    if (h !== 3n) {
      await relay(w, block);
    }
  }
  await finalizeRound(w, w.seqA, 1n);
  await finalizeRound(w, w.seqA, 2n);
  return w;
}
/** The honest scenario with a penalty of the whole minimum bond. */
const wholeBondPenalty = () => scenario({ world: { slasher: { penalty: SLASHER.minimumBond } } });
/** A range of `[start, end)` that takes no Astria txs. */
const emptyTop = (start: bigint, end: bigint) => ({ astriaStart: start, astriaEnd: end, entries: [], txHashes: [] });

// ------------------------------------------------------------------ helpers

/** Checks the slash of seqA at height 3 for `offence`: amounts, payouts, record and conservation. */
async function expectSlashed(w: World, tx: Promise<ContractTransactionResponse>, offence: Offence): Promise<void> {
  await expect(tx)
    .to.emit(w.slasher, "Slashed")
    .withArgs(H, w.seqA.address, w.reporter.address, offence, PENALTY, BOUNTY, PENALTY - BOUNTY);
  await expect(tx).to.changeTokenBalances(w.token, [w.reporter, BURN, w.slasher], [BOUNTY, PENALTY - BOUNTY, -PENALTY]);
  expect((await w.slasher.bindingAt(H)).slashed).to.equal(true);
  expect((await w.slasher.bondOf(w.seqA.address)).amount).to.equal(SLASHER.minimumBond - PENALTY);
  expect(await w.token.balanceOf(await w.slasher.getAddress())).to.equal(await w.slasher.totalBonded());
}

describe("AstriaSlasher: evidence", () => {
  describe("1. double binding", () => {
    it("slashes two different bindings signed for one height", async () => {
      const s = await load(honest);
      const { w } = s;
      const a = s.signed!;
      const b: Binding = { ...a.binding, blockHash: keccak256(toUtf8Bytes("the other block")) };
      const domain = bindingDomain(w.chainId, await w.slasher.getAddress());
      const tx = w.slasher.connect(w.reporter).proveDoubleBinding(a.binding, a.signature, b, await sign(w, w.seqA, b));
      await expect(tx)
        .to.emit(w.slasher, "DoubleBindingProven")
        .withArgs(H, w.seqA.address, bindingDigest(domain, a.binding), bindingDigest(domain, b));
      await expectSlashed(w, tx, Offence.DoubleBinding);
    });

    it("refuses the same binding twice (valid evidence of nothing)", async () => {
      const { w, signed } = await load(honest);
      const digest = await w.slasher.bindingDigest(signed!.binding);
      await expect(
        w.slasher.proveDoubleBinding(signed!.binding, signed!.signature, signed!.binding, signed!.signature),
      )
        .to.be.revertedWithCustomError(w.slasher, "Astria__SameBinding")
        .withArgs(digest);
    });

    it("refuses bindings for two different heights", async () => {
      const { w, signed } = await load(honest);
      const b: Binding = { ...signed!.binding, l2Height: 4n };
      await expect(w.slasher.proveDoubleBinding(signed!.binding, signed!.signature, b, await sign(w, w.seqA, b)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__HeightMismatch")
        .withArgs(H, 4n);
    });

    it("refuses a forged second signature", async () => {
      const { w, signed } = await load(honest);
      const b: Binding = { ...signed!.binding, astriaEnd: 10n };
      await expect(w.slasher.proveDoubleBinding(signed!.binding, signed!.signature, b, await sign(w, w.stranger, b)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__SignerMismatch")
        .withArgs(w.seqA.address, w.stranger.address);
    });

    it("refuses bindings by a sequencer that did not win the height", async () => {
      const { w, signed } = await load(honest);
      const a: Binding = signed!.binding;
      const b: Binding = { ...a, astriaEnd: 10n };
      await expect(w.slasher.proveDoubleBinding(a, await sign(w, w.seqB, a), b, await sign(w, w.seqB, b)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotWinner")
        .withArgs(H, w.seqB.address, w.seqA.address);
    });

    it("refuses a height where the sequencer's commitment was not in force", async () => {
      const { w, signed } = await load(honest);
      const a: Binding = { ...signed!.binding, l2Height: 2n };
      const b: Binding = { ...a, astriaEnd: 10n };
      await expect(w.slasher.proveDoubleBinding(a, await sign(w, w.seqA, a), b, await sign(w, w.seqA, b)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce")
        .withArgs(w.seqA.address, 2n);
    });

    it("refuses a height whose winner is not settled yet", async () => {
      const { w, signed } = await load(honest);
      const a: Binding = { ...signed!.binding, l2Height: 4n };
      const b: Binding = { ...a, astriaEnd: 10n };
      const sigA = await sign(w, w.seqA, a);
      const sigB = await sign(w, w.seqA, b);
      await expect(w.slasher.proveDoubleBinding(a, sigA, b, sigB))
        .to.be.revertedWithCustomError(w.slasher, "Astria__WinnerNotKnown")
        .withArgs(4n, 1n); // Proposal
      const far: Binding = { ...a, l2Height: 9n };
      const far2: Binding = { ...b, l2Height: 9n };
      await expect(w.slasher.proveDoubleBinding(far, await sign(w, w.seqA, far), far2, await sign(w, w.seqA, far2)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__WinnerNotKnown")
        .withArgs(9n, 0n); // NotStarted
    });

    it("refuses a replay once the height was slashed", async () => {
      const { w, signed } = await load(honest);
      const b: Binding = { ...signed!.binding, astriaEnd: 10n };
      const sigB = await sign(w, w.seqA, b);
      await w.slasher.proveDoubleBinding(signed!.binding, signed!.signature, b, sigB);
      await expect(w.slasher.proveDoubleBinding(signed!.binding, signed!.signature, b, sigB))
        .to.be.revertedWithCustomError(w.slasher, "Astria__AlreadySlashed")
        .withArgs(w.seqA.address, H);
    });
  });

  describe("2. binding versus the block actually won", () => {
    it("slashes a binding (a user's receipt) for another block than the one the sequencer won with", async () => {
      const s = await load(honest);
      const { w } = s;
      const other = keccak256(toUtf8Bytes("the block users were promised"));
      const receipt: Binding = { ...s.signed!.binding, blockHash: other };
      const tx = w.slasher.connect(w.reporter).proveWrongBlockHash(receipt, await sign(w, w.seqA, receipt));
      await expect(tx)
        .to.emit(w.slasher, "WrongBlockHashProven")
        .withArgs(H, w.seqA.address, other, blockHash(s.header));
      await expectSlashed(w, tx, Offence.WrongBlockHash);
    });

    it("refuses the binding of the block that won", async () => {
      const { w, signed, header } = await load(honest);
      await expect(w.slasher.proveWrongBlockHash(signed!.binding, signed!.signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BlockHashMatches")
        .withArgs(H, blockHash(header));
    });

    it("refuses a forged signature", async () => {
      const { w, signed } = await load(honest);
      const receipt: Binding = { ...signed!.binding, blockHash: ZeroHash };
      await expect(w.slasher.proveWrongBlockHash(receipt, await sign(w, w.stranger, receipt)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotWinner")
        .withArgs(H, w.stranger.address, w.seqA.address);
    });
  });

  describe("3. binding versus the light client", () => {
    describe("root mismatch", () => {
      it("slashes an entry whose rollup-tx root is not Astria's", async () => {
        const s = await load(wrongRoot);
        const { w } = s;
        const entry = entryAt(s, 3n);
        const leaf = leafOf(s, 3n);
        const tx = w.slasher.connect(w.reporter).proveRootMismatch(H, entry, leaf);
        await expect(tx)
          .to.emit(w.slasher, "AstriaMismatchProven")
          .withArgs(H, w.seqA.address, Mismatch.RootMismatch, 3n, entry.entry.rollupTxsRoot, leaf.txsRoot);
        await expectSlashed(w, tx, Offence.AstriaMismatch);
      });

      it("refuses Astria's own root (valid evidence of nothing)", async () => {
        const s = await load(honest);
        const leaf = leafOf(s, 3n);
        await expect(s.w.slasher.proveRootMismatch(H, entryAt(s, 3n), leaf))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__RootMatches")
          .withArgs(3n, leaf.txsRoot);
      });

      it("refuses another rollup's leaf", async () => {
        const s = await load(wrongRoot);
        await expect(s.w.slasher.proveRootMismatch(H, entryAt(s, 3n), otherLeaf(s, 3n, LOW)))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__WrongRollupId")
          .withArgs(ROLLUP_ID, LOW);
      });

      it("refuses a leaf proven against the wrong root (another Astria block's)", async () => {
        const s = await load(wrongRoot);
        await expect(s.w.slasher.proveRootMismatch(H, entryAt(s, 3n), leafOf(s, 1n)))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__InvalidRollupProof")
          .withArgs(3n);
      });

      it("refuses an entry that is not in the posted binding", async () => {
        const s = await load(wrongRoot);
        const entry = entryAt(s, 3n);
        const forged = { ...entry, entry: { ...entry.entry, txCount: 3n } };
        await expect(s.w.slasher.proveRootMismatch(H, forged, leafOf(s, 3n)))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__InvalidEntryProof")
          .withArgs(H, entry.index);
      });

      it("refuses a height without a posted binding", async () => {
        const s = await load(honest);
        await expect(s.w.slasher.proveRootMismatch(2n, entryAt(s, 3n), leafOf(s, 3n)))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__BindingNotPosted")
          .withArgs(2n);
      });

      it("refuses an Astria height the light client does not know", async () => {
        const w = await load(astriaReady);
        const t = top(w, 1n, 9n);
        const fake: Entry = { astriaHeight: 12n, rollupTxsRoot: rollupTxsRoot(["0x99"]), txCount: 1n, offset: 6n };
        const entries = [...t.entries, fake];
        // Astria 12 was never relayed, but a later block was: the range may reach past it.
        await relay(w, astriaBlock(w, 13n, BigInt(await time.latest()), []));
        await propose(w, w.seqA, H, [...t.txHashes, l2TxHash("0x99")]);
        await postBinding(w, w.seqA, H, { ...withEntries(t, entries), astriaEnd: 13n });
        const leaf = rollupLeafProof(w.astria.get(3n)!, ROLLUP_ID);
        await expect(w.slasher.proveRootMismatch(H, entryProof(entries, entries.length - 1), leaf))
          .to.be.revertedWithCustomError(w.slasher, "Astria__UnknownAstriaHeight")
          .withArgs(12n);
      });
    });

    describe("any evidence on a posted binding", () => {
      it("refuses a replay once the height was slashed, whatever evidence slashed it", async () => {
        const s = await load(wrongRoot);
        const { w } = s;
        await w.slasher.proveRootMismatch(H, entryAt(s, 3n), leafOf(s, 3n));
        await expect(w.slasher.proveRootMismatch(H, entryAt(s, 3n), leafOf(s, 3n)))
          .to.be.revertedWithCustomError(w.slasher, "Astria__AlreadySlashed")
          .withArgs(w.seqA.address, H);
        await expect(w.slasher.proveRangeOmission(H, 9n, leafOf(s, 9n)))
          .to.be.revertedWithCustomError(w.slasher, "Astria__AlreadySlashed")
          .withArgs(w.seqA.address, H);
      });

      it("refuses a posted binding whose winner's bond was emptied since (nothing left binds it)", async () => {
        const s = await load(wholeBondPenalty);
        const { w } = s;
        // seqA also wins and binds height 4; then an offence at height 3 takes its whole bond.
        const t = top(w, 9n, 10n);
        await propose(w, w.seqA, 4n, [...t.txHashes, OWN_TX]);
        await postBinding(w, w.seqA, 4n, t);
        const other: Binding = { ...s.signed!.binding, blockHash: ZeroHash };
        await w.slasher.proveWrongBlockHash(other, await sign(w, w.seqA, other));
        expect((await w.slasher.bondOf(w.seqA.address)).amount).to.equal(0n);
        await expect(w.slasher.proveRangeOmission(4n, 9n, leafOf(s, 9n)))
          .to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce")
          .withArgs(w.seqA.address, 4n);
      });
    });

    describe("rollup absent", () => {
      const cases: Array<[string, bigint, number]> = [
        ["a block without any rollup (empty root)", 2n, 0],
        ["a block whose only rollup sorts below this one (last leaf)", 5n, 1],
        ["a block whose only rollup sorts above this one (first leaf)", 6n, 1],
        ["a block with rollups on both sides (adjacent leaves)", 7n, 2],
      ];
      for (const [what, astriaHeight, neighbours] of cases) {
        it(`slashes an entry for ${what}`, async () => {
          const s = await load(fabricated);
          const { w } = s;
          const proof = absenceProof(w.astria.get(astriaHeight)!, ROLLUP_ID);
          expect(proof.length).to.equal(neighbours);
          const entry = entryAt(s, astriaHeight);
          const tx = w.slasher.connect(w.reporter).proveRollupAbsent(H, entry, proof);
          await expect(tx)
            .to.emit(w.slasher, "AstriaMismatchProven")
            .withArgs(H, w.seqA.address, Mismatch.RollupAbsent, astriaHeight, entry.entry.rollupTxsRoot, EMPTY_ROOT);
          await expectSlashed(w, tx, Offence.AstriaMismatch);
        });
      }

      it("refuses a block that carries the rollup (valid evidence of nothing)", async () => {
        const s = await load(honest);
        await expect(s.w.slasher.proveRollupAbsent(H, entryAt(s, 3n), [leafOf(s, 3n)]))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__RollupPresent")
          .withArgs(3n);
      });

      it("refuses neighbours that do not enclose the rollup id", async () => {
        const s = await load(fabricated);
        const a7 = s.w.astria.get(7n)!;
        const [below, above] = absenceProof(a7, ROLLUP_ID);
        const entry = entryAt(s, 7n);
        const notProven: RollupLeaf[][] = [
          [], // the root is not empty
          [below, above, below], // three leaves
          [above, below], // wrong order
          [below], // not the last leaf
          [above], // not the first leaf
          [below, { ...above, treeSize: 3n }], // different claimed sizes
        ];
        for (const neighbours of notProven.slice(0, 5)) {
          await expect(s.w.slasher.proveRollupAbsent(H, entry, neighbours))
            .to.be.revertedWithCustomError(s.w.slasher, "Astria__AbsenceNotProven")
            .withArgs(7n);
        }
        await expect(s.w.slasher.proveRollupAbsent(H, entry, notProven[5]))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__InvalidRollupProof")
          .withArgs(7n);
        // The first leaf of a block is not "above" an id it does not exceed.
        const a6Entry = entryAt(s, 6n);
        await expect(s.w.slasher.proveRollupAbsent(H, a6Entry, [{ ...otherLeaf(s, 3n, LOW) }]))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__InvalidRollupProof")
          .withArgs(6n);
      });
    });

    describe("skipped block", () => {
      const cases: Array<[string, () => Promise<Scenario>, bigint, bigint[]]> = [
        ["between two entries", skippedMiddle, 3n, [1n, 4n]],
        ["before the first entry", skippedFirst, 1n, [3n]],
        ["after the last entry", skippedLast, 4n, [3n]],
        ["in a range without entries", skippedAll, 3n, []],
      ];
      for (const [where, fixture, astriaHeight, around] of cases) {
        it(`slashes a block with rollup txs left out ${where}`, async () => {
          const s = await load(fixture);
          const { w } = s;
          const bracket = around.map((h) => entryAt(s, h));
          const presence = leafOf(s, astriaHeight);
          const tx = w.slasher.connect(w.reporter).proveSkippedBlock(H, astriaHeight, presence, bracket);
          await expect(tx)
            .to.emit(w.slasher, "AstriaMismatchProven")
            .withArgs(H, w.seqA.address, Mismatch.SkippedBlock, astriaHeight, ZeroHash, presence.txsRoot);
          await expectSlashed(w, tx, Offence.AstriaMismatch);
        });
      }

      it("refuses a block that has its entry (valid evidence of nothing)", async () => {
        const s = await load(honest);
        await expect(s.w.slasher.proveSkippedBlock(H, 3n, leafOf(s, 3n), [entryAt(s, 1n), entryAt(s, 3n)]))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__EntryExists")
          .withArgs(3n, 1n);
      });

      it("refuses entries that do not enclose the block", async () => {
        const s = await load(skippedMiddle);
        const [a1, a4] = [entryAt(s, 1n), entryAt(s, 4n)];
        for (const bracket of [[], [a1], [a4], [a4, a1], [a1, a4, a1]]) {
          await expect(s.w.slasher.proveSkippedBlock(H, 3n, leafOf(s, 3n), bracket))
            .to.be.revertedWithCustomError(s.w.slasher, "Astria__NotBracketed")
            .withArgs(3n);
        }
        // Two real entries around a block, but not adjacent ones: the block's own entry lies between.
        const f = await load(fabricated);
        await expect(f.w.slasher.proveSkippedBlock(H, 3n, leafOf(f, 3n), [entryAt(f, 1n), entryAt(f, 4n)]))
          .to.be.revertedWithCustomError(f.w.slasher, "Astria__NotBracketed")
          .withArgs(3n);
      });

      it("refuses a block outside the range", async () => {
        const s = await load(honest);
        await expect(s.w.slasher.proveSkippedBlock(H, 9n, leafOf(s, 9n), []))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__OutsideRange")
          .withArgs(9n, 1n, 9n);
        await expect(s.w.slasher.proveSkippedBlock(H, 0n, leafOf(s, 9n), []))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__OutsideRange")
          .withArgs(0n, 1n, 9n);
      });

      it("refuses a block whose leaf for the rollup has no txs", async () => {
        const s = await load(honest);
        const leaf = leafOf(s, 8n);
        expect(leaf.txsRoot).to.equal(EMPTY_ROOT);
        await expect(s.w.slasher.proveSkippedBlock(H, 8n, leaf, [entryAt(s, 4n)]))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__RollupHasNoTxs")
          .withArgs(8n);
      });
    });

    describe("count mismatch (offsets that do not add up)", () => {
      it("slashes an entry whose count does not fit its root, withholding a tx", async () => {
        const s = await load(wrongCount);
        const { w } = s;
        const a3 = w.astria.get(3n)!;
        const witness = shapeWitness(3, 2)!;
        const tx = w.slasher.connect(w.reporter).proveCountMismatch(H, entryAt(s, 3n), astriaTxProof(a3, ROLLUP_ID, witness), 3n);
        await expect(tx)
          .to.emit(w.slasher, "AstriaMismatchProven")
          .withArgs(H, w.seqA.address, Mismatch.CountMismatch, 3n, ethers.toBeHex(2n, 32), ethers.toBeHex(3n, 32));
        await expectSlashed(w, tx, Offence.AstriaMismatch);
      });

      it("refuses every tx of an honest entry (valid evidence of nothing)", async () => {
        const s = await load(honest);
        const a3 = s.w.astria.get(3n)!;
        for (let j = 0; j < 3; j++) {
          await expect(s.w.slasher.proveCountMismatch(H, entryAt(s, 3n), astriaTxProof(a3, ROLLUP_ID, j), 3n))
            .to.be.revertedWithCustomError(s.w.slasher, "Astria__CountConsistent")
            .withArgs(3n, BigInt(j), 3n);
        }
      });

      it("refuses a tx that is not in the entry's root", async () => {
        const s = await load(wrongCount);
        const other = astriaTxProof(s.w.astria.get(1n)!, ROLLUP_ID, 0);
        await expect(s.w.slasher.proveCountMismatch(H, entryAt(s, 3n), other, 3n))
          .to.be.revertedWithCustomError(s.w.slasher, "Astria__InvalidAstriaTxProof")
          .withArgs(3n, 0n);
      });
    });
  });

  describe("4. a top-of-block tx that differs from Astria's", () => {
    it("slashes a block that reorders Astria's txs", async () => {
      const s = await load(swapped);
      const { w } = s;
      const entry = entryAt(s, 3n);
      const a3 = w.astria.get(3n)!;
      const astriaTx = astriaTxProof(a3, ROLLUP_ID, 0);
      const position = Number(entry.entry.offset);
      const l2Tx = l2TxProof(s.header, s.txHashes, position);
      const tx = w.slasher.connect(w.reporter).proveTxMismatch(H, entry, leafOf(s, 3n), astriaTx, l2Tx);
      await expect(tx)
        .to.emit(w.slasher, "TxMismatchProven")
        .withArgs(H, w.seqA.address, 3n, 0n, BigInt(position), l2TxHash(astriaTx.data), s.txHashes[position]);
      await expectSlashed(w, tx, Offence.TxMismatch);
    });

    it("slashes a block too short to hold the entry's txs", async () => {
      const s = await load(truncated);
      const { w } = s;
      const astriaTx = astriaTxProof(w.astria.get(4n)!, ROLLUP_ID, 0);
      const entry = entryAt(s, 4n);
      const tx = w.slasher
        .connect(w.reporter)
        .proveTxMismatch(H, entry, leafOf(s, 4n), astriaTx, l2TxProof(s.header, s.txHashes, 5));
      await expect(tx)
        .to.emit(w.slasher, "TxMismatchProven")
        .withArgs(H, w.seqA.address, 4n, 0n, 5n, l2TxHash(astriaTx.data), ZeroHash);
      await expectSlashed(w, tx, Offence.TxMismatch);
    });

    it("refuses every tx of an honest block (valid evidence of nothing)", async () => {
      const s = await load(honest);
      for (const astriaHeight of [1n, 3n, 4n]) {
        const entry = entryAt(s, astriaHeight);
        const txs = txsOf(s.w, astriaHeight);
        for (let j = 0; j < txs.length; j++) {
          const position = Number(entry.entry.offset) + j;
          await expect(
            s.w.slasher.proveTxMismatch(
              H,
              entry,
              leafOf(s, astriaHeight),
              astriaTxProof(s.w.astria.get(astriaHeight)!, ROLLUP_ID, j),
              l2TxProof(s.header, s.txHashes, position),
            ),
          )
            .to.be.revertedWithCustomError(s.w.slasher, "Astria__TxMatches")
            .withArgs(H, BigInt(position), s.txHashes[position]);
        }
      }
    });

    it("refuses the header of another block", async () => {
      const s = await load(swapped);
      const header = { ...s.header, archive: ZeroHash };
      const l2Tx = { ...l2TxProof(s.header, s.txHashes, 2), header };
      await expect(
        s.w.slasher.proveTxMismatch(H, entryAt(s, 3n), leafOf(s, 3n), astriaTxProof(s.w.astria.get(3n)!, ROLLUP_ID, 0), l2Tx),
      )
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__HeaderMismatch")
        .withArgs(H, blockHash(s.header), blockHash(header));
    });

    it("refuses an L2 leaf proven at another position", async () => {
      const s = await load(swapped);
      const l2Tx = l2TxProof(s.header, s.txHashes, 3);
      await expect(
        s.w.slasher.proveTxMismatch(H, entryAt(s, 3n), leafOf(s, 3n), astriaTxProof(s.w.astria.get(3n)!, ROLLUP_ID, 0), l2Tx),
      )
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__InvalidL2TxProof")
        .withArgs(H, 2n);
    });

    it("refuses an Astria tx proven at another index", async () => {
      const s = await load(swapped);
      const astriaTx = { ...astriaTxProof(s.w.astria.get(3n)!, ROLLUP_ID, 1), index: 0n };
      await expect(
        s.w.slasher.proveTxMismatch(H, entryAt(s, 3n), leafOf(s, 3n), astriaTx, l2TxProof(s.header, s.txHashes, 2)),
      )
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__InvalidAstriaTxProof")
        .withArgs(3n, 0n);
    });

    it("refuses Astria's leaf when the entry's root is not Astria's (that is a root mismatch)", async () => {
      const s = await load(wrongRoot);
      const entry = entryAt(s, 3n);
      const leaf = leafOf(s, 3n);
      await expect(
        s.w.slasher.proveTxMismatch(H, entry, leaf, astriaTxProof(s.w.astria.get(3n)!, ROLLUP_ID, 0), l2TxProof(s.header, s.txHashes, 2)),
      )
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__EntryRootMismatch")
        .withArgs(3n, entry.entry.rollupTxsRoot, leaf.txsRoot);
    });

    it("refuses a wrong rollup id", async () => {
      const s = await load(swapped);
      await expect(
        s.w.slasher.proveTxMismatch(
          H,
          entryAt(s, 3n),
          otherLeaf(s, 3n, HIGH),
          astriaTxProof(s.w.astria.get(3n)!, ROLLUP_ID, 0),
          l2TxProof(s.header, s.txHashes, 2),
        ),
      )
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__WrongRollupId")
        .withArgs(ROLLUP_ID, HIGH);
    });
  });

  describe("5. missing binding", () => {
    it("slashes a winner that posted nothing by the reveal deadline", async () => {
      const { w } = await load(unposted);
      const s = await w.rollup.getHeightState(H);
      await toRevealDeadline(w, H);
      const tx = w.slasher.connect(w.reporter).proveMissingBinding(H);
      await expect(tx).to.emit(w.slasher, "MissingBindingProven").withArgs(H, w.seqA.address, s.revealDeadline);
      await expectSlashed(w, tx, Offence.MissingBinding);
    });

    it("slashes at once when the block was finalized before the reveal deadline", async () => {
      const { w } = await load(unpostedFinalized);
      const finalizedAt = (await w.rollup.getBlock(H)).finalizedAt;
      expect(finalizedAt).to.be.lessThan((await w.rollup.getHeightState(H)).revealDeadline);
      const tx = w.slasher.connect(w.reporter).proveMissingBinding(H);
      await expect(tx).to.emit(w.slasher, "MissingBindingProven").withArgs(H, w.seqA.address, finalizedAt);
      await expectSlashed(w, tx, Offence.MissingBinding);
    });

    it("slashes a sequencer that asked to unbond after the height's leader was known", async () => {
      const { w } = await load(unposted);
      await w.slasher.connect(w.seqA).requestUnbond();
      expect((await w.slasher.bondOf(w.seqA.address)).lockedThroughHeight).to.be.greaterThanOrEqual(H);
      await toRevealDeadline(w, H);
      await expectSlashed(w, w.slasher.connect(w.reporter).proveMissingBinding(H), Offence.MissingBinding);
    });

    it("dates the closed window at the reveal deadline when the block was finalized after it", async () => {
      const { w } = await load(unposted);
      const s = await w.rollup.getHeightState(H);
      await commitRevealProve(w, H, { prove: false });
      await toRevealDeadline(w, H);
      await prove(w, H);
      expect((await w.rollup.getBlock(H)).finalizedAt).to.be.greaterThan(s.revealDeadline);
      await expect(w.slasher.connect(w.reporter).proveMissingBinding(H))
        .to.emit(w.slasher, "MissingBindingProven")
        .withArgs(H, w.seqA.address, s.revealDeadline);
    });

    it("refuses a height whose binding was posted (valid evidence of nothing)", async () => {
      const { w } = await load(honest);
      await expect(w.slasher.proveMissingBinding(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BindingWasPosted")
        .withArgs(H);
    });

    it("refuses while the window is still open", async () => {
      const { w } = await load(unposted);
      const s = await w.rollup.getHeightState(H);
      await toProposalDeadline(w, H);
      await expect(w.slasher.proveMissingBinding(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BindingWindowOpen")
        .withArgs(H, s.revealDeadline);
    });

    it("refuses a winner that never bonded, and a height nobody won", async () => {
      const w = await load(astriaReady);
      await finalizeRound(w, w.seqB, H);
      await expect(w.slasher.proveMissingBinding(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce")
        .withArgs(w.seqB.address, H);
      const s = await w.rollup.getHeightState(4n);
      await time.increaseTo(s.revealDeadline);
      await expect(w.slasher.proveMissingBinding(4n))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotWinner")
        .withArgs(4n, ethers.ZeroAddress, ethers.ZeroAddress);
    });

    it("refuses a replay once the height was slashed", async () => {
      const { w } = await load(unpostedFinalized);
      await w.slasher.proveMissingBinding(H);
      await expect(w.slasher.proveMissingBinding(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__AlreadySlashed")
        .withArgs(w.seqA.address, H);
    });
  });

  describe("6. a range that ends early", () => {
    it("slashes a range that ends before a block final astriaMargin before the proposal", async () => {
      const s = await load(endsEarly);
      const { w } = s;
      const tx = w.slasher.connect(w.reporter).proveRangeOmission(H, 4n, leafOf(s, 4n));
      await expect(tx)
        .to.emit(w.slasher, "RangeOmissionProven")
        .withArgs(H, w.seqA.address, 4n, 1n, 4n);
      await expectSlashed(w, tx, Offence.RangeOmission);
    });

    it("refuses a block final within the margin of the round start (valid evidence of nothing)", async () => {
      const s = await load(honest);
      const a9 = s.w.astria.get(9n)!;
      await expect(s.w.slasher.proveRangeOmission(H, 9n, leafOf(s, 9n)))
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__NotYetRequired")
        .withArgs(9n, a9.header.time, (await s.w.rollup.getHeightState(H)).roundStart);
    });

    it("does not slash an honest sequencer whose proposal lands late (an Astria block produced after it built)", async () => {
      // Built at the round start from Astria [1, 9); Astria 9 is produced one second later and the
      // proposal lands LATE seconds into the round, more than the margin after Astria 9.
      const s = await load(lateProposal(1n));
      const { w, roundStart } = s;
      const a9 = w.astria.get(9n)!;
      expect((await w.rollup.getBlock(H)).proposedAt).to.equal(roundStart + LATE);
      expect(a9.header.time + SLASHER.astriaMargin).to.be.lessThanOrEqual(roundStart + LATE);
      await expect(w.slasher.connect(w.reporter).proveRangeOmission(H, 9n, leafOf(s, 9n)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotYetRequired")
        .withArgs(9n, a9.header.time, roundStart);
      expect((await w.slasher.bondOf(w.seqA.address)).amount).to.equal(SLASHER.minimumBond);
    });

    it("slashes an omission of a block final exactly astriaMargin before the round start, however late the proposal", async () => {
      const s = await load(lateProposal(-SLASHER.astriaMargin));
      const { w } = s;
      const tx = w.slasher.connect(w.reporter).proveRangeOmission(H, 9n, leafOf(s, 9n));
      await expect(tx).to.emit(w.slasher, "RangeOmissionProven").withArgs(H, w.seqA.address, 9n, 1n, 9n);
      await expectSlashed(w, tx, Offence.RangeOmission);
    });

    it("refuses a block final one second after astriaMargin before the round start", async () => {
      const s = await load(lateProposal(1n - SLASHER.astriaMargin));
      const { w, roundStart } = s;
      await expect(w.slasher.proveRangeOmission(H, 9n, leafOf(s, 9n)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotYetRequired")
        .withArgs(9n, roundStart + 1n - SLASHER.astriaMargin, roundStart);
    });

    it("refuses a block inside the range (that is a skipped block)", async () => {
      const s = await load(honest);
      await expect(s.w.slasher.proveRangeOmission(H, 3n, leafOf(s, 3n)))
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__InsideRange")
        .withArgs(3n, 1n, 9n);
    });

    it("refuses a block consumed by an earlier bound block (a stale Astria height)", async () => {
      const s = await load(honest);
      const { w } = s;
      const t = top(w, 9n, 10n);
      await propose(w, w.seqA, 4n, t.txHashes);
      await postBinding(w, w.seqA, 4n, t);
      expect((await w.slasher.bindingAt(4n)).expectedAstriaStart).to.equal(9n);
      await expect(w.slasher.proveRangeOmission(4n, 1n, leafOf(s, 1n)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__AlreadyConsumed")
        .withArgs(1n, 9n);
    });

    it("refuses an unknown Astria height", async () => {
      const s = await load(endsEarly);
      await expect(s.w.slasher.proveRangeOmission(H, 20n, leafOf(s, 4n)))
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__UnknownAstriaHeight")
        .withArgs(20n);
    });

    it("refuses a block without this rollup's txs, another rollup's leaf, and a proof against the wrong root", async () => {
      const s = await load(endsEarly);
      await expect(s.w.slasher.proveRangeOmission(H, 8n, leafOf(s, 8n)))
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__RollupHasNoTxs")
        .withArgs(8n);
      await expect(s.w.slasher.proveRangeOmission(H, 5n, otherLeaf(s, 5n, LOW)))
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__WrongRollupId")
        .withArgs(ROLLUP_ID, LOW);
      await expect(s.w.slasher.proveRangeOmission(H, 5n, leafOf(s, 4n)))
        .to.be.revertedWithCustomError(s.w.slasher, "Astria__InvalidRollupProof")
        .withArgs(5n);
    });
  });

  describe("7. a height abandoned to backup", () => {
    it("slashes a bound winner that cancels its promise through its own backup block (no commitment)", async () => {
      const s = await load(boundPending);
      const { w } = s;
      // seqA signs no quote; once the commitment deadline passes it lands its own pre-proven backup block
      // (from a second key) with the Astria txs it preconfirmed reordered.
      await backupRound(w, H, { by: w.stranger, txHashes: reordered(s) });
      const record = await w.rollup.getBlock(H);
      expect([record.finalization, record.proposer, record.prover]).to.deep.equal([2n, w.seqA.address, ethers.ZeroAddress]);
      // Judged against the proposal, the promise was kept: no other evidence reaches the block that landed.
      const entry = entryAt(s, 3n);
      await expect(
        w.slasher.proveTxMismatch(H, entry, leafOf(s, 3n), astriaTxProof(w.astria.get(3n)!, ROLLUP_ID, 0), l2TxProof(s.header, s.txHashes, 2)),
      ).to.be.revertedWithCustomError(w.slasher, "Astria__TxMatches");
      const tx = w.slasher.connect(w.reporter).proveAbandonedHeight(H);
      await expect(tx).to.emit(w.slasher, "AbandonedHeightProven").withArgs(H, w.seqA.address, ethers.ZeroAddress, false);
      await expectSlashed(w, tx, Offence.AbandonedHeight);
    });

    it("slashes a bound winner that signed a quote but never revealed, whoever filled the height", async () => {
      const { w } = await load(boundPending);
      await commitProver(w, H);
      await backupRound(w, H);
      expect((await w.rollup.getBlock(H)).revealed).to.equal(false);
      const tx = w.slasher.connect(w.reporter).proveAbandonedHeight(H);
      await expect(tx).to.emit(w.slasher, "AbandonedHeightProven").withArgs(H, w.seqA.address, w.prover.address, false);
      await expectSlashed(w, tx, Offence.AbandonedHeight);
    });

    it("slashes a bound winner that posted no binding either, once only", async () => {
      const { w } = await load(unposted);
      await backupRound(w, H);
      await expectSlashed(w, w.slasher.connect(w.reporter).proveAbandonedHeight(H), Offence.AbandonedHeight);
      await expect(w.slasher.proveMissingBinding(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__AlreadySlashed")
        .withArgs(w.seqA.address, H);
      await expect(w.slasher.proveAbandonedHeight(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__AlreadySlashed")
        .withArgs(w.seqA.address, H);
    });

    it("does not slash the winner when its committed prover withholds the proof after the reveal; the cursor stays put", async () => {
      const s = await load(boundPendingWithB);
      const { w } = s;
      await commitRevealProve(w, H, { prove: false });
      await backupRound(w, H);
      await expect(w.slasher.proveAbandonedHeight(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__ProverMissedProof")
        .withArgs(H, w.prover.address);
      expect((await w.slasher.bondOf(w.seqA.address)).amount).to.equal(SLASHER.minimumBond);
      // The range [1, 9) was not consumed: the next bound range must start at Astria 1 again.
      expect(await w.slasher.expectedAstriaStart()).to.equal(1n);
      expect(await w.slasher.isInForce(w.seqB.address, 4n)).to.equal(true);
      await propose(w, w.seqB, 4n, [OWN_TX]);
      await toProposalDeadline(w, 4n);
      const skipping = await signedBinding(w, w.seqB, 4n, emptyTop(9n, 9n));
      await expect(w.slasher.postBinding(skipping.binding, skipping.entries, skipping.signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__WrongAstriaStart")
        .withArgs(1n, 9n);
      // A range at the cursor that drops the preconfirmed txs is slashable by the existing evidence.
      await postBinding(w, w.seqB, 4n, emptyTop(1n, 1n));
      await commitRevealProve(w, 4n);
      await expect(w.slasher.connect(w.reporter).proveRangeOmission(4n, 1n, leafOf(s, 1n)))
        .to.emit(w.slasher, "Slashed")
        .withArgs(4n, w.seqB.address, w.reporter.address, Offence.RangeOmission, PENALTY, BOUNTY, PENALTY - BOUNTY);
    });

    it("refuses a height finalized with its proposal, and a height still pending", async () => {
      const { w } = await load(boundPending);
      await expect(w.slasher.proveAbandonedHeight(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotEndedInBackup")
        .withArgs(H, 0n); // None
      await commitRevealProve(w, H);
      await expect(w.slasher.proveAbandonedHeight(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotEndedInBackup")
        .withArgs(H, 1n); // Proven
    });

    it("refuses a height nobody proposed, and a winner whose commitment was not in force", async () => {
      const w = await load(astriaReady);
      await backupRound(w, H);
      await expect(w.slasher.proveAbandonedHeight(H))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotWinner")
        .withArgs(H, ethers.ZeroAddress, ethers.ZeroAddress);
      await propose(w, w.seqB, 4n, [OWN_TX]);
      await backupRound(w, 4n);
      await expect(w.slasher.proveAbandonedHeight(4n))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce")
        .withArgs(w.seqB.address, 4n);
    });
  });

  describe("Astria heights of a replaced validator set", () => {
    it("stay provable after a hand-over relayed before their headers: a block skipped there is slashable", async () => {
      const w = await load(astriaBlocksBeforeHandOver);
      // seqA binds Astria [1, 9) leaving out block 3 (with rollup txs), whose header nobody relayed, and
      // somebody relays the validator-set hand-over at Astria 20 before it.
      const t = top(w, 1n, 9n);
      const kept = t.entries.filter((e) => e.astriaHeight !== 3n);
      const entries = kept.map((e, i) => ({ ...e, offset: i === 0 ? 0n : kept.slice(0, i).reduce((n, k) => n + k.txCount, 0n) }));
      const txHashes = entries.flatMap((e) => hashesOf(txsOf(w, e.astriaHeight)));
      await propose(w, w.seqA, H, txHashes);
      await postBinding(w, w.seqA, H, { ...withEntries(t, entries), txHashes });
      await commitRevealProve(w, H);
      await handOver(w, 20n);
      expect((await w.lightClient.findHeader(3n))[0]).to.equal(false);
      // The watcher relays Astria 3 under the set that signed it, then proves the skip.
      await relay(w, w.astria.get(3n)!, 0n);
      const entryProofs = [0, 1].map((i) => entryProof(entries, i));
      const presence = rollupLeafProof(w.astria.get(3n)!, ROLLUP_ID);
      const tx = w.slasher.connect(w.reporter).proveSkippedBlock(H, 3n, presence, entryProofs);
      await expect(tx)
        .to.emit(w.slasher, "AstriaMismatchProven")
        .withArgs(H, w.seqA.address, Mismatch.SkippedBlock, 3n, ZeroHash, presence.txsRoot);
      await expectSlashed(w, tx, Offence.AstriaMismatch);
    });
  });

  describe("a dishonest range cannot move the cursor", () => {
    it("cannot rewind it: the rewound range is refused, and the next honest range is not slashable", async () => {
      const s = await load(honestWithB);
      const { w } = s;
      expect(await w.slasher.expectedAstriaStart()).to.equal(9n);
      // seqA wins height 4 and signs a range back at Astria 1 that takes nothing.
      await propose(w, w.seqA, 4n, [OWN_TX]);
      await toProposalDeadline(w, 4n);
      const rewound = await signedBinding(w, w.seqA, 4n, emptyTop(1n, 1n));
      await expect(w.slasher.postBinding(rewound.binding, rewound.entries, rewound.signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__WrongAstriaStart")
        .withArgs(9n, 1n);
      await commitRevealProve(w, 4n);
      expect(await w.slasher.expectedAstriaStart()).to.equal(9n);
      // Not posting is an offence of its own.
      await expect(w.slasher.connect(w.reporter).proveMissingBinding(4n))
        .to.emit(w.slasher, "Slashed")
        .withArgs(4n, w.seqA.address, w.reporter.address, Offence.MissingBinding, PENALTY, BOUNTY, PENALTY - BOUNTY);
      // seqB wins height 5 and takes Astria 9 from the true cursor; nothing before it is its to take.
      expect(await w.slasher.isInForce(w.seqB.address, 5n)).to.equal(true);
      const t = top(w, 9n, 10n);
      await propose(w, w.seqB, 5n, [...t.txHashes, OWN_TX]);
      await postBinding(w, w.seqB, 5n, t);
      await commitRevealProve(w, 5n);
      for (const astriaHeight of [1n, 3n, 4n]) {
        await expect(w.slasher.proveRangeOmission(5n, astriaHeight, leafOf(s, astriaHeight)))
          .to.be.revertedWithCustomError(w.slasher, "Astria__AlreadyConsumed")
          .withArgs(astriaHeight, 9n);
      }
      expect((await w.slasher.bondOf(w.seqB.address)).amount).to.equal(SLASHER.minimumBond);
      expect(await w.slasher.expectedAstriaStart()).to.equal(10n);
    });

    it("cannot push it past the light client's latest height; up to there, a skipped block is slashable", async () => {
      const s = await load(honestWithB);
      const { w } = s;
      expect(await w.lightClient.latestHeight()).to.equal(9n);
      // seqA wins height 4 and signs a range far past what Astria finalized, taking nothing.
      await propose(w, w.seqA, 4n, [OWN_TX]);
      await toProposalDeadline(w, 4n);
      for (const astriaEnd of [11n, 2n ** 64n - 1n]) {
        const jump = await signedBinding(w, w.seqA, 4n, emptyTop(9n, astriaEnd));
        await expect(w.slasher.postBinding(jump.binding, jump.entries, jump.signature))
          .to.be.revertedWithCustomError(w.slasher, "Astria__RangeNotFinal")
          .withArgs(astriaEnd, 9n);
      }
      // The furthest it gets is one past the latest final height, and it answers for the block it skips there.
      await postBinding(w, w.seqA, 4n, emptyTop(9n, 10n));
      await commitRevealProve(w, 4n);
      expect(await w.slasher.expectedAstriaStart()).to.equal(10n);
      const presence = leafOf(s, 9n);
      await expect(w.slasher.connect(w.reporter).proveSkippedBlock(4n, 9n, presence, []))
        .to.emit(w.slasher, "AstriaMismatchProven")
        .withArgs(4n, w.seqA.address, Mismatch.SkippedBlock, 9n, ZeroHash, presence.txsRoot);
      // Astria 10 becomes final; seqB wins height 5, takes it from the cursor and answers for nothing earlier.
      const proposedAt = (await w.rollup.getBlock(4n)).proposedAt;
      await relay(w, astriaBlock(w, 10n, proposedAt, rollupTxs("a10", 1)));
      const t = top(w, 10n, 11n);
      await propose(w, w.seqB, 5n, [...t.txHashes, OWN_TX]);
      await postBinding(w, w.seqB, 5n, t);
      await commitRevealProve(w, 5n);
      await expect(w.slasher.proveRangeOmission(5n, 9n, leafOf(s, 9n)))
        .to.be.revertedWithCustomError(w.slasher, "Astria__AlreadyConsumed")
        .withArgs(9n, 10n);
      expect((await w.slasher.bondOf(w.seqB.address)).amount).to.equal(SLASHER.minimumBond);
    });
  });

  describe("slashed funds", () => {
    it("go to the treasury when one is configured", async () => {
      const { w } = await load(toTreasury);
      await toRevealDeadline(w, H);
      const tx = w.slasher.connect(w.reporter).proveMissingBinding(H);
      await expect(tx).to.changeTokenBalances(
        w.token,
        [w.reporter, w.deployer, BURN],
        [BOUNTY, PENALTY - BOUNTY, 0n],
      );
    });

    it("are all burned without a bounty, and all paid to the reporter with a 100% bounty", async () => {
      for (const [fixture, bounty] of [
        [noBounty, 0n],
        [allBounty, PENALTY],
      ] as Array<[typeof noBounty, bigint]>) {
        const { w } = await load(fixture);
        await toRevealDeadline(w, H);
        const tx = w.slasher.connect(w.reporter).proveMissingBinding(H);
        await expect(tx)
          .to.emit(w.slasher, "Slashed")
          .withArgs(H, w.seqA.address, w.reporter.address, Offence.MissingBinding, PENALTY, bounty, PENALTY - bounty);
        await expect(tx).to.changeTokenBalances(w.token, [w.reporter, BURN], [bounty, PENALTY - bounty]);
      }
    });

    it("are what is left when the penalty exceeds the bond; the commitment then lapses", async () => {
      const { w } = await load(bigPenalty);
      await toRevealDeadline(w, H);
      const bond = SLASHER.minimumBond;
      const bounty = (bond * SLASHER.bountyBps) / 10_000n;
      await expect(w.slasher.connect(w.reporter).proveMissingBinding(H))
        .to.emit(w.slasher, "Slashed")
        .withArgs(H, w.seqA.address, w.reporter.address, Offence.MissingBinding, bond, bounty, bond - bounty);
      expect(await w.slasher.isInForce(w.seqA.address, H)).to.equal(false);
      expect(await w.slasher.totalBonded()).to.equal(0n);
      // An emptied bond can still be unbonded and withdrawn (nothing is paid), so the key can opt in again.
      await w.slasher.connect(w.seqA).requestUnbond();
      const locked = (await w.slasher.bondOf(w.seqA.address)).lockedThroughHeight;
      await backupRound(w, H);
      for (let h = H + 1n; h <= locked; h++) {
        await finalizeRound(w, w.seqB, h);
      }
      await time.increase(SLASHER.unbondDelay);
      await expect(w.slasher.connect(w.seqA).withdraw(w.seqA.address))
        .to.emit(w.slasher, "BondWithdrawn")
        .withArgs(w.seqA.address, w.seqA.address, 0n);
    });
  });
});
