/**
 * `npm run demo` — the full protocol on the in-process Hardhat network, driven by SDK agents and the
 * local prover farm:
 *   deploy (local preset) -> sequencers register and wait the entry delay -> provers deposit ->
 *   DEMO_BLOCKS rounds: rank, propose (and outbid), sign a quote, commit, reveal, prove on the farm,
 *   finalize -> one round where the committed prover withholds its proof: the prover is slashed and a
 *   backup block (also proven on the farm) extends the chain -> rewards claimed -> summary.
 *
 * Environment: DEMO_BLOCKS (default 5), FARM_WORKERS (default 2), FARM_WORK (hash iterations per job,
 * default 2000), DEMO_TXS (txs per block, default 8). Works on --network localhost too (it moves time
 * with evm_increaseTime, so only on development nodes).
 */
import { ethers, network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { hexlify, keccak256, randomBytes, toUtf8Bytes } from "ethers";
import { LOCAL } from "../sdk/src/config";
import { buildHeader, type Header } from "../sdk/src/hashing";
import { encodeBlockData } from "../sdk/src/blockdata";
import { ProverAgent, SequencerAgent } from "../sdk/src/agents";
import { rankSequencers } from "../sdk/src/ranking";
import { heightConfirmation } from "../sdk/src/confirmations";
import { BackupReason, ConfirmationStage, Phase } from "../sdk/src/types";
import { ProverFarm, MockProofBackend, type FarmStats } from "../sdk/src/prover";
import type { BlockProver } from "../sdk/src/agents";
import { deploySystem } from "./lib/deploy";
import { writeDeployment } from "./deploy";
import { intOption } from "./lib/inputs";
import { FernetError } from "../sdk/src/errors";

const TOKEN = 10n ** 18n;
// Options, checked at the start of main() before anything is deployed.
let BLOCKS = 5;
let TXS = 8;
let WORKERS = 2;
let WORK = 2_000;

async function advanceTo(timestamp: bigint): Promise<void> {
  const latest = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  if (latest < timestamp) {
    await ethers.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
    await ethers.provider.send("evm_mine", []);
  }
}

function makeBlock(height: bigint, parentArchive: string) {
  const txHashes = Array.from({ length: TXS }, () => hexlify(randomBytes(32)));
  const data = encodeBlockData(txHashes);
  const header: Header = buildHeader({
    height,
    parentArchive,
    archive: keccak256(toUtf8Bytes(`state after ${height} ${hexlify(randomBytes(8))}`)),
    txHashes,
    data,
  });
  return { header, data, txHashes };
}

async function main(): Promise<void> {
  BLOCKS = intOption(process.env, "DEMO_BLOCKS", BLOCKS, 1, 1_000);
  TXS = intOption(process.env, "DEMO_TXS", TXS, 0, 4_096);
  WORKERS = intOption(process.env, "FARM_WORKERS", WORKERS, 1, 64);
  WORK = intOption(process.env, "FARM_WORK", WORK, 0, 100_000_000);
  const signers = await ethers.getSigners();
  const [deployer] = signers;
  const sequencerSigners = signers.slice(1, 6);
  const proverSigners = signers.slice(6, 8);
  const reporter = signers[8];
  const backupSubmitter = signers[9];
  const preset = LOCAL;
  console.log(`Fernet demo on ${network.name}: ${sequencerSigners.length} sequencers, ${proverSigners.length} provers, ${BLOCKS} happy rounds + 1 backup round\n`);

  // Token first, so the deployer funds everyone before the registry/rollup nonce window.
  const token = await ethers.deployContract("FernetToken", ["Fernet Token", "FNT", deployer.address]);
  for (const s of [deployer, ...sequencerSigners, ...proverSigners, reporter, backupSubmitter]) {
    await token.mint(s.address, preset.localMintPerAccount);
  }
  const d = await deploySystem({
    preset,
    deployer,
    token: await token.getAddress(),
    beforeRollup: async (registry) => {
      for (const s of sequencerSigners) {
        await token.connect(s).approve(await registry.getAddress(), preset.registry.stake);
        await registry.connect(s).register(s.address, s.address);
      }
      console.log(`registered ${sequencerSigners.length} sequencers; waiting the ${preset.registry.entryDelay}s entry delay`);
      // Active one L1 slot (12 s) before the rollup's deployment: the genesis randomness is knowable from then.
      await ethers.provider.send("evm_increaseTime", [Number(preset.registry.entryDelay) + 12]);
      await ethers.provider.send("evm_mine", []);
    },
  });
  const rollupAddress = await d.rollup.getAddress();
  const registryAddress = await d.registry.getAddress();
  const { chainId } = await ethers.provider.getNetwork();
  const path = writeDeployment({
    network: network.name,
    chainId: chainId.toString(),
    preset: preset.name,
    deployer: deployer.address,
    deployBlock: d.deployBlock,
    verifierIsMock: d.verifierIsMock,
    writtenBy: "demo",
    contracts: { token: await token.getAddress(), registry: registryAddress, verifier: await d.verifier.getAddress(), rollup: rollupAddress },
  });
  console.log(`deployed; addresses in ${path} (verifier: MockProofVerifier, a NOT SOUND stub)`);
  await token.approve(rollupAddress, 1_000n * TOKEN);
  await d.rollup.fundRewards(1_000n * TOKEN);
  for (const p of proverSigners) {
    await token.connect(p).approve(rollupAddress, ethers.MaxUint256);
    await d.rollup.connect(p).deposit(5_000n * TOKEN);
  }

  const farm = new ProverFarm({
    workers: WORKERS,
    workPerJob: WORK,
    jobTimeoutMs: 30_000,
    maxAttempts: 3,
    backend: new MockProofBackend(),
  });
  // Keep each proof's farm statistics for the table.
  const farmStats: FarmStats[] = [];
  const farmed: BlockProver = {
    prove: async (input) => {
      const result = await farm.prove(input);
      farmStats.push(result.stats);
      return result;
    },
  };
  const sequencers = new Map<string, SequencerAgent>(
    sequencerSigners.map((s) => [s.address, new SequencerAgent(s, rollupAddress, registryAddress)]),
  );
  const provers = proverSigners.map((p) => new ProverAgent(p, rollupAddress, farmed));
  const anyAgent = [...sequencers.values()][0];
  const rows: Array<Record<string, string | number>> = [];

  try {
    for (let i = 0; i < BLOCKS + 1; i++) {
      const height = await anyAgent.rollup.pendingHeight();
      const withhold = i === BLOCKS; // the last round goes wrong on purpose
      let state = await anyAgent.rollup.getHeightState(height);
      await advanceTo(state.roundStart);
      const ranking = await rankSequencers(anyAgent.rollup, anyAgent.registry, height);
      // The runner-up proposes first and is outbid by the leader: only the best proposal is kept.
      const [leader, runnerUp] = ranking.map((r) => sequencers.get(r.sequencer)!);
      const parent = await d.rollup.archive();
      if (runnerUp && (await runnerUp.shouldPropose(height))) {
        const decoy = makeBlock(height, parent);
        await runnerUp.propose(decoy.header, decoy.data);
      }
      const block = makeBlock(height, parent);
      if (!(await leader.shouldPropose(height))) throw new Error("the leader should be able to outbid");
      await leader.propose(block.header, block.data);
      state = await anyAgent.rollup.getHeightState(height);
      await advanceTo(state.proposalDeadline);
      const prover = provers[i % provers.length];
      const proverAddress = await prover.signer.getAddress();
      const { quote, signature } = await leader.quote(height, proverAddress, preset.rollup.minimumProverBond, 2_000n);
      await prover.commit(quote, signature);
      await leader.reveal(height);
      const stageBefore = await heightConfirmation(anyAgent.rollup, height);
      if (!withhold) {
        await advanceTo(state.commitmentDeadline); // no proof lands before the commitment deadline
        await prover.proveAndSubmit(block.header, block.txHashes);
        const stats = farmStats[farmStats.length - 1];
        rows.push({
          height: Number(height),
          leader: (await leader.signer.getAddress()).slice(0, 10),
          prover: proverAddress.slice(0, 10),
          "stage before proof": ConfirmationStage[stageBefore],
          "stage after": ConfirmationStage[await heightConfirmation(anyAgent.rollup, height)],
          "farm jobs": stats.jobs,
          "farm retries": stats.retries,
          "farm ms": Math.round(stats.wallMs),
          finalized: "proven",
        });
        continue;
      }
      // The prover withholds its proof: at the proving deadline the height enters backup.
      await advanceTo(state.provingDeadline);
      state = await anyAgent.rollup.getHeightState(height);
      console.log(`\nheight ${height}: prover ${proverAddress.slice(0, 10)} withheld its proof -> ${Phase[state.phase]} (${BackupReason[state.backupReason]})`);
      const slashTx = await d.rollup.connect(reporter).slashProver(height);
      await slashTx.wait();
      console.log(`  reporter ${reporter.address.slice(0, 10)} slashed the bond (bounty ${preset.rollup.slashBountyBps / 100n}%, rest burned)`);
      const backupAgent = new ProverAgent(backupSubmitter as HardhatEthersSigner, rollupAddress, farmed);
      const backup = makeBlock(height, await d.rollup.archive());
      await backupAgent.submitBackup(backup.header, backup.data, backup.txHashes);
      console.log(`  ${backupSubmitter.address.slice(0, 10)} proved a backup block on the farm and extended the chain`);
      rows.push({ height: Number(height), leader: (await leader.signer.getAddress()).slice(0, 10), prover: proverAddress.slice(0, 10), "stage before proof": ConfirmationStage[stageBefore], "stage after": ConfirmationStage[await heightConfirmation(anyAgent.rollup, height)], "farm jobs": farmStats[farmStats.length - 1].jobs, "farm retries": farmStats[farmStats.length - 1].retries, "farm ms": Math.round(farmStats[farmStats.length - 1].wallMs), finalized: "backup" });
    }
  } finally {
    await farm.close();
  }

  console.log("\nRounds:");
  console.table(rows);
  for (const s of sequencerSigners) {
    const owed = await d.rollup.rewardsOf(s.address);
    if (owed > 0n) await (await d.rollup.connect(s).claimRewards(s.address)).wait();
  }
  console.log(`tip ${await d.rollup.tip()}, archive ${(await d.rollup.archive()).slice(0, 18)}..., reward pool left ${ethers.formatEther(await d.rollup.rewardPool())} FNT, burned ${ethers.formatEther(await d.rollup.totalBurned())} FNT`);
  const jobs = farmStats.reduce((n, s) => n + s.jobs, 0);
  const wall = farmStats.reduce((n, s) => n + s.wallMs, 0);
  console.log(`prover farm: ${farmStats.length} proofs, ${jobs} jobs, ${farmStats.reduce((n, s) => n + s.retries, 0)} retries, ${Math.round(wall)} ms of proving`);
}

main().catch((error: unknown) => {
  // A bad option is reported as one readable line; anything else with its stack.
  console.error(error instanceof FernetError ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
