import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { LOCAL } from "../../sdk/src/config";
import {
  ASTRIA_CHAIN_ID,
  ROLLUP_ID,
  SLASHER,
  TOKEN,
  backupRound,
  commitRevealProve,
  deployWorld,
  finalizeRound,
  load,
  propose,
  signedBinding,
  toProposalDeadline,
  type World,
} from "./helpers/world";

const { minimumBond: MIN_BOND, optInDelay: OPT_IN, unbondDelay: UNBOND } = SLASHER;
const LOOKAHEAD = LOCAL.rollup.lookahead;

/** A world where nobody has bonded yet. */
async function unbonded() {
  return deployWorld({ bondA: false });
}

/** seqA opted in (at `bondedAt`) before the first round. */
async function bonded() {
  const w = await deployWorld({ bondA: false });
  await w.slasher.connect(w.seqA).bond(w.seqA.address, MIN_BOND);
  return { ...w, bondedAt: BigInt(await time.latest()) };
}

/** seqA bonded and asked to unbond right away (tip 0: locked through the lookahead). */
async function unbonding() {
  const f = await bonded();
  await f.slasher.connect(f.seqA).requestUnbond();
  return { ...f, requestedAt: BigInt(await time.latest()) };
}

/**
 * seqA's bond emptied (the penalty is the whole minimum bond): it posted no binding for height 3. It then
 * wins height 4 while empty: its binding is refused, and height 4 is finalized without one.
 */
async function emptied() {
  const w = await deployWorld({ slasher: { penalty: MIN_BOND } });
  await finalizeRound(w, w.seqA, 1n);
  await finalizeRound(w, w.seqA, 2n);
  await finalizeRound(w, w.seqA, 3n);
  await w.slasher.connect(w.reporter).proveMissingBinding(3n);
  await propose(w, w.seqA, 4n, []);
  await toProposalDeadline(w, 4n);
  const empty = { astriaStart: 1n, astriaEnd: 1n, entries: [], txHashes: [] };
  const { binding, entries, signature } = await signedBinding(w, w.seqA, 4n, empty);
  const refused = w.slasher.postBinding(binding, entries, signature);
  await expect(refused).to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce").withArgs(w.seqA.address, 4n);
  await commitRevealProve(w, 4n);
  return w;
}

/** Deploys a slasher with `overrides` next to `w`'s rollup and light client. */
async function deploySlasher(w: World, overrides: Record<string, unknown>) {
  return ethers.deployContract("AstriaSlasher", [
    {
      rollup: await w.rollup.getAddress(),
      lightClient: await w.lightClient.getAddress(),
      treasury: ethers.ZeroAddress,
      rollupId: ROLLUP_ID,
      ...SLASHER,
      ...overrides,
    },
  ]);
}

