import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { hexlify, keccak256, toUtf8Bytes } from "ethers";
import { LOCAL } from "../../sdk/src/config";
import { buildHeader, mockProof, publicInputsHash, type Header } from "../../sdk/src/hashing";
import { quoteDomain, signQuote, type Quote } from "../../sdk/src/eip712";
import type { FernetRollup } from "../../typechain-types";
import { deploySystem } from "../lib/deploy";
import { GasSheet, gasOf, randomKey } from "./common";

const SECTION = "FernetRollup";
const TOKEN = 10n ** 18n;

/** Deterministic block contents for `height` (same calldata in every run). */
function blockFor(height: bigint, parentArchive: string, dataBytes: number) {
  const txHashes = [1, 2, 3, 4].map((i) => keccak256(toUtf8Bytes(`tx ${height} ${i}`)));
  const data = hexlify(new Uint8Array(dataBytes).map((_, i) => (i % 251) + 1));
  const header = buildHeader({ height, parentArchive, archive: keccak256(toUtf8Bytes(`archive ${height}`)), txHashes, data });
  return { header, data };
}

interface Bench {
  rollup: FernetRollup;
  seqs: HardhatEthersSigner[];
  prover: HardhatEthersSigner;
  chainId: bigint;
}

async function bestFirst(b: Bench, height: bigint): Promise<HardhatEthersSigner[]> {
  const scores = await Promise.all(b.seqs.map((s) => b.rollup.score(height, s.address)));
  return scores[0] > scores[1] ? [b.seqs[0], b.seqs[1]] : [b.seqs[1], b.seqs[0]];
}

async function toStart(b: Bench): Promise<{ proposal: bigint; commitment: bigint }> {
  const s = await b.rollup.getHeightState((await b.rollup.tip()) + 1n);
  if (BigInt(await time.latest()) < s.roundStart) await time.increaseTo(s.roundStart);
  return { proposal: s.proposalDeadline, commitment: s.commitmentDeadline };
}

/** The winning proposer `best` signs a quote for `b.prover`, which commits; returns the commit tx. */
async function commitQuote(b: Bench, best: HardhatEthersSigner, height: bigint) {
  const quote: Quote = {
    height,
    blockHash: (await b.rollup.getBlock(height)).blockHash,
    prover: b.prover.address,
    bond: LOCAL.rollup.minimumProverBond,
    proverRewardBps: 2_000n,
    validUntil: BigInt(await time.latest()) + 3_600n,
  };
  const sig = await signQuote(best, quoteDomain(b.chainId, await b.rollup.getAddress()), quote);
  return b.rollup.connect(b.prover).commitProver(quote, sig);
}

/** One full happy-path round; returns the gas of each step when `measure` is set. */
async function round(b: Bench, dataBytes: number): Promise<{ proposeFirst: bigint; proposeOutbid: bigint; commit: bigint; reveal: bigint; finalize: bigint; winner: string }> {
  const height = (await b.rollup.tip()) + 1n;
  const { proposal, commitment } = await toStart(b);
  const [best, worse] = await bestFirst(b, height);
  const { header, data } = blockFor(height, await b.rollup.archive(), dataBytes);
  const decoy = blockFor(height, await b.rollup.archive(), dataBytes).header;
  const proposeFirst = await gasOf(b.rollup.connect(worse).propose(decoy));
  const proposeOutbid = await gasOf(b.rollup.connect(best).propose(header));
  await time.increaseTo(proposal);
  const commit = await gasOf(commitQuote(b, best, height));
  const reveal = await gasOf(b.rollup.connect(best).reveal(height, data));
  await time.increaseTo(commitment); // no proof lands before the commitment deadline
  const proof = mockProof(publicInputsHash(b.chainId, await b.rollup.getAddress(), header as Header, b.prover.address));
  const finalize = await gasOf(b.rollup.connect(b.prover).submitProof(header, proof));
  return { proposeFirst, proposeOutbid, commit, reveal, finalize, winner: best.address };
}

/**
 * Measures each happy-path step with `population` sequencers registered (at least the two that
 * propose). Warm-up rounds run first until both proposers have accrued rewards, so the measured
 * round is in the steady state (all reward balances non-zero) in every run.
 */
