/**
 * Unit tests of the rollup's rule libraries (escrow, rewards, signals, randomness, settlement),
 * each on storage of its own through a test-only harness.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { keccak256, toBeHex, toUtf8Bytes } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { RollupLibsHarness } from "../../typechain-types";
import { BackupReason } from "../helpers/rollup";

async function harness() {
  const [user, a, b, c] = await ethers.getSigners();
  const h = (await ethers.deployContract("RollupLibsHarness")) as unknown as RollupLibsHarness;
  const rollup = await ethers.getContractAt("IFernetRollup", await h.getAddress());
  return { h, rollup, user, a, b, c };
}

describe("Rollup libraries", () => {
  describe("EscrowLib", () => {
    it("locks from the free balance, releases back to it, forfeits out of it", async () => {
      const { h } = await loadFixture(harness);
      await h.deposit(100n);
      await h.lock(60n);
      expect(await h.free()).to.equal(40n);
      await h.release(20n);
      expect(await h.free()).to.equal(60n);
      await h.forfeit(40n);
      expect(await h.escrow()).to.deep.equal([60n, 0n]);
    });

    it("refuses to lock or withdraw more than is free, naming both amounts", async () => {
      const { h, rollup, user } = await loadFixture(harness);
      await h.deposit(100n);
      await h.lock(70n);
      await expect(h.lock(31n)).to.be.revertedWithCustomError(rollup, "Rollup__InsufficientEscrow").withArgs(user.address, 30n, 31n);
      await expect(h.withdraw(31n)).to.be.revertedWithCustomError(rollup, "Rollup__InsufficientEscrow").withArgs(user.address, 30n, 31n);
      await h.withdraw(30n);
      expect(await h.escrow()).to.deep.equal([70n, 70n]);
    });

    it("refuses a deposit that would not fit 128 bits", async () => {
      const { h } = await loadFixture(harness);
      await h.deposit(2n ** 128n - 1n);
      await expect(h.deposit(1n)).to.be.revertedWithPanic(0x11);
      await expect(h.deposit(2n ** 128n)).to.be.revertedWithCustomError(h, "SafeCastOverflowedUintDowncast");
    });
  });

  describe("RewardLib", () => {
    it("splits the block reward: submitter share, prover share of the rest, remainder to the sequencer", async () => {
      const { h, rollup, a, b, c } = await loadFixture(harness);
      await h.fund(1_000n);
      await expect(h.accrue(7n, 100n, 500n, a.address, b.address, 2_000n, c.address))
        .to.emit(rollup.attach(await h.getAddress()), "RewardsAccrued")
        .withArgs(7n, a.address, 5n, b.address, 19n, c.address, 76n);
      expect([await h.owed(a.address), await h.owed(b.address), await h.owed(c.address)]).to.deep.equal([5n, 19n, 76n]);
      expect((await h.pool()).pool).to.equal(900n);
    });

    it("pays what an underfunded pool has, and nothing from an empty one (never reverts)", async () => {
      const { h, a } = await loadFixture(harness);
      await h.fund(30n);
      await h.accrue(1n, 100n, 0n, a.address, a.address, 0n, a.address);
      expect(await h.owed(a.address)).to.equal(30n);
      await expect(h.accrue(2n, 100n, 0n, a.address, a.address, 0n, a.address)).to.not.emit(h, "RewardsAccrued");
      expect((await h.pool()).pool).to.equal(0n);
    });

    it("pays a claim once and refuses an empty one", async () => {
      const { h, rollup, user } = await loadFixture(harness);
      await h.fund(10n);
      await h.accrue(1n, 10n, 0n, user.address, user.address, 0n, user.address);
      await h.claim();
      expect(await h.owed(user.address)).to.equal(0n);
      await expect(h.claim()).to.be.revertedWithCustomError(rollup, "Rollup__NothingToClaim").withArgs(user.address);
    });

    it("keeps the burned total", async () => {
      const { h } = await loadFixture(harness);
      await h.recordBurn(5n);
      await h.recordBurn(7n);
      expect((await h.pool()).burned).to.equal(12n);
    });
  });

  describe("SignalLib", () => {
    const A = keccak256(toUtf8Bytes("A"));
    it("counts per round of heights and passes a payload at exactly the quorum, once", async () => {
      const { h, rollup } = await loadFixture(harness);
      const events = rollup.attach(await h.getAddress());
      expect(await h.roundOf(1n, 4n)).to.equal(0n);
      expect(await h.roundOf(4n, 4n)).to.equal(0n);
      expect(await h.roundOf(5n, 4n)).to.equal(1n);
      await h.count(1n, A, 4n, 3n);
      await h.count(2n, A, 4n, 3n);
      await expect(h.count(3n, A, 4n, 3n)).to.emit(events, "PayloadPassed").withArgs(0n, A, 3n);
      await expect(h.count(4n, A, 4n, 3n)).to.emit(events, "Signalled").withArgs(0n, A, 4n, 4n).and.not.to.emit(events, "PayloadPassed");
      expect(await h.passed(0n)).to.equal(A);
      await h.count(5n, A, 4n, 3n); // the next round starts from zero
      expect(await h.signals(1n, A)).to.equal(1n);
      expect(await h.passed(1n)).to.equal(ethers.ZeroHash);
    });
  });

  describe("RandomnessLib", () => {
    it("keeps the top 216 bits of the source and a 40-bit known-at time in one word", async () => {
      const { h } = await loadFixture(harness);
      const raw = keccak256(toUtf8Bytes("randao"));
      const word = await h.pack(raw, 1_700_000_000n);
      const [value, knownAt] = await h.unpack(word);
      expect(value).to.equal(toBeHex(BigInt(raw) >> 40n, 32));
      expect(knownAt).to.equal(1_700_000_000n);
      expect(word).to.not.equal(0n); // a fixed word is never zero, even for a zero source
      expect(await h.pack(ethers.ZeroHash, 1n)).to.equal(1n);
    });

    it("puts the snapshot slot right after the proposal phase, one slot long", async () => {
      const { h } = await loadFixture(harness);
      expect(await h.window(1_000n, 180n)).to.deep.equal([1_180n, 1_192n]);
    });
  });

  describe("SettlementLib", () => {
    it("names the party at fault for each backup reason", async () => {
      const { h, a, b } = await loadFixture(harness);
      expect(await h.faultyParty(BackupReason.None, a.address, b.address)).to.equal(ethers.ZeroAddress);
      expect(await h.faultyParty(BackupReason.NoProposal, a.address, b.address)).to.equal(ethers.ZeroAddress);
      expect(await h.faultyParty(BackupReason.NoCommitment, a.address, b.address)).to.equal(a.address);
      expect(await h.faultyParty(BackupReason.NoReveal, a.address, b.address)).to.equal(a.address);
      expect(await h.faultyParty(BackupReason.NoProof, a.address, b.address)).to.equal(b.address);
    });

    it("sizes the least loss of a miss against the reward and the self-report bounty", async () => {
      const { h } = await loadFixture(harness);
      expect(await h.minimumLoss(0n, 10_000n)).to.equal(0n);
      expect(await h.minimumLoss(100n, 0n)).to.equal(100n);
      expect(await h.minimumLoss(100n, 1_000n)).to.equal(112n); // 112 * 0.9 = 100.8 >= 100 > 111 * 0.9
      expect(await h.minimumLoss(90n, 1_000n)).to.equal(100n);
      expect(await h.minimumLoss(1n, 10_000n)).to.equal(ethers.MaxUint256);
    });

    it("splits a slashed amount between the reporter's bounty and the burn, rounding the bounty down", async () => {
      const { h } = await loadFixture(harness);
      expect(await h.split(999n, 1_000n)).to.deep.equal([99n, 900n]);
      expect(await h.split(0n, 1_000n)).to.deep.equal([0n, 0n]);
    });
  });
});
