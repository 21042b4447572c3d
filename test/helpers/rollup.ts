import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, keccak256, randomBytes, toUtf8Bytes, ZeroHash, type TypedDataDomain } from "ethers";
import { LOCAL, type RegistryConfig, type RollupConfig } from "../../sdk/src/config";
import { blockHash, buildHeader, mockProof, publicInputsHash, type Header } from "../../sdk/src/hashing";
import { quoteDomain, signQuote, type Quote } from "../../sdk/src/eip712";
import type { FernetRollup, FernetToken, MockProofVerifier, SequencerRegistry } from "../../typechain-types";
import { deploySystem } from "../../scripts/lib/deploy";
import { TOKEN } from "./fixtures";

export const GENESIS_ARCHIVE = keccak256(toUtf8Bytes("genesis archive"));
export const GENESIS_SEED = keccak256(toUtf8Bytes("genesis seed"));

export { Eligibility } from "../../sdk/src/types";

/** Phase and BackupReason, as in IFernetRollup. */
export enum Phase {
  NotStarted,
  Proposal,
  Commitment,
  Reveal,
  Proving,
  Backup,
  Finalized,
}
export enum BackupReason {
  None,
  NoProposal,
  NoCommitment,
  NoReveal,
  NoProof,
}
export enum Finalization {
  None,
  Proven,
  Backup,
}

export interface World {
  deployer: HardhatEthersSigner;
  sequencers: HardhatEthersSigner[];
  provers: HardhatEthersSigner[];
  stranger: HardhatEthersSigner;
  token: FernetToken;
  registry: SequencerRegistry;
  verifier: MockProofVerifier;
  rollup: FernetRollup;
  chainId: bigint;
  cfg: RollupConfig;
  regCfg: RegistryConfig;
}

export interface WorldOptions {
  rollup?: Partial<RollupConfig>;
  registry?: Partial<RegistryConfig>;
  treasury?: string;
  sequencerCount?: number;
  rewardPool?: bigint;
  /** Use the test-only ReentrantToken (its transfer hook calls back into a target). */
  reentrantToken?: boolean;
}

/**
 * Deploys token, registry, mock verifier and rollup; registers `sequencerCount` sequencers and waits
 * the entry delay before deploying the rollup (early seeds are known at deployment), funds the reward
 * pool and gives each prover an escrow deposit.
 */
export async function deployWorld(opts: WorldOptions = {}): Promise<World> {
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  const sequencers = signers.slice(1, 1 + (opts.sequencerCount ?? 4));
  const provers = signers.slice(10, 13);
  const stranger = signers[15];
  const cfg: RollupConfig = { ...LOCAL.rollup, ...opts.rollup };
  const regCfg: RegistryConfig = { ...LOCAL.registry, ...opts.registry };

  const token = (
    opts.reentrantToken
      ? await ethers.deployContract("ReentrantToken")
      : await ethers.deployContract("FernetToken", ["Fernet Token", "FNT", deployer.address])
  ) as unknown as FernetToken;
  for (const s of signers.slice(0, 16)) {
    await token.mint(s.address, 1_000_000n * TOKEN);
  }
  // The same deployment path as the scripts (slasher wiring by predicted address included).
  const deployed = await deploySystem({
    preset: { ...LOCAL, registry: regCfg, rollup: cfg },
    deployer,
    token: await token.getAddress(),
    treasury: opts.treasury,
    genesisArchive: GENESIS_ARCHIVE,
    genesisSeed: GENESIS_SEED,
    beforeRollup: async (registry) => {
      for (const s of sequencers) {
        await token.connect(s).approve(await registry.getAddress(), ethers.MaxUint256);
        await registry.connect(s).register(s.address, s.address);
      }
      // Active one L1 slot before deployment: the genesis randomness is knowable from then.
      await time.increase(regCfg.entryDelay + 12n);
    },
  });
  const { registry, rollup } = deployed;
  const verifier = (await ethers.getContractAt("MockProofVerifier", await deployed.verifier.getAddress())) as unknown as MockProofVerifier;
  const rollupAddress = await rollup.getAddress();
  await token.approve(rollupAddress, ethers.MaxUint256);
  const pool = opts.rewardPool ?? 1_000n * TOKEN;
  if (pool > 0n) {
    await rollup.fundRewards(pool);
  }
  for (const p of provers) {
    await token.connect(p).approve(rollupAddress, ethers.MaxUint256);
    await rollup.connect(p).deposit(10_000n * TOKEN);
  }
  const { chainId } = await ethers.provider.getNetwork();
  return { deployer, sequencers, provers, stranger, token, registry, verifier, rollup, chainId, cfg, regCfg };
}

/** Sequencers sorted by score for `height`, best first. */
export async function ranked(w: World, height: bigint): Promise<HardhatEthersSigner[]> {
  const scored = await Promise.all(w.sequencers.map(async (s) => ({ s, score: await w.rollup.score(height, s.address) })));
  return scored.sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : 0)).map((x) => x.s);
}

