// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAstriaLightClient} from "./IAstriaLightClient.sol";

/**
 * @title IAstriaValidatorLightClient
 * @notice An Astria light client that accepts a sequencer-block header signed by validators holding
 *         more than 2/3 of the voting power, and a validator-set change signed the same way by the
 *         current set.
 *
 * STAND-IN KEYS: Astria validators sign with Ed25519 (CometBFT), which L1 cannot verify cheaply. Here
 * every validator is represented by an ECDSA (secp256k1) key that signs the 32-byte digests below
 * directly (no Ethereum message prefix). The trust assumption is the same as CometBFT's: more than 2/3
 * of the voting power of each set is honest. A zero-knowledge client proving the real Ed25519 commits
 * can replace this one behind `IAstriaLightClient` without any change to the slasher.
 *
 * Digests (`keccak256(abi.encode(...))`, chain-agnostic on the L1 side, like a CometBFT vote):
 *   header:        (HEADER_TAG, keccak256(chainId), setId, height, time, dataHash, proposerAddress,
 *                   rollupTransactionsRoot)
 *   set change:    (VALIDATOR_SET_TAG, keccak256(chainId), newSetId, activeFromHeight,
 *                   keccak256(abi.encode(newValidators)))
 * A header digest names the id of the set that signs it (as a CometBFT header names its validators'
 * hash), so a header is accepted only under that set: when the next set shares more than 2/3 of the
 * current set's power, a header it signs after the hand-over still cannot pass for a current-set header
 * (and raise `latestHeight` above the hand-over's first height before the hand-over is relayed).
 * A validator set is identified by `keccak256(abi.encode(validators))`; validators are sorted by
 * strictly ascending signer address (so no key counts twice) and each has non-zero power.
 *
 * Sets and their heights: set 0 (genesis) signs from the client's `firstHeight()`; each hand-over, signed
 * by the current set, names the next set's first height, which ends the current set's range. Every set
 * keeps its range `[activeFrom, activeUntil)` for ever (the current set's is open: `activeUntil` is
 * `type(uint64).max`), so a header final under its set can be relayed after any later hand-over.
 */
interface IAstriaValidatorLightClient is IAstriaLightClient {
    /// @notice One validator: its stand-in signing key and its voting power.
    struct Validator {
        address signer;
        uint64 votingPower;
    }

    /// @notice A signature by the validator at position `index` of the signing set.
    struct ValidatorSignature {
        uint256 index;
        bytes signature;
    }

    /// @notice A full Astria sequencer-block header, as submitted.
    struct AstriaHeader {
        string chainId;
        uint64 height;
        uint64 time;
        bytes32 dataHash;
        bytes20 proposerAddress;
        bytes32 rollupTransactionsRoot;
    }

    // ------------------------------------------------------------------ events

    /// @notice The header at `height` is final: signed by `signedPower` of `totalPower` of set `setId`.
    event HeaderFinalized(
        uint64 indexed height,
        uint64 setId,
        uint64 time,
        bytes32 rollupTransactionsRoot,
        bytes32 dataHash,
        bytes20 proposerAddress,
        uint256 signedPower,
        uint256 totalPower
    );

    /// @notice Validator set `setId` signs headers from Astria height `activeFromHeight` on.
    event ValidatorSetUpdated(
        uint64 indexed setId, uint64 activeFromHeight, bytes32 setHash, uint256 totalPower, Validator[] validators
    );

    // ------------------------------------------------------------------ errors

