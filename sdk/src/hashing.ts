/**
 * The protocol's hashing, bit for bit as the contracts do it (FernetLib.sol, TxMerkle.sol):
 * block hashes, seeds, scores, proof public inputs, tx Merkle trees and mock proofs.
 *
 * @example
 * ```ts
 * const header = buildHeader({ height: 1n, parentArchive, archive, txHashes, data });
 * const hash = blockHash(header);
 * ```
 */
import { AbiCoder, concat, getBytes, keccak256, toBeHex, toUtf8Bytes, ZeroHash } from "ethers";
import { FernetError } from "./errors";
import { keccakF1600 } from "./keccak";
import { addressWord, bswap, digestToBigInt, requireHexAddress } from "./words";

const coder = AbiCoder.defaultAbiCoder();

/**
 * An L2 block header, as `IFernetRollup.Header`.
 *
 * @example
 * ```ts
 * const header: Header = buildHeader({ height: 1n, parentArchive, archive, txHashes, data });
 * await rollup.propose(header);
 * ```
 */
export interface Header {
  height: bigint;
  parentArchive: string;
  archive: string;
  txsRoot: string;
  txCount: bigint;
  dataHash: string;
  signal: string;
}

/**
 * ABI type of a header tuple.
 *
 * @example
 * ```ts
 * const encoded = AbiCoder.defaultAbiCoder().encode([HEADER_ABI_TYPE], [headerTuple(header)]);
 * ```
 */
export const HEADER_ABI_TYPE = "tuple(uint256,bytes32,bytes32,bytes32,uint256,bytes32,bytes32)";

/**
 * Header fields in ABI order.
 *
 * @example
 * ```ts
 * const [height, parentArchive] = headerTuple(header);
 * ```
 */
export function headerTuple(h: Header): [bigint, string, string, string, bigint, string, string] {
  return [h.height, h.parentArchive, h.archive, h.txsRoot, h.txCount, h.dataHash, h.signal];
}

/**
 * `keccak256(abi.encode(header))`.
 *
 * @example
 * ```ts
 * const hash = blockHash(header); // what BlockProposed reports and quotes sign
 * ```
 */
export function blockHash(header: Header): string {
  return keccak256(coder.encode([HEADER_ABI_TYPE], [headerTuple(header)]));
}

/**
 * `keccak256(abi.encode(randomness, height))`: the seed of `height` from the randomness of round
 * `height - lookahead` (or the genesis randomness), as `randomnessOf` returns it.
 *
 * @example
 * ```ts
 * const [value] = await rollup.randomnessOf(h - lookahead);
 * seedOf(value, h) === (await rollup.seed(h)); // true
 * ```
 */
export function seedOf(randomness: string, height: bigint): string {
  return keccak256(coder.encode(["bytes32", "uint256"], [randomness, height]));
}

/**
 * The randomness value the rollup stores for a raw 32-byte source (a block's RANDAO): its top 216 bits,
 * as a bytes32 (the low 40 bits of the stored word hold the time it became known).
 *
 * @example
 * ```ts
 * randomnessValue(block.mixHash); // what randomnessOf(round) returns for the block that took the snapshot
 * ```
 */
export function randomnessValue(raw: string): string {
  return toBeHex(BigInt(raw) >> 40n, 32);
}

/**
 * The genesis randomness (seeding heights 1..lookahead): the deployer's salt mixed with the deployment
 * block's RANDAO, the chain id and the rollup's address.
 *
 * @example
 * ```ts
 * genesisRandomness(config.genesisSeed, deployBlock.mixHash, chainId, rollupAddress);
 * ```
 */
export function genesisRandomness(salt: string, prevRandao: string, chainId: bigint, rollup: string): string {
  return randomnessValue(
    keccak256(coder.encode(["bytes32", "uint256", "uint256", "address"], [salt, prevRandao, chainId, rollup])),
  );
}

