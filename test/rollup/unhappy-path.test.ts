import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, keccak256, randomBytes, toUtf8Bytes } from "ethers";
import { blockHash, publicInputsHash } from "../../sdk/src/hashing";
import { TOKEN, load } from "../helpers/fixtures";
import {
  BackupReason,
  deadlines,
  deployWorld,
  Finalization,
  happyRound,
  makeBlock,
  makeQuote,
  Phase,
  proofFor,
  ranked,
  toRoundStart,
  backupBlock,
  upTo,
  type World,
} from "../helpers/rollup";

const BURN = "0x000000000000000000000000000000000000dEaD";

async function world() {
  return deployWorld();
}

async function state(w: World, height = 1n): Promise<[number, number]> {
  const s = await w.rollup.getHeightState(height);
  return [Number(s.phase), Number(s.backupReason)];
}

/** Round 1 with a proposal and a commitment; optionally revealed. */

async function missedProof() {
  const w = await world();
  const r = await upTo(w, "revealed");
  await time.increaseTo(r.d.proving);
  return { w, ...r };
}

async function missedReveal() {
  const w = await world();
  const r = await upTo(w, "committed");
  await time.increaseTo(r.d.reveal);
  return { w, ...r };
}


describe("FernetRollup when things go wrong", () => {
  describe("backup triggers (exact boundaries)", () => {
    it("NoProposal: Proposal one second before the proposal deadline, Backup at it", async () => {
      const w = await load(world);
      const d = await deadlines(w);
      await time.increaseTo(d.proposal - 1n);
      expect(await state(w)).to.deep.equal([Phase.Proposal, BackupReason.None]);
      await time.increaseTo(d.proposal);
      expect(await state(w)).to.deep.equal([Phase.Backup, BackupReason.NoProposal]);
    });

    it("NoCommitment: Commitment one second before the commitment deadline, Backup at it", async () => {
      const w = await load(world);
      const { d } = await upTo(w, "proposed");
      await time.increaseTo(d.commitment - 1n);
      expect(await state(w)).to.deep.equal([Phase.Commitment, BackupReason.None]);
      await time.increaseTo(d.commitment);
      expect(await state(w)).to.deep.equal([Phase.Backup, BackupReason.NoCommitment]);
    });

    it("NoReveal: Reveal one second before the reveal deadline, Backup at it", async () => {
      const w = await load(world);
      const { d } = await upTo(w, "committed");
      await time.increaseTo(d.reveal - 1n);
      expect(await state(w)).to.deep.equal([Phase.Reveal, BackupReason.None]);
      await time.increaseTo(d.reveal);
      expect(await state(w)).to.deep.equal([Phase.Backup, BackupReason.NoReveal]);
    });

    it("NoProof: Proving one second before the proving deadline, Backup at it", async () => {
      const w = await load(world);
      const { d } = await upTo(w, "revealed");
      await time.increaseTo(d.proving - 1n);
      expect(await state(w)).to.deep.equal([Phase.Proving, BackupReason.None]);
      await time.increaseTo(d.proving);
      expect(await state(w)).to.deep.equal([Phase.Backup, BackupReason.NoProof]);
    });

    it("stays in backup until someone submits, however long that takes", async () => {
      const w = await load(world);
      await time.increaseTo((await deadlines(w)).proposal + 365n * 24n * 3600n);
      expect(await state(w)).to.deep.equal([Phase.Backup, BackupReason.NoProposal]);
      const b = await backupBlock(w, w.stranger.address);
      await w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof);
      expect(await w.rollup.tip()).to.equal(1n);
    });
  });

  describe("slashProver", () => {
    it("slashes the bond once: the exact bounty to the reporter and the rest burned", async () => {
      const { w, prover, quote } = await load(missedProof);
      const reporter = w.stranger;
      const bounty = (quote.bond * w.cfg.slashBountyBps) / 10_000n;
      const burned = quote.bond - bounty;
      const tx = w.rollup.connect(reporter).slashProver(1n);
      await expect(tx).to.emit(w.rollup, "ProverSlashed").withArgs(1n, prover.address, reporter.address, bounty, burned);
      await expect(tx).to.changeTokenBalances(w.token, [reporter, BURN, w.rollup], [bounty, burned, -quote.bond]);
      expect(await w.rollup.escrowOf(prover.address)).to.deep.equal([10_000n * TOKEN - quote.bond, 0n]);
      expect(await w.rollup.totalBurned()).to.equal(burned);
      expect((await w.rollup.getBlock(1n)).settled).to.equal(true);
      await expect(w.rollup.connect(reporter).slashProver(1n))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__AlreadySettled")
        .withArgs(1n);
    });

    it("sends the non-bounty part to the treasury when one is configured", async () => {
      const treasury = (await ethers.getSigners())[18].address;
      const w = await deployWorld({ treasury });
      const { quote } = await upTo(w, "revealed");
      await time.increaseTo((await deadlines(w)).proving);
      const burned = quote.bond - (quote.bond * w.cfg.slashBountyBps) / 10_000n;
      await expect(w.rollup.slashProver(1n)).to.changeTokenBalance(w.token, treasury, burned);
      expect((await w.rollup.getConfig()).treasury).to.equal(treasury);
    });

    it("refuses before the proving deadline, naming the height's backup reason", async () => {
      const w = await load(world);
      const { d } = await upTo(w, "revealed");
      await time.setNextBlockTimestamp(d.proving - 1n);
      await expect(w.rollup.slashProver(1n))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSlashableFault")
        .withArgs(1n, BackupReason.None);
    });

    it("refuses for a missed reveal (not the prover's fault) and for other heights", async () => {
      const { w } = await load(missedReveal);
      await expect(w.rollup.slashProver(1n))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSlashableFault")
        .withArgs(1n, BackupReason.NoReveal);
      await expect(w.rollup.slashProver(7n))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSlashableFault")
        .withArgs(7n, BackupReason.None);
    });

    it("is settled by a backup submission exactly once (backup first, then direct call refused)", async () => {
      const { w, prover, quote } = await load(missedProof);
      const submitter = w.stranger;
      const b = await backupBlock(w, submitter.address);
      const bounty = (quote.bond * w.cfg.slashBountyBps) / 10_000n;
      const tx = w.rollup.connect(submitter).submitBackupBlock(b.header, b.data, b.proof);
      await expect(tx).to.emit(w.rollup, "ProverSlashed").withArgs(1n, prover.address, submitter.address, bounty, quote.bond - bounty);
      await expect(tx).to.changeTokenBalance(w.token, BURN, quote.bond - bounty);
      await expect(w.rollup.slashProver(1n))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSlashableFault")
        .withArgs(1n, BackupReason.None);
      expect(await w.rollup.totalBurned()).to.equal(quote.bond - bounty);
    });

    it("is not slashed again by a backup submission after a direct call (direct first)", async () => {
      const { w, quote } = await load(missedProof);
      await w.rollup.connect(w.provers[2]).slashProver(1n);
      const b = await backupBlock(w, w.stranger.address);
      const tx = w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof);
      await expect(tx).not.to.emit(w.rollup, "ProverSlashed");
      await expect(tx).to.changeTokenBalance(w.token, BURN, 0n);
      expect(await w.rollup.totalBurned()).to.equal(quote.bond - (quote.bond * w.cfg.slashBountyBps) / 10_000n);
    });
  });

  describe("penaliseMissedReveal", () => {
    it("releases the prover's bond to the prover and penalises the proposer through the registry", async () => {
      const { w, best, prover, quote } = await load(missedReveal);
      const reporter = w.stranger;
      const penalty = w.cfg.missedRevealPenalty;
      const bounty = (penalty * w.cfg.slashBountyBps) / 10_000n;
      const stakeBefore = (await w.registry.getSequencer(best.address)).stake;
      const tx = w.rollup.connect(reporter).penaliseMissedReveal(1n);
      await expect(tx).to.emit(w.rollup, "BondReleased").withArgs(1n, prover.address, quote.bond);
      await expect(tx).to.emit(w.rollup, "ProposerPenalised").withArgs(1n, best.address, reporter.address, BackupReason.NoReveal, penalty, bounty);
      await expect(tx).to.emit(w.registry, "SequencerSlashed");
      await expect(tx).to.changeTokenBalances(w.token, [reporter, BURN, best], [bounty, penalty - bounty, 0n]);
      expect((await w.registry.getSequencer(best.address)).stake).to.equal(stakeBefore - penalty);
      // The bond goes back to the prover's free escrow, not to anyone else.
      expect(await w.rollup.escrowOf(prover.address)).to.deep.equal([10_000n * TOKEN, 0n]);
      await expect(w.rollup.penaliseMissedReveal(1n))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__AlreadySettled")
        .withArgs(1n);
    });

    it("is refused for a missed proof (that is the prover's fault)", async () => {
      const { w } = await load(missedProof);
      await expect(w.rollup.penaliseMissedReveal(1n))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSlashableFault")
        .withArgs(1n, BackupReason.NoProof);
    });

    it("still penalises a proposer that started its exit to dodge the penalty", async () => {
      const w = await load(world);
      const { best, d } = await upTo(w, "committed");
      await w.registry.connect(best).initiateExit(best.address);
      await time.increaseTo(d.reveal);
      await expect(w.rollup.penaliseMissedReveal(1n))
        .to.emit(w.rollup, "ProposerPenalised")
        .withArgs(1n, best.address, w.deployer.address, BackupReason.NoReveal, w.cfg.missedRevealPenalty, (w.cfg.missedRevealPenalty * w.cfg.slashBountyBps) / 10_000n);
    });

    it("releases the bond even if the proposer already withdrew its stake (penalty zero)", async () => {
      const w = await load(world);
      const { best, prover, d } = await upTo(w, "committed");
      await w.registry.connect(best).initiateExit(best.address);
      await time.increaseTo(d.reveal + w.regCfg.exitDelay);
      await w.registry.connect(best).withdraw(best.address);
      await expect(w.rollup.penaliseMissedReveal(1n))
        .to.emit(w.rollup, "ProposerPenalised")
        .withArgs(1n, best.address, w.deployer.address, BackupReason.NoReveal, 0n, 0n);
      expect((await w.rollup.escrowOf(prover.address))[1]).to.equal(0n);
    });

    it("applies no penalty when the configured penalty is zero", async () => {
      const w = await deployWorld({ rollup: { missedRevealPenalty: 0n, blockReward: 0n } });
      const { best, d } = await upTo(w, "committed");
      await time.increaseTo(d.reveal);
      const stake = (await w.registry.getSequencer(best.address)).stake;
      await expect(w.rollup.penaliseMissedReveal(1n)).not.to.emit(w.registry, "SequencerSlashed");
      expect((await w.registry.getSequencer(best.address)).stake).to.equal(stake);
    });

    it("is settled by a backup submission exactly once, in either order", async () => {
      const { w, best } = await load(missedReveal);
      const stake = (await w.registry.getSequencer(best.address)).stake;
      const b = await backupBlock(w, w.stranger.address);
      await expect(w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof)).to.emit(
        w.rollup,
        "ProposerPenalised",
      );
      expect((await w.registry.getSequencer(best.address)).stake).to.equal(stake - w.cfg.missedRevealPenalty);
      await expect(w.rollup.penaliseMissedReveal(1n))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NoSlashableFault")
        .withArgs(1n, BackupReason.None);
    });

    it("is not applied twice when the direct call came first", async () => {
      const { w, best } = await load(missedReveal);
      await w.rollup.penaliseMissedReveal(1n);
      const stake = (await w.registry.getSequencer(best.address)).stake;
      const b = await backupBlock(w, w.stranger.address);
      await expect(w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof)).not.to.emit(
        w.rollup,
        "ProposerPenalised",
      );
      expect((await w.registry.getSequencer(best.address)).stake).to.equal(stake);
    });
  });

  describe("submitBackupBlock", () => {
    async function noProposal() {
      const w = await world();
      await time.increaseTo((await deadlines(w)).proposal);
      return w;
    }

    it("extends the tip, reveals the data, records the backup and pays the whole reward to the caller", async () => {
      const w = await load(noProposal);
      const caller = w.stranger;
      const b = await backupBlock(w, caller.address);
      const tx = w.rollup.connect(caller).submitBackupBlock(b.header, b.data, b.proof);
      await expect(tx).to.emit(w.rollup, "BlockRevealed").withArgs(1n, b.header.dataHash, b.data);
      await expect(tx).to.emit(w.rollup, "BlockFinalized");
      const reward = w.cfg.blockReward;
      const toSubmitter = (reward * w.cfg.submitterRewardBps) / 10_000n;
      await expect(tx)
        .to.emit(w.rollup, "RewardsAccrued")
        .withArgs(1n, caller.address, toSubmitter, caller.address, reward - toSubmitter, caller.address, 0n);
      expect(await w.rollup.rewardsOf(caller.address)).to.equal(reward);
      expect(await w.rollup.tip()).to.equal(1n);
      expect(await w.rollup.archive()).to.equal(b.header.archive);
      const r = await w.rollup.getBlock(1n);
      expect(r.finalization).to.equal(Finalization.Backup);
      expect(r.canonicalBlockHash).to.equal(blockHash(b.header));
      expect(r.backupSubmitter).to.equal(caller.address);
      expect(r.proposer).to.equal(ethers.ZeroAddress);
      expect((await w.rollup.getHeightState(1n)).phase).to.equal(Phase.Finalized);
    });

    it("keeps the missed proposal in the history next to the backup block", async () => {
      const { w, best, block } = await load(missedReveal);
      const b = await backupBlock(w, w.stranger.address);
      await w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof);
      const r = await w.rollup.getBlock(1n);
      expect(r.proposer).to.equal(best.address);
      expect(r.blockHash).to.equal(blockHash(block.header));
      expect(r.canonicalBlockHash).to.equal(blockHash(b.header));
    });

    it("is final: a second submission for the height is refused", async () => {
      const w = await load(noProposal);
      const b = await backupBlock(w, w.stranger.address);
      await w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof);
      await expect(w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotInBackup")
        .withArgs(2n);
    });

    it("is refused outside backup mode", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const b = await backupBlock(w, w.stranger.address);
      await expect(w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotInBackup")
        .withArgs(1n);
    });

    it("refuses a block that does not extend the tip", async () => {
      const w = await load(noProposal);
      const wrongHeight = await makeBlock(w, { height: 2n });
      await expect(
        w.rollup.connect(w.stranger).submitBackupBlock(wrongHeight.header, wrongHeight.data, await proofFor(w, wrongHeight.header, w.stranger.address)),
      )
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongHeight")
        .withArgs(1n, 2n);
      const parent = hexlify(randomBytes(32));
      const wrongParent = await makeBlock(w, { parentArchive: parent });
      await expect(
        w.rollup.connect(w.stranger).submitBackupBlock(wrongParent.header, wrongParent.data, await proofFor(w, wrongParent.header, w.stranger.address)),
      )
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongParent")
        .withArgs(await w.rollup.archive(), parent);
    });

    it("refuses a backup header claiming more than MAX_TX_COUNT txs", async () => {
      const w = await load(noProposal);
      const max = await w.rollup.MAX_TX_COUNT();
      const b = await makeBlock(w);
      const header = { ...b.header, txCount: max + 1n };
      await expect(w.rollup.connect(w.stranger).submitBackupBlock(header, b.data, await proofFor(w, header, w.stranger.address)))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__TooManyTxs")
        .withArgs(max + 1n, max);
    });

    it("refuses data that does not match the header", async () => {
      const w = await load(noProposal);
      const b = await backupBlock(w, w.stranger.address);
      await expect(w.rollup.connect(w.stranger).submitBackupBlock(b.header, "0xbeef", b.proof))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__DataHashMismatch")
        .withArgs(b.header.dataHash, keccak256("0xbeef"));
    });

    it("refuses a proof bound to another caller (a front-runner can't steal it)", async () => {
      const w = await load(noProposal);
      const honest = w.provers[1];
      const b = await backupBlock(w, honest.address);
      const expected = publicInputsHash(w.chainId, await w.rollup.getAddress(), b.header, w.stranger.address);
      await expect(w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidProof")
        .withArgs(1n, expected);
    });

    it("penalises the winner of a missed commitment (it could have proved its own block) and pays it nothing", async () => {
      const w = await load(world);
      const { best, d } = await upTo(w, "proposed");
      await time.increaseTo(d.commitment);
      const penalty = w.cfg.missedRevealPenalty;
      const bounty = (penalty * w.cfg.slashBountyBps) / 10_000n;
      const b = await backupBlock(w, w.stranger.address);
      const tx = w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof);
      await expect(tx).not.to.emit(w.rollup, "ProverSlashed");
      await expect(tx).not.to.emit(w.rollup, "BondReleased");
      await expect(tx)
        .to.emit(w.rollup, "ProposerPenalised")
        .withArgs(1n, best.address, w.stranger.address, BackupReason.NoCommitment, penalty, bounty);
      expect((await w.rollup.getBlock(1n)).settled).to.equal(true);
      expect(await w.rollup.rewardsOf(best.address)).to.equal(0n);
    });
  });

  describe("upgrade signalling", () => {
    const PAYLOAD = keccak256(toUtf8Bytes("payload A"));
    const OTHER = keccak256(toUtf8Bytes("payload B"));

    it("counts one signal per happy-path block and passes a payload at exactly the quorum", async () => {
      const w = await load(world);
      const quorum = w.cfg.signalQuorum;
      for (let i = 1n; i < quorum; i++) {
        await happyRound(w, { signal: PAYLOAD });
        expect(await w.rollup.signalCount(0n, PAYLOAD)).to.equal(i);
      }
      expect(await w.rollup.passedPayload(0n)).to.equal(ethers.ZeroHash);
      const height = (await w.rollup.tip()) + 1n;
      await toRoundStart(w);
      const [best] = await ranked(w, height);
      const block = await makeBlock(w, { signal: PAYLOAD });
      await w.rollup.connect(best).propose(block.header);
      await time.increaseTo((await deadlines(w)).proposal);
      const q = await makeQuote(w, best, block.header, w.provers[0].address);
      await w.rollup.connect(w.provers[0]).commitProver(q.quote, q.signature);
      await w.rollup.connect(best).reveal(height, block.data);
      await time.increaseTo((await deadlines(w)).commitment);
      const tx = w.rollup.submitProof(block.header, await proofFor(w, block.header, w.provers[0].address));
      await expect(tx).to.emit(w.rollup, "Signalled").withArgs(0n, PAYLOAD, height, quorum);
      await expect(tx).to.emit(w.rollup, "PayloadPassed").withArgs(0n, PAYLOAD, quorum);
      expect(await w.rollup.passedPayload(0n)).to.equal(PAYLOAD);
    });

    it("does not count abstentions, other payloads' signals or backup blocks", async () => {
      const w = await load(world);
      await happyRound(w); // abstains
      await happyRound(w, { signal: OTHER });
      await time.increaseTo((await deadlines(w)).proposal);
      const b = await backupBlock(w, w.stranger.address, PAYLOAD);
      await expect(w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, b.proof)).not.to.emit(
        w.rollup,
        "Signalled",
      );
      expect(await w.rollup.signalCount(0n, PAYLOAD)).to.equal(0n);
      expect(await w.rollup.signalCount(0n, OTHER)).to.equal(1n);
      expect(await w.rollup.signalCount(0n, ethers.ZeroHash)).to.equal(0n);
    });

    it("starts a new round every signalRoundSize heights", async () => {
      const w = await deployWorld({ rollup: { signalRoundSize: 2n, signalQuorum: 2n } });
      await happyRound(w, { signal: PAYLOAD }); // height 1, round 0
      await happyRound(w, { signal: OTHER }); // height 2, round 0
      await happyRound(w, { signal: PAYLOAD }); // height 3, round 1
      expect(await w.rollup.signalCount(0n, PAYLOAD)).to.equal(1n);
      expect(await w.rollup.signalCount(1n, PAYLOAD)).to.equal(1n);
      expect(await w.rollup.passedPayload(0n)).to.equal(ethers.ZeroHash);
    });
  });
});