    /// @notice The configured chain id is empty.
    error AstriaLightClient__EmptyChainId();
    /// @notice A validator set has no validators.
    error AstriaLightClient__EmptyValidatorSet();
    /// @notice Validator `index` of a new set has a zero signer or zero voting power.
    error AstriaLightClient__InvalidValidator(uint256 index, address signer, uint64 votingPower);
    /// @notice Validators of a new set are not sorted by strictly ascending signer (`index` is out of order).
    error AstriaLightClient__ValidatorsNotSorted(uint256 index, address previous, address signer);
    /// @notice The validator set given does not hash to the current one.
    error AstriaLightClient__ValidatorSetMismatch(bytes32 expected, bytes32 actual);
    /// @notice The header is for another Astria chain.
    error AstriaLightClient__WrongChainId(string expected, string actual);
    /// @notice Height zero is not an Astria height.
    error AstriaLightClient__ZeroHeight();
    /// @notice Validator set `setId` does not exist (yet): the latest is `latestSetId`.
    error AstriaLightClient__UnknownValidatorSet(uint64 setId, uint64 latestSetId);
    /// @notice `height` is outside the range `[activeFrom, activeUntil)` that set `setId` signs.
    error AstriaLightClient__HeightOutsideSet(uint64 height, uint64 setId, uint64 activeFrom, uint64 activeUntil);
    /// @notice A header for `height` is already final (a second one, equal or not, is refused).
    error AstriaLightClient__HeaderAlreadyFinalized(uint64 height);
    /// @notice A new set must start above every height already final here and above the current set's start.
    error AstriaLightClient__InvalidActiveFromHeight(uint64 activeFromHeight, uint64 minimum);
    /// @notice Signature positions must be strictly ascending (`index` follows `previous`).
    error AstriaLightClient__SignersNotAscending(uint256 previous, uint256 index);
    /// @notice Signature position `index` is outside a set of `size` validators.
    error AstriaLightClient__SignerIndexOutOfRange(uint256 index, uint256 size);
    /// @notice The signature at position `index` recovers to `recovered`, not to the validator `expected`.
    error AstriaLightClient__InvalidSignature(uint256 index, address recovered, address expected);
    /// @notice The signatures hold `signedPower` of `totalPower`: not more than 2/3.
    error AstriaLightClient__InsufficientVotingPower(uint256 signedPower, uint256 totalPower);
    /// @notice No final header is known at `height`.
    error AstriaLightClient__UnknownHeight(uint64 height);

    // ------------------------------------------------------------------ actions

    /**
     * @notice Accepts `header` as final when validators of set `setId` holding more than 2/3 of its voting
     *         power signed its digest (which names `setId`). Anyone may relay it, in any order, and a
     *         header of an earlier set at any time after later hand-overs.
     * @param header The Astria header; `height` must lie in set `setId`'s range and not be final yet.
     * @param setId The set that signed it (0 for the genesis set); it must exist here.
     * @param validators That set (must hash to its stored hash).
     * @param signatures Signatures of the header digest, by strictly ascending validator position.
     */
    function submitHeader(
        AstriaHeader calldata header,
        uint64 setId,
        Validator[] calldata validators,
        ValidatorSignature[] calldata signatures
    ) external;

    /**
     * @notice Hands over to the next validator set, when more than 2/3 of the current set's voting power
     *         signed the change. The current set's range ends at `activeFromHeight`; its headers below it
     *         stay relayable. Headers signed by the next set (naming its id) are accepted only from here on.
     * @param validators The current validator set (must hash to its stored hash).
     * @param newValidators The next set, sorted by strictly ascending signer, non-zero powers.
     * @param activeFromHeight The first Astria height the next set signs; above `latestHeight()` and
     *        above the current set's `activeFromHeight`.
     * @param signatures Signatures of the set-change digest by the current set.
     */
    function updateValidatorSet(
        Validator[] calldata validators,
        Validator[] calldata newValidators,
        uint64 activeFromHeight,
        ValidatorSignature[] calldata signatures
    ) external;

    // ------------------------------------------------------------------ views

    /// @notice The final header at `height`; reverts with `AstriaLightClient__UnknownHeight` if unknown.
    function getHeader(uint64 height) external view returns (FinalizedHeader memory);
    /// @notice Id (0 for the genesis set, then +1 per change), hash and first height of the current set.
    function currentValidatorSet() external view returns (uint64 setId, bytes32 setHash, uint64 activeFromHeight);
    /**
     * @notice Hash and height range `[activeFrom, activeUntil)` of set `setId` (`activeUntil` is
     *         `type(uint64).max` while it is current); reverts with `AstriaLightClient__UnknownValidatorSet`
     *         for a set that does not exist.
     */
    function validatorSetAt(uint64 setId)
        external
        view
        returns (bytes32 setHash, uint64 activeFrom, uint64 activeUntil);
    /// @notice The digest the validators of set `setId` sign for `header`.
    function headerDigest(AstriaHeader calldata header, uint64 setId) external view returns (bytes32);
    /// @notice The digest the current set signs to hand over to `newValidators` from `activeFromHeight`.
    function validatorSetUpdateDigest(Validator[] calldata newValidators, uint64 activeFromHeight)
        external
        view
        returns (bytes32);
    /// @notice `keccak256(abi.encode(validators))`: how a set is identified.
    function hashValidatorSet(Validator[] calldata validators) external pure returns (bytes32);
}