/**
 * `uint256(keccak256(abi.encode(seed, sequencer)))`: the score of `sequencer`; highest wins, bit for
 * bit as `FernetRollup.score`.
 *
 * @example
 * ```ts
 * scoreOf(await rollup.seed(h), key) === (await rollup.score(h, key)); // true
 * ```
 */
export function scoreOf(seed: string, sequencer: string): bigint {
  return scorer(seed)(sequencer);
}

/**
 * A scoring function for one seed: `scorer(seed)(key) === scoreOf(seed, key)`. Ranking 10,000 keys is
 * a hot path, so the seed's lanes are laid into a keccak state once, and each key's 40 hex digits are
 * parsed straight into the state's words (the 64-byte `abi.encode(seed, key)` is one keccak block),
 * permuted, and the digest read back as a bigint: no ABI coder, no byte arrays, no hex round trip of
 * the input.
 *
 * @example
 * ```ts
 * const score = scorer(state.seed);
 * const scores = keys.map(score);
 * ```
 */
export function scorer(seed: string): (sequencer: string) => bigint {
  const seedBytes = getBytes(seed);
  if (seedBytes.length !== 32) throw new FernetError(`Not a 32-byte seed: ${seed}.`, "Pass the bytes32 seed of a height (rollup.seed(h)).");
  // The padded block: seed in words 0-7 (little-endian), zeros in words 8-10 (the address's 12 zero
  // bytes), the key in words 11-15, the padding byte 0x01 at byte 64 and 0x80 at byte 135.
  const template = new Uint32Array(50);
  const view = new DataView(seedBytes.buffer, seedBytes.byteOffset, 32);
  for (let k = 0; k < 8; k++) template[k] = view.getUint32(4 * k, true);
  template[16] = 0x01;
  template[33] = 0x80000000;
  const s = new Uint32Array(50);
  return (sequencer) => {
    requireHexAddress(sequencer);
    s.set(template);
    s[11] = bswap(addressWord(sequencer, 0));
    s[12] = bswap(addressWord(sequencer, 1));
    s[13] = bswap(addressWord(sequencer, 2));
    s[14] = bswap(addressWord(sequencer, 3));
    s[15] = bswap(addressWord(sequencer, 4));
    keccakF1600(s);
    return digestToBigInt(s);
  };
}

/**
 * The public-inputs hash a proof must commit to (chain, rollup, height, archives, txs root and count, data, prover).
 *
 * @example
 * ```ts
 * const inputs = publicInputsHash(chainId, rollup.address, header, prover);
 * ```
 */
export function publicInputsHash(chainId: bigint, rollup: string, header: Header, prover: string): string {
  return keccak256(
    coder.encode(
      ["uint256", "address", "uint256", "bytes32", "bytes32", "bytes32", "uint256", "bytes32", "address"],
      [
        chainId,
        rollup,
        header.height,
        header.parentArchive,
        header.archive,
        header.txsRoot,
        header.txCount,
        header.dataHash,
        prover,
      ],
    ),
  );
}

/**
 * Domain tag of the NOT SOUND mock verifier (`MockProofVerifier.MOCK_PROOF_DOMAIN`).
 *
 * @example
 * ```ts
 * mockProof(inputs) === keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [MOCK_PROOF_DOMAIN, inputs])); // true
 * ```
 */
export const MOCK_PROOF_DOMAIN = keccak256(toUtf8Bytes("fernet.MockProofVerifier.v1"));

/**
 * The one proof the NOT SOUND `MockProofVerifier` accepts for `inputsHash`.
 *
 * @example
 * ```ts
 * await rollup.submitProof(header, mockProof(publicInputsHash(chainId, rollup.address, header, prover)));
 * ```
 */
export function mockProof(inputsHash: string): string {
  return keccak256(coder.encode(["bytes32", "bytes32"], [MOCK_PROOF_DOMAIN, inputsHash]));
}

/**
 * Hash of two ordered tree nodes: `keccak256(abi.encodePacked(left, right))`.
 *
 * @example
 * ```ts
 * const parent = hashPair(leftChild, rightChild);
 * ```
 */
