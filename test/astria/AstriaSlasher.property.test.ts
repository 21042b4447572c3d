import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { LOCAL } from "../../sdk/src/config";
import {
  SLASHER,
  TOKEN,
  backupRound,
  commitRevealProve,
  deployWorld,
  finalizeRound,
  load,
  propose,
  type World,
} from "./helpers/world";

/** `IFernetRollup.Phase.Proposal` and `IFernetRollup.Phase.Backup`. */
const PROPOSAL = 1n;
const BACKUP = 5n;
/** `IAstriaSlasher.Offence.AbandonedHeight`. */
const ABANDONED_HEIGHT = 6n;

/** What the reference model knows of one sequencer's bond. */
interface ModelBond {
  amount: bigint;
  effectiveFrom: bigint; // 0: not opted in
  unbondRequested: boolean;
  lockedThrough: bigint;
}

type Action =
  | { kind: "bond"; who: 0 | 1; amount: bigint }
  | { kind: "topUp"; who: 0 | 1; amount: bigint }
  | { kind: "requestUnbond"; who: 0 | 1 }
  | { kind: "withdraw"; who: 0 | 1 }
  | { kind: "round"; winner: 0 | 1 }
  /** The winner proposes and signs no quote; a backup block fills the height (its own miss). */
  | { kind: "abandon"; winner: 0 | 1 }
  /** The winner proposes, its prover commits, it reveals, the prover withholds the proof (not its miss). */
  | { kind: "proverMiss"; winner: 0 | 1 }
  | { kind: "wait"; seconds: bigint };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("round" as const), winner: fc.constantFrom(0 as const, 1 as const) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant("abandon" as const), winner: fc.constantFrom(0 as const, 1 as const) }), weight: 2 },
  fc.record({ kind: fc.constant("proverMiss" as const), winner: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({
    kind: fc.constant("bond" as const),
    who: fc.constantFrom(0 as const, 1 as const),
    amount: fc.constantFrom(SLASHER.minimumBond - 1n, SLASHER.minimumBond, 2n * SLASHER.minimumBond),
  }),
  fc.record({
    kind: fc.constant("topUp" as const),
    who: fc.constantFrom(0 as const, 1 as const),
    amount: fc.bigInt({ min: 1n, max: 500n * TOKEN }),
  }),
  fc.record({ kind: fc.constant("requestUnbond" as const), who: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ kind: fc.constant("withdraw" as const), who: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.bigInt({ min: 1n, max: 2n * SLASHER.unbondDelay }) }),
);

/** seqA opted in before the first round; heights 1 and 2 finalized (seqA's commitment binds from 3). */
async function started() {
  const w = await deployWorld();
  await finalizeRound(w, w.seqA, 1n);
  await finalizeRound(w, w.seqB, 2n);
  return w;
}

/**
 * The pending height, once every height whose proposal phase passed while waiting is filled with a backup
 * block (a proposal phase that ends with the next L1 block counts as passed: the proposal would land late).
 */
async function nextOpenHeight(w: World): Promise<bigint> {
  let height = (await w.rollup.tip()) + 1n;
  while (await proposalPhasePassed(w, height)) {
    await backupRound(w, height);
    height += 1n;
  }
  return height;
}

/** Whether a proposal for the pending `height` sent now would miss its proposal phase. */
async function proposalPhasePassed(w: World, height: bigint): Promise<boolean> {
  const s = await w.rollup.getHeightState(height);
  return s.phase === BACKUP || (s.phase === PROPOSAL && s.proposalDeadline <= BigInt(await time.latest()) + 1n);
}

/** Whether the model says `b` binds `height` (whose leader became known at `seedKnownAt`). */
function inForce(b: ModelBond, height: bigint, seedKnownAt: bigint): boolean {
  return (
    b.amount > 0n && b.effectiveFrom !== 0n && b.effectiveFrom <= seedKnownAt && (!b.unbondRequested || height <= b.lockedThrough)
  );
}

/** Runs `action` against the contracts and the model; the outcome (success or named refusal) must agree. */
async function step(w: World, model: ModelBond[], action: Action): Promise<void> {
  const keys: HardhatEthersSigner[] = [w.seqA, w.seqB];
  switch (action.kind) {
    case "bond": {
      const b = model[action.who];
      const key = keys[action.who];
      const tx = w.slasher.connect(key).bond(key.address, action.amount);
      // A deposit onto an empty bond (never opted in, withdrawn or slashed to zero) is an opt-in.
      if (b.unbondRequested) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__Unbonding");
      } else if (b.amount === 0n && action.amount < SLASHER.minimumBond) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__BondTooLow");
      } else {
        await tx;
        if (b.amount === 0n) b.effectiveFrom = BigInt(await time.latest()) + SLASHER.optInDelay;
        b.amount += action.amount;
      }
      return;
    }
    case "topUp": {
      const b = model[action.who];
      const tx = w.slasher.connect(w.stranger).bond(keys[action.who].address, action.amount);
      if (b.unbondRequested) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__Unbonding");
      } else if (b.amount === 0n) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__NotSequencer");
      } else {
        await tx;
        b.amount += action.amount;
      }
      return;
    }
    case "requestUnbond": {
      const b = model[action.who];
      const tx = w.slasher.connect(keys[action.who]).requestUnbond();
      if (b.effectiveFrom === 0n) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__NotBonded");
      } else if (b.unbondRequested) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__UnbondAlreadyRequested");
      } else {
        b.lockedThrough = (await w.rollup.tip()) + LOCAL.rollup.lookahead;
        await tx;
        b.unbondRequested = true;
      }
      return;
    }
    case "withdraw": {
      const b = model[action.who];
      const finalizedAt = b.unbondRequested ? (await w.rollup.getBlock(b.lockedThrough)).finalizedAt : 0n;
      const next = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(next);
      const tx = w.slasher.connect(keys[action.who]).withdraw(keys[action.who].address);
      if (!b.unbondRequested) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__UnbondNotRequested");
      } else if (finalizedAt === 0n) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__UnbondLocked");
      } else if (next < finalizedAt + SLASHER.unbondDelay) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__UnbondDelayNotPassed");
      } else {
        await expect(tx).to.changeTokenBalance(w.token, keys[action.who], b.amount);
        model[action.who] = { amount: 0n, effectiveFrom: 0n, unbondRequested: false, lockedThrough: 0n };
      }
      return;
    }
    case "round": {
      // The winner proposes, nobody posts a binding: a missing binding wherever the commitment binds.
      // A height whose proposal phase passed while waiting is filled with a backup block first.
      const height = await nextOpenHeight(w);
      await finalizeRound(w, keys[action.winner], height);
      const b = model[action.winner];
      // Decide before sending: a refusal must not settle while nothing listens to it yet.
      const expectedInForce = inForce(b, height, await w.rollup.seedKnownAt(height));
      const tx = w.slasher.connect(w.reporter).proveMissingBinding(height);
      if (expectedInForce) {
        const taken = b.amount < SLASHER.penalty ? b.amount : SLASHER.penalty;
        await expect(tx).to.emit(w.slasher, "Slashed").withArgs(
          height,
          keys[action.winner].address,
          w.reporter.address,
          4n,
          taken,
          (taken * SLASHER.bountyBps) / 10_000n,
          taken - (taken * SLASHER.bountyBps) / 10_000n,
        );
        b.amount -= taken;
        await expect(w.slasher.proveMissingBinding(height)).to.be.revertedWithCustomError(
          w.slasher,
          "Astria__AlreadySlashed",
        );
      } else {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce");
      }
      return;
    }
    case "abandon":
    case "proverMiss": {
      const height = await nextOpenHeight(w);
      const key = keys[action.winner];
      await propose(w, key, height, []);
      if (action.kind === "proverMiss") {
        await commitRevealProve(w, height, { prove: false });
      }
      await backupRound(w, height);
      const b = model[action.winner];
      const expectedInForce = inForce(b, height, await w.rollup.seedKnownAt(height));
      const tx = w.slasher.connect(w.reporter).proveAbandonedHeight(height);
      if (!expectedInForce) {
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce");
      } else if (action.kind === "proverMiss") {
        // Not the winner's miss: nothing is taken.
        await expect(tx).to.be.revertedWithCustomError(w.slasher, "Astria__ProverMissedProof").withArgs(height, w.prover.address);
      } else {
        const taken = b.amount < SLASHER.penalty ? b.amount : SLASHER.penalty;
        const bounty = (taken * SLASHER.bountyBps) / 10_000n;
        await expect(tx)
          .to.emit(w.slasher, "Slashed")
          .withArgs(height, key.address, w.reporter.address, ABANDONED_HEIGHT, taken, bounty, taken - bounty);
        b.amount -= taken;
        // Once per height, whichever evidence comes next.
        await expect(w.slasher.proveMissingBinding(height)).to.be.revertedWithCustomError(w.slasher, "Astria__AlreadySlashed");
      }
      return;
    }
    case "wait":
      await time.increase(action.seconds);
      return;
  }
}

