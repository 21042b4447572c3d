// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title AstriaMerkle
 * @notice Astria's Merkle layout (the `sequencer-inclusion-proofs` spec), mirrored for on-chain evidence.
 *
 * Trees are RFC 6962 Merkle tree hashes over SHA-256:
 *   - the hash of the empty tree is `SHA-256("")`;
 *   - a leaf hashes as `SHA-256(0x00 ‖ leaf bytes)`, an inner node as `SHA-256(0x01 ‖ left ‖ right)`;
 *   - `n > 1` leaves split at `k`, the largest power of two below `n`: the first `k` leaves go left.
 * An Astria sequencer block commits to its rollup data with two such trees:
 *   - per rollup, the tree over that rollup's transactions (each leaf is the raw bytes of one rollup tx);
 *   - `rollup_transactions_root`, the tree over one leaf per rollup present in the block, sorted by
 *     ascending rollup id, each leaf the 64 bytes `rollup_id ‖ root of that rollup's tx tree`.
 *
 * Domain separation (the 0x00/0x01 prefixes) means a leaf can never pass for an inner node. A verified
 * proof for a claimed `(index, size)` therefore shows a real leaf at the path that `(index, size)`
 * describes; when `size` is the tree's real size, that path is exactly leaf `index`. Two proofs for
 * `(i, n)` and `(i + 1, n)` show two leaves that are adjacent in the real tree, and `(0, n)` and
 * `(n - 1, n)` the first and the last leaf, whatever `n` was claimed: the basis of non-membership proofs
 * in the sorted rollup tree.
 */
library AstriaMerkle {
    /// @notice `SHA-256("")`: the root of a tree without leaves.
    bytes32 internal constant EMPTY_ROOT = 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855;
    /// @notice Prefix of a leaf preimage.
    bytes1 internal constant LEAF_PREFIX = 0x00;
    /// @notice Prefix of an inner-node preimage.
    bytes1 internal constant NODE_PREFIX = 0x01;

    /// @notice The hash of a leaf holding `data`: `SHA-256(0x00 ‖ data)`.
    function leafHash(bytes calldata data) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(LEAF_PREFIX, data));
    }

    /// @notice The leaf of `rollupId` in `rollup_transactions_root`: `SHA-256(0x00 ‖ rollupId ‖ txsRoot)`.
    function rollupLeafHash(bytes32 rollupId, bytes32 txsRoot) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(LEAF_PREFIX, rollupId, txsRoot));
    }

    /// @notice An inner node: `SHA-256(0x01 ‖ left ‖ right)`.
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(NODE_PREFIX, left, right));
    }

    /**
     * @notice Whether `leaf` (a leaf hash) is leaf `index` of a tree of `size` leaves with root `root`
     *         (RFC 9162, section 2.1.3.2).
     * @param root The tree root.
     * @param leaf The leaf hash.
     * @param index The claimed leaf index.
     * @param size The claimed number of leaves.
     * @param proof The audit path, from the leaf level up.
     */
    function verify(bytes32 root, bytes32 leaf, uint256 index, uint256 size, bytes32[] calldata proof)
        internal
        pure
        returns (bool)
    {
        if (index >= size) {
            return false;
        }
        // `position` walks the leaf's index up the tree and `last` the index of the last node per level.
        uint256 position = index;
        uint256 last = size - 1;
        bytes32 node = leaf;
        for (uint256 i = 0; i < proof.length; ++i) {
            if (last == 0) {
                return false; // the path is longer than the tree is deep
            }
            if (position & 1 == 1 || position == last) {
                node = nodeHash(proof[i], node);
                // A last node without a right sibling is carried up unchanged until it is a right child.
                while (position & 1 == 0 && position != 0) {
                    position >>= 1;
                    last >>= 1;
                }
            } else {
                node = nodeHash(node, proof[i]);
            }
            position >>= 1;
            last >>= 1;
        }
        return last == 0 && node == root;
    }

    /**
     * @notice Whether the path of leaf `index` in a tree of `size` leaves ends at a leaf in a tree of
     *         `otherSize` leaves too. Two trees of different sizes always disagree somewhere: some leaf
     *         of one sits where the other has an inner node or a leaf at another depth.
     * @param index A leaf index of the first tree.
     * @param size The first tree's number of leaves.
     * @param otherSize The second tree's number of leaves.
     */
    function isLeafOfShape(uint256 index, uint256 size, uint256 otherSize) internal pure returns (bool) {
        if (index >= size || otherSize == 0) {
            return false;
        }
        uint256 position = index;
        uint256 width = size;
        uint256 otherWidth = otherSize;
        while (width > 1) {
            if (otherWidth == 1) {
                return false; // the other tree ends in a leaf above this one's
            }
            uint256 split = _split(width);
            uint256 otherSplit = _split(otherWidth);
            if (position < split) {
                width = split;
                otherWidth = otherSplit;
            } else {
                position -= split;
                width -= split;
                otherWidth -= otherSplit;
            }
        }
        return otherWidth == 1;
    }

    /**
     * @notice The RFC 6962 root of the given leaf hashes. Carrying a level's last, unpaired node up
     *         unchanged is the same as splitting at the largest power of two below the size.
     *         Overwrites `leaves`.
     * @param leaves Leaf hashes, in order (used as scratch space).
     */
    function computeRoot(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 count = leaves.length;
        if (count == 0) {
            return EMPTY_ROOT;
        }
        while (count > 1) {
            uint256 next = 0;
            for (uint256 i = 0; i < count; i += 2) {
                leaves[next] = i + 1 < count ? nodeHash(leaves[i], leaves[i + 1]) : leaves[i];
                ++next;
            }
            count = next;
        }
        return leaves[0];
    }

    /// @dev The largest power of two strictly below `width` (`width > 1`).
    function _split(uint256 width) private pure returns (uint256 split) {
        split = 1;
        while (split << 1 < width) {
            split <<= 1;
        }
    }
}
