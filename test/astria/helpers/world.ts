/**
 * A full local deployment for the Astria slasher's tests and gas bench: token, registry with two
 * sequencers, mock verifier, rollup, Astria light client (ECDSA stand-in validators) and slasher, plus
 * a driver for rollup rounds and for an Astria chain the light client follows.
 *
 * Nothing here depends on mocha, so `scripts/gas/astria.ts` uses it too.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployAstria, deploySystem } from "../../../scripts/lib/deploy";
import { keccak256, sha256, toUtf8Bytes, Wallet, type Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { LOCAL } from "../../../sdk/src/config";
import { blockHash, buildHeader, mockProof, publicInputsHash, type Header } from "../../../sdk/src/hashing";
import { quoteDomain, signQuote, type Quote } from "../../../sdk/src/eip712";
import {
  bindingDomain,
  buildAstriaBlock,
  buildBinding,
  headerDigest,
  signBinding,
  signQuorum,
  topOfBlock,
  validatorSet,
  validatorSetUpdateDigest,
  type AstriaBlock,
  type Binding,
  type Entry,
  type RollupData,
  type TopOfBlock,
  type Validator,
} from "../../../sdk/src/astria";
import type {
  AstriaLightClient,
  AstriaSlasher,
  FernetRollup,
  FernetToken,
  IProofVerifier,
  SequencerRegistry,
} from "../../../typechain-types";

/** One token in base units. */
export const TOKEN = 10n ** 18n;
/** This L2's rollup id on Astria: SHA-256 of its name, as Astria derives rollup ids. */
export const ROLLUP_ID = sha256(toUtf8Bytes("aztec-fernet"));
/** Two other rollups sharing the Astria chain: one id below ours, one above. */
export const OTHER_ROLLUPS = ["0x" + "00".repeat(31) + "11", "0x" + "ff".repeat(31) + "ee"] as const;
/** The Astria chain id the light client follows. */
export const ASTRIA_CHAIN_ID = "astria-local";

/** Slasher parameters used unless a test overrides them. */
export const SLASHER = { astriaStartHeight: 1n, ...LOCAL.astria };

/** A slasher `Config` without addresses, for overrides. */
export type SlasherParams = typeof SLASHER & { treasury: string };

/** Deterministic validator keys (stand-ins for Astria's Ed25519 keys). */
export function validatorWallets(count: number, tag = "validator"): Wallet[] {
  return Array.from({ length: count }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`${tag}-${i}`))));
}

/** Everything deployed, with the named accounts. */
export interface World {
  chainId: bigint;
  token: FernetToken;
  registry: SequencerRegistry;
  verifier: IProofVerifier;
  rollup: FernetRollup;
  lightClient: AstriaLightClient;
  slasher: AstriaSlasher;
  deployer: HardhatEthersSigner;
  seqA: HardhatEthersSigner;
  seqB: HardhatEthersSigner;
  prover: HardhatEthersSigner;
  reporter: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  /** The genesis validator set (set 0) and its keys. */
  wallets: Wallet[];
  validators: Validator[];
  /** Every validator set handed over to so far, by set id (0: the genesis set). */
  sets: ValidatorKeys[];
  /** Astria blocks built so far, by height. */
  astria: Map<bigint, AstriaBlock>;
  /** Headers proposed so far, by L2 height (the latest proposal of each height). */
  headers: Map<bigint, { header: Header; txHashes: string[]; data: string }>;
}

/** A validator set with the keys of its validators. */
export interface ValidatorKeys {
  wallets: Wallet[];
  validators: Validator[];
}

/** Options of {@link deployWorld}. */
export interface WorldOptions {
  validatorCount?: number;
  slasher?: Partial<SlasherParams>;
  /** Opt seqA in with the minimum bond before the first round (default true). */
  bondA?: boolean;
  /** Opt seqB in with the minimum bond before the first round (default false). */
  bondB?: boolean;
}

