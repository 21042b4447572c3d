// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AstriaMerkle} from "../libraries/AstriaMerkle.sol";
import {TxMerkle} from "../libraries/TxMerkle.sol";

/**
 * @title MerkleHarness
 * @notice TEST ONLY. Exposes the AstriaMerkle and TxMerkle libraries so the tests can compare them with
 *         the TypeScript helpers on shared vectors.
 */
contract MerkleHarness {
    /// @notice AstriaMerkle.EMPTY_ROOT.
    function emptyRoot() external pure returns (bytes32) {
        return AstriaMerkle.EMPTY_ROOT;
    }

    /// @notice AstriaMerkle.leafHash.
    function leafHash(bytes calldata data) external pure returns (bytes32) {
        return AstriaMerkle.leafHash(data);
    }

    /// @notice AstriaMerkle.rollupLeafHash.
    function rollupLeafHash(bytes32 rollupId, bytes32 txsRoot) external pure returns (bytes32) {
        return AstriaMerkle.rollupLeafHash(rollupId, txsRoot);
    }

    /// @notice AstriaMerkle.nodeHash.
    function nodeHash(bytes32 left, bytes32 right) external pure returns (bytes32) {
        return AstriaMerkle.nodeHash(left, right);
    }

    /// @notice AstriaMerkle.verify.
    function verify(bytes32 root, bytes32 leaf, uint256 index, uint256 size, bytes32[] calldata proof)
        external
        pure
        returns (bool)
    {
        return AstriaMerkle.verify(root, leaf, index, size, proof);
    }

    /// @notice AstriaMerkle.isLeafOfShape.
    function isLeafOfShape(uint256 index, uint256 size, uint256 otherSize) external pure returns (bool) {
        return AstriaMerkle.isLeafOfShape(index, size, otherSize);
    }

    /// @notice AstriaMerkle.computeRoot.
    function astriaRoot(bytes32[] memory leaves) external pure returns (bytes32) {
        return AstriaMerkle.computeRoot(leaves);
    }

    /// @notice TxMerkle.depth.
    function txDepth(uint256 count) external pure returns (uint256) {
        return TxMerkle.depth(count);
    }

    /// @notice TxMerkle.verify.
    function txVerify(bytes32 root, bytes32 leaf, uint256 index, uint256 count, bytes32[] calldata proof)
        external
        pure
        returns (bool)
    {
        return TxMerkle.verify(root, leaf, index, count, proof);
    }

    /// @notice TxMerkle.computeRoot.
    function txRoot(bytes32[] memory leaves) external pure returns (bytes32) {
        return TxMerkle.computeRoot(leaves);
    }
}
