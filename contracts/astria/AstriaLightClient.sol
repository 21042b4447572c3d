// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IAstriaLightClient} from "../interfaces/IAstriaLightClient.sol";
import {IAstriaValidatorLightClient} from "../interfaces/IAstriaValidatorLightClient.sol";

/**
 * @title AstriaLightClient
 * @notice Follows one Astria chain by validator signatures: a header is final when validators holding
 *         more than 2/3 of the current set's voting power signed it; the set changes only when more than
 *         2/3 of the current set signed the change.
 *
 * STAND-IN KEYS: Astria (CometBFT) validators sign with Ed25519; here each validator is an ECDSA key
 * (see IAstriaValidatorLightClient). Same 2/3 trust assumption, different curve. A zero-knowledge light
 * client can replace this contract behind IAstriaLightClient.
 *
 * Roles: anyone relays headers and set changes; only signatures decide.
 * Flows:
 *   submitHeader(header, setId, set, sigs)            height in set setId's range, not final yet
 *   updateValidatorSet(set, next, fromHeight, sigs)   fromHeight > latestHeight and > current set's start
 * Every set is stored as a hash (32 bytes) with its height range and given in full with each call, so a
 * call costs the same storage whatever the set size; `ValidatorSetUpdated` publishes each set for relayers.
 *
 * Set ranges: set 0 signs `[firstHeight, first hand-over)`, set k `[its activeFrom, next set's activeFrom)`,
 * the current set from its first height on. A header's digest names its set, so it is accepted only under
 * the set that signed it and only inside that set's range, whenever it is relayed: a hand-over relayed
 * before an old set's last headers does not make them unprovable, and a header signed after a hand-over
 * (by a next set that shares more than 2/3 of the current set's power) cannot raise `latestHeight` past
 * the hand-over's first height before the hand-over is relayed, so no relay order blocks a valid hand-over.
 *
 * Latest height and gaps: headers arrive in any order, so heights below `latestHeight` may lack a header.
 * Each such height from `firstHeight` on is final on Astria and lies in the range of a set stored here, so
 * its header stays relayable for ever (see IAstriaLightClient.latestHeight).
 *
 * Invariants: at most one header per height, never overwritten; set ids and first heights only grow; set
 * ranges are disjoint, ascending and together cover every height from `firstHeight` on; every accepted
 * header carries more than 2/3 of the voting power of the set it names, inside that set's range, and every
 * set change more than 2/3 of the set that was current when it was accepted.
 */
