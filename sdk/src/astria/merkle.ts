/**
 * RFC 6962 Merkle trees over SHA-256, as Astria builds them (`astria-merkle`) and as
 * `contracts/libraries/AstriaMerkle.sol` verifies them: leaf `SHA-256(0x00 ‖ data)`, node
 * `SHA-256(0x01 ‖ left ‖ right)`, empty tree `SHA-256("")`, `n > 1` leaves split at the largest power of
 * two below `n`.
 *
 * @example
 * ```ts
 * const leaves = txs.map(leafHash);
 * const root = merkleRoot(leaves);
 * const proof = inclusionProof(leaves, 2);
 * verifyInclusion(root, leaves[2], 2, leaves.length, proof); // true
 * ```
 */
import { concat, getBytes, sha256, type BytesLike } from "ethers";
import { AstriaIndexError } from "./errors";

/**
 * `SHA-256("")`: the root of a tree without leaves.
 *
 * @example
 * ```ts
 * merkleRoot([]) === EMPTY_ROOT; // true
 * ```
 */
export const EMPTY_ROOT = sha256(new Uint8Array(0));

const LEAF_PREFIX = "0x00";
const NODE_PREFIX = "0x01";

/**
 * The hash of a leaf holding `data`: `SHA-256(0x00 ‖ data)`.
 *
 * @example
 * ```ts
 * const leaf = leafHash("0x1234"); // sha256(0x00 || data)
 * ```
 */
export function leafHash(data: BytesLike): string {
  return sha256(concat([LEAF_PREFIX, getBytes(data)]));
}

/**
 * An inner node: `SHA-256(0x01 ‖ left ‖ right)`.
 *
 * @example
 * ```ts
 * const parent = nodeHash(leafHash(a), leafHash(b)); // sha256(0x01 || left || right)
 * ```
 */
export function nodeHash(left: string, right: string): string {
  return sha256(concat([NODE_PREFIX, left, right]));
}

/** The largest power of two strictly below `n` (`n > 1`). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The Merkle tree hash of the given leaf hashes (RFC 6962 `MTH`).
 *
 * @example
 * ```ts
 * merkleRoot([]) === EMPTY_ROOT;
 * ```
 */
export function merkleRoot(leafHashes: readonly string[]): string {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  if (leafHashes.length === 1) return leafHashes[0];
  const k = split(leafHashes.length);
  return nodeHash(merkleRoot(leafHashes.slice(0, k)), merkleRoot(leafHashes.slice(k)));
}

/**
 * The audit path of leaf `index` (RFC 6962 `PATH`), from the leaf level up.
 *
 * @example
 * ```ts
 * const proof = inclusionProof(leaves, 0);
 * ```
 * @throws {@link AstriaIndexError} when `index` is outside the tree.
 */
export function inclusionProof(leafHashes: readonly string[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new AstriaIndexError("Leaf", index, leafHashes.length);
  }
  if (leafHashes.length === 1) return [];
  const k = split(leafHashes.length);
  return index < k
    ? [...inclusionProof(leafHashes.slice(0, k), index), merkleRoot(leafHashes.slice(k))]
    : [...inclusionProof(leafHashes.slice(k), index - k), merkleRoot(leafHashes.slice(0, k))];
}

/**
 * Whether `leaf` is leaf `index` of a tree of `size` leaves with root `root` (RFC 9162 2.1.3.2), exactly
 * as `AstriaMerkle.verify` decides it.
 *
 * @example
 * ```ts
 * verifyInclusion(root, leafHash(tx), 1, 3, proof);
 * ```
 */
export function verifyInclusion(root: string, leaf: string, index: number, size: number, proof: readonly string[]): boolean {
  if (index >= size) return false;
  let position = BigInt(index);
  let last = BigInt(size - 1);
  let node = leaf;
  for (const sibling of proof) {
    if (last === 0n) return false;
    if (position % 2n === 1n || position === last) {
      node = nodeHash(sibling, node);
      while (position % 2n === 0n && position !== 0n) {
        position >>= 1n;
        last >>= 1n;
      }
    } else {
      node = nodeHash(node, sibling);
    }
    position >>= 1n;
    last >>= 1n;
  }
  return last === 0n && node.toLowerCase() === root.toLowerCase();
}

/**
 * Whether the path of leaf `index` in a tree of `size` leaves ends at a leaf in a tree of `otherSize`
 * leaves too (as `AstriaMerkle.isLeafOfShape`). For two different sizes some leaf always disagrees:
 * {@link shapeWitness} finds one.
 *
 * @example
 * ```ts
 * isLeafOfShape(4, 5, 8); // whether leaf 4 of a 5-leaf tree has the proof shape of one in an 8-leaf tree
 * ```
 */
export function isLeafOfShape(index: number, size: number, otherSize: number): boolean {
  if (index >= size || otherSize === 0) return false;
  let position = index;
  let width = size;
  let otherWidth = otherSize;
  while (width > 1) {
    if (otherWidth === 1) return false;
    const k = split(width);
    const otherK = split(otherWidth);
    if (position < k) {
      width = k;
      otherWidth = otherK;
    } else {
      position -= k;
      width -= k;
      otherWidth -= otherK;
    }
  }
  return otherWidth === 1;
}

/**
 * The first leaf of a tree of `size` leaves that does not sit at a leaf of a tree of `claimedSize`
 * leaves, or `undefined` when the sizes are equal: the witness for a count-mismatch evidence.
 *
 * @example
 * ```ts
 * const index = shapeWitness(3, 2); // 0: in a tree of 2, position 0 is a leaf one level higher
 * ```
 */
export function shapeWitness(size: number, claimedSize: number): number | undefined {
  for (let i = 0; i < size; i++) {
    if (!isLeafOfShape(i, size, claimedSize)) return i;
  }
  return undefined;
}
