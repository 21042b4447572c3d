import { expect } from "chai";
import { ethers } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, randomBytes, toBeHex, ZeroHash } from "ethers";
import { blockHash, genesisRandomness, headerTuple, mockProof, publicInputsHash, scoreOf, seedOf } from "../../sdk/src/hashing";
import { quoteDomain, quoteDigest } from "../../sdk/src/eip712";
import type { Header } from "../../sdk/src/hashing";
import { TOKEN, load } from "../helpers/fixtures";
import {
  BackupReason,
  deadlines,
  Eligibility,
  deployWorld,
  Finalization,
  GENESIS_SEED,
  happyRound,
  makeBlock,
  makeQuote,
  Phase,
  proofFor,
  prevRandao,
  ranked,
  toRoundStart,
  type World,
} from "../helpers/rollup";

async function world() {
  return deployWorld();
}

/** The pending round with the best sequencer's proposal in. */
async function proposed() {
  const w = await world();
  await toRoundStart(w);
  const [best, second] = await ranked(w, 1n);
  const block = await makeBlock(w);
  await w.rollup.connect(best).propose(block.header);
  return { w, best, second, block, d: await deadlines(w) };
}

/** ... and a prover committed. */
async function committed() {
  const f = await proposed();
  await time.increaseTo(f.d.proposal);
  const prover = f.w.provers[0];
  const { quote, signature } = await makeQuote(f.w, f.best, f.block.header, prover.address);
  await f.w.rollup.connect(prover).commitProver(quote, signature);
  return { ...f, prover, quote };
}

/** ... and the data revealed, at the commitment deadline (no proof lands earlier). */
async function revealed() {
  const f = await committed();
  await f.w.rollup.connect(f.best).reveal(1n, f.block.data);
  await time.increaseTo(f.d.commitment);
  return f;
}

/** Whether an event's header argument is `expected`, field by field. */
function sameHeader(actual: unknown, expected: Header): boolean {
  const got = (actual as { toArray(): unknown[] }).toArray().map((v) => String(v).toLowerCase());
  return JSON.stringify(got) === JSON.stringify(headerTuple(expected).map((v) => String(v).toLowerCase()));
}

async function phaseOf(w: World, height = 1n): Promise<[number, number]> {
  const s = await w.rollup.getHeightState(height);
  return [Number(s.phase), Number(s.backupReason)];
}