describe("AstriaSlasher: bonds", () => {
  describe("constructor", () => {
    it("stores its configuration and bonds in the rollup's token", async () => {
      const w = await load(unbonded);
      const cfg = await w.slasher.getConfig();
      expect(cfg.rollup).to.equal(await w.rollup.getAddress());
      expect(cfg.lightClient).to.equal(await w.lightClient.getAddress());
      expect(cfg.treasury).to.equal(ethers.ZeroAddress);
      expect(cfg.rollupId).to.equal(ROLLUP_ID);
      expect(cfg.astriaStartHeight).to.equal(SLASHER.astriaStartHeight);
      expect(cfg.minimumBond).to.equal(MIN_BOND);
      expect(cfg.penalty).to.equal(SLASHER.penalty);
      expect(cfg.bountyBps).to.equal(SLASHER.bountyBps);
      expect(cfg.optInDelay).to.equal(OPT_IN);
      expect(cfg.unbondDelay).to.equal(UNBOND);
      expect(cfg.astriaMargin).to.equal(SLASHER.astriaMargin);
      expect(await w.slasher.token()).to.equal(await w.token.getAddress());
      expect(await w.slasher.expectedAstriaStart()).to.equal(SLASHER.astriaStartHeight);
      expect(await w.slasher.lastBoundHeight()).to.equal(0n);
      expect(await w.slasher.totalBonded()).to.equal(0n);
    });

    it("refuses a zero rollup or light client", async () => {
      const w = await load(unbonded);
      await expect(deploySlasher(w, { rollup: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(w.slasher, "Astria__ZeroAddress")
        .withArgs("rollup");
      await expect(deploySlasher(w, { lightClient: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(w.slasher, "Astria__ZeroAddress")
        .withArgs("lightClient");
    });

    const zeros = ["astriaStartHeight", "minimumBond", "penalty", "optInDelay", "unbondDelay"];
    for (const name of zeros) {
      it(`refuses ${name} = 0 with Astria__InvalidConfig`, async () => {
        const w = await load(unbonded);
        await expect(deploySlasher(w, { [name]: 0n }))
          .to.be.revertedWithCustomError(w.slasher, "Astria__InvalidConfig")
          .withArgs(name, 0n);
      });
    }

    it("takes an opt-in delay of up to a year, and refuses a longer one", async () => {
      const w = await load(unbonded);
      const max = await w.slasher.MAX_OPT_IN_DELAY();
      expect(max).to.equal(365n * 24n * 3600n);
      expect((await (await deploySlasher(w, { optInDelay: max })).getConfig()).optInDelay).to.equal(max);
      for (const optInDelay of [max + 1n, 2n ** 64n, 2n ** 256n - 1n]) {
        await expect(deploySlasher(w, { optInDelay }))
          .to.be.revertedWithCustomError(w.slasher, "Astria__InvalidConfig")
          .withArgs("optInDelay", optInDelay);
      }
    });

    it("takes an unbond delay of up to a year, and refuses a longer one (bonds could never leave)", async () => {
      const w = await load(unbonded);
      const max = await w.slasher.MAX_UNBOND_DELAY();
      expect(max).to.equal(365n * 24n * 3600n);
      expect((await (await deploySlasher(w, { unbondDelay: max })).getConfig()).unbondDelay).to.equal(max);
      for (const unbondDelay of [max + 1n, 2n ** 256n - 1n]) {
        await expect(deploySlasher(w, { unbondDelay }))
          .to.be.revertedWithCustomError(w.slasher, "Astria__InvalidConfig")
          .withArgs("unbondDelay", unbondDelay);
      }
    });

    it("refuses a zero rollup id, a bounty above 100% and a minimum bond above 128 bits", async () => {
      const w = await load(unbonded);
      await expect(deploySlasher(w, { rollupId: ethers.ZeroHash }))
        .to.be.revertedWithCustomError(w.slasher, "Astria__InvalidConfig")
        .withArgs("rollupId", 0n);
      await expect(deploySlasher(w, { bountyBps: 10_001n }))
        .to.be.revertedWithCustomError(w.slasher, "Astria__InvalidConfig")
        .withArgs("bountyBps", 10_001n);
      await expect(deploySlasher(w, { minimumBond: 2n ** 128n }))
        .to.be.revertedWithCustomError(w.slasher, "Astria__InvalidConfig")
        .withArgs("minimumBond", 2n ** 128n);
    });

    it("refuses an Astria start height below the light client's first height, and takes it at that height", async () => {
      const w = await load(unbonded);
      const client = await ethers.deployContract("AstriaLightClient", [ASTRIA_CHAIN_ID, w.validators, 5n]);
      const lightClient = await client.getAddress();
      await expect(deploySlasher(w, { lightClient, astriaStartHeight: 4n }))
        .to.be.revertedWithCustomError(w.slasher, "Astria__StartBeforeLightClient")
        .withArgs(4n, 5n);
      expect(await (await deploySlasher(w, { lightClient, astriaStartHeight: 5n })).expectedAstriaStart()).to.equal(5n);
    });

    it("refuses a rollup whose token is not its registry's token", async () => {
      const w = await load(unbonded);
      const token = await w.token.getAddress();
      const other = await w.registry.getAddress(); // any other address stands in for a second token
      for (const [rollupToken, registryToken] of [
        [token, other],
        [other, token],
      ]) {
        const stub = await ethers.deployContract("AstriaRollupConfigStub", [rollupToken, registryToken]);
        await expect(deploySlasher(w, { rollup: await stub.getAddress() }))
          .to.be.revertedWithCustomError(w.slasher, "Astria__TokenMismatch")
          .withArgs(rollupToken, registryToken);
      }
      // The same stub with one token for both is accepted, and the slasher bonds in it.
      const same = await ethers.deployContract("AstriaRollupConfigStub", [token, token]);
      expect(await (await deploySlasher(w, { rollup: await same.getAddress() })).token()).to.equal(token);
    });
  });

  describe("bond", () => {
    it("opts the sequencer in: pulls the bond and schedules its effect", async () => {
      const w = await load(unbonded);
      const t = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(t);
      const tx = w.slasher.connect(w.seqA).bond(w.seqA.address, MIN_BOND);
      await expect(tx)
        .to.emit(w.slasher, "Bonded")
        .withArgs(w.seqA.address, w.seqA.address, MIN_BOND, MIN_BOND, t + OPT_IN);
      await expect(tx).to.changeTokenBalances(w.token, [w.seqA, w.slasher], [-MIN_BOND, MIN_BOND]);
      const b = await w.slasher.bondOf(w.seqA.address);
      expect([b.amount, b.effectiveFrom, b.unbondRequestedAt, b.lockedThroughHeight, b.withdrawableAt]).to.deep.equal([
        MIN_BOND,
        t + OPT_IN,
        0n,
        0n,
        0n,
      ]);
      expect(await w.slasher.totalBonded()).to.equal(MIN_BOND);
    });

    it("lets anyone top up an opted-in bond without moving its effective time", async () => {
      const w = await load(bonded);
      const effectiveFrom = w.bondedAt + OPT_IN;
      await expect(w.slasher.connect(w.stranger).bond(w.seqA.address, 5n * TOKEN))
        .to.emit(w.slasher, "Bonded")
        .withArgs(w.seqA.address, w.stranger.address, 5n * TOKEN, MIN_BOND + 5n * TOKEN, effectiveFrom);
      expect((await w.slasher.bondOf(w.seqA.address)).amount).to.equal(MIN_BOND + 5n * TOKEN);
      expect(await w.slasher.totalBonded()).to.equal(MIN_BOND + 5n * TOKEN);
    });

    it("refuses a top-up of a bond slashed to zero sent by anyone but the sequencer", async () => {
      const w = await load(emptied);
      expect((await w.slasher.bondOf(w.seqA.address)).amount).to.equal(0n);
      await expect(w.slasher.connect(w.stranger).bond(w.seqA.address, MIN_BOND))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotSequencer")
        .withArgs(w.stranger.address, w.seqA.address);
      await expect(w.slasher.connect(w.seqA).bond(w.seqA.address, MIN_BOND - 1n))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BondTooLow")
        .withArgs(MIN_BOND - 1n, MIN_BOND);
    });

    it("takes a refill of a bond slashed to zero as a fresh opt-in: heights led while empty stay unbound", async () => {
      const w = await load(emptied);
      const t = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(t);
      await expect(w.slasher.connect(w.seqA).bond(w.seqA.address, MIN_BOND))
        .to.emit(w.slasher, "Bonded")
        .withArgs(w.seqA.address, w.seqA.address, MIN_BOND, MIN_BOND, t + OPT_IN);
      // Height 4 was won while the bond was empty; refilling it does not make it slashable.
      expect(await w.slasher.isInForce(w.seqA.address, 4n)).to.equal(false);
      await expect(w.slasher.proveMissingBinding(4n))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce")
        .withArgs(w.seqA.address, 4n);
      expect((await w.slasher.bondOf(w.seqA.address)).amount).to.equal(MIN_BOND);
    });

    it("binds a re-opted-in sequencer only for heights whose leader became known after it took effect", async () => {
      const w = await load(emptied);
      await w.slasher.connect(w.seqA).bond(w.seqA.address, MIN_BOND);
      const effectiveFrom = (await w.slasher.bondOf(w.seqA.address)).effectiveFrom;
      await time.increaseTo(effectiveFrom);
      await backupRound(w, 5n);
      // Heights 6 and 7 take their leaders from rounds 4 and 5, known before the new opt-in took effect
      // (round 5's snapshot slot passed first, so it carries round 4's randomness); 8's from round 6, after.
      expect(await w.rollup.seedKnownAt(6n)).to.be.lessThan(effectiveFrom);
      expect(await w.rollup.seedKnownAt(7n)).to.be.lessThan(effectiveFrom);
      for (const h of [6n, 7n]) {
        await finalizeRound(w, w.seqA, h);
        await expect(w.slasher.proveMissingBinding(h))
          .to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce")
          .withArgs(w.seqA.address, h);
      }
      expect(await w.rollup.seedKnownAt(8n)).to.be.greaterThanOrEqual(effectiveFrom);
      await finalizeRound(w, w.seqA, 8n);
      await expect(w.slasher.connect(w.reporter).proveMissingBinding(8n))
        .to.emit(w.slasher, "MissingBindingProven")
        .withArgs(8n, w.seqA.address, (await w.rollup.getBlock(8n)).finalizedAt);
    });

    it("refuses an opt-in sent by anyone but the sequencer", async () => {
      const w = await load(unbonded);
      await expect(w.slasher.connect(w.stranger).bond(w.seqA.address, MIN_BOND))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotSequencer")
        .withArgs(w.stranger.address, w.seqA.address);
    });

    it("refuses an opt-in below the minimum bond", async () => {
      const w = await load(unbonded);
      await expect(w.slasher.connect(w.seqA).bond(w.seqA.address, MIN_BOND - 1n))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BondTooLow")
        .withArgs(MIN_BOND - 1n, MIN_BOND);
    });

    it("refuses a zero amount or a zero sequencer", async () => {
      const w = await load(unbonded);
      await expect(w.slasher.connect(w.seqA).bond(w.seqA.address, 0n)).to.be.revertedWithCustomError(
        w.slasher,
        "Astria__ZeroAmount",
      );
      await expect(w.slasher.connect(w.seqA).bond(ethers.ZeroAddress, MIN_BOND))
        .to.be.revertedWithCustomError(w.slasher, "Astria__ZeroAddress")
        .withArgs("sequencer");
    });

    it("refuses to add to a bond that is unbonding", async () => {
      const w = await load(unbonding);
      await expect(w.slasher.connect(w.seqA).bond(w.seqA.address, MIN_BOND))
        .to.be.revertedWithCustomError(w.slasher, "Astria__Unbonding")
        .withArgs(w.seqA.address, LOOKAHEAD);
    });

    it("refuses a total that does not fit 128 bits", async () => {
      const w = await load(bonded);
      const huge = 2n ** 128n;
      await w.token.mint(w.stranger.address, huge);
      await expect(w.slasher.connect(w.stranger).bond(w.seqA.address, huge))
        .to.be.revertedWithCustomError(w.slasher, "SafeCastOverflowedUintDowncast")
        .withArgs(128, huge + MIN_BOND);
    });

    it("fails without allowance and changes nothing", async () => {
      const w = await load(unbonded);
      await w.token.connect(w.seqA).approve(await w.slasher.getAddress(), 0n);
      await expect(w.slasher.connect(w.seqA).bond(w.seqA.address, MIN_BOND)).to.be.revertedWithCustomError(
        w.token,
        "ERC20InsufficientAllowance",
      );
      expect((await w.slasher.bondOf(w.seqA.address)).effectiveFrom).to.equal(0n);
      expect(await w.slasher.totalBonded()).to.equal(0n);
    });
  });

  describe("isInForce", () => {
    it("is false for heights whose leader was known before the opt-in took effect", async () => {
      const w = await load(bonded);
      // Heights up to the lookahead use the genesis seed, known at deployment: before any opt-in.
      await time.increase(OPT_IN);
      for (let h = 1n; h <= LOOKAHEAD; h++) {
        expect(await w.slasher.isInForce(w.seqA.address, h)).to.equal(false);
      }
    });

    it("is true for a height whose seed became known after the opt-in took effect", async () => {
      const w = await load(bonded);
      await finalizeRound(w, w.seqA, 1n);
      const known = await w.rollup.seedKnownAt(1n + LOOKAHEAD);
      expect(known).to.be.greaterThanOrEqual(w.bondedAt + OPT_IN);
      expect(await w.slasher.isInForce(w.seqA.address, 1n + LOOKAHEAD)).to.equal(true);
      expect(await w.slasher.isInForce(w.seqB.address, 1n + LOOKAHEAD)).to.equal(false);
    });

    it("answers for a height whose seed is unknown as if it became known now", async () => {
      const w = await load(bonded);
      const far = 100n;
      expect(await w.rollup.seedKnownAt(far)).to.equal(0n);
      expect(await w.slasher.isInForce(w.seqA.address, far)).to.equal(false);
      await time.increase(OPT_IN);
      expect(await w.slasher.isInForce(w.seqA.address, far)).to.equal(true);
      await w.slasher.connect(w.seqA).requestUnbond();
      expect(await w.slasher.isInForce(w.seqA.address, far)).to.equal(false);
    });

    it("keeps the heights already led during unbonding, and only those", async () => {
      const w = await load(bonded);
      await finalizeRound(w, w.seqA, 1n);
      await w.slasher.connect(w.seqA).requestUnbond();
      const locked = 1n + LOOKAHEAD;
      expect((await w.slasher.bondOf(w.seqA.address)).lockedThroughHeight).to.equal(locked);
      expect(await w.slasher.isInForce(w.seqA.address, locked)).to.equal(true);
      await finalizeRound(w, w.seqA, 2n);
      expect(await w.slasher.isInForce(w.seqA.address, locked + 1n)).to.equal(false);
    });
  });

  describe("requestUnbond", () => {
    it("locks the commitment through every height whose leader is known", async () => {
      const w = await load(bonded);
      await finalizeRound(w, w.seqA, 1n);
      const tx = w.slasher.connect(w.seqA).requestUnbond();
      await expect(tx)
        .to.emit(w.slasher, "UnbondRequested")
        .withArgs(w.seqA.address, 1n + LOOKAHEAD);
      const b = await w.slasher.bondOf(w.seqA.address);
      expect(b.unbondRequestedAt).to.equal(BigInt(await time.latest()));
      expect(b.withdrawableAt).to.equal(0n);
    });

    it("refuses a sequencer that never bonded", async () => {
      const w = await load(unbonded);
      await expect(w.slasher.connect(w.seqB).requestUnbond())
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotBonded")
        .withArgs(w.seqB.address);
    });

    it("refuses a second request", async () => {
      const w = await load(unbonding);
      await expect(w.slasher.connect(w.seqA).requestUnbond())
        .to.be.revertedWithCustomError(w.slasher, "Astria__UnbondAlreadyRequested")
        .withArgs(w.seqA.address, w.requestedAt);
    });
  });

  describe("withdraw", () => {
    it("refuses before unbonding was requested", async () => {
      const w = await load(bonded);
      await expect(w.slasher.connect(w.seqA).withdraw(w.seqA.address))
        .to.be.revertedWithCustomError(w.slasher, "Astria__UnbondNotRequested")
        .withArgs(w.seqA.address);
    });

    it("refuses a zero recipient", async () => {
      const w = await load(unbonding);
      await expect(w.slasher.connect(w.seqA).withdraw(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.slasher, "Astria__ZeroAddress")
        .withArgs("recipient");
    });

    it("refuses while the last locked height is not finalized, however long it takes", async () => {
      const w = await load(unbonding);
      await finalizeRound(w, w.seqA, 1n);
      await time.increase(10n * UNBOND);
      await expect(w.slasher.connect(w.seqA).withdraw(w.seqA.address))
        .to.be.revertedWithCustomError(w.slasher, "Astria__UnbondLocked")
        .withArgs(w.seqA.address, LOOKAHEAD);
    });

    it("pays the whole bond once, unbondDelay after the last locked height was finalized", async () => {
      const w = await load(unbonding);
      await finalizeRound(w, w.seqA, 1n);
      await finalizeRound(w, w.seqA, 2n);
      const withdrawableAt = (await w.rollup.getBlock(LOOKAHEAD)).finalizedAt + UNBOND;
      expect((await w.slasher.bondOf(w.seqA.address)).withdrawableAt).to.equal(withdrawableAt);
      await time.setNextBlockTimestamp(withdrawableAt - 1n);
      await expect(w.slasher.connect(w.seqA).withdraw(w.stranger.address))
        .to.be.revertedWithCustomError(w.slasher, "Astria__UnbondDelayNotPassed")
        .withArgs(w.seqA.address, withdrawableAt, withdrawableAt - 1n);
      const tx = w.slasher.connect(w.seqA).withdraw(w.stranger.address);
      await expect(tx).to.emit(w.slasher, "BondWithdrawn").withArgs(w.seqA.address, w.stranger.address, MIN_BOND);
      await expect(tx).to.changeTokenBalances(w.token, [w.stranger, w.slasher], [MIN_BOND, -MIN_BOND]);
      const b = await w.slasher.bondOf(w.seqA.address);
      expect([b.amount, b.effectiveFrom, b.unbondRequestedAt]).to.deep.equal([0n, 0n, 0n]);
      expect(await w.slasher.totalBonded()).to.equal(0n);
      await expect(w.slasher.connect(w.seqA).withdraw(w.seqA.address))
        .to.be.revertedWithCustomError(w.slasher, "Astria__UnbondNotRequested")
        .withArgs(w.seqA.address);
    });

    it("lets the sequencer opt in afresh after withdrawing, with a new effective time", async () => {
      const w = await load(unbonding);
      await finalizeRound(w, w.seqA, 1n);
      await finalizeRound(w, w.seqA, 2n);
      await time.increase(UNBOND);
      await w.slasher.connect(w.seqA).withdraw(w.seqA.address);
      await w.slasher.connect(w.seqA).bond(w.seqA.address, MIN_BOND);
      const t = BigInt(await time.latest());
      expect((await w.slasher.bondOf(w.seqA.address)).effectiveFrom).to.equal(t + OPT_IN);
      // The old commitment's heights are not the new one's.
      expect(await w.slasher.isInForce(w.seqA.address, 1n + LOOKAHEAD)).to.equal(false);
    });

    it("does not let an unbonding sequencer escape a height it already leads", async () => {
      const w = await load(bonded);
      await finalizeRound(w, w.seqA, 1n);
      await finalizeRound(w, w.seqA, 2n);
      // Height 3's leader is known (seed of 3 fixed when 1 was finalized); unbonding now still covers 4.
      await w.slasher.connect(w.seqA).requestUnbond();
      await propose(w, w.seqA, 3n, []);
      expect(await w.slasher.isInForce(w.seqA.address, 3n)).to.equal(true);
      await expect(w.slasher.connect(w.seqA).withdraw(w.seqA.address))
        .to.be.revertedWithCustomError(w.slasher, "Astria__UnbondLocked")
        .withArgs(w.seqA.address, 2n + LOOKAHEAD);
    });
  });
});
