// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAstriaSlasher} from "../interfaces/IAstriaSlasher.sol";
import {IFernetRollup} from "../interfaces/IFernetRollup.sol";
import {AstriaEvidenceLib} from "../libraries/AstriaEvidenceLib.sol";

/**
 * @title AstriaEvidenceHarness
 * @notice TEST ONLY. Exposes AstriaEvidenceLib so its checks can be tested without a rollup, a light
 *         client or a slasher. Each check either returns (the evidence holds) or reverts with the
 *         slasher's named error.
 */
contract AstriaEvidenceHarness {
    /// @notice AstriaEvidenceLib.isGap.
    function isGap(uint256 key, AstriaEvidenceLib.Neighbour[] memory around, bool listEmpty)
        external
        pure
        returns (bool)
    {
        return AstriaEvidenceLib.isGap(key, around, listEmpty);
    }

    /// @notice AstriaEvidenceLib.checkEntry.
    function checkEntry(uint256 l2Height, bytes32 root, uint256 count, IAstriaSlasher.EntryProof calldata proof)
        external
        pure
    {
        AstriaEvidenceLib.checkEntry(l2Height, root, count, proof);
    }

    /// @notice AstriaEvidenceLib.checkNoEntry.
    function checkNoEntry(
        uint256 l2Height,
        bytes32 root,
        uint256 count,
        uint64 astriaHeight,
        IAstriaSlasher.EntryProof[] calldata bracket
    ) external pure {
        AstriaEvidenceLib.checkNoEntry(l2Height, root, count, astriaHeight, bracket);
    }

    /// @notice AstriaEvidenceLib.checkPresent.
    function checkPresent(bytes32 root, bytes32 rollupId, uint64 astriaHeight, IAstriaSlasher.RollupLeaf calldata leaf)
        external
        pure
    {
        AstriaEvidenceLib.checkPresent(root, rollupId, astriaHeight, leaf);
    }

    /// @notice AstriaEvidenceLib.checkRollupAbsent.
    function checkRollupAbsent(
        bytes32 root,
        bytes32 rollupId,
        uint64 astriaHeight,
        IAstriaSlasher.RollupLeaf[] calldata neighbours
    ) external pure {
        AstriaEvidenceLib.checkRollupAbsent(root, rollupId, astriaHeight, neighbours);
    }

    /// @notice AstriaEvidenceLib.checkCountMismatch.
    function checkCountMismatch(
        IAstriaSlasher.Entry calldata e,
        IAstriaSlasher.AstriaTx calldata astriaTx,
        uint256 treeSize
    ) external pure {
        AstriaEvidenceLib.checkCountMismatch(e, astriaTx, treeSize);
    }

    /// @notice AstriaEvidenceLib.l2TxAt.
    function l2TxAt(uint256 l2Height, bytes32 won, uint256 position, IAstriaSlasher.L2Tx calldata l2Tx)
        external
        pure
        returns (bytes32)
    {
        return AstriaEvidenceLib.l2TxAt(l2Height, won, position, l2Tx);
    }

    /// @notice AstriaEvidenceLib.checkAbandoned.
    function checkAbandoned(uint256 l2Height, IFernetRollup.BlockRecord memory record) external pure {
        AstriaEvidenceLib.checkAbandoned(l2Height, record);
    }

    /// @notice AstriaEvidenceLib.checkRequired.
    function checkRequired(uint64 astriaHeight, uint64 astriaTime, uint256 margin, uint256 roundStart)
        external
        pure
    {
        AstriaEvidenceLib.checkRequired(astriaHeight, astriaTime, margin, roundStart);
    }
}
