/**
 * Bindings: what a bonded sequencer signs (EIP-712, domain "AstriaSlasher" v1) for each L2 block it
 * proposes, and the top-of-block it commits to. Mirrors `AstriaBindingLib.sol`.
 *
 * The top of an L2 block is, in order, `keccak256` of every rollup tx of the Astria blocks in
 * `[astriaStart, astriaEnd)`; each Astria block with rollup txs gets one {@link Entry} (height, the
 * rollup's tx root, its tx count and the offset of its first tx in the L2 block). `entriesRoot` is the
 * rollup's keccak tx tree (`txsRoot` of sdk/src/hashing.ts) over the entries' EIP-712 struct hashes.
 *
 * @example
 * ```ts
 * const top = topOfBlock(astriaBlocks, rollupId, 10n, 13n);
 * const header = buildHeader({ height, parentArchive, archive, txHashes: [...top.txHashes, ...own], data });
 * const binding = buildBinding(height, blockHash(header), top);
 * const signature = await signBinding(sequencer, bindingDomain(chainId, slasher), binding);
 * ```
 */
import { TypedDataEncoder, type Signer, type TypedDataDomain } from "ethers";
import { txProof, txsRoot, type Header } from "../hashing";
import { l2TxHash, rollupTxsOf, rollupTxsRoot, type AstriaBlock } from "./block";
import { AstriaIndexError, AstriaRangeError } from "./errors";

/**
 * `IAstriaSlasher.Binding`.
 *
 * @example
 * ```ts
 * const binding: Binding = buildBinding(l2Height, blockHash(header), topOfBlock(blocks, rollupId, start, end));
 * ```
 */
export interface Binding {
  l2Height: bigint;
  blockHash: string;
  /** First Astria height consumed. */
  astriaStart: bigint;
  /** One past the last Astria height consumed (equal to `astriaStart` when none). */
  astriaEnd: bigint;
  entryCount: bigint;
  entriesRoot: string;
}

/**
 * `IAstriaSlasher.Entry`.
 *
 * @example
 * ```ts
 * const entry: Entry = { astriaHeight: 10n, rollupTxsRoot, txCount: 3n, offset: 0n };
 * ```
 */
export interface Entry {
  astriaHeight: bigint;
  rollupTxsRoot: string;
  txCount: bigint;
  offset: bigint;
}

/**
 * `IAstriaSlasher.EntryProof`.
 *
 * @example
 * ```ts
 * const p: EntryProof = entryProof(entries, 0);
 * await slasher.proveRootMismatch(l2Height, p, leaf);
 * ```
 */
export interface EntryProof {
  entry: Entry;
  index: bigint;
  proof: string[];
}

/**
 * `IAstriaSlasher.L2Tx`: a leaf of the proposed block's `txsRoot`, with the header that proves it.
 *
 * @example
 * ```ts
 * const tx: L2Tx = l2TxProof(header, txHashes, 1);
 * ```
 */
export interface L2Tx {
  header: Header;
  txHash: string;
  proof: string[];
}

/**
 * The EIP-712 types of an entry.
 *
 * @example
 * ```ts
 * const types = { ...BINDING_TYPES, ...ENTRY_TYPES };
 * ```
 */
export const ENTRY_TYPES = {
  Entry: [
    { name: "astriaHeight", type: "uint64" },
    { name: "rollupTxsRoot", type: "bytes32" },
    { name: "txCount", type: "uint32" },
    { name: "offset", type: "uint32" },
  ],
};

/**
 * The EIP-712 types of a binding.
 *
 * @example
 * ```ts
 * const digest = TypedDataEncoder.hash(bindingDomain(chainId, slasher), BINDING_TYPES, binding);
 * ```
 */
export const BINDING_TYPES = {
  Binding: [
    { name: "l2Height", type: "uint256" },
    { name: "blockHash", type: "bytes32" },
    { name: "astriaStart", type: "uint64" },
    { name: "astriaEnd", type: "uint64" },
    { name: "entryCount", type: "uint32" },
    { name: "entriesRoot", type: "bytes32" },
  ],
};

/**
 * The slasher's EIP-712 domain: binds the chain and the contract.
 *
 * @example
 * ```ts
 * const domain = bindingDomain(31337n, slasher.address);
 * ```
 */
export function bindingDomain(chainId: bigint, slasher: string): TypedDataDomain {
  return { name: "AstriaSlasher", version: "1", chainId, verifyingContract: slasher };
}

/**
 * The EIP-712 struct hash of `entry` (`AstriaSlasher.entryHash`).
 *
 * @example
 * ```ts
 * const hash = entryHash(entries[0]);
 * ```
 */
export function entryHash(entry: Entry): string {
  return TypedDataEncoder.hashStruct("Entry", ENTRY_TYPES, entry);
}

/**
 * The `entriesRoot` of `entries` (zero hash for none).
 *
 * @example
 * ```ts
 * entriesRoot(entries) === binding.entriesRoot; // true
 * ```
 */
export function entriesRoot(entries: readonly Entry[]): string {
  return txsRoot(entries.map(entryHash));
}

/**
 * Entry `index` with its proof against {@link entriesRoot}.
 *
 * @throws {@link AstriaIndexError} when there is no such entry.
 *
 * @example
 * ```ts
 * const proof = entryProof(entries, 2);
 * ```
 */
