import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, randomBytes } from "ethers";
import {
  BlockProver,
  buildHeader,
  ConfirmationStage,
  ContractRevertError,
  decodeContractError,
  encodeBlockData,
  FernetError,
  heightConfirmation,
  mockProof,
  NothingToClaimError,
  Phase,
  ProverAgent,
  publicInputsHash,
  RegistryClient,
  RollupClient,
  SequencerAgent,
  SequencerStatus,
  SequencerStatusError,
  WrongPhaseError,
} from "../../sdk/src";
import { AstriaSlasher__factory } from "../../typechain-types";
import { load, TOKEN } from "../helpers/fixtures";
import { deadlines, deployWorld, ranked, toRoundStart, type World } from "../helpers/rollup";

/** A prover that makes the mock verifier's proof directly (the farm has its own tests). */
const direct: BlockProver = {
  prove: async ({ chainId, rollup, header, prover }) => ({ proof: mockProof(publicInputsHash(chainId, rollup, header, prover)) }),
};

/** The chain fixture; agents hold state (their proposals), so each test gets fresh ones. */
async function chain() {
  return deployWorld();
}

async function world() {
  const w = await load(chain);
  const rollup = await w.rollup.getAddress();
  const registry = await w.registry.getAddress();
  const agents = new Map(w.sequencers.map((s) => [s.address, new SequencerAgent(s, rollup, registry)]));
  return { w, agents, prover: new ProverAgent(w.provers[0], rollup, direct) };
}

async function block(w: World, height: bigint) {
  const txHashes = [hexlify(randomBytes(32)), hexlify(randomBytes(32))];
  const data = encodeBlockData(txHashes);
  const header = buildHeader({ height, parentArchive: await w.rollup.archive(), archive: hexlify(randomBytes(32)), txHashes, data });
  return { header, data, txHashes };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("SDK agents and clients", () => {
  it("run a whole round: only the leader wants to propose, the prover commits in its phase, proves and finalizes", async () => {
    const { w, agents, prover } = await world();
    await toRoundStart(w);
    const [best, second] = (await ranked(w, 1n)).map((s) => agents.get(s.address)!);
    expect(await second.shouldPropose(1n)).to.equal(true);
    const b = await block(w, 1n);
    await best.propose(b.header, b.data);
    expect(await second.shouldPropose(1n)).to.equal(false);
    const { quote, signature } = await best.quote(1n, w.provers[0].address, w.cfg.minimumProverBond, 1_000n);
    const early = await errorOf(prover.commit(quote, signature));
    expect(early).to.be.instanceOf(WrongPhaseError);
    expect((early as WrongPhaseError).phase).to.equal(Phase.Proposal);
    await time.increaseTo((await deadlines(w)).proposal);
    expect(await best.shouldPropose(1n)).to.equal(false); // not in the proposal phase any more
    await prover.commit(quote, signature);
    await best.reveal(1n);
    const tooEarly = await errorOf(prover.proveAndSubmit(b.header, b.txHashes));
    expect((tooEarly as WrongPhaseError).phase).to.equal(Phase.Commitment); // no proof before the commitment deadline
    await time.increaseTo((await deadlines(w)).commitment);
    await prover.proveAndSubmit(b.header, b.txHashes);
    expect(await w.rollup.tip()).to.equal(1n);
    // The in-process node reports its latest block as finalized: stage 7 at once with the tag.
    expect(await heightConfirmation(prover.rollup, 1n)).to.equal(ConfirmationStage.L1Finalized);
  });

  it("refuses to quote or reveal a height the agent never proposed", async () => {
    const { w, agents } = await world();
    const agent = agents.get(w.sequencers[0].address)!;
    for (const e of [await errorOf(agent.quote(1n, w.provers[0].address, 1n, 1n)), await errorOf(agent.reveal(1n))]) {
      expect(e).to.be.instanceOf(FernetError);
      expect((e as FernetError).shortMessage).to.equal("No proposal of this agent at height 1.");
    }
  });

  it("refuses a late proof, and submits a backup block instead", async () => {
    const { w, agents, prover } = await world();
    await toRoundStart(w);
    const [bestSigner] = await ranked(w, 1n);
    const best = agents.get(bestSigner.address)!;
    const b = await block(w, 1n);
    await best.propose(b.header, b.data);
    await time.increaseTo((await deadlines(w)).proposal);
    const { quote, signature } = await best.quote(1n, w.provers[0].address, w.cfg.minimumProverBond, 1_000n);
    await prover.commit(quote, signature);
    await best.reveal(1n);
    await time.increaseTo((await deadlines(w)).proving);
    const late = await errorOf(prover.proveAndSubmit(b.header, b.txHashes));
    expect(late).to.be.instanceOf(WrongPhaseError);
    expect((late as WrongPhaseError).phase).to.equal(Phase.Backup);
    const backup = await block(w, 1n);
    await prover.submitBackup(backup.header, backup.data, backup.txHashes);
    expect((await prover.rollup.getBlock(1n)).backupSubmitter).to.equal(w.provers[0].address);
  });

  it("wrap escrow, rewards, slashing, exits and withdrawals", async () => {
    const { w } = await world();
    const p = w.provers[1];
    const rollup = new RollupClient(await w.rollup.getAddress(), p);
    await rollup.deposit(5n * TOKEN);
    expect(await rollup.escrowOf(p.address)).to.deep.equal({ total: 10_005n * TOKEN, locked: 0n, free: 10_005n * TOKEN });
    const claim = await errorOf(rollup.claimRewards(p.address));
    expect(claim).to.be.instanceOf(NothingToClaimError);
    const unchecked = await errorOf(rollup.claimRewards(p.address, { skipChecks: true }));
    expect(unchecked).to.be.instanceOf(ContractRevertError);
    expect((unchecked as ContractRevertError).errorName).to.equal("Rollup__NothingToClaim");
    expect((unchecked as ContractRevertError).details).to.contain("Nothing has accrued");
    for (const settle of [() => rollup.slashProver(1n, { skipChecks: true }), () => rollup.penaliseMissedReveal(1n, { skipChecks: true })]) {
      expect(((await errorOf(settle())) as ContractRevertError).errorName).to.equal("Rollup__NoSlashableFault");
    }
    const s = w.sequencers[3];
    const registry = new RegistryClient(await w.registry.getAddress(), s);
    await registry.initiateExit(s.address);
    expect(await registry.statusOf(s.address)).to.equal(SequencerStatus.Exiting);
    expect(await errorOf(registry.withdraw(s.address))).to.be.instanceOf(SequencerStatusError);
    const early = (await errorOf(registry.withdraw(s.address, { skipChecks: true }))) as ContractRevertError;
    expect(early.errorName).to.equal("Registry__ExitDelayNotPassed");
    await time.increase(w.regCfg.exitDelay);
    await registry.withdraw(s.address);
    expect(await registry.statusOf(s.address)).to.equal(SequencerStatus.None);
    await registry.register(s.address, s.address);
    expect((await registry.getSequencer(s.address)).status).to.equal(SequencerStatus.Queued);
  });

  it("names the Astria contracts' errors too", async () => {
    const iface = AstriaSlasher__factory.createInterface();
    const data = iface.encodeErrorResult("Astria__NotInForce", [ethers.ZeroAddress, 6n]);
    const e = decodeContractError({ data });
    expect(e).to.be.instanceOf(ContractRevertError);
    expect((e as ContractRevertError).errorName).to.equal("Astria__NotInForce");
    expect((e as ContractRevertError).args).to.deep.equal([ethers.ZeroAddress, 6n]);
  });
});