/** A block for the pending height: random txs and data on top of the current archive. */
export async function makeBlock(w: World, opts: { signal?: string; height?: bigint; parentArchive?: string } = {}) {
  const height = opts.height ?? (await w.rollup.tip()) + 1n;
  const txHashes = [0, 1, 2].map(() => hexlify(randomBytes(32)));
  const data = hexlify(randomBytes(64));
  const header = buildHeader({
    height,
    parentArchive: opts.parentArchive ?? (await w.rollup.archive()),
    archive: hexlify(randomBytes(32)),
    txHashes,
    data,
    signal: opts.signal ?? ZeroHash,
  });
  return { header, data, txHashes };
}

/** Round start of the pending height. */
export async function roundStart(w: World): Promise<bigint> {
  const s = await w.rollup.getHeightState((await w.rollup.tip()) + 1n);
  return s.roundStart;
}

/** Deadlines of the pending round. */
export async function deadlines(w: World) {
  const s = await w.rollup.getHeightState((await w.rollup.tip()) + 1n);
  return {
    start: s.roundStart,
    proposal: s.proposalDeadline,
    commitment: s.commitmentDeadline,
    reveal: s.revealDeadline,
    proving: s.provingDeadline,
  };
}

/** Moves time to the start of the pending round if it has not started. */
export async function toRoundStart(w: World): Promise<void> {
  const start = await roundStart(w);
  if (BigInt(await time.latest()) < start) {
    await time.increaseTo(start);
  }
}

/** Builds and signs a quote for `header` by `proposer` for `prover`. */
export async function makeQuote(
  w: World,
  proposer: HardhatEthersSigner,
  header: Header,
  prover: string,
  overrides: Partial<Quote> = {},
  domain?: TypedDataDomain,
): Promise<{ quote: Quote; signature: string }> {
  const quote: Quote = {
    height: header.height,
    blockHash: blockHash(header),
    prover,
    bond: w.cfg.minimumProverBond,
    proverRewardBps: 2_000n,
    validUntil: BigInt(await time.latest()) + 3_600n,
    ...overrides,
  };
  const d = domain ?? quoteDomain(w.chainId, await w.rollup.getAddress());
  return { quote, signature: await signQuote(proposer, d, quote) };
}

/** The mock proof of `header` bound to `prover`. */
export async function proofFor(w: World, header: Header, prover: string): Promise<string> {
  return mockProof(publicInputsHash(w.chainId, await w.rollup.getAddress(), header, prover));
}

/**
 * Runs the pending round on the happy path: best sequencer proposes, provers[0] commits, reveal,
 * proof submitted by `submitter` (default the prover). Returns what was used.
 */
export async function happyRound(w: World, opts: { signal?: string; submitter?: HardhatEthersSigner } = {}) {
  await toRoundStart(w);
  const height = (await w.rollup.tip()) + 1n;
  const [best] = await ranked(w, height);
  const block = await makeBlock(w, { signal: opts.signal });
  await w.rollup.connect(best).propose(block.header);
  const d = await deadlines(w);
  await time.increaseTo(d.proposal);
  const prover = w.provers[0];
  const { quote, signature } = await makeQuote(w, best, block.header, prover.address);
  const commitReceipt = await (await w.rollup.connect(prover).commitProver(quote, signature)).wait();
  await w.rollup.connect(best).reveal(height, block.data);
  // No proof lands before the commitment deadline.
  if (BigInt(await time.latest()) < d.commitment) await time.setNextBlockTimestamp(d.commitment);
  const proof = await proofFor(w, block.header, prover.address);
  await w.rollup.connect(opts.submitter ?? prover).submitProof(block.header, proof);
  return { height, proposer: best, prover, block, quote, commitReceipt };
}

/** `block.prevrandao` of L1 block `number` (the node reports it as `mixHash`). */
export async function prevRandao(number: number): Promise<string> {
  const raw = (await ethers.provider.send("eth_getBlockByNumber", [ethers.toQuantity(number), false])) as { mixHash: string };
  return raw.mixHash;
}

/** Proposes for height 1 with the best key and, per `stage`, commits provers[0] at the proposal deadline and reveals. */
export async function upTo(w: World, stage: "proposed" | "committed" | "revealed") {
  await toRoundStart(w);
  const [best] = await ranked(w, 1n);
  const block = await makeBlock(w);
  await w.rollup.connect(best).propose(block.header);
  const d = await deadlines(w);
  const prover = w.provers[0];
  let quote;
  if (stage !== "proposed") {
    await time.increaseTo(d.proposal);
    const q = await makeQuote(w, best, block.header, prover.address);
    quote = q.quote;
    await w.rollup.connect(prover).commitProver(q.quote, q.signature);
  }
  if (stage === "revealed") {
    await w.rollup.connect(best).reveal(1n, block.data);
  }
  return { best, block, d, prover, quote: quote! };
}

/** A valid backup block for the pending height, proven by `submitter`. */
export async function backupBlock(w: World, submitter: string, signal?: string) {
  const block = await makeBlock(w, { signal });
  return { ...block, proof: await proofFor(w, block.header, submitter) };
}