export function entryProof(entries: readonly Entry[], index: number): EntryProof {
  if (!Number.isInteger(index) || index < 0 || index >= entries.length) {
    throw new AstriaIndexError("Entry", index, entries.length);
  }
  return { entry: entries[index], index: BigInt(index), proof: txProof(entries.map(entryHash), index) };
}

/**
 * The digest a sequencer signs for `binding` (`AstriaSlasher.bindingDigest`).
 *
 * @example
 * ```ts
 * bindingDigest(domain, binding) === (await slasher.bindingDigest(binding)); // true
 * ```
 */
export function bindingDigest(domain: TypedDataDomain, binding: Binding): string {
  return TypedDataEncoder.hash(domain, BINDING_TYPES, binding);
}

/**
 * Signs `binding` with `signer` (the sequencer).
 *
 * @example
 * ```ts
 * const signature = await signBinding(sequencer, bindingDomain(chainId, slasher.address), binding);
 * await slasher.postBinding(binding, entries, signature);
 * ```
 */
export async function signBinding(signer: Signer, domain: TypedDataDomain, binding: Binding): Promise<string> {
  return signer.signTypedData(domain, BINDING_TYPES, binding);
}

/**
 * What a sequencer takes from Astria for one L2 block.
 *
 * @example
 * ```ts
 * const top: TopOfBlock = topOfBlock(blocks, rollupId, astriaStart, astriaEnd);
 * console.log(top.entries.length);
 * ```
 */
export interface TopOfBlock {
  astriaStart: bigint;
  astriaEnd: bigint;
  entries: Entry[];
  /** The L2 tx hashes the block must start with, in order. */
  txHashes: string[];
}

/**
 * The top-of-block of the Astria blocks `[astriaStart, astriaEnd)` for `rollupId`: entries for the blocks
 * with rollup txs, and the L2 tx hashes in order.
 *
 * @throws {@link AstriaRangeError} unless `blocks` are exactly the heights of the range, in order.
 *
 * @example
 * ```ts
 * const top = topOfBlock(astriaBlocks, rollupId, 10n, 13n); // three Astria blocks
 * ```
 */
export function topOfBlock(
  blocks: readonly AstriaBlock[],
  rollupId: string,
  astriaStart: bigint,
  astriaEnd: bigint,
): TopOfBlock {
  if (BigInt(blocks.length) !== astriaEnd - astriaStart) {
    throw new AstriaRangeError(astriaStart, astriaEnd, `Got ${blocks.length} blocks.`);
  }
  const entries: Entry[] = [];
  const txHashes: string[] = [];
  blocks.forEach((block, i) => {
    if (block.header.height !== astriaStart + BigInt(i)) {
      throw new AstriaRangeError(astriaStart, astriaEnd, `Block ${i} has height ${block.header.height}.`);
    }
    const txs = rollupTxsOf(block, rollupId);
    if (txs.length === 0) return;
    entries.push({
      astriaHeight: block.header.height,
      rollupTxsRoot: rollupTxsRoot(txs),
      txCount: BigInt(txs.length),
      offset: BigInt(txHashes.length),
    });
    txHashes.push(...txs.map(l2TxHash));
  });
  return { astriaStart, astriaEnd, entries, txHashes };
}

/**
 * Rule (b): whether an Astria block with time `astriaTime` (with rollup txs) must be in the range of the
 * L2 height whose round started at `roundStart` (`HeightState.roundStart`): it is at least `astriaMargin`
 * seconds older. The L1 inclusion time of the proposal never matters. Mirrors `AstriaEvidenceLib.checkRequired`.
 *
 * @example
 * ```ts
 * const { roundStart } = await rollup.getHeightState(height);
 * const mustTake = blocks.filter((b) => requiredInRange(b.header.time, roundStart, config.astriaMargin));
 * ```
 */
export function requiredInRange(astriaTime: bigint, roundStart: bigint, astriaMargin: bigint): boolean {
  return astriaTime + astriaMargin <= roundStart;
}

/**
 * The binding of the L2 block `blockHash` at `l2Height` that took `top` from Astria.
 *
 * @example
 * ```ts
 * const binding = buildBinding(height, blockHash(header), top);
 * ```
 */
export function buildBinding(l2Height: bigint, blockHash: string, top: TopOfBlock): Binding {
  return {
    l2Height,
    blockHash,
    astriaStart: top.astriaStart,
    astriaEnd: top.astriaEnd,
    entryCount: BigInt(top.entries.length),
    entriesRoot: entriesRoot(top.entries),
  };
}

/**
 * The leaf at `position` of an L2 block (its ordered tx hashes) with its proof, for `proveTxMismatch`.
 * A position past the end gives a zero leaf and no proof (the contract then needs only the header).
 *
 * @example
 * ```ts
 * const tx = l2TxProof(header, txHashes, 0); // proves txHashes[0] against header.txsRoot
 * ```
 */
export function l2TxProof(header: Header, txHashes: readonly string[], position: number): L2Tx {
  if (position >= txHashes.length) {
    return { header, txHash: "0x" + "00".repeat(32), proof: [] };
  }
  return { header, txHash: txHashes[position], proof: txProof(txHashes, position) };
}