export async function benchRollup(sheet: GasSheet, population: number): Promise<void> {
  const signers = await ethers.getSigners();
  const [deployer] = signers;
  const seqs = [signers[1], signers[2]];
  const prover = signers[3];
  const funder = signers[4];
  const token = await ethers.deployContract("FernetToken", ["Fernet Token", "FNT", deployer.address]);
  await token.mint(funder.address, LOCAL.registry.stake * BigInt(population + 2));
  const d = await deploySystem({
    preset: LOCAL,
    deployer,
    token: await token.getAddress(),
    genesisSeed: keccak256(toUtf8Bytes("gas bench")), // the same seeds, so the same winners, in every run
    beforeRollup: async (registry, token) => {
      for (const s of seqs) {
        await token.connect(funder).approve(await registry.getAddress(), ethers.MaxUint256);
        await registry.connect(funder).register(s.address, s.address);
      }
      for (let i = seqs.length; i < population; i++) {
        await registry.connect(funder).register(randomKey(), funder.address);
      }
      await time.increase(LOCAL.registry.entryDelay + 12n); // Active one slot before deployment
    },
  });
  const rollupAddress = await d.rollup.getAddress();
  await d.token.mint(prover.address, 100_000n * TOKEN);
  await d.token.connect(prover).approve(rollupAddress, ethers.MaxUint256);
  await d.rollup.connect(prover).deposit(10_000n * TOKEN);
  await d.token.mint(deployer.address, 100_000n * TOKEN);
  await d.token.approve(rollupAddress, ethers.MaxUint256);
  await d.rollup.fundRewards(100_000n * TOKEN);
  const { chainId } = await ethers.provider.getNetwork();
  const b: Bench = { rollup: d.rollup, seqs, prover, chainId };

  const winners = new Set<string>();
  for (let i = 0; i < 40 && (winners.size < 2 || i < Number(LOCAL.rollup.lookahead) + 1); i++) {
    winners.add((await round(b, 0)).winner);
  }
  const empty = await round(b, 0);
  const kib = await round(b, 1024);
  sheet.record(SECTION, "propose (first of the round)", population, empty.proposeFirst);
  sheet.record(SECTION, "propose (outbidding)", population, empty.proposeOutbid);
  sheet.record(SECTION, "commitProver", population, empty.commit);
  sheet.record(SECTION, "reveal (no data)", population, empty.reveal);
  sheet.record(SECTION, "reveal (1 KiB)", population, kib.reveal);
  sheet.record(SECTION, "submitProof (finalize)", population, empty.finalize);
  sheet.record(
    SECTION,
    "happy path per L2 block: propose + commit + reveal (no data) + finalize",
    population,
    empty.proposeFirst + empty.commit + empty.reveal + empty.finalize,
  );
  sheet.record(SECTION, "claimRewards", population, await gasOf(d.rollup.connect(seqs[0]).claimRewards(seqs[0].address)));

  // Unhappy paths: the prover withholds its proof twice. First the reporter slashes, then a backup
  // block is submitted; the second time the backup submission settles the slash itself.
  const [reporter, backupProver] = [signers[5], signers[6]];
  const missed = async (): Promise<bigint> => {
    const height = (await b.rollup.tip()) + 1n;
    const { proposal } = await toStart(b);
    const [best] = await bestFirst(b, height);
    const { header, data } = blockFor(height, await b.rollup.archive(), 0);
    await b.rollup.connect(best).propose(header);
    await time.increaseTo(proposal);
    await (await commitQuote(b, best, height)).wait();
    await b.rollup.connect(best).reveal(height, data);
    const state = await b.rollup.getHeightState(height);
    await time.increaseTo(state.provingDeadline);
    return height;
  };
  const backupBlock = async (height: bigint) => {
    const { header, data } = blockFor(height + 1_000_000n, await b.rollup.archive(), 0);
    const h = { ...header, height };
    const proof = mockProof(publicInputsHash(b.chainId, await b.rollup.getAddress(), h as Header, backupProver.address));
    return b.rollup.connect(backupProver).submitBackupBlock(h, data, proof);
  };
  const h1 = await missed();
  sheet.record(SECTION, "slashProver", population, await gasOf(b.rollup.connect(reporter).slashProver(h1)));
  sheet.record(SECTION, "submitBackupBlock (slash already settled)", population, await gasOf(backupBlock(h1)));
  const h2 = await missed();
  sheet.record(SECTION, "submitBackupBlock (settles the prover slash)", population, await gasOf(backupBlock(h2)));
}
