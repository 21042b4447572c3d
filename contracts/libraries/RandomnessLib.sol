// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title RandomnessLib
 * @notice The randomness behind the seeds, as the rollup stores it: one word per round,
 *         `value (216 bits) << 40 | knownAt (40 bits)`, zero until fixed.
 *
 * Round k's value is the RANDAO of the first L1 block in its snapshot slot
 * `[roundStart + proposalDuration, + SLOT)` that runs a round call; the slot is fixed when round k
 * starts, before anyone who chooses that start could know the slot's RANDAO. A RANDAO value is known
 * one slot before its block (to the proposer of the slot before), so `knownAt = block time - SLOT`.
 * If no call lands in the slot, the previous round's word carries over unchanged.
 */
library RandomnessLib {
    /// @notice One L1 slot, in seconds.
    uint256 internal constant SLOT = 12;

    /// @notice The stored word for the raw 32-byte source `raw` (its top 216 bits), known since `since`.
    function pack(bytes32 raw, uint256 since) internal pure returns (uint256) {
        return ((uint256(raw) >> 40) << 40) | uint40(since);
    }

    /// @notice The 216-bit value of a word, as the bytes32 that seeds are hashed from.
    function value(uint256 word) internal pure returns (bytes32) {
        return bytes32(word >> 40);
    }

    /// @notice When the value of a word became knowable.
    function knownAt(uint256 word) internal pure returns (uint256) {
        return uint40(word);
    }

    /// @notice The snapshot slot of a round starting at `roundStart`: `[start, end)`.
    function window(uint256 roundStart, uint256 proposalDuration) internal pure returns (uint256 start, uint256 end) {
        start = roundStart + proposalDuration;
        end = start + SLOT;
    }
}
