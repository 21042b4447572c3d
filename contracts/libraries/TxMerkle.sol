// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/**
 * @title TxMerkle
 * @notice The protocol's keccak Merkle tree, as the rollup's `txsRoot` uses it (sdk/src/hashing.ts):
 *         ordered pairs `keccak256(left ‖ right)`, leaves zero-padded to the next power of two, no leaf
 *         or node prefix. Zero leaves give the zero root; one leaf is its own root.
 *
 * Because leaves and nodes are not domain-separated, a proof is only meaningful at the depth the tree
 * really has: a caller must know the leaf count and check the proof length against `depth(count)`
 * (`verify` does). At that depth the index is bound (each level consumes one bit of it), so nobody can
 * present an inner node as a leaf or a leaf at another position.
 */
library TxMerkle {
    /**
     * @notice The depth of a tree holding `count` leaves: the smallest `d` with `2^d >= count`.
     * @param count Number of leaves (zero and one both give depth zero).
     */
    function depth(uint256 count) internal pure returns (uint256 d) {
        uint256 width = 1;
        while (width < count) {
            width <<= 1;
            ++d;
        }
    }

    /**
     * @notice The root over `leaves` in order, zero-padded to the next power of two (zero for none).
     * @param leaves The ordered leaves (L2 tx hashes).
     */
    function rootOf(bytes32[] calldata leaves) internal pure returns (bytes32) {
        uint256 count = leaves.length;
        if (count == 0) {
            return bytes32(0);
        }
        uint256 width = 1 << depth(count);
        bytes32[] memory level = new bytes32[](width);
        for (uint256 i = 0; i < count; ++i) {
            level[i] = leaves[i];
        }
        while (width > 1) {
            width >>= 1;
            for (uint256 i = 0; i < width; ++i) {
                level[i] = Hashes.efficientKeccak256(level[2 * i], level[2 * i + 1]);
            }
        }
        return level[0];
    }

    /**
     * @notice Recomputes a root from `leaf`, its `index` and its sibling path (bottom-up).
     * @param leaf The leaf value.
     * @param index The leaf's position; bit `i` says whether the node at level `i` is a right child.
     * @param proof The siblings, from the leaf level up.
     */
    function rootFromProof(bytes32 leaf, uint256 index, bytes32[] calldata proof) internal pure returns (bytes32) {
        bytes32 node = leaf;
        uint256 position = index;
        for (uint256 i = 0; i < proof.length; ++i) {
            node = position & 1 == 0
                ? Hashes.efficientKeccak256(node, proof[i])
                : Hashes.efficientKeccak256(proof[i], node);
            position >>= 1;
        }
        return node;
    }

    /**
     * @notice Whether `leaf` sits at `index` of the tree of `count` leaves whose root is `root`.
     * @dev Checks `index < count` and `proof.length == depth(count)` before hashing.
     * @param root The tree root.
     * @param leaf The leaf value.
     * @param index The leaf's position.
     * @param count The number of (unpadded) leaves of the tree.
     * @param proof The siblings, from the leaf level up.
     */
    function verify(bytes32 root, bytes32 leaf, uint256 index, uint256 count, bytes32[] calldata proof)
        internal
        pure
        returns (bool)
    {
        if (index >= count || proof.length != depth(count)) {
            return false;
        }
        return rootFromProof(leaf, index, proof) == root;
    }

    /**
     * @notice The root of `leaves`, zero-padded to the next power of two. Overwrites `leaves`.
     * @param leaves The leaves, in order (used as scratch space).
     */
    function computeRoot(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 count = leaves.length;
        if (count == 0) {
            return bytes32(0);
        }
        uint256 levels = depth(count);
        // The root of an all-padding subtree at the current level: 0, keccak(0 ‖ 0), ...
        bytes32 padding = bytes32(0);
        // Each pass halves the level in place. Positions at or past `count` are padding subtrees,
        // so only the pairs that start inside `count` need hashing.
        for (uint256 level = 0; level < levels; ++level) {
            for (uint256 i = 0; i < count; i += 2) {
                bytes32 right = i + 1 < count ? leaves[i + 1] : padding;
                leaves[i / 2] = Hashes.efficientKeccak256(leaves[i], right);
            }
            padding = Hashes.efficientKeccak256(padding, padding);
            count = (count + 1) / 2;
        }
        return leaves[0];
    }
}
