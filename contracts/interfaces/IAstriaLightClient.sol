// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IAstriaLightClient
 * @notice Which Astria sequencer-block headers are final, as seen from L1. This is everything the
 *         Astria slasher reads, so any light client can serve it: the shipped validator-signature client
 *         (`IAstriaValidatorLightClient`), or a zero-knowledge client proving CometBFT Ed25519 commits.
 * @dev An implementation must only report a header as final once the Astria chain finalized it, must
 *      never report two different headers for one height, and must accept the header of every height from
 *      `firstHeight()` up to the chain's final tip, in any order and at any later time.
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

    /**
     * @notice The highest Astria height with a final header here (0 before the first). Headers may be
     *         relayed in any order, so heights below it may lack a header here; every such height from
     *         `firstHeight()` on is final on Astria (a chain finalizes its heights in order) and must stay
     *         relayable for ever, so evidence about it can always be completed by relaying its header first.
     */
    function latestHeight() external view returns (uint64);

    /// @notice The first Astria height this client follows: no header below it can ever be final here.
    function firstHeight() external view returns (uint64);

    /**
     * @notice The final header at `height`, if this client has it.
     * @param height An Astria height.
     * @return found Whether the header is known and final.
     * @return header The header (all zero when `found` is false).
     */
    function findHeader(uint64 height) external view returns (bool found, FinalizedHeader memory header);
}
