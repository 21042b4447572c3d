import { expect } from "chai";
import { ethers } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, keccak256, randomBytes, toUtf8Bytes, ZeroHash } from "ethers";
import {
  BackupReason,
  BlockDataError,
  Eligibility,
  NotEligibleError,
  ConfirmationStage,
  ContractRevertError,
  decodeBlockData,
  decodeContractError,
  encodeBlockData,
  FernetError,
  getPreset,
  heightConfirmation,
  MerkleIndexError,
  Phase,
  rankSequencers,
  RegistryClient,
  rootFromProof,
  RollupClient,
  SeedNotKnownError,
  SequencerStatus,
  txConfirmation,
  txProof,
  txsRoot,
  UnknownContractError,
  UnknownPresetError,
  buildHeader,
  mockProof,
  publicInputsHash,
  hashPair,
  LOCAL,
} from "../../sdk/src";
import { deadlines, deployWorld, makeQuote, ranked, toRoundStart } from "../helpers/rollup";
import { load } from "../helpers/fixtures";

async function world() {
  const w = await deployWorld();
  return {
    w,
    rollup: new RollupClient(await w.rollup.getAddress(), ethers.provider),
    registry: new RegistryClient(await w.registry.getAddress(), ethers.provider),
  };
}

describe("SDK", () => {
  describe("config", () => {
    it("returns the shipped presets and refuses unknown names with a typed error", () => {
      expect(getPreset("local")).to.equal(LOCAL);
      expect(getPreset("mainnet-like").registry.entryDelay).to.equal(7n * 24n * 3600n);
      expect(getPreset("mainnet-like").registry.exitDelay).to.equal(7n * 24n * 3600n);
      let err: unknown;
      try {
        getPreset("testnet");
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(UnknownPresetError);
      expect((err as UnknownPresetError).details).to.contain("local, mainnet-like");
      expect(err).to.be.instanceOf(FernetError);
    });
  });

  describe("hashing and Merkle trees", () => {
    const leaves = [1, 2, 3].map((i) => keccak256(toUtf8Bytes(`tx${i}`)));

    it("builds the txs root over leaves zero-padded to a power of two", () => {
      expect(txsRoot([])).to.equal(ZeroHash);
      expect(txsRoot([leaves[0]])).to.equal(leaves[0]);
      expect(txsRoot(leaves)).to.equal(hashPair(hashPair(leaves[0], leaves[1]), hashPair(leaves[2], ZeroHash)));
    });

    it("proves every leaf against the root and refuses indexes outside the tree", () => {
      const root = txsRoot(leaves);
      leaves.forEach((leaf, i) => expect(rootFromProof(leaf, i, txProof(leaves, i))).to.equal(root));
      expect(rootFromProof(leaves[0], 1, txProof(leaves, 0))).not.to.equal(root);
      expect(() => txProof(leaves, 3)).to.throw(MerkleIndexError);
      expect(() => txProof(leaves, -1)).to.throw(MerkleIndexError);
    });

    it("round-trips block data and refuses data that does not decode", () => {
      const data = encodeBlockData(leaves, "0xabcd");
      expect(decodeBlockData(data)).to.deep.equal({ txHashes: leaves, payload: "0xabcd" });
      expect(() => decodeBlockData("0x1234")).to.throw(BlockDataError);
    });
  });

  describe("clients", () => {
    it("lists every registered sequencer with typed statuses", async () => {
      const { w, registry } = await load(world);
      expect(await registry.listSequencers()).to.deep.equal(w.sequencers.map((s) => s.address));
      const info = await registry.getSequencer(w.sequencers[0].address);
      expect(info.status).to.equal(SequencerStatus.Active);
      expect(info.stake).to.equal(w.regCfg.stake);
      expect(await registry.statusOf(w.stranger.address)).to.equal(SequencerStatus.None);
    });

    it("reports typed height state", async () => {
      const { w, rollup } = await load(world);
      await toRoundStart(w);
      const s = await rollup.getHeightState(await rollup.pendingHeight());
      expect(s.phase).to.equal(Phase.Proposal);
      expect(s.backupReason).to.equal(BackupReason.None);
      expect(s.proposalDeadline).to.equal(s.roundStart + w.cfg.proposalDuration);
    });

    it("ranks eligible sequencers exactly as the contract scores them", async () => {
      const { w, rollup, registry } = await load(world);
      const ranking = await rankSequencers(rollup, registry, 1n);
      const expected = await ranked(w, 1n);
      expect(ranking.map((r) => r.sequencer)).to.deep.equal(expected.map((s) => s.address));
      for (const r of ranking) expect(r.score).to.equal(await w.rollup.score(1n, r.sequencer));
      await w.registry.connect(expected[0]).initiateExit(expected[0].address);
      expect((await rankSequencers(rollup, registry, 1n)).map((r) => r.sequencer)).not.to.include(expected[0].address);
      await expect(rankSequencers(rollup, registry, w.cfg.lookahead + 1n)).to.be.rejectedWith(SeedNotKnownError);
    });

    it("decodes a contract revert into a named error with its arguments and a hint", async () => {
      const { w } = await load(world);
      const rollup = new RollupClient(await w.rollup.getAddress(), w.stranger);
      await toRoundStart(w);
      const header = buildHeader({ height: 1n, parentArchive: await w.rollup.archive(), archive: ZeroHash, txHashes: [], data: "0x" });
      let checked: unknown;
      try {
        await rollup.propose(header);
      } catch (e) {
        checked = e;
      }
      expect(checked).to.be.instanceOf(NotEligibleError);
      expect((checked as NotEligibleError).reason).to.equal(Eligibility.Unregistered);
      let err: unknown;
      try {
        await rollup.propose(header, { skipChecks: true });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(ContractRevertError);
      const revert = err as ContractRevertError;
      expect(revert.errorName).to.equal("Rollup__NotEligible");
      expect(revert.args[0]).to.equal(w.stranger.address);
      expect(revert.args[1]).to.equal(1n);
      expect(revert.namedArgs).to.include({ sequencer: w.stranger.address, height: 1n, reason: BigInt(Eligibility.Unregistered) });
      expect(revert.walk()).to.not.equal(revert);
      expect(revert.details).to.contain("Active");
      expect(decodeContractError(new Error("socket hang up"))).to.be.instanceOf(UnknownContractError);
      expect(decodeContractError(revert)).to.equal(revert);
    });
  });

  describe("confirmation stages", () => {
    it("walks a height and a tx through stages 3 to 7", async () => {
      const { w } = await load(world);
      await toRoundStart(w);
      const [best] = await ranked(w, 1n);
      const txs = [1, 2, 3, 4].map(() => hexlify(randomBytes(32)));
      const data = encodeBlockData(txs);
      const header = buildHeader({ height: 1n, parentArchive: await w.rollup.archive(), archive: hexlify(randomBytes(32)), txHashes: txs, data });
      const rollup = new RollupClient(await w.rollup.getAddress(), ethers.provider);
      expect(await heightConfirmation(rollup, 1n)).to.equal(ConfirmationStage.Unknown);
      await w.rollup.connect(best).propose(header);
      expect(await heightConfirmation(rollup, 1n)).to.equal(ConfirmationStage.BestProposal);
      expect(await txConfirmation(rollup, 1n, txs[2], txs)).to.equal(ConfirmationStage.BestProposal);
      expect(await txConfirmation(rollup, 1n, hexlify(randomBytes(32)), txs)).to.equal(ConfirmationStage.Unknown);
      await time.increaseTo((await deadlines(w)).proposal);
      const prover = w.provers[0];
      const q = await makeQuote(w, best, header, prover.address);
      await w.rollup.connect(prover).commitProver(q.quote, q.signature);
      expect(await heightConfirmation(rollup, 1n)).to.equal(ConfirmationStage.ProverCommitted);
      await w.rollup.connect(best).reveal(1n, data);
      expect(await heightConfirmation(rollup, 1n)).to.equal(ConfirmationStage.DataAvailable);
      expect(await txConfirmation(rollup, 1n, txs[0])).to.equal(ConfirmationStage.DataAvailable);
      const proof = mockProof(publicInputsHash(w.chainId, await w.rollup.getAddress(), header, prover.address));
      await time.increaseTo((await deadlines(w)).commitment);
      await w.rollup.submitProof(header, proof);
      expect(await heightConfirmation(rollup, 1n, { depth: 3 })).to.equal(ConfirmationStage.Proven);
      await mine(3);
      expect(await heightConfirmation(rollup, 1n, { depth: 3 })).to.equal(ConfirmationStage.L1Finalized);
      expect(await txConfirmation(rollup, 1n, txs[3], undefined, { depth: 3 })).to.equal(ConfirmationStage.L1Finalized);
    });
  });
});