/** Deploys the whole stack and registers seqA and seqB (Active before the rollup is deployed). */
export async function deployWorld(options: WorldOptions = {}): Promise<World> {
  const [deployer, seqA, seqB, prover, reporter, stranger] = await ethers.getSigners();
  const token = await ethers.deployContract("FernetToken", ["Fernet Token", "FNT", deployer.address]);
  for (const s of [deployer, seqA, seqB, prover, reporter, stranger]) {
    await token.mint(s.address, 100_000n * TOKEN);
  }
  // The scripts' deployment path; seqA and seqB register (and become Active) before the rollup.
  const { registry, verifier, rollup } = await deploySystem({
    // A stake that outlasts the rollup's miss penalties: random sequences abandon many heights on purpose,
    // and a winner ejected from the registry could no longer lead the heights the slasher is tested on.
    preset: { ...LOCAL, registry: { ...LOCAL.registry, stake: 10_000n * TOKEN } },
    deployer,
    token: await token.getAddress(),
    genesisArchive: keccak256(toUtf8Bytes("genesis archive")),
    genesisSeed: keccak256(toUtf8Bytes("genesis seed")),
    beforeRollup: async (registry) => {
      for (const s of [seqA, seqB]) {
        await token.connect(s).approve(await registry.getAddress(), ethers.MaxUint256);
        await registry.connect(s).register(s.address, s.address);
      }
      await time.increase(LOCAL.registry.entryDelay + 12n); // Active one slot before the rollup's deployment
    },
  });
  await token.connect(prover).approve(await rollup.getAddress(), ethers.MaxUint256);
  await rollup.connect(prover).deposit(10_000n * TOKEN);

  const wallets = validatorWallets(options.validatorCount ?? 4);
  const validators = validatorSet(wallets.map((w) => ({ signer: w.address, votingPower: 10n })));
  const params: SlasherParams = { ...SLASHER, treasury: ethers.ZeroAddress, ...options.slasher };
  const { lightClient, slasher } = await deployAstria({
    preset: LOCAL,
    deployer,
    rollup: await rollup.getAddress(),
    chain: { chainId: ASTRIA_CHAIN_ID, validators, activeFromHeight: 1n, rollupId: ROLLUP_ID, startHeight: params.astriaStartHeight },
    treasury: params.treasury,
    overrides: params,
  });
  for (const s of [seqA, seqB, reporter, stranger]) {
    await token.connect(s).approve(await slasher.getAddress(), ethers.MaxUint256);
  }
  if (options.bondA ?? true) {
    await slasher.connect(seqA).bond(seqA.address, params.minimumBond);
  }
  if (options.bondB ?? false) {
    await slasher.connect(seqB).bond(seqB.address, params.minimumBond);
  }
  const { chainId } = await ethers.provider.getNetwork();
  return {
    chainId,
    token,
    registry,
    verifier,
    rollup,
    lightClient,
    slasher,
    deployer,
    seqA,
    seqB,
    prover,
    reporter,
    stranger,
    wallets,
    validators,
    sets: [{ wallets, validators }],
    astria: new Map(),
    headers: new Map(),
  };
}

/** `loadFixture` with the next block pinned right after the fixture's last one (shared helper). */
export { load } from "../../helpers/fixtures";

// -------------------------------------------------------------------------------- rollup rounds

/** Moves time to the start of `height`'s round if it has not started. */
export async function toRoundStart(w: World, height: bigint): Promise<void> {
  const s = await w.rollup.getHeightState(height);
  if (s.roundStart > BigInt(await time.latest())) {
    await time.increaseTo(s.roundStart);
  }
}

/** Proposes a block at `height` by `sequencer` whose txs are `txHashes`; returns its header. */
export async function propose(w: World, sequencer: Signer, height: bigint, txHashes: string[]): Promise<Header> {
  await toRoundStart(w, height);
  const data = ethers.hexlify(toUtf8Bytes(`block ${height} by ${await sequencer.getAddress()}`));
  const header = buildHeader({
    height,
    parentArchive: await w.rollup.archive(),
    archive: keccak256(toUtf8Bytes(`archive ${height}`)),
    txHashes,
    data,
  });
  await w.rollup.connect(sequencer).propose(header);
  w.headers.set(height, { header, txHashes, data });
  return header;
}

/** Moves time to `height`'s proposal deadline (the binding window opens). */
export async function toProposalDeadline(w: World, height: bigint): Promise<void> {
  const s = await w.rollup.getHeightState(height);
  if (s.proposalDeadline > BigInt(await time.latest())) {
    await time.increaseTo(s.proposalDeadline);
  }
}

/** Moves time to `height`'s reveal deadline (the binding window closes). */
export async function toRevealDeadline(w: World, height: bigint): Promise<void> {
  const s = await w.rollup.getHeightState(height);
  await time.increaseTo(s.revealDeadline);
}

