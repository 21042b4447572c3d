// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAstriaSlasher} from "../interfaces/IAstriaSlasher.sol";
import {TxMerkle} from "./TxMerkle.sol";

/**
 * @title AstriaBindingLib
 * @notice The Astria slasher's rules that need no chain state: binding and entry hashing (EIP-712 struct
 *         hashes), the entries root, the range and shape a posted binding must have, and when a
 *         commitment is in force. The TypeScript SDK mirrors the hashing (sdk/src/astria/binding.ts).
 */
library AstriaBindingLib {
    /// @notice EIP-712 type of an entry.
    bytes32 internal constant ENTRY_TYPEHASH =
        keccak256("Entry(uint64 astriaHeight,bytes32 rollupTxsRoot,uint32 txCount,uint32 offset)");
    /// @notice EIP-712 type of a binding.
    bytes32 internal constant BINDING_TYPEHASH = keccak256(
        abi.encodePacked(
            "Binding(uint256 l2Height,bytes32 blockHash,uint64 astriaStart,uint64 astriaEnd,",
            "uint32 entryCount,bytes32 entriesRoot)"
        )
    );

    /// @notice The EIP-712 struct hash of `entry`: a leaf of `entriesRoot`.
    function entryHash(IAstriaSlasher.Entry calldata entry) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(ENTRY_TYPEHASH, entry.astriaHeight, entry.rollupTxsRoot, entry.txCount, entry.offset)
        );
    }

    /// @notice The EIP-712 struct hash of `binding`.
    function bindingHash(IAstriaSlasher.Binding calldata binding) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                BINDING_TYPEHASH,
                binding.l2Height,
                binding.blockHash,
                binding.astriaStart,
                binding.astriaEnd,
                binding.entryCount,
                binding.entriesRoot
            )
        );
    }

    /// @notice TxMerkle root over the entries' struct hashes (zero for no entries).
    function entriesRoot(IAstriaSlasher.Entry[] calldata entries) internal pure returns (bytes32) {
        bytes32[] memory leaves = new bytes32[](entries.length);
        for (uint256 i = 0; i < entries.length; ++i) {
            leaves[i] = entryHash(entries[i]);
        }
        return TxMerkle.computeRoot(leaves);
    }

    /**
     * @notice Reverts unless the range of `binding` may be posted (rule b): it starts at the cursor
     *         `expectedStart`, does not end before it starts, and ends no later than one past
     *         `latestFinalHeight`, the light client's latest final Astria height. An empty range at the
     *         cursor consumes nothing and always passes, even while the light client is behind the cursor.
     *         So the cursor, which moves to the end of a range, can neither go back nor pass what Astria
     *         has finalized.
     * @param binding The binding.
     * @param expectedStart The cursor.
     * @param latestFinalHeight The light client's latest final Astria height.
     */
    function checkRange(IAstriaSlasher.Binding calldata binding, uint64 expectedStart, uint64 latestFinalHeight)
        internal
        pure
    {
        if (binding.astriaStart != expectedStart) {
            revert IAstriaSlasher.Astria__WrongAstriaStart(expectedStart, binding.astriaStart);
        }
        if (binding.astriaEnd < binding.astriaStart) {
            revert IAstriaSlasher.Astria__InvalidRange(binding.astriaStart, binding.astriaEnd);
        }
        // Computed in 256 bits: `latestFinalHeight + 1` must not overflow 64.
        if (binding.astriaEnd != binding.astriaStart && binding.astriaEnd > uint256(latestFinalHeight) + 1) {
            revert IAstriaSlasher.Astria__RangeNotFinal(binding.astriaEnd, latestFinalHeight);
        }
    }

    /**
     * @notice Reverts unless `entries` is the well-formed entry list of `binding`: `entryCount` entries
     *         at strictly ascending heights inside the range, each with txs, offsets adding up from zero,
     *         hashing to `entriesRoot`. Whether the entries are true to Astria is left to evidence.
     * @param binding The binding (its range already checked by {checkRange}).
     * @param entries Its entries.
     */
    function checkEntries(IAstriaSlasher.Binding calldata binding, IAstriaSlasher.Entry[] calldata entries)
        internal
        pure
    {
        if (entries.length != binding.entryCount) {
            revert IAstriaSlasher.Astria__EntryCountMismatch(binding.entryCount, entries.length);
        }
        uint256 offset = 0;
        // The lowest height the next entry may have: the range's start, then one past the previous entry.
        uint256 lowest = binding.astriaStart;
        uint64 end = binding.astriaEnd;
        for (uint256 k = 0; k < entries.length; ++k) {
            IAstriaSlasher.Entry calldata entry = entries[k];
            uint64 height = entry.astriaHeight;
            if (height < lowest || height >= end) {
                revert IAstriaSlasher.Astria__EntryOutOfOrder(k, height);
            }
            lowest = uint256(height) + 1;
            if (entry.txCount == 0) {
                revert IAstriaSlasher.Astria__EmptyEntry(k);
            }
            if (entry.offset != offset) {
                revert IAstriaSlasher.Astria__OffsetMismatch(k, offset, entry.offset);
            }
            offset += entry.txCount;
        }
        bytes32 root = entriesRoot(entries);
        if (root != binding.entriesRoot) {
            revert IAstriaSlasher.Astria__EntriesRootMismatch(binding.entriesRoot, root);
        }
    }

    /**
     * @notice Whether a commitment binds `l2Height`.
     * @param amount The bond left (nothing binds a zero bond).
     * @param effectiveFrom When the opt-in took effect (0: never opted in).
     * @param unbondRequestedAt When unbonding was requested (0: not unbonding).
     * @param lockedThroughHeight The last height an unbonding commitment still binds.
     * @param l2Height The height asked about.
     * @param seedKnownAt When the height's seed (and so its leader) became known; 0 if not yet, in which
     *        case `currentTime` stands in for it.
     * @param currentTime The current time.
     */
    function isInForce(
        uint256 amount,
        uint256 effectiveFrom,
        uint256 unbondRequestedAt,
        uint256 lockedThroughHeight,
        uint256 l2Height,
        uint256 seedKnownAt,
        uint256 currentTime
    ) internal pure returns (bool) {
        if (amount == 0) {
            return false;
        }
        uint256 leaderKnownAt = seedKnownAt == 0 ? currentTime : seedKnownAt;
        if (effectiveFrom > leaderKnownAt) {
            return false;
        }
        return unbondRequestedAt == 0 || l2Height <= lockedThroughHeight;
    }
}
