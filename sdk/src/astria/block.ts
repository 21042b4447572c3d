/**
 * Astria sequencer blocks, laid out as Astria's `sequencer-inclusion-proofs` spec says, and the proofs
 * the slasher's evidence needs.
 *
 * - A rollup tx is an opaque byte string (the `data` of one `sequence` action). Its L2 tx hash, the leaf
 *   it must occupy in the Aztec block's `txsRoot`, is `keccak256(bytes)` ({@link l2TxHash}).
 * - Per rollup, the txs form an RFC 6962 tree ({@link rollupTxsRoot}).
 * - `rollup_transactions_root` is the RFC 6962 root over one leaf per rollup with txs, sorted by
 *   ascending rollup id, each leaf the 64 bytes `rollup_id ‖ rollupTxsRoot`.
 * - `rollup_ids_root` is the RFC 6962 root over the sorted 32-byte rollup ids.
 * - `data_hash` is CometBFT's: the RFC 6962 root over `SHA-256(tx)` of the block's transactions, the first
 *   two being the 32-byte `rollup_transactions_root` and `rollup_ids_root`.
 *
 * @example
 * ```ts
 * const block = buildAstriaBlock({ chainId: "astria", height: 7n, time: 1_700_000_000n,
 *   proposerAddress, rollups: [{ rollupId, txs: ["0x01", "0x0203"] }] });
 * const leaf = rollupLeafProof(block, rollupId); // evidence input `RollupLeaf`
 * ```
 */
import { concat, getBytes, hexlify, keccak256, sha256, type BytesLike } from "ethers";
import { AstriaIndexError, AstriaRollupNotInBlockError, AstriaRollupPresentError } from "./errors";
import { inclusionProof, leafHash, merkleRoot } from "./merkle";

/**
 * The txs one rollup has in an Astria block, in Astria's order.
 *
 * @example
 * ```ts
 * const data: RollupData = { rollupId, txs: ["0x01", "0x02"] };
 * ```
 */
export interface RollupData {
  /** 32-byte rollup id (usually `SHA-256` of the rollup's name). */
  rollupId: string;
  /** Raw rollup txs. */
  txs: readonly BytesLike[];
}

/**
 * Inputs of {@link buildAstriaBlock}.
 *
 * @example
 * ```ts
 * const input: AstriaBlockInput = { chainId: "astria-local", height: 10n, time: 1_700_000_000n, proposerAddress, rollups: [{ rollupId, txs }] };
 * const block = buildAstriaBlock(input);
 * ```
 */
export interface AstriaBlockInput {
  chainId: string;
  height: bigint;
  /** Block time, unix seconds. */
  time: bigint;
  /** 20-byte CometBFT address of the proposer. */
  proposerAddress: string;
  /** Rollup data in any order (sorted by id when built); rollups without txs are dropped. */
  rollups: readonly RollupData[];
  /** Other opaque transactions of the block (they only enter `data_hash`). */
  otherTxs?: readonly BytesLike[];
}

/**
 * An Astria sequencer-block header, as `IAstriaValidatorLightClient.AstriaHeader`.
 *
 * @example
 * ```ts
 * const header: AstriaHeader = buildAstriaBlock(input).header;
 * const digest = headerDigest(header, 0n);
 * ```
 */
export interface AstriaHeader {
  chainId: string;
  height: bigint;
  time: bigint;
  dataHash: string;
  proposerAddress: string;
  rollupTransactionsRoot: string;
}

/**
 * A built Astria block: its header and everything needed to prove things about it.
 *
 * @example
 * ```ts
 * const block: AstriaBlock = buildAstriaBlock(input);
 * console.log(block.header.rollupTransactionsRoot);
 * ```
 */
export interface AstriaBlock {
  header: AstriaHeader;
  /** Rollups with txs, sorted by ascending id; txs as hex strings. */
  rollups: ReadonlyArray<{ rollupId: string; txs: readonly string[]; txsRoot: string }>;
  /** `rollup_ids_root`. */
  rollupIdsRoot: string;
  /** Leaf hashes of `rollup_transactions_root`, in order. */
  rollupLeafHashes: readonly string[];
}

