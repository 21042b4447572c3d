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
 *   submitHeader(header, set, sigs)                   height >= current set's first height, not final yet
 *   updateValidatorSet(set, next, fromHeight, sigs)   fromHeight > latestHeight and > current set's start
 * The current set is stored as a hash (32 bytes) and given in full with each call, so a call costs the
 * same storage whatever the set size; `ValidatorSetUpdated` publishes each set for relayers.
 * Invariants: at most one header per height, never overwritten; set ids and first heights only grow;
 * every accepted header and set change carries more than 2/3 of the voting power of the set that was
 * current when it was accepted.
 */
contract AstriaLightClient is IAstriaValidatorLightClient {
    /// @notice Domain tag of a header digest.
    bytes32 public constant HEADER_TAG = keccak256("astria.lightclient.SequencerBlockHeader.v1");
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

    string private _chainId;
    bytes32 private immutable _chainIdHash;

    /// @dev slot: setId (64) | set activeFromHeight (64) | latestHeight (64)
    uint64 private _setId;
    uint64 private _setActiveFrom;
    uint64 private _latestHeight;
    bytes32 private _setHash;

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
        _setValidators(0, activeFromHeight, validators);
    }

    // =============================================================================================
    // Actions
    // =============================================================================================

    /// @inheritdoc IAstriaValidatorLightClient
    function submitHeader(
        AstriaHeader calldata header,
        Validator[] calldata validators,
        ValidatorSignature[] calldata signatures
    ) external override {
        if (keccak256(bytes(header.chainId)) != _chainIdHash) {
            revert AstriaLightClient__WrongChainId(_chainId, header.chainId);
        }
        uint64 height = header.height;
        if (height < _setActiveFrom) {
            revert AstriaLightClient__StaleHeight(height, _setActiveFrom);
        }
        if (_headers[height].known) {
            revert AstriaLightClient__HeaderAlreadyFinalized(height);
        }
        (uint256 signedPower, uint256 totalPower) = _checkQuorum(_headerDigest(header), validators, signatures);

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
        // The new set must not cover a height already final here, nor start before the current set.
        uint64 minimum = (_latestHeight > _setActiveFrom ? _latestHeight : _setActiveFrom) + 1;
        if (activeFromHeight < minimum) {
            revert AstriaLightClient__InvalidActiveFromHeight(activeFromHeight, minimum);
        }
        uint64 newSetId = _setId + 1;
        _checkQuorum(_setUpdateDigest(newSetId, activeFromHeight, newValidators), validators, signatures);
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
        return (_setId, _setHash, _setActiveFrom);
    }

    /// @inheritdoc IAstriaValidatorLightClient
    function headerDigest(AstriaHeader calldata header) external view override returns (bytes32) {
        return _headerDigest(header);
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

    function _headerDigest(AstriaHeader calldata header) private view returns (bytes32) {
        return keccak256(
            abi.encode(
                HEADER_TAG,
                _chainIdHash,
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
     * @dev Checks that `validators` is the current set and that `signatures` of `digest` by distinct
     *      members hold more than 2/3 of its voting power. Reverts on any bad signature rather than
     *      skipping it, so a relayer learns exactly which one is wrong.
     */
    function _checkQuorum(
        bytes32 digest,
        Validator[] calldata validators,
        ValidatorSignature[] calldata signatures
    ) private view returns (uint256 signedPower, uint256 totalPower) {
        bytes32 setHash = keccak256(abi.encode(validators));
        if (setHash != _setHash) {
            revert AstriaLightClient__ValidatorSetMismatch(_setHash, setHash);
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

    /// @dev Validates and installs a validator set (stored as its hash).
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
        _setActiveFrom = activeFromHeight;
        _setHash = setHash;
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
