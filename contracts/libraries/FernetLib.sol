// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFernetRollup} from "../interfaces/IFernetRollup.sol";

/**
 * @title FernetLib
 * @notice The protocol's hashing and arithmetic, defined once: seeds, scores, block hashes, proof
 *         public inputs and the reward split. The TypeScript SDK mirrors each function bit for bit.
 */
library FernetLib {
    /// @notice Basis points in 100%.
    uint256 internal constant BPS = 10_000;

    /**
     * @notice `seed(h) = keccak256(abi.encode(randao, h))` where `randao` is the snapshot stored when
     *         block `h - lookahead` was finalized, or the genesis seed for `h <= lookahead`.
     */
    function seed(bytes32 randao, uint256 height) internal pure returns (bytes32) {
        return keccak256(abi.encode(randao, height));
    }

    /// @notice `score = uint256(keccak256(abi.encode(seed, sequencer)))`; the highest wins.
    function score(bytes32 seed_, address sequencer) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed_, sequencer)));
    }

    /// @notice `blockHash = keccak256(abi.encode(header))`.
    function blockHash(IFernetRollup.Header calldata header) internal pure returns (bytes32) {
        return keccak256(abi.encode(header));
    }

    /**
     * @notice The statement a proof commits to: chain, rollup, height, parent archive, archive, txs
     *         root, tx count, data hash and prover. Binding the prover stops a proof from being lifted
     *         into someone else's commitment; binding the tx count makes the circuit pin the depth of
     *         the txs tree, so Merkle proofs against `txsRoot` (e.g. Astria evidence) can't be dodged
     *         by a false count.
     */
    function publicInputsHash(IFernetRollup.Header calldata header, address rollup, address prover)
        internal
        view
        returns (bytes32)
    {
        return keccak256(
            abi.encode(
                block.chainid,
                rollup,
                header.height,
                header.parentArchive,
                header.archive,
                header.txsRoot,
                header.txCount,
                header.dataHash,
                prover
            )
        );
    }

    /**
     * @notice Splits `paid`: `submitterBps` to the submitter, `proverBps` of the rest to the prover,
     *         the remainder to the sequencer. Rounding favours the sequencer; the parts sum to `paid`.
     */
    function splitReward(uint256 paid, uint256 submitterBps, uint256 proverBps)
        internal
        pure
        returns (uint256 toSubmitter, uint256 toProver, uint256 toSequencer)
    {
        toSubmitter = (paid * submitterBps) / BPS;
        toProver = ((paid - toSubmitter) * proverBps) / BPS;
        toSequencer = paid - toSubmitter - toProver;
    }

    /// @notice `bps` of `amount`, rounded down.
    function share(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return (amount * bps) / BPS;
    }
}