export function hashPair(left: string, right: string): string {
  return keccak256(concat([left, right]));
}

/**
 * Thrown when a Merkle index is outside the tree.
 *
 * @example
 * ```ts
 * try { txProof(txHashes, 9); } catch (e) { if (e instanceof MerkleIndexError) console.log(e.index, e.size); }
 * ```
 */
export class MerkleIndexError extends FernetError {
  override name = "MerkleIndexError";
  constructor(
    readonly index: number,
    readonly size: number,
  ) {
    super(`Leaf index ${index} is outside a tree of ${size} leaves.`, "Ask for an index below the number of txs.");
  }
}

/** Leaves zero-padded to the next power of two (at least one leaf). */
function padded(leaves: readonly string[]): string[] {
  let size = 1;
  while (size < leaves.length) size *= 2;
  return [...leaves, ...Array<string>(size - leaves.length).fill(ZeroHash)];
}

/**
 * The txs root: keccak Merkle root of the ordered tx hashes, zero-padded to a power of two.
 * Zero txs give the zero hash; one tx gives its own hash.
 *
 * @example
 * ```ts
 * txsRoot([]) === ZeroHash; // true
 * const root = txsRoot(txHashes);
 * ```
 */
export function txsRoot(txHashes: readonly string[]): string {
  if (txHashes.length === 0) return ZeroHash;
  let level = padded(txHashes);
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hashPair(level[i], level[i + 1]));
    level = next;
  }
  return level[0];
}

/**
 * The sibling path (bottom-up) proving tx `index` against {@link txsRoot}.
 *
 * @example
 * ```ts
 * const proof = txProof(txHashes, 2);
 * rootFromProof(txHashes[2], 2, proof) === txsRoot(txHashes); // true
 * ```
 */
export function txProof(txHashes: readonly string[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= txHashes.length) {
    throw new MerkleIndexError(index, txHashes.length);
  }
  let level = padded(txHashes);
  let i = index;
  const proof: string[] = [];
  while (level.length > 1) {
    proof.push(level[i ^ 1]);
    const next: string[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(hashPair(level[j], level[j + 1]));
    level = next;
    i >>= 1;
  }
  return proof;
}

/**
 * Recomputes the root from a leaf, its index and its sibling path.
 *
 * @example
 * ```ts
 * const included = rootFromProof(txHash, index, proof) === header.txsRoot;
 * ```
 */
export function rootFromProof(leaf: string, index: number, proof: readonly string[]): string {
  let node = leaf;
  let i = index;
  for (const sibling of proof) {
    node = i % 2 === 0 ? hashPair(node, sibling) : hashPair(sibling, node);
    i >>= 1;
  }
  return node;
}

/**
 * Inputs to {@link buildHeader}.
 *
 * @example
 * ```ts
 * const input: HeaderInput = { height: 1n, parentArchive, archive, txHashes, data: encodeBlockData(txHashes) };
 * const header = buildHeader(input);
 * ```
 */
export interface HeaderInput {
  height: bigint;
  parentArchive: string;
  archive: string;
  txHashes: readonly string[];
  /** The block data revealed on L1 (hex string or bytes). */
  data: string | Uint8Array;
  signal?: string;
}

/**
 * Builds a header from its txs and data: computes txsRoot, txCount and dataHash.
 *
 * @example
 * ```ts
 * const data = encodeBlockData(txHashes);
 * const header = buildHeader({ height, parentArchive: await rollup.archive(), archive, txHashes, data });
 * ```
 */
export function buildHeader(input: HeaderInput): Header {
  return {
    height: input.height,
    parentArchive: input.parentArchive,
    archive: input.archive,
    txsRoot: txsRoot(input.txHashes),
    txCount: BigInt(input.txHashes.length),
    dataHash: keccak256(getBytes(input.data)),
    signal: input.signal ?? ZeroHash,
  };
}
