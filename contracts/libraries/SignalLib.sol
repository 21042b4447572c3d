// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFernetRollup} from "../interfaces/IFernetRollup.sol";

/**
 * @title SignalLib
 * @notice Upgrade signalling: a canonical happy-path block's `signal` counts once, in rounds of
 *         `roundSize` heights (height h is in round (h - 1) / roundSize); the first payload to reach
 *         `quorum` signals in a round passes. A quorum above half a round lets at most one pass.
 */
library SignalLib {
    /// @notice Signal counts per round and payload, and the payload each round passed.
    struct Signals {
        mapping(uint256 round => mapping(bytes32 payload => uint256)) counts;
        mapping(uint256 round => bytes32) passed;
    }

    /// @notice The signalling round of `height` (height >= 1).
    function roundOf(uint256 height, uint256 roundSize) internal pure returns (uint256) {
        return (height - 1) / roundSize;
    }

    /// @notice Counts `payload` for the happy-path block `height`; records it as passed at exactly `quorum`.
    function count(Signals storage s, uint256 height, bytes32 payload, uint256 roundSize, uint256 quorum) internal {
        uint256 round = roundOf(height, roundSize);
        uint256 n = ++s.counts[round][payload];
        emit IFernetRollup.Signalled(round, payload, height, n);
        if (n == quorum) {
            s.passed[round] = payload;
            emit IFernetRollup.PayloadPassed(round, payload, n);
        }
    }
}