/**
 * `IAstriaSlasher.RollupLeaf`: a leaf `rollupId ‖ txsRoot` of `rollup_transactions_root`, with its proof.
 *
 * @example
 * ```ts
 * const leaf: RollupLeaf = rollupLeafProof(block, rollupId);
 * ```
 */
export interface RollupLeaf {
  rollupId: string;
  txsRoot: string;
  index: bigint;
  treeSize: bigint;
  proof: string[];
}

/**
 * `IAstriaSlasher.AstriaTx`: one rollup tx with its proof in the rollup's tx tree.
 *
 * @example
 * ```ts
 * const tx: AstriaTx = astriaTxProof(block, rollupId, 0);
 * ```
 */
export interface AstriaTx {
  data: string;
  index: bigint;
  proof: string[];
}

/**
 * The L2 (Aztec) tx hash an Astria rollup tx must have in the L2 block: `keccak256(bytes)`.
 *
 * @example
 * ```ts
 * const hash = l2TxHash("0xdeadbeef"); // the L2 tx hash the rollup's txs root commits to
 * ```
 */
export function l2TxHash(tx: BytesLike): string {
  return keccak256(tx);
}

/**
 * The RFC 6962 root of one rollup's txs in a block.
 *
 * @example
 * ```ts
 * const root = rollupTxsRoot(["0x01", "0x02"]);
 * ```
 */
export function rollupTxsRoot(txs: readonly BytesLike[]): string {
  return merkleRoot(txs.map(leafHash));
}

/**
 * The 64-byte leaf `rollupId ‖ txsRoot` of `rollup_transactions_root`.
 *
 * @example
 * ```ts
 * const bytes = rollupLeafBytes(rollupId, rollupTxsRoot(txs));
 * ```
 */
export function rollupLeafBytes(rollupId: string, txsRoot: string): string {
  return concat([rollupId, txsRoot]);
}

/**
 * The leaf hash `SHA-256(0x00 ‖ rollupId ‖ txsRoot)`.
 *
 * @example
 * ```ts
 * leafHash(rollupLeafBytes(rollupId, root)) === rollupLeafHash(rollupId, root); // true
 * ```
 */
export function rollupLeafHash(rollupId: string, txsRoot: string): string {
  return leafHash(rollupLeafBytes(rollupId, txsRoot));
}

/**
 * CometBFT `data_hash`: RFC 6962 root over `SHA-256(tx)` of each transaction.
 *
 * @example
 * ```ts
 * cometDataHash(txs) === block.header.dataHash; // true for the block's txs
 * ```
 */
export function cometDataHash(txs: readonly BytesLike[]): string {
  return merkleRoot(txs.map((tx) => leafHash(sha256(tx))));
}

const byId = (a: { rollupId: string }, b: { rollupId: string }): number =>
  a.rollupId.toLowerCase() < b.rollupId.toLowerCase() ? -1 : a.rollupId.toLowerCase() > b.rollupId.toLowerCase() ? 1 : 0;

/**
 * Builds an Astria block from its rollup data: sorts rollups by id, computes every root and the header.
 *
 * @example
 * ```ts
 * const { header } = buildAstriaBlock({ chainId, height: 1n, time, proposerAddress, rollups: [] });
 * header.rollupTransactionsRoot === EMPTY_ROOT;
 * ```
 */
