import { expect } from "chai";
import { ethers } from "hardhat";

import { LOCAL } from "../../sdk/src/config";
import { deployWorld, GENESIS_ARCHIVE, GENESIS_SEED } from "../helpers/rollup";
import { load } from "../helpers/fixtures";

async function world() {
  return deployWorld();
}

describe("FernetRollup configuration", () => {
  async function deployWith(overrides: Record<string, unknown>) {
    const w = await load(world);
    const base = {
      token: await w.token.getAddress(),
      registry: await w.registry.getAddress(),
      verifier: await w.verifier.getAddress(),
      treasury: ethers.ZeroAddress,
      genesisArchive: GENESIS_ARCHIVE,
      genesisSeed: GENESIS_SEED,
      ...LOCAL.rollup,
    };
    return { w, tx: ethers.deployContract("FernetRollup", [{ ...base, ...overrides }]) };
  }

  it("exposes the deployment configuration and the genesis state", async () => {
    const w = await load(world);
    const c = await w.rollup.getConfig();
    expect(c.token).to.equal(await w.token.getAddress());
    expect(c.registry).to.equal(await w.registry.getAddress());
    expect(c.verifier).to.equal(await w.verifier.getAddress());
    expect(c.treasury).to.equal(ethers.ZeroAddress);
    expect(c.genesisArchive).to.equal(GENESIS_ARCHIVE);
    expect(c.genesisSeed).to.equal(GENESIS_SEED);
    for (const key of Object.keys(LOCAL.rollup) as Array<keyof typeof LOCAL.rollup>) {
      expect(c[key], key).to.equal(LOCAL.rollup[key]);
    }
    expect(await w.rollup.tip()).to.equal(0n);
    expect(await w.rollup.archive()).to.equal(GENESIS_ARCHIVE);
  });

  const zeroNamed = ["proposalDuration", "commitmentDuration", "revealDuration", "provingDuration", "lookahead", "minimumProverBond", "signalRoundSize"];
  for (const name of zeroNamed) {
    it(`refuses a zero ${name} with Rollup__InvalidConfig`, async () => {
      const { w, tx } = await deployWith({ [name]: 0n });
      await expect(tx).to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidConfig").withArgs(name, 0n);
    });
  }

  const outOfRange: Array<[string, bigint, Record<string, bigint>]> = [
    ["submitterRewardBps", 10_001n, {}],
    ["slashBountyBps", 10_001n, {}],
    ["minimumProverBond", 2n ** 96n, {}],
    ["signalQuorum", 5n, { signalRoundSize: 10n }],
    ["signalQuorum", 11n, { signalRoundSize: 10n }],
  ];
  for (const [name, value, extra] of outOfRange) {
    it(`refuses ${name} = ${value} with Rollup__InvalidConfig`, async () => {
      const { w, tx } = await deployWith({ [name]: value, ...extra });
      await expect(tx).to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidConfig").withArgs(name, value);
    });
  }

  it("accepts shares of exactly 100% and a quorum of a full round", async () => {
    // A 100% bounty gives a self-reporter its whole penalty back: only possible without a block reward.
    const { tx } = await deployWith({ submitterRewardBps: 10_000n, slashBountyBps: 10_000n, blockReward: 0n, signalQuorum: 10n, signalRoundSize: 10n });
    await expect(tx).not.to.be.reverted;
  });

  it("refuses a registry that stakes another token (two tokens would make the rollup insolvent)", async () => {
    const w = await load(world);
    const other = await ethers.deployContract("FernetToken", ["Other", "OTH", w.deployer.address]);
    const { tx } = await deployWith({ token: await other.getAddress() });
    await expect(tx)
      .to.be.revertedWithCustomError(w.rollup, "Rollup__TokenMismatch")
      .withArgs(await other.getAddress(), await w.token.getAddress());
  });

  // A miss (no commitment, no reveal, no proof) must cost at least the block reward the missing party
  // can take through a friend's backup block, plus the bounty it recovers by reporting itself.
  const reward = LOCAL.rollup.blockReward;
  const bounty = LOCAL.rollup.slashBountyBps;
  const minimumLoss = (reward * 10_000n + (10_000n - bounty) - 1n) / (10_000n - bounty);
  for (const name of ["missedRevealPenalty", "minimumProverBond"]) {
    it(`refuses a ${name} below the block reward plus the self-report bounty (Rollup__PenaltyTooLow)`, async () => {
      const { w, tx } = await deployWith({ [name]: minimumLoss - 1n });
      await expect(tx).to.be.revertedWithCustomError(w.rollup, "Rollup__PenaltyTooLow").withArgs(name, minimumLoss - 1n, minimumLoss);
      const { tx: exact } = await deployWith({ [name]: minimumLoss });
      await expect(exact).not.to.be.reverted;
    });
  }

  it("refuses any penalty when the bounty is 100% and there is a block reward", async () => {
    const w = await load(world);
    const { tx } = await deployWith({ slashBountyBps: 10_000n });
    await expect(tx)
      .to.be.revertedWithCustomError(w.rollup, "Rollup__PenaltyTooLow")
      .withArgs("missedRevealPenalty", LOCAL.rollup.missedRevealPenalty, ethers.MaxUint256);
  });

  it("refuses a registry whose exit delay is not longer than a round (the penalty could be dodged)", async () => {
    const exitDelay = LOCAL.registry.exitDelay;
    for (const proposalDuration of [exitDelay, exitDelay - 2n]) {
      const { w, tx } = await deployWith({ proposalDuration, commitmentDuration: 1n, revealDuration: 1n });
      await expect(tx).to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidConfig").withArgs("registry.exitDelay", exitDelay);
    }
    const { tx } = await deployWith({ proposalDuration: exitDelay - 3n, commitmentDuration: 1n, revealDuration: 1n });
    await expect(tx).not.to.be.reverted;
  });

  it("refuses a genesis delay above MAX_GENESIS_DELAY", async () => {
    const w = await load(world);
    const max = await w.rollup.MAX_GENESIS_DELAY();
    const { tx } = await deployWith({ genesisDelay: max + 1n });
    await expect(tx).to.be.revertedWithCustomError(w.rollup, "Rollup__InvalidConfig").withArgs("genesisDelay", max + 1n);
  });

  for (const name of ["token", "registry", "verifier"]) {
    it(`refuses a zero ${name} with Rollup__ZeroAddress`, async () => {
      const { w, tx } = await deployWith({ [name]: ethers.ZeroAddress });
      await expect(tx).to.be.revertedWithCustomError(w.rollup, "Rollup__ZeroAddress").withArgs(name);
    });
  }
});
