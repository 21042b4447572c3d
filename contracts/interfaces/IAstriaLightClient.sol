// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IAstriaLightClient
 * @notice Which Astria sequencer-block headers are final, as seen from L1. This is everything the
 *         Astria slasher reads, so any light client can serve it: the shipped validator-signature client
 *         (`IAstriaValidatorLightClient`), or a zero-knowledge client proving CometBFT Ed25519 commits.
 * @dev An implementation must only report a header as final once the Astria chain finalized it, and
 *      must never report two different headers for one height.
 */
interface IAstriaLightClient {
    /**
     * @notice The parts of a final Astria header that the light client keeps. The header's `chain_id`
     *         is the client's own (`astriaChainId`).
     */
    struct FinalizedHeader {
        uint64 height;
        uint64 time; // Astria block time, unix seconds
        bytes20 proposerAddress; // CometBFT address of the block proposer
        bytes32 dataHash; // CometBFT `data_hash`: Merkle root of the block's transactions
        bytes32 rollupTransactionsRoot; // RFC 6962 root over `rollup_id ‖ root of that rollup's txs`
    }

    /// @notice The Astria chain id (CometBFT `chain_id`) this client follows.
    function astriaChainId() external view returns (string memory);

    /// @notice The highest Astria height with a final header here (0 before the first).
    function latestHeight() external view returns (uint64);

    /**
     * @notice The final header at `height`, if this client has it.
     * @param height An Astria height.
     * @return found Whether the header is known and final.
     * @return header The header (all zero when `found` is false).
     */
    function findHeader(uint64 height) external view returns (bool found, FinalizedHeader memory header);
}
