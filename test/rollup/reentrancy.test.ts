import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ReentrantToken } from "../../typechain-types";
import { deadlines, deployWorld, happyRound, makeBlock, makeQuote, proofFor, ranked, toRoundStart, type World } from "../helpers/rollup";
import { load } from "../helpers/fixtures";

/**
 * With a token whose transfer hook calls back into the rollup, every token-moving entry point refuses
 * the re-entrant call (ReentrancyGuardReentrantCall) and the outer call pays exactly once.
 */
async function world() {
  const w = await deployWorld({ reentrantToken: true });
  return { w, token: w.token as unknown as ReentrantToken };
}

async function expectReentryRefused(w: World, token: ReentrantToken) {
  expect(await token.reentryAttempts()).to.equal(1n);
  expect(await token.lastReentrySucceeded()).to.equal(false);
  expect(w.rollup.interface.parseError(await token.lastReentryError())?.name).to.equal("ReentrancyGuardReentrantCall");
}

async function arm(w: World, token: ReentrantToken, fn: string, args: unknown[]) {
  await token.arm(await w.rollup.getAddress(), w.rollup.interface.encodeFunctionData(fn as never, args as never));
}

describe("FernetRollup with a re-entrant token", () => {
  it("refuses re-entry during deposit, withdrawEscrow and fundRewards", async () => {
    const { w, token } = await load(world);
    const p = w.provers[0];
    await arm(w, token, "withdrawEscrow", [1n]);
    await w.rollup.connect(p).deposit(10n);
    await expectReentryRefused(w, token);
    const [total] = await w.rollup.escrowOf(p.address);
    await arm(w, token, "withdrawEscrow", [1n]);
    await w.rollup.connect(p).withdrawEscrow(5n);
    expect(await token.reentryAttempts()).to.equal(2n);
    expect(await token.lastReentrySucceeded()).to.equal(false);
    expect((await w.rollup.escrowOf(p.address))[0]).to.equal(total - 5n);
    const pool = await w.rollup.rewardPool();
    await arm(w, token, "fundRewards", [1n]);
    await w.rollup.fundRewards(3n);
    expect(await token.lastReentrySucceeded()).to.equal(false);
    expect(await w.rollup.rewardPool()).to.equal(pool + 3n);
  });

  it("refuses a deposit or a backup block re-entered from inside another escrow move", async () => {
    const { w, token } = await load(world);
    const p = w.provers[0];
    const [total] = await w.rollup.escrowOf(p.address);
    await arm(w, token, "deposit", [1n]);
    await w.rollup.connect(p).withdrawEscrow(2n);
    await expectReentryRefused(w, token);
    const block = await makeBlock(w);
    await arm(w, token, "submitBackupBlock", [block.header, block.data, "0x"]);
    await w.rollup.connect(p).deposit(2n);
    expect(await token.reentryAttempts()).to.equal(2n);
    expect(w.rollup.interface.parseError(await token.lastReentryError())?.name).to.equal("ReentrancyGuardReentrantCall");
    expect((await w.rollup.escrowOf(p.address))[0]).to.equal(total);
    expect(await w.rollup.tip()).to.equal(0n);
  });

  it("pays rewards once when claimRewards is re-entered", async () => {
    const { w, token } = await load(world);
    const { proposer } = await happyRound(w);
    const owed = await w.rollup.rewardsOf(proposer.address);
    await arm(w, token, "claimRewards", [proposer.address]);
    await expect(w.rollup.connect(proposer).claimRewards(proposer.address)).to.changeTokenBalance(token, proposer, owed);
    await expectReentryRefused(w, token);
  });

  it("slashes once when slashProver, penaliseMissedReveal or submitBackupBlock is re-entered", async () => {
    const { w, token } = await load(world);
    await toRoundStart(w);
    const [best] = await ranked(w, 1n);
    const block = await makeBlock(w);
    await w.rollup.connect(best).propose(block.header);
    const d = await deadlines(w);
    await time.increaseTo(d.proposal);
    const q = await makeQuote(w, best, block.header, w.provers[0].address);
    await w.rollup.connect(w.provers[0]).commitProver(q.quote, q.signature);
    await w.rollup.connect(best).reveal(1n, block.data);
    await time.increaseTo(d.proving);
    await arm(w, token, "slashProver", [1n]);
    await w.rollup.slashProver(1n);
    await expectReentryRefused(w, token);
    const burned = await w.rollup.totalBurned();
    const backup = await makeBlock(w);
    await arm(w, token, "penaliseMissedReveal", [1n]);
    // Nothing left to slash at height 1, so the backup submission moves no tokens: the hook never fires.
    await w.rollup.connect(w.stranger).submitBackupBlock(backup.header, backup.data, await proofFor(w, backup.header, w.stranger.address));
    expect(await token.reentryAttempts()).to.equal(1n);
    expect(await w.rollup.totalBurned()).to.equal(burned);
  });

  it("refuses re-entry during a missed-reveal penalty and a backup settlement", async () => {
    const { w, token } = await load(world);
    for (const viaBackup of [false, true]) {
      await toRoundStart(w);
      const h = (await w.rollup.tip()) + 1n;
      const [best] = await ranked(w, h);
      const block = await makeBlock(w);
      await w.rollup.connect(best).propose(block.header);
      const d = await deadlines(w);
      await time.increaseTo(d.proposal);
      const q = await makeQuote(w, best, block.header, w.provers[0].address);
      await w.rollup.connect(w.provers[0]).commitProver(q.quote, q.signature);
      await time.increaseTo(d.reveal);
      const before = await token.reentryAttempts();
      await arm(w, token, "penaliseMissedReveal", [h]);
      if (viaBackup) {
        const b = await makeBlock(w);
        await w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, await proofFor(w, b.header, w.stranger.address));
      } else {
        await w.rollup.penaliseMissedReveal(h);
        const b = await makeBlock(w);
        await w.rollup.connect(w.stranger).submitBackupBlock(b.header, b.data, await proofFor(w, b.header, w.stranger.address));
      }
      expect(await token.reentryAttempts()).to.equal(before + 1n);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect(w.rollup.interface.parseError(await token.lastReentryError())?.name).to.equal("ReentrancyGuardReentrantCall");
    }
    expect(await ethers.provider.getBalance(await w.rollup.getAddress())).to.equal(0n);
  });

  it("refuses re-entry during a missed-commitment penalty", async () => {
    const { w, token } = await load(world);
    await toRoundStart(w);
    const [best] = await ranked(w, 1n);
    await w.rollup.connect(best).propose((await makeBlock(w)).header);
    await time.increaseTo((await deadlines(w)).commitment);
    const before = await token.reentryAttempts();
    await arm(w, token, "penaliseMissedCommitment", [1n]);
    await w.rollup.penaliseMissedCommitment(1n);
    expect(await token.reentryAttempts()).to.equal(before + 1n);
    expect(await token.lastReentrySucceeded()).to.equal(false);
    expect(w.rollup.interface.parseError(await token.lastReentryError())?.name).to.equal("ReentrancyGuardReentrantCall");
  });
});