async function signerOf(w: World, address: string): Promise<Signer> {
  return [w.seqA, w.seqB].find((s) => s.address === address) ?? (await ethers.getSigner(address));
}

/** Commits `prover` to the winning proposal of the pending `height` with a quote its winner signs. */
export async function commitProver(w: World, height: bigint): Promise<void> {
  await toProposalDeadline(w, height);
  const sequencer = await signerOf(w, (await w.rollup.getBlock(height)).proposer);
  const { header } = w.headers.get(height)!;
  const quote: Quote = {
    height,
    blockHash: blockHash(header),
    prover: w.prover.address,
    bond: LOCAL.rollup.minimumProverBond,
    proverRewardBps: 1_000n,
    validUntil: 2n ** 40n,
  };
  const signature = await signQuote(sequencer, quoteDomain(w.chainId, await w.rollup.getAddress()), quote);
  await w.rollup.connect(w.prover).commitProver(quote, signature);
}

/** Commits the prover, reveals and proves the winning proposal of the pending `height`. */
export async function commitRevealProve(w: World, height: bigint, options: { prove?: boolean } = {}): Promise<void> {
  await commitProver(w, height);
  const sequencer = await signerOf(w, (await w.rollup.getBlock(height)).proposer);
  await w.rollup.connect(sequencer).reveal(height, w.headers.get(height)!.data);
  if (options.prove ?? true) {
    await prove(w, height);
  }
}

/** Submits the proof of the winning proposal of the pending `height` (finalizes it). */
export async function prove(w: World, height: bigint): Promise<void> {
  const { header } = w.headers.get(height)!;
  const inputs = publicInputsHash(w.chainId, await w.rollup.getAddress(), header, w.prover.address);
  // No proof lands before the commitment deadline.
  const { commitmentDeadline } = await w.rollup.getHeightState(height);
  if (BigInt(await time.latest()) < commitmentDeadline) await time.increaseTo(commitmentDeadline);
  await w.rollup.connect(w.prover).submitProof(header, mockProof(inputs));
}

/** A whole happy round: `sequencer` proposes `txHashes` (default: one own tx) and the block is finalized. */
export async function finalizeRound(w: World, sequencer: Signer, height: bigint, txHashes?: string[]): Promise<Header> {
  const header = await propose(w, sequencer, height, txHashes ?? [keccak256(toUtf8Bytes(`own tx ${height}`))]);
  await commitRevealProve(w, height);
  return header;
}

/** Options of {@link backupRound}. */
export interface BackupOptions {
  /** Who submits the backup block (default `stranger`). */
  by?: Signer;
  /** The backup block's txs (default none). */
  txHashes?: string[];
}

/**
 * Lets the pending `height` fall into backup at the first deadline it misses (no proposal, no
 * commitment, no reveal or no proof), then fills it with a backup block (by `stranger` unless told).
 */
export async function backupRound(w: World, height: bigint, options: BackupOptions = {}): Promise<Header> {
  const s = await w.rollup.getHeightState(height);
  const r = s.record;
  const backupFrom =
    r.proposer === ethers.ZeroAddress
      ? s.proposalDeadline
      : r.prover === ethers.ZeroAddress
        ? s.commitmentDeadline
        : !r.revealed
          ? s.revealDeadline
          : s.provingDeadline;
  if (backupFrom > BigInt(await time.latest())) {
    await time.increaseTo(backupFrom);
  }
  const by = options.by ?? w.stranger;
  const data = ethers.hexlify(toUtf8Bytes(`backup ${height}`));
  const header = buildHeader({
    height,
    parentArchive: await w.rollup.archive(),
    archive: keccak256(toUtf8Bytes(`backup archive ${height}`)),
    txHashes: options.txHashes ?? [],
    data,
  });
  const inputs = publicInputsHash(w.chainId, await w.rollup.getAddress(), header, await by.getAddress());
  await w.rollup.connect(by).submitBackupBlock(header, data, mockProof(inputs));
  return header;
}

// -------------------------------------------------------------------------------- Astria chain