contract AstriaLightClient is IAstriaValidatorLightClient {
    /// @notice Domain tag of a header digest (v2: the digest names the signing set).
    bytes32 public constant HEADER_TAG = keccak256("astria.lightclient.SequencerBlockHeader.v2");
    /// @notice Domain tag of a validator-set change digest.
    bytes32 public constant VALIDATOR_SET_TAG = keccak256("astria.lightclient.ValidatorSetUpdate.v1");
    /// @notice A quorum holds more than QUORUM_NUMERATOR / QUORUM_DENOMINATOR of the voting power.
    uint256 public constant QUORUM_NUMERATOR = 2;
    /// @notice See QUORUM_NUMERATOR.
    uint256 public constant QUORUM_DENOMINATOR = 3;

    /**
     * @dev A final header (its height is the mapping key), three slots.
     *      slot 0: time (64) | proposerAddress (160) | known (8)
     *      slot 1: dataHash   slot 2: rollupTransactionsRoot
     */
    struct StoredHeader {
        uint64 time;
        bytes20 proposerAddress;
        bool known;
        bytes32 dataHash;
        bytes32 rollupTransactionsRoot;
    }

    /**
     * @dev A validator set: slot 0: setHash   slot 1: activeFrom (64) | activeUntil (64)
     *      `activeUntil` is exclusive, `type(uint64).max` while the set is current.
     */
    struct StoredSet {
        bytes32 setHash;
        uint64 activeFrom;
        uint64 activeUntil;
    }

    /// @notice `activeUntil` of the current set: its range is open.
    uint64 public constant OPEN_RANGE = type(uint64).max;

    string private _chainId;
    bytes32 private immutable _chainIdHash;

    /// @dev slot: current setId (64) | latestHeight (64) | firstHeight (64). The first height is never
    ///      zero, so relaying a header never writes this slot from zero (2,900 gas rather than 20,000).
    uint64 private _setId;
    uint64 private _latestHeight;
    uint64 private _firstHeight;

    mapping(uint64 setId => StoredSet) private _sets;
    mapping(uint64 height => StoredHeader) private _headers;

    /**
     * @param chainId_ The Astria chain id (CometBFT `chain_id`) to follow.
     * @param validators The genesis validator set, sorted by strictly ascending signer.
     * @param activeFromHeight The first Astria height the genesis set signs (at least 1).
     */
    constructor(string memory chainId_, Validator[] memory validators, uint64 activeFromHeight) {
        if (bytes(chainId_).length == 0) {
            revert AstriaLightClient__EmptyChainId();
        }
        if (activeFromHeight == 0) {
            revert AstriaLightClient__ZeroHeight();
        }
        _chainId = chainId_;
        _chainIdHash = keccak256(bytes(chainId_));
        _firstHeight = activeFromHeight;
        _setValidators(0, activeFromHeight, validators);
    }

    // =============================================================================================
    // Actions
    // =============================================================================================

    /// @inheritdoc IAstriaValidatorLightClient
    function submitHeader(
        AstriaHeader calldata header,
        uint64 setId,
        Validator[] calldata validators,
        ValidatorSignature[] calldata signatures
    ) external override {
        if (keccak256(bytes(header.chainId)) != _chainIdHash) {
            revert AstriaLightClient__WrongChainId(_chainId, header.chainId);
        }
        if (setId > _setId) {
            revert AstriaLightClient__UnknownValidatorSet(setId, _setId);
        }
        StoredSet storage set = _sets[setId];
        uint64 height = header.height;
        if (height < set.activeFrom || height >= set.activeUntil) {
            revert AstriaLightClient__HeightOutsideSet(height, setId, set.activeFrom, set.activeUntil);
        }
        if (_headers[height].known) {
            revert AstriaLightClient__HeaderAlreadyFinalized(height);
        }
        (uint256 signedPower, uint256 totalPower) =
            _checkQuorum(set.setHash, _headerDigest(header, setId), validators, signatures);

        _headers[height] = StoredHeader({
            time: header.time,
            proposerAddress: header.proposerAddress,
            known: true,
            dataHash: header.dataHash,
            rollupTransactionsRoot: header.rollupTransactionsRoot
        });
        if (height > _latestHeight) {
            _latestHeight = height;
        }
        emit HeaderFinalized(
            height,
            setId,
            header.time,
            header.rollupTransactionsRoot,
            header.dataHash,
            header.proposerAddress,
            signedPower,
            totalPower
        );
    }

    /// @inheritdoc IAstriaValidatorLightClient
    function updateValidatorSet(
        Validator[] calldata validators,
        Validator[] calldata newValidators,
        uint64 activeFromHeight,
        ValidatorSignature[] calldata signatures
    ) external override {
        // The new set must not cover a height already final here, nor start before the current set. Every
        // final header lies in the range of the set it names, so a header signed by the next set cannot be
        // final yet, and this never refuses a hand-over whatever headers were relayed first.
        uint64 setId = _setId;
        StoredSet storage current = _sets[setId];
        uint64 currentFrom = current.activeFrom;
        uint64 minimum = (_latestHeight > currentFrom ? _latestHeight : currentFrom) + 1;
        if (activeFromHeight < minimum) {
            revert AstriaLightClient__InvalidActiveFromHeight(activeFromHeight, minimum);
        }
        uint64 newSetId = setId + 1;
        bytes32 digest = _setUpdateDigest(newSetId, activeFromHeight, newValidators);
        _checkQuorum(current.setHash, digest, validators, signatures);
        current.activeUntil = activeFromHeight;
        _setValidators(newSetId, activeFromHeight, newValidators);
    }

    // =============================================================================================
    // Views
    // =============================================================================================

    /// @inheritdoc IAstriaLightClient
    function astriaChainId() external view override returns (string memory) {
        return _chainId;
    }

    /// @inheritdoc IAstriaLightClient
    function latestHeight() external view override returns (uint64) {
        return _latestHeight;
    }

    /// @inheritdoc IAstriaLightClient
    function firstHeight() external view override returns (uint64) {
        return _firstHeight;
    }

    /// @inheritdoc IAstriaLightClient
    function findHeader(uint64 height) external view override returns (bool found, FinalizedHeader memory header) {
        StoredHeader storage h = _headers[height];
        if (h.known) {
            found = true;
            header = _view(height, h);
        }
    }

    /// @inheritdoc IAstriaValidatorLightClient
    function getHeader(uint64 height) external view override returns (FinalizedHeader memory) {
        StoredHeader storage h = _headers[height];
        if (!h.known) {
            revert AstriaLightClient__UnknownHeight(height);
        }
        return _view(height, h);
    }

    /// @inheritdoc IAstriaValidatorLightClient
    function currentValidatorSet() external view override returns (uint64 setId, bytes32 setHash, uint64 activeFrom) {
        setId = _setId;
        StoredSet storage set = _sets[setId];
        return (setId, set.setHash, set.activeFrom);
    }

    /// @inheritdoc IAstriaValidatorLightClient
    function validatorSetAt(uint64 setId)
        external
        view
        override
        returns (bytes32 setHash, uint64 activeFrom, uint64 activeUntil)
    {
        if (setId > _setId) {
            revert AstriaLightClient__UnknownValidatorSet(setId, _setId);
        }
        StoredSet storage set = _sets[setId];
        return (set.setHash, set.activeFrom, set.activeUntil);
    }

    /// @inheritdoc IAstriaValidatorLightClient
    function headerDigest(AstriaHeader calldata header, uint64 setId) external view override returns (bytes32) {
        return _headerDigest(header, setId);
    }

    /// @inheritdoc IAstriaValidatorLightClient
    function validatorSetUpdateDigest(Validator[] calldata newValidators, uint64 activeFromHeight)
        external
        view
        override
        returns (bytes32)
    {
        return _setUpdateDigest(_setId + 1, activeFromHeight, newValidators);
    }

    /// @inheritdoc IAstriaValidatorLightClient
    function hashValidatorSet(Validator[] calldata validators) external pure override returns (bytes32) {
        return keccak256(abi.encode(validators));
    }

    // =============================================================================================
    // Internal
    // =============================================================================================

    function _headerDigest(AstriaHeader calldata header, uint64 setId) private view returns (bytes32) {
        return keccak256(
            abi.encode(
                HEADER_TAG,
                _chainIdHash,
                setId,
                header.height,
                header.time,
                header.dataHash,
                header.proposerAddress,
                header.rollupTransactionsRoot
            )
        );
    }

    function _setUpdateDigest(uint64 newSetId, uint64 activeFromHeight, Validator[] calldata newValidators)
        private
        view
        returns (bytes32)
    {
        bytes32 newSetHash = keccak256(abi.encode(newValidators));
        return keccak256(abi.encode(VALIDATOR_SET_TAG, _chainIdHash, newSetId, activeFromHeight, newSetHash));
    }

    /**
     * @dev Checks that `validators` is the set hashing to `expectedSetHash` and that `signatures` of
     *      `digest` by distinct members hold more than 2/3 of its voting power. Reverts on any bad
     *      signature rather than skipping it, so a relayer learns exactly which one is wrong.
     */
    function _checkQuorum(
        bytes32 expectedSetHash,
        bytes32 digest,
        Validator[] calldata validators,
        ValidatorSignature[] calldata signatures
    ) private pure returns (uint256 signedPower, uint256 totalPower) {
        bytes32 setHash = keccak256(abi.encode(validators));
        if (setHash != expectedSetHash) {
            revert AstriaLightClient__ValidatorSetMismatch(expectedSetHash, setHash);
        }
        for (uint256 i = 0; i < validators.length; ++i) {
            totalPower += validators[i].votingPower;
        }
        uint256 size = validators.length;
        for (uint256 i = 0; i < signatures.length; ++i) {
            uint256 index = signatures[i].index;
            if (i > 0 && index <= signatures[i - 1].index) {
                revert AstriaLightClient__SignersNotAscending(signatures[i - 1].index, index);
            }
            if (index >= size) {
                revert AstriaLightClient__SignerIndexOutOfRange(index, size);
            }
            address expected = validators[index].signer;
            (address recovered,,) = ECDSA.tryRecoverCalldata(digest, signatures[i].signature);
            if (recovered != expected) {
                revert AstriaLightClient__InvalidSignature(index, recovered, expected);
            }
            signedPower += validators[index].votingPower;
        }
        if (signedPower * QUORUM_DENOMINATOR <= totalPower * QUORUM_NUMERATOR) {
            revert AstriaLightClient__InsufficientVotingPower(signedPower, totalPower);
        }
    }

    /// @dev Validates and installs a validator set (stored as its hash) as the current one, range open.
    function _setValidators(uint64 setId, uint64 activeFromHeight, Validator[] memory validators) private {
        if (validators.length == 0) {
            revert AstriaLightClient__EmptyValidatorSet();
        }
        uint256 totalPower = 0;
        address previous = address(0);
        for (uint256 i = 0; i < validators.length; ++i) {
            Validator memory v = validators[i];
            if (v.signer == address(0) || v.votingPower == 0) {
                revert AstriaLightClient__InvalidValidator(i, v.signer, v.votingPower);
            }
            if (v.signer <= previous) {
                revert AstriaLightClient__ValidatorsNotSorted(i, previous, v.signer);
            }
            previous = v.signer;
            totalPower += v.votingPower;
        }
        bytes32 setHash = keccak256(abi.encode(validators));
        _setId = setId;
        _sets[setId] = StoredSet({setHash: setHash, activeFrom: activeFromHeight, activeUntil: OPEN_RANGE});
        emit ValidatorSetUpdated(setId, activeFromHeight, setHash, totalPower, validators);
    }

    function _view(uint64 height, StoredHeader storage h) private view returns (FinalizedHeader memory) {
        return FinalizedHeader({
            height: height,
            time: h.time,
            proposerAddress: h.proposerAddress,
            dataHash: h.dataHash,
            rollupTransactionsRoot: h.rollupTransactionsRoot
        });
    }
}