export function buildAstriaBlock(input: AstriaBlockInput): AstriaBlock {
  const rollups = input.rollups
    .filter((r) => r.txs.length > 0)
    .map((r) => {
      const txs = r.txs.map((tx) => hexlify(getBytes(tx)));
      return { rollupId: hexlify(getBytes(r.rollupId)), txs, txsRoot: rollupTxsRoot(txs) };
    })
    .sort(byId);
  const rollupLeafHashes = rollups.map((r) => rollupLeafHash(r.rollupId, r.txsRoot));
  const rollupTransactionsRoot = merkleRoot(rollupLeafHashes);
  const rollupIdsRoot = merkleRoot(rollups.map((r) => leafHash(r.rollupId)));
  const dataHash = cometDataHash([rollupTransactionsRoot, rollupIdsRoot, ...(input.otherTxs ?? [])]);
  return {
    header: {
      chainId: input.chainId,
      height: input.height,
      time: input.time,
      dataHash,
      proposerAddress: input.proposerAddress,
      rollupTransactionsRoot,
    },
    rollups,
    rollupIdsRoot,
    rollupLeafHashes,
  };
}

/**
 * The txs `rollupId` has in `block` (empty if none).
 *
 * @example
 * ```ts
 * const txs = rollupTxsOf(block, rollupId); // empty when the rollup is absent
 * ```
 */
export function rollupTxsOf(block: AstriaBlock, rollupId: string): readonly string[] {
  return block.rollups.find((r) => r.rollupId.toLowerCase() === rollupId.toLowerCase())?.txs ?? [];
}

function leafAt(block: AstriaBlock, index: number): RollupLeaf {
  const r = block.rollups[index];
  return {
    rollupId: r.rollupId,
    txsRoot: r.txsRoot,
    index: BigInt(index),
    treeSize: BigInt(block.rollups.length),
    proof: inclusionProof(block.rollupLeafHashes, index),
  };
}

/**
 * The leaf of `rollupId` in `block`'s `rollup_transactions_root`, with its proof.
 *
 * @throws {@link AstriaRollupNotInBlockError} when the rollup has no txs in the block.
 *
 * @example
 * ```ts
 * const { leaf, index, proof } = rollupLeafProof(block, rollupId);
 * ```
 */
export function rollupLeafProof(block: AstriaBlock, rollupId: string): RollupLeaf {
  const index = block.rollups.findIndex((r) => r.rollupId.toLowerCase() === rollupId.toLowerCase());
  if (index < 0) throw new AstriaRollupNotInBlockError(rollupId, block.header.height);
  return leafAt(block, index);
}

/**
 * The neighbours proving `rollupId` absent from `block` (evidence input of `proveRollupAbsent`): none
 * for a block without rollups, the first leaf, the last leaf, or the two adjacent leaves around it.
 *
 * @throws {@link AstriaRollupPresentError} when the rollup has txs in the block.
 *
 * @example
 * ```ts
 * const neighbours = absenceProof(block, otherRollupId); // leaves around where it would sit
 * ```
 */
export function absenceProof(block: AstriaBlock, rollupId: string): RollupLeaf[] {
  const id = rollupId.toLowerCase();
  if (block.rollups.some((r) => r.rollupId.toLowerCase() === id)) {
    throw new AstriaRollupPresentError(rollupId, block.header.height);
  }
  const above = block.rollups.findIndex((r) => r.rollupId.toLowerCase() > id);
  if (block.rollups.length === 0) return [];
  if (above === 0) return [leafAt(block, 0)];
  if (above < 0) return [leafAt(block, block.rollups.length - 1)];
  return [leafAt(block, above - 1), leafAt(block, above)];
}

/**
 * Tx `index` of `rollupId` in `block`, with its proof in the rollup's tx tree.
 *
 * @throws {@link AstriaIndexError} when the rollup has no such tx.
 *
 * @example
 * ```ts
 * const tx = astriaTxProof(block, rollupId, 0);
 * await slasher.proveCountMismatch(l2Height, entry, tx, treeSize);
 * ```
 */
export function astriaTxProof(block: AstriaBlock, rollupId: string, index: number): AstriaTx {
  const txs = rollupTxsOf(block, rollupId);
  if (!Number.isInteger(index) || index < 0 || index >= txs.length) {
    throw new AstriaIndexError("Astria tx", index, txs.length);
  }
  return { data: txs[index], index: BigInt(index), proof: inclusionProof(txs.map(leafHash), index) };
}
