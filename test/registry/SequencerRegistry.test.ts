import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { LOCAL } from "../../sdk/src/config";
import { deployRegistry, deployToken, now, TOKEN, load } from "../helpers/fixtures";

const { stake: STAKE, minimumStake: MIN_STAKE, entryDelay: ENTRY, exitDelay: EXIT } = LOCAL.registry;

enum Status {
  None,
  Queued,
  Active,
  Exiting,
  Withdrawable,
  Ejected,
}

async function fixture() {
  const [owner, payer, seq, withdrawer, slasher, stranger, other] = await ethers.getSigners();
  const token = await deployToken(owner, [payer, stranger]);
  const registry = await deployRegistry(owner, await token.getAddress(), [slasher.address]);
  await token.connect(payer).approve(await registry.getAddress(), ethers.MaxUint256);
  await token.connect(stranger).approve(await registry.getAddress(), ethers.MaxUint256);
  return { owner, payer, seq, withdrawer, slasher, stranger, other, token, registry };
}

/** Registers `seq` and returns the registration timestamp. */
async function registered() {
  const f = await fixture();
  await f.registry.connect(f.payer).register(f.seq.address, f.withdrawer.address);
  const registeredAt = await now();
  return { ...f, registeredAt };
}

describe("SequencerRegistry", () => {
  describe("constructor", () => {
    it("stores the configuration and the initial slashers", async () => {
      const { registry, token, slasher, stranger } = await load(fixture);
      expect(await registry.token()).to.equal(await token.getAddress());
      expect(await registry.stakeAmount()).to.equal(STAKE);
      expect(await registry.minimumStake()).to.equal(MIN_STAKE);
      expect(await registry.entryDelay()).to.equal(ENTRY);
      expect(await registry.exitDelay()).to.equal(EXIT);
      expect(await registry.slasherChangeDelay()).to.equal(LOCAL.registry.slasherChangeDelay);
      expect(await registry.slasherChangeWindow()).to.equal(LOCAL.registry.slasherChangeWindow);
      expect(await registry.isSlasher(slasher.address)).to.equal(true);
      expect(await registry.isSlasher(stranger.address)).to.equal(false);
    });

    const bad: Array<[string, Record<string, bigint>, bigint]> = [
      ["stake", { stake: 0n }, 0n],
      ["stake", { stake: 2n ** 96n }, 2n ** 96n],
      ["minimumStake", { minimumStake: 0n }, 0n],
      ["minimumStake", { minimumStake: STAKE + 1n }, STAKE + 1n],
      ["entryDelay", { entryDelay: 0n }, 0n],
      ["entryDelay", { entryDelay: 2n ** 32n }, 2n ** 32n],
      ["exitDelay", { exitDelay: 0n }, 0n],
      ["exitDelay", { exitDelay: 2n ** 32n, slasherChangeDelay: 2n ** 32n }, 2n ** 32n],
      ["slasherChangeDelay", { slasherChangeDelay: EXIT }, EXIT],
      ["slasherChangeDelay", { exitDelay: 1n, slasherChangeDelay: 2n ** 32n }, 2n ** 32n],
      ["entryDelay", { entryDelay: 11n }, 11n], // shorter than one L1 slot
      ["slasherChangeWindow", { slasherChangeWindow: 0n }, 0n],
      ["slasherChangeWindow", { slasherChangeWindow: 2n ** 32n }, 2n ** 32n],
    ];
    for (const [name, overrides, value] of bad) {
      it(`refuses ${name} = ${value} with Registry__InvalidConfig`, async () => {
        const { owner, token, registry } = await load(fixture);
        await expect(deployRegistry(owner, await token.getAddress(), [], overrides))
          .to.be.revertedWithCustomError(registry, "Registry__InvalidConfig")
          .withArgs(name, value);
      });
    }

    it("refuses a zero token or a zero initial slasher", async () => {
      const { owner, token, registry } = await load(fixture);
      await expect(deployRegistry(owner, ethers.ZeroAddress, [])).to.be.revertedWithCustomError(
        registry,
        "Registry__ZeroAddress",
      );
      await expect(
        deployRegistry(owner, await token.getAddress(), [ethers.ZeroAddress]),
      ).to.be.revertedWithCustomError(registry, "Registry__ZeroAddress");
    });
  });

  describe("register", () => {
    it("pulls the stake from the caller, records the registration and lists the key", async () => {
      const { registry, token, payer, seq, withdrawer } = await load(fixture);
      const before = await token.balanceOf(payer.address);
      const t = (await now()) + 1n;
      const tx = registry.connect(payer).register(seq.address, withdrawer.address);
      await expect(tx)
        .to.emit(registry, "SequencerRegistered")
        .withArgs(seq.address, withdrawer.address, payer.address, STAKE, t + ENTRY);
      expect(await token.balanceOf(payer.address)).to.equal(before - STAKE);
      expect(await token.balanceOf(await registry.getAddress())).to.equal(STAKE);
      const info = await registry.getSequencer(seq.address);
      expect(info.withdrawer).to.equal(withdrawer.address);
      expect(info.stake).to.equal(STAKE);
      expect(info.registeredAt).to.equal(t);
      expect(info.activeFrom).to.equal(t + ENTRY);
      expect(info.exitInitiatedAt).to.equal(0n);
      expect(info.exitableAt).to.equal(0n);
      expect(info.ejectedAt).to.equal(0n);
      expect(await registry.sequencerCount()).to.equal(1n);
      expect(await registry.sequencerAt(0)).to.equal(seq.address);
    });

    it("refuses zero addresses", async () => {
      const { registry, payer, seq } = await load(fixture);
      await expect(
        registry.connect(payer).register(ethers.ZeroAddress, seq.address),
      ).to.be.revertedWithCustomError(registry, "Registry__ZeroAddress");
      await expect(
        registry.connect(payer).register(seq.address, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(registry, "Registry__ZeroAddress");
    });

    it("refuses a key that is still registered, naming its status", async () => {
      const { registry, payer, seq, withdrawer } = await load(registered);
      await expect(registry.connect(payer).register(seq.address, withdrawer.address))
        .to.be.revertedWithCustomError(registry, "Registry__AlreadyRegistered")
        .withArgs(seq.address, Status.Queued);
      await registry.connect(seq).initiateExit(seq.address);
      await expect(registry.connect(payer).register(seq.address, withdrawer.address))
        .to.be.revertedWithCustomError(registry, "Registry__AlreadyRegistered")
        .withArgs(seq.address, Status.Exiting);
    });

    it("fails without allowance and changes nothing", async () => {
      const { registry, other, seq, withdrawer, token } = await load(fixture);
      await expect(registry.connect(other).register(seq.address, withdrawer.address)).to.be.revertedWithCustomError(
        token,
        "ERC20InsufficientAllowance",
      );
      expect(await registry.statusOf(seq.address)).to.equal(Status.None);
      expect(await registry.sequencerCount()).to.equal(0n);
    });

    it("lets a key register again after withdrawal, without listing it twice", async () => {
      const { registry, payer, seq, withdrawer, other } = await load(registered);
      await registry.connect(seq).initiateExit(seq.address);
      await time.increase(EXIT);
      await registry.connect(withdrawer).withdraw(seq.address);
      expect(await registry.statusOf(seq.address)).to.equal(Status.None);
      await registry.connect(payer).register(seq.address, other.address);
      const t = await now();
      expect(await registry.statusOf(seq.address)).to.equal(Status.Queued);
      expect((await registry.getSequencer(seq.address)).withdrawer).to.equal(other.address);
      expect((await registry.getSequencer(seq.address)).activeFrom).to.equal(t + ENTRY);
      expect(await registry.sequencerCount()).to.equal(1n);
    });

    it("appends each new key once, in registration order", async () => {
      const { registry, payer, seq, other, stranger } = await load(fixture);
      for (const s of [seq, other, stranger]) {
        await registry.connect(payer).register(s.address, s.address);
      }
      expect(await registry.sequencerCount()).to.equal(3n);
      expect([await registry.sequencerAt(0), await registry.sequencerAt(1), await registry.sequencerAt(2)]).to.deep.equal(
        [seq.address, other.address, stranger.address],
      );
      await expect(registry.sequencerAt(3)).to.be.revertedWithPanic(0x32);
    });
  });

  describe("status at the entry boundary", () => {
    it("is None before registration, Queued one second before activeFrom, Active at activeFrom", async () => {
      const { registry, seq, registeredAt } = await load(registered);
      const activeFrom = registeredAt + ENTRY;
      expect(await registry.statusAt(seq.address, registeredAt - 1n)).to.equal(Status.None);
      expect(await registry.statusAt(seq.address, registeredAt)).to.equal(Status.Queued);
      expect(await registry.statusAt(seq.address, activeFrom - 1n)).to.equal(Status.Queued);
      expect(await registry.statusAt(seq.address, activeFrom)).to.equal(Status.Active);
      expect(await registry.wasActiveAt(seq.address, activeFrom - 1n)).to.equal(false);
      expect(await registry.wasActiveAt(seq.address, activeFrom)).to.equal(true);
      await time.increaseTo(activeFrom - 1n);
      expect(await registry.statusOf(seq.address)).to.equal(Status.Queued);
      await time.increaseTo(activeFrom);
      expect(await registry.statusOf(seq.address)).to.equal(Status.Active);
    });

    it("reports None for a key that never registered", async () => {
      const { registry, stranger } = await load(fixture);
      expect(await registry.statusOf(stranger.address)).to.equal(Status.None);
      expect(await registry.wasActiveAt(stranger.address, await now())).to.equal(false);
      expect(await registry.isEligible(stranger.address, await now())).to.equal(false);
      const info = await registry.getSequencer(stranger.address);
      expect(info.withdrawer).to.equal(ethers.ZeroAddress);
      expect(info.registeredAt).to.equal(0n);
    });
  });

  describe("initiateExit", () => {
    it("is allowed to the sequencer, from Active, and moves it to Exiting then Withdrawable at the exact boundary", async () => {
      const { registry, seq, registeredAt } = await load(registered);
      await time.increaseTo(registeredAt + ENTRY);
      const t = (await now()) + 1n;
      const tx = registry.connect(seq).initiateExit(seq.address);
      await expect(tx).to.emit(registry, "ExitInitiated").withArgs(seq.address, seq.address, t + EXIT);
      expect(await registry.statusAt(seq.address, t - 1n)).to.equal(Status.Active);
      expect(await registry.statusAt(seq.address, t)).to.equal(Status.Exiting);
      expect(await registry.statusAt(seq.address, t + EXIT - 1n)).to.equal(Status.Exiting);
      expect(await registry.statusAt(seq.address, t + EXIT)).to.equal(Status.Withdrawable);
      expect(await registry.isExitingOrEjected(seq.address)).to.equal(true);
      expect(await registry.wasActiveAt(seq.address, t - 1n)).to.equal(true);
      expect(await registry.wasActiveAt(seq.address, t)).to.equal(false);
      const info = await registry.getSequencer(seq.address);
      expect(info.exitInitiatedAt).to.equal(t);
      expect(info.exitableAt).to.equal(t + EXIT);
    });

    it("is allowed to the withdrawer, from Queued", async () => {
      const { registry, seq, withdrawer } = await load(registered);
      const t = (await now()) + 1n;
      await expect(registry.connect(withdrawer).initiateExit(seq.address))
        .to.emit(registry, "ExitInitiated")
        .withArgs(seq.address, withdrawer.address, t + EXIT);
      expect(await registry.statusOf(seq.address)).to.equal(Status.Exiting);
    });

    it("refuses anyone else", async () => {
      const { registry, seq, stranger } = await load(registered);
      await expect(registry.connect(stranger).initiateExit(seq.address))
        .to.be.revertedWithCustomError(registry, "Registry__NotSequencerOrWithdrawer")
        .withArgs(stranger.address, seq.address);
    });

    it("refuses an unregistered key", async () => {
      const { registry, stranger } = await load(fixture);
      await expect(registry.connect(stranger).initiateExit(stranger.address))
        .to.be.revertedWithCustomError(registry, "Registry__NotRegistered")
        .withArgs(stranger.address);
    });

    it("refuses a second exit", async () => {
      const { registry, seq } = await load(registered);
      await registry.connect(seq).initiateExit(seq.address);
      const t = await now();
      await expect(registry.connect(seq).initiateExit(seq.address))
        .to.be.revertedWithCustomError(registry, "Registry__AlreadyExiting")
        .withArgs(seq.address, t);
    });
  });

  describe("withdraw", () => {
    async function exiting() {
      const f = await registered();
      await f.registry.connect(f.seq).initiateExit(f.seq.address);
      return { ...f, exitableAt: (await now()) + EXIT };
    }

    it("refuses one second before exitableAt and pays the withdrawer at exitableAt", async () => {
      const { registry, token, seq, withdrawer, exitableAt } = await load(exiting);
      await time.setNextBlockTimestamp(exitableAt - 1n);
      await expect(registry.connect(seq).withdraw(seq.address))
        .to.be.revertedWithCustomError(registry, "Registry__ExitDelayNotPassed")
        .withArgs(seq.address, exitableAt, exitableAt - 1n);
      await time.setNextBlockTimestamp(exitableAt);
      const tx = registry.connect(seq).withdraw(seq.address);
      await expect(tx).to.emit(registry, "StakeWithdrawn").withArgs(seq.address, withdrawer.address, STAKE);
      await expect(tx).to.changeTokenBalances(token, [withdrawer, registry], [STAKE, -STAKE]);
      expect(await registry.statusOf(seq.address)).to.equal(Status.None);
      expect((await registry.getSequencer(seq.address)).stake).to.equal(0n);
    });

    it("refuses a second withdrawal", async () => {
      const { registry, seq, withdrawer, exitableAt } = await load(exiting);
      await time.increaseTo(exitableAt);
      await registry.connect(withdrawer).withdraw(seq.address);
      await expect(registry.connect(withdrawer).withdraw(seq.address))
        .to.be.revertedWithCustomError(registry, "Registry__NotRegistered")
        .withArgs(seq.address);
    });

    it("refuses before an exit was initiated", async () => {
      const { registry, seq } = await load(registered);
      await expect(registry.connect(seq).withdraw(seq.address))
        .to.be.revertedWithCustomError(registry, "Registry__ExitNotInitiated")
        .withArgs(seq.address);
    });

    it("refuses anyone but the sequencer or the withdrawer", async () => {
      const { registry, seq, stranger, exitableAt } = await load(exiting);
      await time.increaseTo(exitableAt);
      await expect(registry.connect(stranger).withdraw(seq.address))
        .to.be.revertedWithCustomError(registry, "Registry__NotSequencerOrWithdrawer")
        .withArgs(stranger.address, seq.address);
    });
  });

  describe("slash", () => {
    it("takes the amount, transfers it to the slasher and keeps the key Active above the minimum", async () => {
      const { registry, token, seq, slasher, registeredAt } = await load(registered);
      await time.increaseTo(registeredAt + ENTRY);
      const amount = STAKE - MIN_STAKE;
      const tx = registry.connect(slasher).slash(seq.address, amount, ethers.MaxUint256);
      await expect(tx)
        .to.emit(registry, "SequencerSlashed")
        .withArgs(seq.address, slasher.address, amount, amount, MIN_STAKE)
        .and.not.to.emit(registry, "SequencerEjected");
      await expect(tx).to.changeTokenBalances(token, [slasher, registry], [amount, -amount]);
      expect(await registry.statusOf(seq.address)).to.equal(Status.Active);
      expect((await registry.getSequencer(seq.address)).stake).to.equal(MIN_STAKE);
    });

    it("ejects below the minimum: forced exit, Ejected until the exit delay, then Withdrawable with what is left", async () => {
      const { registry, token, seq, withdrawer, slasher, registeredAt } = await load(registered);
      await time.increaseTo(registeredAt + ENTRY);
      const amount = STAKE - MIN_STAKE + 1n;
      const t = (await now()) + 1n;
      const tx = registry.connect(slasher).slash(seq.address, amount, ethers.MaxUint256);
      await expect(tx)
        .to.emit(registry, "SequencerEjected")
        .withArgs(seq.address, MIN_STAKE - 1n, t + EXIT);
      expect(await registry.statusAt(seq.address, t)).to.equal(Status.Ejected);
      expect(await registry.statusAt(seq.address, t + EXIT - 1n)).to.equal(Status.Ejected);
      expect(await registry.statusAt(seq.address, t + EXIT)).to.equal(Status.Withdrawable);
      expect(await registry.isExitingOrEjected(seq.address)).to.equal(true);
      expect(await registry.isEligible(seq.address, registeredAt + ENTRY)).to.equal(false);
      const info = await registry.getSequencer(seq.address);
      expect(info.ejectedAt).to.equal(t);
      expect(info.exitableAt).to.equal(t + EXIT);
      await expect(registry.connect(seq).initiateExit(seq.address))
        .to.be.revertedWithCustomError(registry, "Registry__AlreadyExiting")
        .withArgs(seq.address, t);
      await time.increaseTo(t + EXIT);
      await expect(registry.connect(withdrawer).withdraw(seq.address)).to.changeTokenBalance(
        token,
        withdrawer,
        MIN_STAKE - 1n,
      );
    });

    it("caps the slash at what is left and pays nothing more", async () => {
      const { registry, token, seq, withdrawer, slasher } = await load(registered);
      const first = registry.connect(slasher).slash(seq.address, STAKE * 5n, ethers.MaxUint256);
      await expect(first)
        .to.emit(registry, "SequencerSlashed")
        .withArgs(seq.address, slasher.address, STAKE * 5n, STAKE, 0n);
      await expect(first).to.changeTokenBalance(token, slasher, STAKE);
      const second = registry.connect(slasher).slash(seq.address, 1n, ethers.MaxUint256);
      await expect(second).to.emit(registry, "SequencerSlashed").withArgs(seq.address, slasher.address, 1n, 0n, 0n);
      await expect(second).to.changeTokenBalance(token, slasher, 0n);
      await time.increase(EXIT);
      const withdrawal = registry.connect(withdrawer).withdraw(seq.address);
      await expect(withdrawal).to.emit(registry, "StakeWithdrawn").withArgs(seq.address, withdrawer.address, 0n);
      await expect(withdrawal).to.changeTokenBalance(token, withdrawer, 0n);
    });

    it("works in Queued, Active, Exiting, Withdrawable and Ejected, and not after withdrawal", async () => {
      const { registry, seq, slasher, withdrawer, registeredAt } = await load(registered);
      const step = 10n * TOKEN;
      const expectSlash = async (status: Status) => {
        expect(await registry.statusOf(seq.address)).to.equal(status);
        await expect(registry.connect(slasher).slash(seq.address, step, ethers.MaxUint256)).to.emit(registry, "SequencerSlashed");
      };
      await expectSlash(Status.Queued);
      await time.increaseTo(registeredAt + ENTRY);
      await expectSlash(Status.Active);
      await registry.connect(seq).initiateExit(seq.address);
      await expectSlash(Status.Exiting);
      // A slash during Exiting that crosses the minimum ejects but keeps the original exit time.
      const exitableAt = (await registry.getSequencer(seq.address)).exitableAt;
      await registry.connect(slasher).slash(seq.address, STAKE - MIN_STAKE, ethers.MaxUint256);
      await expectSlash(Status.Ejected);
      expect((await registry.getSequencer(seq.address)).exitableAt).to.equal(exitableAt);
      await time.increaseTo(exitableAt);
      await expectSlash(Status.Withdrawable);
      await registry.connect(withdrawer).withdraw(seq.address);
      await expect(registry.connect(slasher).slash(seq.address, step, ethers.MaxUint256))
        .to.be.revertedWithCustomError(registry, "Registry__NotRegistered")
        .withArgs(seq.address);
    });

    it("reports Exiting between a voluntary exit and a later ejection", async () => {
      const { registry, seq, slasher } = await load(registered);
      await registry.connect(seq).initiateExit(seq.address);
      const exitAt = await now();
      await time.increase(5);
      await registry.connect(slasher).slash(seq.address, STAKE, ethers.MaxUint256);
      const ejectAt = await now();
      expect(await registry.statusAt(seq.address, ejectAt - 1n)).to.equal(Status.Exiting);
      expect(await registry.statusAt(seq.address, ejectAt)).to.equal(Status.Ejected);
      expect(await registry.statusAt(seq.address, exitAt + EXIT)).to.equal(Status.Withdrawable);
    });

    it("refuses callers that are not slashers, and zero amounts", async () => {
      const { registry, seq, stranger, slasher } = await load(registered);
      await expect(registry.connect(stranger).slash(seq.address, 1n, ethers.MaxUint256))
        .to.be.revertedWithCustomError(registry, "Registry__NotSlasher")
        .withArgs(stranger.address);
      await expect(registry.connect(slasher).slash(seq.address, 0n, ethers.MaxUint256)).to.be.revertedWithCustomError(
        registry,
        "Registry__ZeroSlash",
      );
    });
  });

  describe("isEligible (the rollup's anti-grinding rule)", () => {
    it("needs Active at the seed time and no exit now", async () => {
      const { registry, seq, registeredAt } = await load(registered);
      const activeFrom = registeredAt + ENTRY;
      expect(await registry.isEligible(seq.address, activeFrom - 1n)).to.equal(false);
      expect(await registry.isEligible(seq.address, activeFrom)).to.equal(true);
      await registry.connect(seq).initiateExit(seq.address);
      expect(await registry.isEligible(seq.address, activeFrom)).to.equal(false);
    });
  });

  describe("slasher administration", () => {
    it("queues, refuses early execution, and applies the change at the exact delay", async () => {
      const { registry, owner, stranger } = await load(fixture);
      const delay = LOCAL.registry.slasherChangeDelay;
      const t = (await now()) + 1n;
      await expect(registry.connect(owner).queueSlasherChange(stranger.address, true))
        .to.emit(registry, "SlasherChangeQueued")
        .withArgs(stranger.address, true, t + delay, t + delay + LOCAL.registry.slasherChangeWindow);
      const executableAt = (await registry.pendingSlasherChange(stranger.address)).executableAt;
      await time.setNextBlockTimestamp(executableAt - 1n);
      await expect(registry.connect(stranger).executeSlasherChange(stranger.address))
        .to.be.revertedWithCustomError(registry, "Registry__SlasherChangeNotReady")
        .withArgs(stranger.address, executableAt, executableAt - 1n);
      await time.setNextBlockTimestamp(executableAt);
      await expect(registry.connect(stranger).executeSlasherChange(stranger.address))
        .to.emit(registry, "SlasherSet")
        .withArgs(stranger.address, true);
      expect(await registry.isSlasher(stranger.address)).to.equal(true);
      expect((await registry.pendingSlasherChange(stranger.address)).executableAt).to.equal(0n);
    });

    it("removes a slasher the same way", async () => {
      const { registry, owner, slasher, seq, payer, withdrawer } = await load(fixture);
      await registry.connect(payer).register(seq.address, withdrawer.address);
      await registry.connect(owner).queueSlasherChange(slasher.address, false);
      await time.increase(LOCAL.registry.slasherChangeDelay);
      await registry.executeSlasherChange(slasher.address);
      expect(await registry.isSlasher(slasher.address)).to.equal(false);
      await expect(registry.connect(slasher).slash(seq.address, 1n, ethers.MaxUint256))
        .to.be.revertedWithCustomError(registry, "Registry__NotSlasher")
        .withArgs(slasher.address);
    });

    it("cancels a queued change", async () => {
      const { registry, owner, stranger } = await load(fixture);
      await registry.connect(owner).queueSlasherChange(stranger.address, true);
      await expect(registry.connect(owner).cancelSlasherChange(stranger.address))
        .to.emit(registry, "SlasherChangeCancelled")
        .withArgs(stranger.address);
      await time.increase(LOCAL.registry.slasherChangeDelay);
      await expect(registry.executeSlasherChange(stranger.address))
        .to.be.revertedWithCustomError(registry, "Registry__NoPendingSlasherChange")
        .withArgs(stranger.address);
      await expect(registry.connect(owner).cancelSlasherChange(stranger.address))
        .to.be.revertedWithCustomError(registry, "Registry__NoPendingSlasherChange")
        .withArgs(stranger.address);
    });

    it("is owner-only and refuses the zero address", async () => {
      const { registry, owner, stranger } = await load(fixture);
      await expect(registry.connect(stranger).queueSlasherChange(stranger.address, true))
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
      await expect(registry.connect(stranger).cancelSlasherChange(stranger.address))
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
      await expect(
        registry.connect(owner).queueSlasherChange(ethers.ZeroAddress, true),
      ).to.be.revertedWithCustomError(registry, "Registry__ZeroAddress");
    });
  });

  describe("with a token that re-enters the registry", () => {
    async function reentrant() {
      const [owner, seq, withdrawer, slasher] = await ethers.getSigners();
      const token = await ethers.deployContract("ReentrantToken");
      const registry = await deployRegistry(owner, await token.getAddress(), [slasher.address]);
      await token.mint(withdrawer.address, STAKE * 3n);
      await token.connect(withdrawer).approve(await registry.getAddress(), ethers.MaxUint256);
      return { owner, seq, withdrawer, slasher, token, registry };
    }

    it("refuses a re-entrant withdraw during a withdrawal: paid once", async () => {
      const { registry, token, seq, withdrawer } = await load(reentrant);
      await registry.connect(withdrawer).register(seq.address, withdrawer.address);
      await registry.connect(withdrawer).initiateExit(seq.address);
      await time.increase(EXIT);
      // The hook runs inside the token transfer, with the registry as caller of `transfer`; it calls withdraw.
      await token.arm(await registry.getAddress(), registry.interface.encodeFunctionData("withdraw", [seq.address]));
      const before = await token.balanceOf(withdrawer.address);
      await registry.connect(withdrawer).withdraw(seq.address);
      expect(await token.reentryAttempts()).to.equal(1n);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect(await token.balanceOf(withdrawer.address)).to.equal(before + STAKE);
      expect(await token.balanceOf(await registry.getAddress())).to.equal(0n);
    });

    it("refuses a re-entrant register during a registration: one stake, one registration", async () => {
      const { registry, token, seq, withdrawer } = await load(reentrant);
      await token.arm(
        await registry.getAddress(),
        registry.interface.encodeFunctionData("register", [seq.address, withdrawer.address]),
      );
      await registry.connect(withdrawer).register(seq.address, withdrawer.address);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      const err = registry.interface.parseError(await token.lastReentryError());
      expect(err?.name).to.equal("ReentrancyGuardReentrantCall");
      expect(await token.balanceOf(await registry.getAddress())).to.equal(STAKE);
      expect(await registry.sequencerCount()).to.equal(1n);
    });

    it("refuses a re-entrant slash during a slash: the stake is taken once", async () => {
      const { registry, token, seq, withdrawer, slasher } = await load(reentrant);
      await registry.connect(withdrawer).register(seq.address, withdrawer.address);
      await token.arm(await registry.getAddress(), registry.interface.encodeFunctionData("slash", [seq.address, 1n, ethers.MaxUint256]));
      await registry.connect(slasher).slash(seq.address, 10n, ethers.MaxUint256);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect((await registry.getSequencer(seq.address)).stake).to.equal(STAKE - 10n);
      expect(await token.balanceOf(await registry.getAddress())).to.equal(STAKE - 10n);
    });
  });

  describe("eligibility with its reason", () => {
    it("says why a key may not propose for a seed known at a given time", async () => {
      const { registry, payer, seq, slasher, stranger } = await load(fixture);
      expect(await registry.eligibility(seq.address, 2n ** 39n)).to.equal(1n); // Unregistered
      await registry.connect(payer).register(seq.address, seq.address);
      const registeredAt = await now();
      expect(await registry.eligibility(seq.address, registeredAt - 1n)).to.equal(2n); // RegisteredAfterSeed
      expect(await registry.eligibility(seq.address, registeredAt)).to.equal(3n); // Queued (registered, not active)
      expect(await registry.eligibility(seq.address, registeredAt + ENTRY - 1n)).to.equal(3n);
      expect(await registry.eligibility(seq.address, registeredAt + ENTRY)).to.equal(0n); // Eligible
      await registry.connect(payer).register(stranger.address, stranger.address);
      await registry.connect(seq).initiateExit(seq.address);
      expect(await registry.eligibility(seq.address, registeredAt + ENTRY)).to.equal(4n); // Exiting
      await registry.connect(slasher).slash(stranger.address, STAKE, ethers.MaxUint256);
      expect(await registry.eligibility(stranger.address, 2n ** 39n)).to.equal(5n); // Ejected
    });
  });

  describe("slashing the registration that faulted", () => {
    it("refuses a registration made after the fault (Registry__RegistrationAfterFault) and takes nothing", async () => {
      const { registry, seq, slasher, registeredAt } = await load(registered);
      await expect(registry.connect(slasher).slash(seq.address, 1n, registeredAt - 1n))
        .to.be.revertedWithCustomError(registry, "Registry__RegistrationAfterFault")
        .withArgs(seq.address, registeredAt, registeredAt - 1n);
      await expect(registry.connect(slasher).slash(seq.address, 1n, registeredAt)).to.emit(registry, "SequencerSlashed");
      expect((await registry.getSequencer(seq.address)).stake).to.equal(STAKE - 1n);
    });
  });

  describe("slasher changes lapse and reach only registrations that could have left", () => {
    it("a change queued long ago lapses instead of applying after a new sequencer registers", async () => {
      const { registry, owner, payer, seq, stranger } = await load(fixture);
      await registry.connect(owner).queueSlasherChange(stranger.address, true);
      const change = await registry.pendingSlasherChange(stranger.address);
      expect(change.expiresAt).to.equal(change.executableAt + LOCAL.registry.slasherChangeWindow);
      await time.increaseTo(change.expiresAt + 3600n); // long forgotten
      await registry.connect(payer).register(seq.address, seq.address);
      await time.setNextBlockTimestamp(change.expiresAt + 3602n);
      await expect(registry.executeSlasherChange(stranger.address))
        .to.be.revertedWithCustomError(registry, "Registry__SlasherChangeExpired")
        .withArgs(stranger.address, change.expiresAt, change.expiresAt + 3602n);
      expect(await registry.isSlasher(stranger.address)).to.equal(false);
    });

    it("executes up to the last second of the window", async () => {
      const { registry, owner, stranger } = await load(fixture);
      await registry.connect(owner).queueSlasherChange(stranger.address, true);
      const change = await registry.pendingSlasherChange(stranger.address);
      await time.setNextBlockTimestamp(change.expiresAt - 1n);
      await registry.executeSlasherChange(stranger.address);
      expect(await registry.isSlasher(stranger.address)).to.equal(true);
      expect(await registry.slasherAuthorisedAt(stranger.address)).to.equal(change.expiresAt - 1n);
      expect(await registry.slasherAuthorisedAt(owner.address)).to.equal(0n);
    });

    it("a new slasher can't take the stake of a sequencer that registered within the exit delay before it applied", async () => {
      const { registry, owner, payer, seq, withdrawer, stranger } = await load(fixture);
      const newSlasher = stranger;
      await registry.connect(payer).register(withdrawer.address, withdrawer.address); // before the change: can leave in time
      await registry.connect(owner).queueSlasherChange(newSlasher.address, true);
      const change = await registry.pendingSlasherChange(newSlasher.address);
      await time.increaseTo(change.executableAt - 1n);
      await registry.connect(payer).register(seq.address, seq.address); // one second before it applies
      const registeredAt = await now();
      await registry.executeSlasherChange(newSlasher.address);
      const authorisedAt = await now();
      await expect(registry.connect(newSlasher).slash(seq.address, 1n, ethers.MaxUint256))
        .to.be.revertedWithCustomError(registry, "Registry__SlasherTooRecent")
        .withArgs(newSlasher.address, seq.address, registeredAt, authorisedAt);
      await expect(registry.connect(newSlasher).slash(withdrawer.address, 1n, ethers.MaxUint256)).to.emit(registry, "SequencerSlashed");
    });
  });

  describe("paged view", () => {
    it("lists keys with their registration and status a page at a time", async () => {
      const { registry, payer, seq, withdrawer, stranger } = await load(fixture);
      await registry.connect(payer).register(seq.address, withdrawer.address);
      const t = await now();
      await registry.connect(payer).register(stranger.address, stranger.address);
      await registry.connect(stranger).initiateExit(stranger.address);
      const all = await registry.getSequencers(0n, 10n);
      expect(all.length).to.equal(2);
      expect(all[0].sequencer).to.equal(seq.address);
      expect(all[0].status).to.equal(BigInt(Status.Queued));
      expect(all[0].withdrawer).to.equal(withdrawer.address);
      expect(all[0].stake).to.equal(STAKE);
      expect(all[0].registeredAt).to.equal(t);
      expect(all[0].activeFrom).to.equal(t + ENTRY);
      expect(all[1].status).to.equal(BigInt(Status.Exiting));
      expect(all[1].exitableAt).to.equal(all[1].exitInitiatedAt + EXIT);
      const second = await registry.getSequencers(1n, 1n);
      expect(second.map((e) => e.sequencer)).to.deep.equal([stranger.address]);
      expect(await registry.getSequencers(2n, 5n)).to.deep.equal([]);
      expect(await registry.getSequencers(9n, 5n)).to.deep.equal([]);
      // A withdrawn key keeps its place with an empty registration.
      await time.increase(EXIT);
      await registry.connect(stranger).withdraw(stranger.address);
      const gone = (await registry.getSequencers(1n, 1n))[0];
      expect([gone.sequencer, gone.status, gone.withdrawer, gone.stake]).to.deep.equal([stranger.address, 0n, ethers.ZeroAddress, 0n]);
    });
  });
});