describe("AstriaSlasher: random sequences against a reference model", () => {
  it("agrees with the model on every outcome and conserves tokens exactly", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 6, maxLength: 20 }), async (actions) => {
        const w = await load(started);
        const a = await w.slasher.bondOf(w.seqA.address);
        const model: ModelBond[] = [
          { amount: a.amount, effectiveFrom: a.effectiveFrom, unbondRequested: false, lockedThrough: 0n },
          { amount: 0n, effectiveFrom: 0n, unbondRequested: false, lockedThrough: 0n },
        ];
        const slasher = await w.slasher.getAddress();
        for (const action of actions) {
          await step(w, model, action);
          const total = model[0].amount + model[1].amount;
          expect(await w.slasher.totalBonded()).to.equal(total);
          expect(await w.token.balanceOf(slasher)).to.equal(total);
          for (const [i, key] of [w.seqA, w.seqB].entries()) {
            const onChain = await w.slasher.bondOf(key.address);
            expect(onChain.amount).to.equal(model[i].amount);
            expect(onChain.effectiveFrom).to.equal(model[i].effectiveFrom);
          }
        }
      }),
      {
        numRuns: 15,
        // Always also try a full unbonding (request, the locked heights pass, withdraw, opt in again), and
        // a bond slashed to zero that a stranger cannot refill and the sequencer refills as a new opt-in.
        examples: [
          [
            [
              { kind: "round", winner: 0 },
              { kind: "abandon", winner: 0 },
              { kind: "proverMiss", winner: 0 },
              { kind: "abandon", winner: 1 },
              { kind: "abandon", winner: 0 },
              { kind: "abandon", winner: 0 },
            ],
          ],
          [
            [
              { kind: "round", winner: 0 },
              { kind: "round", winner: 0 },
              { kind: "round", winner: 0 },
              { kind: "topUp", who: 0, amount: SLASHER.minimumBond },
              { kind: "bond", who: 0, amount: SLASHER.minimumBond },
              { kind: "round", winner: 0 },
              { kind: "round", winner: 0 },
              { kind: "wait", seconds: SLASHER.optInDelay },
              { kind: "round", winner: 0 },
              { kind: "round", winner: 0 },
            ],
          ],
          [
            [
              { kind: "round", winner: 0 },
              { kind: "requestUnbond", who: 0 },
              { kind: "withdraw", who: 0 },
              { kind: "round", winner: 1 },
              { kind: "round", winner: 0 },
              { kind: "withdraw", who: 0 },
              { kind: "wait", seconds: SLASHER.unbondDelay },
              { kind: "withdraw", who: 0 },
              { kind: "bond", who: 0, amount: SLASHER.minimumBond },
              { kind: "round", winner: 0 },
            ],
          ],
        ],
      },
    );
  });
});
