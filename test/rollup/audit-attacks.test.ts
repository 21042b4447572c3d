/**
 * One test per attack that the two outside reviews found in the rollup and the registry, named after
 * the attack. Each failed on the contracts before the second pass and passes after it; SECURITY.md
 * links them. (The seed-grinding attack has its own file: seed-grinding.test.ts; the Astria attacks
 * live in test/astria/.)
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, randomBytes, ZeroHash } from "ethers";
import { buildHeader, scoreOf, seedOf, txsRoot } from "../../sdk/src/hashing";
import { encodeBlockData } from "../../sdk/src/blockdata";
import { RollupClient } from "../../sdk/src/clients";
import { txConfirmation } from "../../sdk/src/confirmations";
import { ConfirmationStage } from "../../sdk/src/types";
import { LOCAL } from "../../sdk/src/config";
import { deploySystem } from "../../scripts/lib/deploy";
import { deployRegistry, deployToken, load, now } from "../helpers/fixtures";
import {
  BackupReason,
  deadlines,
  deployWorld,
  Eligibility,
  happyRound,
  makeBlock,
  makeQuote,
  Phase,
  proofFor,
  ranked,
  toRoundStart,
  backupBlock,
  upTo,
} from "../helpers/rollup";

async function world() {
  return deployWorld();
}



describe("Attacks found by the outside reviews (rollup and registry)", () => {
  describe("seeds", () => {
    it("a seed can't change once fixed: later pokes, calls, finalizations and rounds leave it as it was", async () => {
      const w = await load(world);
      const L = w.cfg.lookahead;
      const r = await happyRound(w); // its commitment took round 1's snapshot
      const fixed = await w.rollup.seed(1n + L);
      const knownAt = await w.rollup.seedKnownAt(1n + L);
      expect(r.commitReceipt).to.not.equal(null);
      const next = await w.rollup.getHeightState(2n);
      const at = (await now()) + 1n;
      await time.setNextBlockTimestamp(at);
      await expect(w.rollup.poke())
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSnapshotDue")
        .withArgs(2n, next.proposalDeadline, next.proposalDeadline + 12n, at);
      for (let i = 0; i < 3; i++) await happyRound(w);
      expect(await w.rollup.seed(1n + L)).to.equal(fixed);
      expect(await w.rollup.seedKnownAt(1n + L)).to.equal(knownAt);
    });

    it("a second snapshot in the same slot is refused and changes nothing", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const d = await deadlines(w);
      await time.setNextBlockTimestamp(d.proposal);
      await expect(w.rollup.connect(w.stranger).poke()).to.emit(w.rollup, "RandomnessFixed");
      const [value, knownAt] = await w.rollup.randomnessOf(1n);
      expect(knownAt).to.equal(d.proposal - 12n);
      await time.setNextBlockTimestamp(d.proposal + 1n);
      await expect(w.rollup.poke())
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSnapshotDue")
        .withArgs(1n, 0n, 0n, d.proposal + 1n);
      expect(await w.rollup.randomnessOf(1n)).to.deep.equal([value, knownAt]);
    });

    it("takes the snapshot only inside its one-slot window, and carries the previous value when the slot passes without a call", async () => {
      const w = await load(world);
      const L = w.cfg.lookahead;
      const d = await deadlines(w);
      await time.setNextBlockTimestamp(d.proposal - 1n);
      await expect(w.rollup.poke())
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSnapshotDue")
        .withArgs(1n, d.proposal, d.proposal + 12n, d.proposal - 1n);
      expect(await w.rollup.seedKnownAt(1n + L)).to.equal(0n);
      await time.setNextBlockTimestamp(d.proposal + 12n);
      await expect(w.rollup.poke())
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSnapshotDue")
        .withArgs(1n, d.proposal, d.proposal + 12n, d.proposal + 12n);
      // Lapsed: round 1 carries the genesis randomness (and the time it became known).
      const [genesis, genesisKnownAt] = await w.rollup.randomnessOf(0n);
      expect(await w.rollup.randomnessOf(1n)).to.deep.equal([genesis, genesisKnownAt]);
      expect(await w.rollup.seed(1n + L)).to.equal(seedOf(genesis, 1n + L));
      expect(await w.rollup.seedKnownAt(1n + L)).to.equal(genesisKnownAt);
      // The backup block that finalizes round 1 records the carried value for good.
      const b = await backupBlock(w, w.stranger.address);
      await expect(w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof))
        .to.emit(w.rollup, "RandomnessFixed")
        .withArgs(1n, genesis, genesisKnownAt, true);
      expect(await w.rollup.seed(1n + L)).to.equal(seedOf(genesis, 1n + L));
    });

    it("the last second of the slot still takes the snapshot", async () => {
      const w = await load(world);
      const d = await deadlines(w);
      await time.setNextBlockTimestamp(d.proposal + 11n);
      await expect(w.rollup.poke()).to.emit(w.rollup, "RandomnessFixed");
      expect((await w.rollup.randomnessOf(1n))[1]).to.equal(d.proposal - 1n);
    });

    it("a key ground offline against the public genesis salt does not know the early seeds (second review: genesis grinding)", async () => {
      const [deployer] = await ethers.getSigners();
      const salt = ZeroHash; // as public as a salt can be
      // The grinder's best key of 32 against the old rule seed(1) = keccak(salt, 1).
      const keys = Array.from({ length: 32 }, () => ethers.Wallet.createRandom().address);
      const oldSeed = seedOf(salt, 1n);
      const ground = keys.reduce((a, b) => (scoreOf(oldSeed, a) >= scoreOf(oldSeed, b) ? a : b));
      const a = await deploySystem({ preset: LOCAL, deployer, genesisSeed: salt });
      const b = await deploySystem({ preset: LOCAL, deployer, genesisSeed: salt });
      const seedA = await a.rollup.seed(1n);
      expect(seedA).to.not.equal(oldSeed);
      expect(await b.rollup.seed(1n)).to.not.equal(seedA); // the same salt gives unrelated seeds
      // What the grinder computed is not the key's score: the real one comes from a value unknown before.
      expect(await a.rollup.score(1n, ground)).to.equal(scoreOf(seedA, ground));
      expect(scoreOf(seedA, ground)).to.not.equal(scoreOf(oldSeed, ground));
    });

    it("the previous slot's L1 proposer can't make a key registered once the RANDAO is knowable eligible (entry delay of one slot)", async () => {
      const w = await deployWorld({ registry: { entryDelay: 12n } });
      const L = w.cfg.lookahead;
      const [early, late] = [w.provers[1], w.provers[2]];
      for (const k of [early, late]) await w.token.connect(k).approve(await w.registry.getAddress(), ethers.MaxUint256);
      const d = await deadlines(w);
      // The snapshot block is at d.proposal; its RANDAO is knowable from one slot before.
      await time.setNextBlockTimestamp(d.proposal - 24n);
      await w.registry.connect(early).register(early.address, early.address);
      await time.setNextBlockTimestamp(d.proposal - 12n);
      await w.registry.connect(late).register(late.address, late.address);
      await time.setNextBlockTimestamp(d.proposal);
      await w.rollup.poke();
      expect(await w.rollup.seedKnownAt(1n + L)).to.equal(d.proposal - 12n);
      expect(await w.registry.eligibility(early.address, d.proposal - 12n)).to.equal(Eligibility.Eligible);
      expect(await w.registry.eligibility(late.address, d.proposal - 12n)).to.equal(Eligibility.Queued);
    });

    it("refuses an entry delay shorter than one L1 slot", async () => {
      const [owner] = await ethers.getSigners();
      const token = await deployToken(owner, []);
      // The reference (for its error ABI) is deployed before the refused deployment is even sent.
      const reference = await deployRegistry(owner, await token.getAddress(), []);
      await expect(deployRegistry(owner, await token.getAddress(), [], { entryDelay: 11n }))
        .to.be.revertedWithCustomError(reference, "Registry__InvalidConfig")
        .withArgs("entryDelay", 11n);
      await expect(deployRegistry(owner, await token.getAddress(), [], { entryDelay: 12n })).to.not.be.reverted;
    });
  });

  describe("rewards and penalties", () => {
    it("copying the prover's proof calldata earns nothing: the submitter share is the committed prover's", async () => {
      const w = await load(world);
      const { block, prover, d } = await upTo(w, "revealed");
      await time.increaseTo(d.commitment);
      const copier = w.stranger;
      await w.rollup.connect(copier).submitProof(block.header, await proofFor(w, block.header, prover.address));
      expect(await w.rollup.rewardsOf(copier.address)).to.equal(0n);
      const share = (w.cfg.blockReward * w.cfg.submitterRewardBps) / 10_000n;
      expect(await w.rollup.rewardsOf(prover.address)).to.be.greaterThanOrEqual(share);
    });

    it("a winner that skips the prover market and submits its own backup block earns nothing and loses its penalty", async () => {
      const w = await load(world);
      const { best, d } = await upTo(w, "proposed");
      await time.increaseTo(d.commitment);
      const stake = (await w.registry.getSequencer(best.address)).stake;
      const balance = await w.token.balanceOf(best.address);
      const pool = await w.rollup.rewardPool();
      const b = await backupBlock(w, best.address);
      await expect(w.rollup.connect(best).submitBackupBlock(b.header, b.data, b.proof))
        .to.emit(w.rollup, "ProposerPenalised")
        .withArgs(1n, best.address, best.address, BackupReason.NoCommitment, w.cfg.missedRevealPenalty, (w.cfg.missedRevealPenalty * w.cfg.slashBountyBps) / 10_000n);
      expect(await w.rollup.rewardsOf(best.address)).to.equal(0n);
      expect(await w.rollup.rewardPool()).to.equal(pool); // the reward stays in the pool
      // Net: it lost the penalty and got the bounty back, nothing else.
      const bounty = (w.cfg.missedRevealPenalty * w.cfg.slashBountyBps) / 10_000n;
      expect((await w.registry.getSequencer(best.address)).stake).to.equal(stake - w.cfg.missedRevealPenalty);
      expect(await w.token.balanceOf(best.address)).to.equal(balance + bounty);
    });

    it("a winner whose friend submits the backup block loses more than the friend earns", async () => {
      const w = await load(world);
      const { best, d } = await upTo(w, "proposed");
      await time.increaseTo(d.commitment);
      const friend = w.stranger;
      const b = await backupBlock(w, friend.address);
      await w.rollup.connect(friend).submitBackupBlock(b.header, b.data, b.proof);
      const penalty = w.cfg.missedRevealPenalty;
      const bounty = (penalty * w.cfg.slashBountyBps) / 10_000n;
      const friendGain = (await w.rollup.rewardsOf(friend.address)) + bounty;
      expect(friendGain).to.equal(w.cfg.blockReward + bounty);
      expect(penalty).to.be.greaterThan(friendGain); // the pair is worse off than on the happy path
      expect(await w.rollup.rewardsOf(best.address)).to.equal(0n);
    });

    it("a winner that misses its reveal and submits the backup itself earns nothing", async () => {
      const w = await load(world);
      const { best, d } = await upTo(w, "committed");
      await time.increaseTo(d.reveal);
      const b = await backupBlock(w, best.address);
      await expect(w.rollup.connect(best).submitBackupBlock(b.header, b.data, b.proof))
        .to.emit(w.rollup, "ProposerPenalised")
        .withArgs(1n, best.address, best.address, BackupReason.NoReveal, w.cfg.missedRevealPenalty, (w.cfg.missedRevealPenalty * w.cfg.slashBountyBps) / 10_000n);
      expect(await w.rollup.rewardsOf(best.address)).to.equal(0n);
    });

    it("a prover that withholds its proof and submits the backup itself earns nothing and loses its bond", async () => {
      const w = await load(world);
      const { prover, d } = await upTo(w, "revealed");
      await time.increaseTo(d.proving);
      const [total] = await w.rollup.escrowOf(prover.address);
      const b = await backupBlock(w, prover.address);
      await expect(w.rollup.connect(prover).submitBackupBlock(b.header, b.data, b.proof)).to.emit(w.rollup, "ProverSlashed");
      expect(await w.rollup.rewardsOf(prover.address)).to.equal(0n);
      expect((await w.rollup.escrowOf(prover.address))[0]).to.equal(total - w.cfg.minimumProverBond);
    });

    it("penaliseMissedCommitment: only for a missed commitment, and once", async () => {
      const w = await load(world);
      const { best, d } = await upTo(w, "proposed");
      await expect(w.rollup.penaliseMissedCommitment(1n))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSlashableFault")
        .withArgs(1n, BackupReason.None);
      await time.increaseTo(d.commitment);
      expect((await w.rollup.getHeightState(1n)).phase).to.equal(Phase.Backup);
      await expect(w.rollup.connect(w.stranger).penaliseMissedCommitment(1n))
        .to.emit(w.rollup, "ProposerPenalised")
        .withArgs(1n, best.address, w.stranger.address, BackupReason.NoCommitment, w.cfg.missedRevealPenalty, (w.cfg.missedRevealPenalty * w.cfg.slashBountyBps) / 10_000n);
      await expect(w.rollup.penaliseMissedCommitment(1n)).to.be.revertedWithCustomError(w.rollup, "Rollup__AlreadySettled").withArgs(1n);
    });

    it("a missed-reveal penalty never lands on the key's next owner", async () => {
      const w = await load(world);
      const { best, d } = await upTo(w, "committed");
      // The height stays in backup longer than the exit delay: the faulty registration leaves in full.
      await w.registry.connect(best).initiateExit(best.address);
      await time.increaseTo(d.reveal + w.regCfg.exitDelay);
      await w.registry.connect(best).withdraw(best.address);
      await w.registry.connect(best).register(best.address, best.address); // the key's next registration
      const fresh = await w.registry.getSequencer(best.address);
      await expect(w.rollup.penaliseMissedReveal(1n))
        .to.emit(w.rollup, "ProposerPenalised")
        .withArgs(1n, best.address, w.deployer.address, BackupReason.NoReveal, 0n, 0n);
      expect((await w.registry.getSequencer(best.address)).stake).to.equal(fresh.stake);
    });
  });

  describe("timing", () => {
    it("the prover can't finalize before the winner can post what it owes after proposing (its Astria binding)", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const [best] = await ranked(w, 1n);
      const block = await makeBlock(w);
      await w.rollup.connect(best).propose(block.header);
      await w.rollup.connect(best).reveal(1n, block.data); // revealed during the proposal phase
      const d = await deadlines(w);
      await time.increaseTo(d.proposal);
      const prover = w.provers[0];
      const q = await makeQuote(w, best, block.header, prover.address);
      await w.rollup.connect(prover).commitProver(q.quote, q.signature);
      const proof = await proofFor(w, block.header, prover.address);
      await time.setNextBlockTimestamp(d.commitment - 1n);
      await expect(w.rollup.connect(prover).submitProof(block.header, proof))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongPhase")
        .withArgs(1n, Phase.Proving, Phase.Commitment);
      await time.setNextBlockTimestamp(d.commitment);
      await expect(w.rollup.connect(prover).submitProof(block.header, proof)).to.emit(w.rollup, "BlockFinalized");
    });
  });

  describe("confirmations (second review: an outbid block's txs)", () => {
    it("an outbid proposer's early reveal does not put its txs at the winner's stage", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const [best, second] = await ranked(w, 1n);
      const sdkBlock = async () => {
        const txHashes = [hexlify(randomBytes(32)), hexlify(randomBytes(32))];
        const data = encodeBlockData(txHashes, "0x");
        const header = buildHeader({ height: 1n, parentArchive: await w.rollup.archive(), archive: hexlify(randomBytes(32)), txHashes, data });
        return { header, data, txHashes };
      };
      const loser = await sdkBlock();
      await w.rollup.connect(second).propose(loser.header);
      await w.rollup.connect(second).reveal(1n, loser.data); // allowed: it holds the best proposal now
      const winner = await sdkBlock();
      await w.rollup.connect(best).propose(winner.header);
      const client = new RollupClient(await w.rollup.getAddress(), ethers.provider);
      expect(await txConfirmation(client, 1n, loser.txHashes[0])).to.equal(ConfirmationStage.Unknown);
      const d = await deadlines(w);
      await time.increaseTo(d.proposal);
      const q = await makeQuote(w, best, winner.header, w.provers[0].address);
      await w.rollup.connect(w.provers[0]).commitProver(q.quote, q.signature);
      expect(await txConfirmation(client, 1n, loser.txHashes[0])).to.equal(ConfirmationStage.Unknown);
      await w.rollup.connect(best).reveal(1n, winner.data);
      expect(await txConfirmation(client, 1n, winner.txHashes[0])).to.equal(ConfirmationStage.DataAvailable);
      expect(await txConfirmation(client, 1n, loser.txHashes[0])).to.equal(ConfirmationStage.Unknown);
    });
  });

  describe("integrator views", () => {
    it("txsRootOf matches the SDK's tx tree for 0 to 9 hashes", async () => {
      const w = await load(world);
      for (let n = 0; n <= 9; n++) {
        const hashes = Array.from({ length: n }, () => hexlify(randomBytes(32)));
        expect(await w.rollup.txsRootOf(hashes), `${n} leaves`).to.equal(txsRoot(hashes));
      }
    });

    it("signalRoundOf gives each height's signalling round and refuses height 0", async () => {
      const w = await load(world);
      const size = w.cfg.signalRoundSize;
      expect(await w.rollup.signalRoundOf(1n)).to.equal(0n);
      expect(await w.rollup.signalRoundOf(size)).to.equal(0n);
      expect(await w.rollup.signalRoundOf(size + 1n)).to.equal(1n);
      await expect(w.rollup.signalRoundOf(0n)).to.be.revertedWithCustomError(w.rollup, "Rollup__WrongHeight").withArgs(1n, 0n);
    });

    it("Rollup__NotEligible names an ejected key's reason", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const [best] = await ranked(w, 1n);
      const block = await makeBlock(w);
      // Eject `best`: slash it below the minimum as the registry's slasher (the rollup, impersonated).
      const rollupAddress = await w.rollup.getAddress();
      await ethers.provider.send("hardhat_impersonateAccount", [rollupAddress]);
      await ethers.provider.send("hardhat_setBalance", [rollupAddress, "0xde0b6b3a7640000"]);
      const asRollup = await ethers.getSigner(rollupAddress);
      await w.registry.connect(asRollup).slash(best.address, w.regCfg.stake, ethers.MaxUint256);
      await ethers.provider.send("hardhat_stopImpersonatingAccount", [rollupAddress]);
      await expect(w.rollup.connect(best).propose(block.header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotEligible")
        .withArgs(best.address, 1n, await w.rollup.seedKnownAt(1n), Eligibility.Ejected);
    });
  });
});