/** Builds (and remembers) the Astria block at `height` with `txs` for this rollup and `others` for the rest. */
export function astriaBlock(
  w: World,
  height: bigint,
  time_: bigint,
  txs: string[],
  others: RollupData[] = [{ rollupId: OTHER_ROLLUPS[0], txs: [`0x0${height % 10n}aa`] }],
): AstriaBlock {
  const block = buildAstriaBlock({
    chainId: ASTRIA_CHAIN_ID,
    height,
    time: time_,
    proposerAddress: ethers.zeroPadValue(ethers.toBeHex(height), 20),
    rollups: [...others, { rollupId: ROLLUP_ID, txs }],
  });
  w.astria.set(height, block);
  return block;
}

/**
 * Relays `block`'s header to the light client, signed by a quorum of set `setId` (default: the set whose
 * range holds the block's height here).
 */
export async function relay(w: World, block: AstriaBlock, setId?: bigint): Promise<void> {
  const id = setId ?? (await setOf(w, block.header.height));
  const { wallets, validators } = w.sets[Number(id)];
  const signatures = signQuorum(wallets, validators, headerDigest(block.header, id));
  await w.lightClient.submitHeader(block.header, id, validators, signatures);
}

/** The id of the set whose range holds Astria `height` in the light client. */
async function setOf(w: World, height: bigint): Promise<bigint> {
  for (let id = BigInt(w.sets.length - 1); id > 0n; id--) {
    const [, activeFrom] = await w.lightClient.validatorSetAt(id);
    if (height >= activeFrom) return id;
  }
  return 0n;
}

/** Hands the light client over to a new set of `count` validators from Astria `activeFrom` on. */
export async function handOver(w: World, activeFrom: bigint, count = 4): Promise<ValidatorKeys> {
  const current = w.sets[w.sets.length - 1];
  const wallets = validatorWallets(count, `set-${w.sets.length}`);
  const next = { wallets, validators: validatorSet(wallets.map((v) => ({ signer: v.address, votingPower: 10n }))) };
  const digest = validatorSetUpdateDigest(ASTRIA_CHAIN_ID, BigInt(w.sets.length), activeFrom, next.validators);
  const signatures = signQuorum(current.wallets, current.validators, digest);
  await w.lightClient.updateValidatorSet(current.validators, next.validators, activeFrom, signatures);
  w.sets.push(next);
  return next;
}

/** Rollup txs (raw bytes) for tests: `count` distinct byte strings tagged by `tag`. */
export function rollupTxs(tag: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => ethers.hexlify(toUtf8Bytes(`${tag}/${i}`)));
}

// -------------------------------------------------------------------------------- bindings

/** The top-of-block of the remembered Astria blocks `[start, end)`. */
export function top(w: World, start: bigint, end: bigint): TopOfBlock {
  const blocks: AstriaBlock[] = [];
  for (let h = start; h < end; h++) blocks.push(w.astria.get(h)!);
  return topOfBlock(blocks, ROLLUP_ID, start, end);
}

/** Signs `binding` with `sequencer` under the slasher's domain. */
export async function sign(w: World, sequencer: Signer, binding: Binding): Promise<string> {
  return signBinding(sequencer, bindingDomain(w.chainId, await w.slasher.getAddress()), binding);
}

/** A signed binding of the remembered proposal at `height`, from `t` (entries may be replaced). */
export async function signedBinding(
  w: World,
  sequencer: Signer,
  height: bigint,
  t: TopOfBlock,
  overrides: Partial<Binding> = {},
): Promise<{ binding: Binding; entries: Entry[]; signature: string }> {
  const { header } = w.headers.get(height)!;
  const binding = { ...buildBinding(height, blockHash(header), t), ...overrides };
  return { binding, entries: t.entries, signature: await sign(w, sequencer, binding) };
}

/** Posts a signed binding of `height` from `t` (moves time into the binding window first). */
export async function postBinding(
  w: World,
  sequencer: Signer,
  height: bigint,
  t: TopOfBlock,
  overrides: Partial<Binding> = {},
): Promise<{ binding: Binding; entries: Entry[]; signature: string }> {
  await toProposalDeadline(w, height);
  const signed = await signedBinding(w, sequencer, height, t, overrides);
  await w.slasher.postBinding(signed.binding, signed.entries, signed.signature);
  return signed;
}

/** A top-of-block with `entries` replaced (the entries root follows). */
export function withEntries(t: TopOfBlock, entries: Entry[]): TopOfBlock {
  return { ...t, entries };
}