describe("FernetRollup happy path", () => {
  describe("seeds and scores", () => {
    it("derives early seeds from the salt mixed with the deployment block's RANDAO, knowable one slot before it", async () => {
      const w = await load(world);
      const c = await w.rollup.getConfig();
      const number = (await w.rollup.deploymentTransaction())!.blockNumber!;
      const deployBlock = await ethers.provider.getBlock(number);
      const genesis = genesisRandomness(GENESIS_SEED, await prevRandao(number), w.chainId, await w.rollup.getAddress());
      expect((await w.rollup.randomnessOf(0n))[0]).to.equal(genesis);
      for (let h = 1n; h <= c.lookahead; h++) {
        expect(await w.rollup.seed(h)).to.equal(seedOf(genesis, h));
        const s = w.sequencers[0].address;
        expect(await w.rollup.score(h, s)).to.equal(scoreOf(seedOf(genesis, h), s));
      }
      expect(await w.rollup.seedKnownAt(1n)).to.equal(BigInt(deployBlock!.timestamp) - 12n);
      expect(await w.rollup.deployedAt()).to.equal(BigInt(deployBlock!.timestamp));
    });

    it("fixes seed(k + lookahead) from the RANDAO of the first round call in round k's snapshot slot", async () => {
      const w = await load(world);
      const L = w.cfg.lookahead;
      expect(await w.rollup.seedKnownAt(1n + L)).to.equal(0n);
      await expect(w.rollup.seed(1n + L)).to.be.revertedWithCustomError(w.rollup, "Rollup__SeedUnknown").withArgs(1n + L);
      await expect(w.rollup.score(1n + L, w.stranger.address))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__SeedUnknown")
        .withArgs(1n + L);
      const r = await happyRound(w);
      // The commitment (the first call at the proposal deadline) took the snapshot.
      const snap = await ethers.provider.getBlock(r.commitReceipt!.blockNumber);
      const [value, knownAt] = await w.rollup.randomnessOf(1n);
      expect(value).to.equal(toBeHex(BigInt(await prevRandao(snap!.number)) >> 40n, 32));
      expect(knownAt).to.equal(BigInt(snap!.timestamp) - 12n);
      expect(await w.rollup.seedKnownAt(1n + L)).to.equal(knownAt);
      expect(await w.rollup.seed(1n + L)).to.equal(seedOf(value, 1n + L));
    });

    it("gives the same seed and score whichever L1 block a proposal lands in", async () => {
      const w = await load(world);
      const s = w.sequencers[0].address;
      const seed = await w.rollup.seed(2n);
      const score = await w.rollup.score(2n, s);
      await mine(7);
      await time.increase(5);
      expect(await w.rollup.seed(2n)).to.equal(seed);
      expect(await w.rollup.score(2n, s)).to.equal(score);
    });
  });

  describe("phases", () => {
    it("is NotStarted before genesis and Proposal from genesis, NotStarted for future heights", async () => {
      const w = await load(world);
      const start = await w.rollup.genesisTime();
      await time.increaseTo(start - 2n);
      expect(await phaseOf(w)).to.deep.equal([Phase.NotStarted, BackupReason.None]);
      const block = await makeBlock(w);
      await time.setNextBlockTimestamp(start - 1n);
      await expect(w.rollup.connect(w.sequencers[0]).propose(block.header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongPhase")
        .withArgs(1n, Phase.Proposal, Phase.NotStarted);
      await time.increaseTo(start);
      expect(await phaseOf(w)).to.deep.equal([Phase.Proposal, BackupReason.None]);
      const future = await w.rollup.getHeightState(2n);
      expect(future.phase).to.equal(Phase.NotStarted);
      expect(future.roundStart).to.equal(0n);
      const zero = await w.rollup.getHeightState(0n);
      expect(zero.phase).to.equal(Phase.NotStarted);
      const unknownSeed = await w.rollup.getHeightState(w.cfg.lookahead + 1n);
      expect(unknownSeed.seed).to.equal(ZeroHash);
      expect(unknownSeed.seedKnownAt).to.equal(0n);
    });

    it("reports the deadlines of the round from the configuration", async () => {
      const w = await load(world);
      const d = await deadlines(w);
      const c = w.cfg;
      expect(d.start).to.equal(await w.rollup.genesisTime());
      expect(d.proposal).to.equal(d.start + c.proposalDuration);
      expect(d.commitment).to.equal(d.proposal + c.commitmentDuration);
      expect(d.reveal).to.equal(d.commitment + c.revealDuration);
      expect(d.proving).to.equal(d.reveal + c.provingDuration);
    });

    it("accepts a proposal one second before the proposal deadline and refuses one at it", async () => {
      const w = await load(world);
      const d = await deadlines(w);
      const [best, second] = await ranked(w, 1n);
      await time.setNextBlockTimestamp(d.proposal - 1n);
      await w.rollup.connect(second).propose((await makeBlock(w)).header);
      await time.setNextBlockTimestamp(d.proposal);
      await expect(w.rollup.connect(best).propose((await makeBlock(w)).header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongPhase")
        .withArgs(1n, Phase.Proposal, Phase.Commitment);
    });

    it("moves Proposal -> Commitment -> Reveal -> Proving at the exact deadlines", async () => {
      const { w, best, block, d } = await load(proposed);
      await time.increaseTo(d.proposal - 1n);
      expect(await phaseOf(w)).to.deep.equal([Phase.Proposal, BackupReason.None]);
      await time.increaseTo(d.proposal);
      expect(await phaseOf(w)).to.deep.equal([Phase.Commitment, BackupReason.None]);
      const prover = w.provers[0];
      const { quote, signature } = await makeQuote(w, best, block.header, prover.address);
      await time.setNextBlockTimestamp(d.commitment - 1n);
      await w.rollup.connect(prover).commitProver(quote, signature);
      expect(await phaseOf(w)).to.deep.equal([Phase.Commitment, BackupReason.None]);
      await time.increaseTo(d.commitment);
      expect(await phaseOf(w)).to.deep.equal([Phase.Reveal, BackupReason.None]);
      await time.setNextBlockTimestamp(d.reveal - 1n);
      await w.rollup.connect(best).reveal(1n, block.data);
      expect(await phaseOf(w)).to.deep.equal([Phase.Proving, BackupReason.None]);
      await time.increaseTo(d.proving - 1n);
      expect(await phaseOf(w)).to.deep.equal([Phase.Proving, BackupReason.None]);
    });

    it("refuses a commitment one second before the commitment phase and at its end", async () => {
      const { w, best, block, d } = await load(proposed);
      const prover = w.provers[0];
      const { quote, signature } = await makeQuote(w, best, block.header, prover.address);
      await time.setNextBlockTimestamp(d.proposal - 1n);
      await expect(w.rollup.connect(prover).commitProver(quote, signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongPhase")
        .withArgs(1n, Phase.Commitment, Phase.Proposal);
      await time.setNextBlockTimestamp(d.commitment);
      await expect(w.rollup.connect(prover).commitProver(quote, signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongPhase")
        .withArgs(1n, Phase.Commitment, Phase.Backup);
    });

    it("refuses a reveal at the reveal deadline", async () => {
      const { w, best, block, d } = await load(committed);
      await time.setNextBlockTimestamp(d.reveal);
      await expect(w.rollup.connect(best).reveal(1n, block.data))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongPhase")
        .withArgs(1n, Phase.Reveal, Phase.Backup);
    });

    it("accepts a proof one second before the proving deadline", async () => {
      const { w, block, prover, d } = await load(revealed);
      await time.setNextBlockTimestamp(d.proving - 1n);
      await w.rollup.connect(prover).submitProof(block.header, await proofFor(w, block.header, prover.address));
      expect(await w.rollup.tip()).to.equal(1n);
    });

    it("refuses a proof at the proving deadline", async () => {
      const { w, block, prover, d } = await load(revealed);
      await time.setNextBlockTimestamp(d.proving);
      await expect(w.rollup.connect(prover).submitProof(block.header, await proofFor(w, block.header, prover.address)))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongPhase")
        .withArgs(1n, Phase.Proving, Phase.Backup);
    });
  });

  describe("propose", () => {
    it("stores the best proposal with its score and emits BlockProposed", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const [best] = await ranked(w, 1n);
      const block = await makeBlock(w);
      const score = await w.rollup.score(1n, best.address);
      await expect(w.rollup.connect(best).propose(block.header))
        .to.emit(w.rollup, "BlockProposed")
        .withArgs(1n, best.address, blockHash(block.header), (h: unknown) => sameHeader(h, block.header), score);
      const s = await w.rollup.getHeightState(1n);
      expect(s.record.proposer).to.equal(best.address);
      expect(s.record.blockHash).to.equal(blockHash(block.header));
      expect(s.record.txsRoot).to.equal(block.header.txsRoot);
      expect(s.dataHash).to.equal(block.header.dataHash);
      expect(s.record.proposedAt).to.equal(BigInt(await time.latest()));
      expect(s.bestScore).to.equal(score);
      expect(s.seed).to.equal(await w.rollup.seed(1n));
    });

    it("lets a better score outbid and refuses a lower or equal one, naming both scores", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const order = await ranked(w, 1n);
      const [best, second, third] = order;
      await w.rollup.connect(third).propose((await makeBlock(w)).header);
      await w.rollup.connect(second).propose((await makeBlock(w)).header);
      const s2 = await w.rollup.score(1n, second.address);
      const s3 = await w.rollup.score(1n, third.address);
      await expect(w.rollup.connect(third).propose((await makeBlock(w)).header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__ProposalNotBetter")
        .withArgs(1n, s3, s2);
      await expect(w.rollup.connect(second).propose((await makeBlock(w)).header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__ProposalNotBetter")
        .withArgs(1n, s2, s2);
      await w.rollup.connect(best).propose((await makeBlock(w)).header);
      expect((await w.rollup.getBlock(1n)).proposer).to.equal(best.address);
    });

    it("clears an early reveal when the proposal is outbid", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const [best, second] = await ranked(w, 1n);
      const early = await makeBlock(w);
      await w.rollup.connect(second).propose(early.header);
      await w.rollup.connect(second).reveal(1n, early.data);
      expect((await w.rollup.getBlock(1n)).revealed).to.equal(true);
      await w.rollup.connect(best).propose((await makeBlock(w)).header);
      expect((await w.rollup.getBlock(1n)).revealed).to.equal(false);
    });

    it("refuses a header for another height or another parent", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const s = w.sequencers[0];
      await expect(w.rollup.connect(s).propose((await makeBlock(w, { height: 2n })).header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongHeight")
        .withArgs(1n, 2n);
      const wrongParent = hexlify(randomBytes(32));
      await expect(w.rollup.connect(s).propose((await makeBlock(w, { parentArchive: wrongParent })).header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongParent")
        .withArgs(await w.rollup.archive(), wrongParent);
    });

    it("refuses a header claiming more than MAX_TX_COUNT txs", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const max = await w.rollup.MAX_TX_COUNT();
      const block = await makeBlock(w);
      await expect(w.rollup.connect(w.sequencers[0]).propose({ ...block.header, txCount: max + 1n }))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__TooManyTxs")
        .withArgs(max + 1n, max);
    });

    it("refuses a sender that is not a registered sequencer", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const knownAt = await w.rollup.seedKnownAt(1n);
      await expect(w.rollup.connect(w.stranger).propose((await makeBlock(w)).header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotEligible")
        .withArgs(w.stranger.address, 1n, knownAt, Eligibility.Unregistered);
    });

    it("refuses a sequencer that initiated its exit", async () => {
      const w = await load(world);
      await toRoundStart(w);
      const s = w.sequencers[0];
      await w.registry.connect(s).initiateExit(s.address);
      await expect(w.rollup.connect(s).propose((await makeBlock(w)).header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotEligible")
        .withArgs(s.address, 1n, await w.rollup.seedKnownAt(1n), Eligibility.Exiting);
    });

    it("refuses a sequencer registered after the seed of the height was known, even once Active", async () => {
      const w = await load(world);
      const late = w.stranger;
      await w.token.connect(late).approve(await w.registry.getAddress(), ethers.MaxUint256);
      await w.registry.connect(late).register(late.address, late.address);
      await time.increase(w.regCfg.entryDelay);
      await toRoundStart(w);
      expect(await w.registry.statusOf(late.address)).to.equal(2n); // Active now
      await expect(w.rollup.connect(late).propose((await makeBlock(w)).header))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotEligible")
        .withArgs(late.address, 1n, await w.rollup.seedKnownAt(1n), Eligibility.RegisteredAfterSeed);
    });

    it("lets a sequencer registered before a seed was known propose for that height", async () => {
      const w = await load(world);
      const late = w.stranger;
      await w.token.connect(late).approve(await w.registry.getAddress(), ethers.MaxUint256);
      await w.registry.connect(late).register(late.address, late.address);
      await time.increase(w.regCfg.entryDelay);
      // Heights 1..lookahead use the genesis seed (known at deployment): finalize them so a later seed is fixed.
      const L = w.cfg.lookahead;
      for (let i = 0n; i < L; i++) await happyRound(w);
      const h = L + 1n; // seed known at the finalization of block 1, after `late` became Active
      expect(await w.rollup.seedKnownAt(h)).to.be.greaterThanOrEqual((await w.registry.getSequencer(late.address)).activeFrom);
      await toRoundStart(w);
      await expect(w.rollup.connect(late).propose((await makeBlock(w)).header)).to.emit(w.rollup, "BlockProposed");
    });
  });

  describe("commitProver", () => {
    it("locks the bond from the prover's escrow and records the commitment", async () => {
      const { w, best, block, d } = await load(proposed);
      await time.increaseTo(d.proposal);
      const prover = w.provers[0];
      const bond = 150n * TOKEN;
      const { quote, signature } = await makeQuote(w, best, block.header, prover.address, { bond, proverRewardBps: 3_000n });
      await expect(w.rollup.connect(prover).commitProver(quote, signature))
        .to.emit(w.rollup, "ProverCommitted")
        .withArgs(1n, prover.address, blockHash(block.header), bond, 3_000n, quote.validUntil);
      const [total, locked] = await w.rollup.escrowOf(prover.address);
      expect(total).to.equal(10_000n * TOKEN);
      expect(locked).to.equal(bond);
      const r = await w.rollup.getBlock(1n);
      expect([r.prover, r.bond, r.proverRewardBps]).to.deep.equal([prover.address, bond, 3_000n]);
    });

    it("matches the SDK's EIP-712 digest", async () => {
      const { w, best, block } = await load(proposed);
      const { quote } = await makeQuote(w, best, block.header, w.provers[0].address);
      expect(await w.rollup.quoteDigest(quote)).to.equal(quoteDigest(quoteDomain(w.chainId, await w.rollup.getAddress()), quote));
    });

    async function inCommitment() {
      const f = await proposed();
      await time.increaseTo(f.d.proposal);
      return f;
    }

    it("refuses a commit by anyone but the quoted prover", async () => {
      const { w, best, block } = await load(inCommitment);
      const [prover, thief] = w.provers;
      const { quote, signature } = await makeQuote(w, best, block.header, prover.address);
      await expect(w.rollup.connect(thief).commitProver(quote, signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotQuotedProver")
        .withArgs(thief.address, prover.address);
    });

    it("refuses a second commitment for the height", async () => {
      const { w, best, block } = await load(inCommitment);
      const [p1, p2] = w.provers;
      const a = await makeQuote(w, best, block.header, p1.address);
      await w.rollup.connect(p1).commitProver(a.quote, a.signature);
      const b = await makeQuote(w, best, block.header, p2.address);
      await expect(w.rollup.connect(p2).commitProver(b.quote, b.signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__AlreadyCommitted")
        .withArgs(1n, p1.address);
    });

    it("refuses a quote for another block hash", async () => {
      const { w, best, block } = await load(inCommitment);
      const other = hexlify(randomBytes(32));
      const { quote, signature } = await makeQuote(w, best, block.header, w.provers[0].address, { blockHash: other });
      await expect(w.rollup.connect(w.provers[0]).commitProver(quote, signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__BlockHashMismatch")
        .withArgs(blockHash(block.header), other);
    });

    it("refuses a bond above what the rollup can store (no part of it could be locked for ever)", async () => {
      const { w, best, block } = await load(inCommitment);
      const p = w.provers[0];
      const max = 2n ** 96n - 1n;
      const q = await makeQuote(w, best, block.header, p.address, { bond: max + 1n });
      await expect(w.rollup.connect(p).commitProver(q.quote, q.signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__BondTooHigh")
        .withArgs(max + 1n, max);
    });

    it("refuses a bond below the minimum and a prover share above 100%", async () => {
      const { w, best, block } = await load(inCommitment);
      const p = w.provers[0];
      const min = w.cfg.minimumProverBond;
      const low = await makeQuote(w, best, block.header, p.address, { bond: min - 1n });
      await expect(w.rollup.connect(p).commitProver(low.quote, low.signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__BondTooLow")
        .withArgs(min - 1n, min);
      const greedy = await makeQuote(w, best, block.header, p.address, { proverRewardBps: 10_001n });
      await expect(w.rollup.connect(p).commitProver(greedy.quote, greedy.signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__RewardShareTooHigh")
        .withArgs(10_001n);
    });

    it("accepts a quote at validUntil and refuses it one second later", async () => {
      const { w, best, block } = await load(inCommitment);
      const p = w.provers[0];
      const validUntil = BigInt(await time.latest()) + 3n;
      const { quote, signature } = await makeQuote(w, best, block.header, p.address, { validUntil });
      const snapshot = await ethers.provider.send("evm_snapshot", []);
      await time.setNextBlockTimestamp(validUntil + 1n);
      await expect(w.rollup.connect(p).commitProver(quote, signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__QuoteExpired")
        .withArgs(validUntil, validUntil + 1n);
      await ethers.provider.send("evm_revert", [snapshot]);
      await time.setNextBlockTimestamp(validUntil);
      await expect(w.rollup.connect(p).commitProver(quote, signature)).to.emit(w.rollup, "ProverCommitted");
    });

    it("refuses a quote not signed by the winning proposer", async () => {
      const { w, best, second, block } = await load(inCommitment);
      const p = w.provers[0];
      const { quote, signature } = await makeQuote(w, second, block.header, p.address);
      await expect(w.rollup.connect(p).commitProver(quote, signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidQuoteSigner")
        .withArgs(second.address, best.address);
    });

    it("refuses a quote signed for another chain or another rollup contract (replay)", async () => {
      const { w, best, block } = await load(inCommitment);
      const p = w.provers[0];
      const rollup = await w.rollup.getAddress();
      for (const domain of [quoteDomain(w.chainId + 1n, rollup), quoteDomain(w.chainId, w.stranger.address)]) {
        const { quote, signature } = await makeQuote(w, best, block.header, p.address, {}, domain);
        // Valid for its own domain, but this rollup recovers some other address from it.
        expect(ethers.recoverAddress(quoteDigest(domain, quote), signature)).to.equal(best.address);
        const recovered = ethers.recoverAddress(await w.rollup.quoteDigest(quote), signature);
        expect(recovered).not.to.equal(best.address);
        await expect(w.rollup.connect(p).commitProver(quote, signature))
          .to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidQuoteSigner")
          .withArgs(recovered, best.address);
      }
    });

    it("refuses a quote replayed at a later height", async () => {
      const w = await load(world);
      const first = await happyRound(w);
      await toRoundStart(w);
      const [best] = await ranked(w, 2n);
      await w.rollup.connect(best).propose((await makeBlock(w)).header);
      await time.increaseTo((await deadlines(w)).proposal);
      const replay = await makeQuote(w, first.proposer, first.block.header, first.prover.address);
      await expect(w.rollup.connect(first.prover).commitProver(replay.quote, replay.signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongHeight")
        .withArgs(2n, 1n);
    });

    it("refuses a commitment when there is no proposal (backup)", async () => {
      const w = await load(world);
      await toRoundStart(w);
      await time.increaseTo((await deadlines(w)).proposal);
      const block = await makeBlock(w);
      const { quote, signature } = await makeQuote(w, w.sequencers[0], block.header, w.provers[0].address);
      await expect(w.rollup.connect(w.provers[0]).commitProver(quote, signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongPhase")
        .withArgs(1n, Phase.Commitment, Phase.Backup);
    });

    it("refuses a bond larger than the prover's free escrow", async () => {
      const { w, best, block } = await load(inCommitment);
      const p = w.provers[0];
      const bond = 10_000n * TOKEN + 1n;
      const { quote, signature } = await makeQuote(w, best, block.header, p.address, { bond });
      await expect(w.rollup.connect(p).commitProver(quote, signature))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__InsufficientEscrow")
        .withArgs(p.address, 10_000n * TOKEN, bond);
    });
  });

  describe("reveal", () => {
    it("emits the data as calldata DA and marks the block revealed", async () => {
      const { w, best, block } = await load(committed);
      await expect(w.rollup.connect(best).reveal(1n, block.data))
        .to.emit(w.rollup, "BlockRevealed")
        .withArgs(1n, block.header.dataHash, block.data);
      expect((await w.rollup.getBlock(1n)).revealed).to.equal(true);
    });

    it("refuses anyone but the winning proposer", async () => {
      const { w, best, second, block } = await load(committed);
      await expect(w.rollup.connect(second).reveal(1n, block.data))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotProposer")
        .withArgs(second.address, best.address);
    });

    it("refuses data that does not hash to the header's dataHash", async () => {
      const { w, best, block } = await load(committed);
      const bad = "0x1234";
      await expect(w.rollup.connect(best).reveal(1n, bad))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__DataHashMismatch")
        .withArgs(block.header.dataHash, ethers.keccak256(bad));
    });

    it("refuses another height and a second reveal", async () => {
      const { w, best, block } = await load(committed);
      await expect(w.rollup.connect(best).reveal(2n, block.data))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongHeight")
        .withArgs(1n, 2n);
      await w.rollup.connect(best).reveal(1n, block.data);
      await expect(w.rollup.connect(best).reveal(1n, block.data))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__AlreadyRevealed")
        .withArgs(1n);
    });
  });

  describe("submitProof", () => {
    it("finalizes at once: tip, archive, history, bond released, rewards split (submitter share to the prover)", async () => {
      const { w, best, block, prover, quote } = await load(revealed);
      const submitter = w.stranger;
      const proof = await proofFor(w, block.header, prover.address);
      const tx = w.rollup.connect(submitter).submitProof(block.header, proof);
      await expect(tx).to.emit(w.rollup, "BondReleased").withArgs(1n, prover.address, quote.bond);
      const receipt = await (await tx).wait();
      const fin = await ethers.provider.getBlock(receipt!.blockNumber);
      await expect(tx)
        .to.emit(w.rollup, "BlockFinalized")
        .withArgs(
          1n,
          blockHash(block.header),
          Finalization.Proven,
          block.header.archive,
          submitter.address,
        );
      const reward = w.cfg.blockReward;
      const toSubmitter = (reward * w.cfg.submitterRewardBps) / 10_000n;
      const toProver = ((reward - toSubmitter) * quote.proverRewardBps) / 10_000n;
      const toSequencer = reward - toSubmitter - toProver;
      await expect(tx)
        .to.emit(w.rollup, "RewardsAccrued")
        .withArgs(1n, prover.address, toSubmitter, prover.address, toProver, best.address, toSequencer);
      expect(await w.rollup.tip()).to.equal(1n);
      expect(await w.rollup.archive()).to.equal(block.header.archive);
      expect(await w.rollup.escrowOf(prover.address)).to.deep.equal([10_000n * TOKEN, 0n]);
      // Copying the proof's calldata earns nothing: the submitter share is the committed prover's.
      expect(await w.rollup.rewardsOf(submitter.address)).to.equal(0n);
      expect(await w.rollup.rewardsOf(prover.address)).to.equal(toSubmitter + toProver);
      expect(await w.rollup.rewardsOf(best.address)).to.equal(toSequencer);
      expect(await w.rollup.rewardPool()).to.equal(1_000n * TOKEN - reward);
      const s = await w.rollup.getHeightState(1n);
      expect(s.phase).to.equal(Phase.Finalized);
      expect(s.record.finalization).to.equal(Finalization.Proven);
      expect(s.record.finalizedAt).to.equal(BigInt(fin!.timestamp));
      expect(s.record.canonicalBlockHash).to.equal(blockHash(block.header));
      expect(s.record.settled).to.equal(true);
      expect(s.dataHash).to.equal(ZeroHash); // round state only while the height is pending
      // The next round starts at this finalization.
      expect((await w.rollup.getHeightState(2n)).roundStart).to.equal(BigInt(fin!.timestamp));
      expect((await w.rollup.getHeightState(2n)).phase).to.equal(Phase.Proposal);
    });

    it("makes a second finalization of the height impossible", async () => {
      const { w, block, prover } = await load(revealed);
      const proof = await proofFor(w, block.header, prover.address);
      await w.rollup.submitProof(block.header, proof);
      await expect(w.rollup.submitProof(block.header, proof))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongHeight")
        .withArgs(2n, 1n);
    });

    it("refuses a proof bound to another prover (proof theft)", async () => {
      const { w, block, prover } = await load(revealed);
      const thief = w.provers[1];
      const proof = await proofFor(w, block.header, thief.address);
      const expected = publicInputsHash(w.chainId, await w.rollup.getAddress(), block.header, prover.address);
      await expect(w.rollup.connect(thief).submitProof(block.header, proof))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidProof")
        .withArgs(1n, expected);
    });

    it("exposes the public-inputs hash, identical to the SDK's", async () => {
      const { w, block, prover } = await load(revealed);
      expect(await w.rollup.publicInputsHash(block.header, prover.address)).to.equal(
        publicInputsHash(w.chainId, await w.rollup.getAddress(), block.header, prover.address),
      );
    });

    it("refuses a proof of other public inputs", async () => {
      const { w, block, prover } = await load(revealed);
      const other = { ...block.header, archive: hexlify(randomBytes(32)) };
      const expected = publicInputsHash(w.chainId, await w.rollup.getAddress(), block.header, prover.address);
      await expect(w.rollup.submitProof(block.header, await proofFor(w, other, prover.address)))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidProof")
        .withArgs(1n, expected);
      await expect(w.rollup.submitProof(block.header, "0x"))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidProof")
        .withArgs(1n, expected);
    });

    it("refuses a header that is not the winning proposal", async () => {
      const { w, block, prover } = await load(revealed);
      const other = { ...block.header, archive: hexlify(randomBytes(32)) };
      await expect(w.rollup.submitProof(other, await proofFor(w, other, prover.address)))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__BlockHashMismatch")
        .withArgs(blockHash(block.header), blockHash(other));
      const wrongHeight = { ...block.header, height: 2n };
      await expect(w.rollup.submitProof(wrongHeight, "0x"))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__WrongHeight")
        .withArgs(1n, 2n);
    });

    it("refuses a proof for an unrevealed block", async () => {
      const { w, block, prover } = await load(committed);
      await expect(w.rollup.submitProof(block.header, await proofFor(w, block.header, prover.address)))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotRevealed")
        .withArgs(1n);
    });

    it("refuses a proof for an uncommitted block", async () => {
      const { w, best, block } = await load(proposed);
      await w.rollup.connect(best).reveal(1n, block.data);
      await expect(w.rollup.submitProof(block.header, await proofFor(w, block.header, best.address)))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NotCommitted")
        .withArgs(1n);
    });

    it("finalizes even when the reward pool is empty, paying nothing", async () => {
      const w = await deployWorld({ rewardPool: 0n });
      const tx = happyRound(w);
      await expect(tx).not.to.be.rejected;
      expect(await w.rollup.tip()).to.equal(1n);
      expect(await w.rollup.rewardsOf(w.provers[0].address)).to.equal(0n);
    });

    it("pays what an underfunded pool has", async () => {
      const w = await deployWorld({ rewardPool: 3n });
      const { prover, proposer } = await happyRound(w);
      expect(await w.rollup.rewardPool()).to.equal(0n);
      const total =
        (await w.rollup.rewardsOf(prover.address)) + (await w.rollup.rewardsOf(proposer.address));
      expect(total).to.equal(3n);
    });
  });

  describe("escrow and rewards", () => {
    it("lets a prover withdraw only its free balance", async () => {
      const { w, prover, quote } = await load(committed);
      const total = 10_000n * TOKEN;
      await expect(w.rollup.connect(prover).withdrawEscrow(total))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__InsufficientEscrow")
        .withArgs(prover.address, total - quote.bond, total);
      const tx = w.rollup.connect(prover).withdrawEscrow(total - quote.bond);
      await expect(tx).to.emit(w.rollup, "EscrowWithdrawn").withArgs(prover.address, total - quote.bond);
      await expect(tx).to.changeTokenBalance(w.token, prover, total - quote.bond);
      expect(await w.rollup.escrowOf(prover.address)).to.deep.equal([quote.bond, quote.bond]);
    });

    it("refuses zero deposits, withdrawals and fundings", async () => {
      const w = await load(world);
      await expect(w.rollup.deposit(0n)).to.be.revertedWithCustomError(w.rollup, "Rollup__ZeroAmount");
      await expect(w.rollup.withdrawEscrow(0n)).to.be.revertedWithCustomError(w.rollup, "Rollup__ZeroAmount");
      await expect(w.rollup.fundRewards(0n)).to.be.revertedWithCustomError(w.rollup, "Rollup__ZeroAmount");
    });

    it("refuses deposits and fundings that don't fit the stored amounts, before moving any token", async () => {
      const w = await load(world);
      const huge = 2n ** 128n;
      await expect(w.rollup.deposit(huge)).to.be.revertedWithCustomError(w.rollup, "SafeCastOverflowedUintDowncast").withArgs(128, huge);
      await expect(w.rollup.fundRewards(huge)).to.be.revertedWithCustomError(w.rollup, "SafeCastOverflowedUintDowncast").withArgs(128, huge);
    });

    it("records deposits and fundings with events", async () => {
      const w = await load(world);
      const p = w.provers[1];
      await expect(w.rollup.connect(p).deposit(5n)).to.emit(w.rollup, "EscrowDeposited").withArgs(p.address, 5n);
      await expect(w.rollup.fundRewards(7n)).to.emit(w.rollup, "RewardPoolFunded").withArgs(w.deployer.address, 7n);
      expect(await w.rollup.rewardPool()).to.equal(1_000n * TOKEN + 7n);
    });

    it("pays accrued rewards once, to the chosen recipient", async () => {
      const w = await load(world);
      const { proposer } = await happyRound(w);
      const owed = await w.rollup.rewardsOf(proposer.address);
      expect(owed).to.be.greaterThan(0n);
      const tx = w.rollup.connect(proposer).claimRewards(w.stranger.address);
      await expect(tx).to.emit(w.rollup, "RewardsClaimed").withArgs(proposer.address, w.stranger.address, owed);
      await expect(tx).to.changeTokenBalance(w.token, w.stranger, owed);
      await expect(w.rollup.connect(proposer).claimRewards(proposer.address))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__NothingToClaim")
        .withArgs(proposer.address);
      await expect(w.rollup.connect(proposer).claimRewards(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.rollup, "Rollup__ZeroAddress")
        .withArgs("recipient");
    });
  });

  describe("many rounds", () => {
    it("runs consecutive heights, each starting at the previous finalization", async () => {
      const w = await load(world);
      for (let h = 1n; h <= 4n; h++) {
        const r = await happyRound(w);
        expect(r.height).to.equal(h);
        expect(await w.rollup.tip()).to.equal(h);
      }
      expect(await w.rollup.seed(5n)).to.equal(seedOf((await w.rollup.randomnessOf(5n - w.cfg.lookahead))[0], 5n));
    });

    it("exposes the mock verifier's rule (NOT SOUND stub)", async () => {
      const w = await load(world);
      const inputs = hexlify(randomBytes(32));
      expect(await w.verifier.mockProof(inputs)).to.equal(mockProof(inputs));
      expect(await w.verifier.verify(mockProof(inputs), inputs)).to.equal(true);
      expect(await w.verifier.verify(mockProof(inputs), ZeroHash)).to.equal(false);
      expect(await w.verifier.verify(mockProof(inputs) + "00", inputs)).to.equal(false);
    });
  });
});
