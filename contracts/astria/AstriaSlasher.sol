// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IAstriaSlasher} from "../interfaces/IAstriaSlasher.sol";
import {IAstriaLightClient} from "../interfaces/IAstriaLightClient.sol";
import {IFernetRollup} from "../interfaces/IFernetRollup.sol";
import {ISequencerRegistry} from "../interfaces/ISequencerRegistry.sol";
import {AstriaBindingLib} from "../libraries/AstriaBindingLib.sol";
import {AstriaEvidenceLib} from "../libraries/AstriaEvidenceLib.sol";
import {AstriaMerkle} from "../libraries/AstriaMerkle.sol";
import {FernetLib} from "../libraries/FernetLib.sol";

/**
 * @title AstriaSlasher
 * @notice Sequencers that promise to take their top-of-block from Astria bond collateral here, and
 *         lose it on proof that they equivocated. Reads the rollup's proposals and an Astria light
 *         client; changes nothing in the rollup's rules.
 *
 * Roles: a sequencer opts in and unbonds (its own key); anyone tops up non-empty bonds, relays signed
 * bindings and reports evidence (for a bounty); the rollup says who won each height; the light client
 * says which Astria headers are final.
 *
 * Flows:
 *   bond(seq, amount)        opt-in by the sequencer (>= minimumBond), effective after optInDelay: the
 *                            first bond, or any deposit onto a bond slashed to zero; else a top-up
 *   postBinding(b, es, sig)  per won height, in [proposal deadline, reveal deadline), before finalization
 *                            (the rollup finalizes no block before its commitment deadline, so at least
 *                            [proposal deadline, commitment deadline) is always open);
 *                            the range starts at the cursor and ends within what the light client finalized
 *   requestUnbond()          locks the commitment through tip + lookahead (every height already led)
 *   withdraw(to)             once that height is finalized and unbondDelay (the evidence window) passed
 *   prove*(...)              the seven evidence types of IAstriaSlasher.Offence; each slashes `penalty`
 *
 * In force: a commitment binds height h if the bond is non-zero, took effect no later than the moment
 * h's leader became known (seedKnownAt), and is not unbonding past h. Users read it before routing
 * their txs through Astria. Once h's leader is known it can only lapse (the bond slashed to zero),
 * never start: an emptied bond is refilled only by a fresh opt-in, which takes effect later.
 *
 * Cursor (rule b): the range of the binding of h must start at the end of the range of the latest
 * earlier bound height that was finalized with its proposal (Proven); a bound proposal that ended in
 * backup consumed nothing, so its own start carries over. The first bound height starts at
 * `astriaStartHeight`. Bindings are posted in height order (only the pending height can post, every
 * earlier height is final), so the cursor is known from the proposal on, and posting refuses a range
 * that does not start at it. Posting also refuses a non-empty range that ends past the light client's
 * latest final height + 1, so no binding can move the cursor back, nor past what Astria finalized.
 * Headers reach the light client in any order, so a range may cover heights without a header there yet:
 * each is final on Astria and stays relayable for ever (the light client keeps every validator set with
 * its height range, and `astriaStartHeight` is at least its `firstHeight()`, checked at construction), so
 * evidence about it first relays its header. Rule (b) is judged against the height's round start.
 * A bound winner whose height ends in backup through its own miss (no commitment, no reveal) is
 * slashable (AbandonedHeight); a height that ends in backup through the prover's miss consumes nothing.
 *
 * Structure: the stateless checks live in libraries (AstriaBindingLib: hashing, shape of a binding, the
 * in-force rule; AstriaEvidenceLib: every evidence check); this contract reads the rollup, the light
 * client and its own records, calls those checks, and slashes.
 *
 * Failure paths: a binding that is malformed, late, for another block or from a non-winner is refused
 * at posting (the winner is then slashable for the missing binding); evidence of nothing reverts with
 * a named error.
 *
 * Invariants: token balance == totalBonded (slashing pays out at once, nothing else is held); each
 * height's winner is slashed at most once; a bond is paid out at most once, to its sequencer's choice.
 */
contract AstriaSlasher is IAstriaSlasher, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Where slashed funds go when no treasury is configured.
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;
    /// @notice EIP-712 type of a binding.
    bytes32 public constant BINDING_TYPEHASH = AstriaBindingLib.BINDING_TYPEHASH;
    /// @notice EIP-712 type of an entry.
    bytes32 public constant ENTRY_TYPEHASH = AstriaBindingLib.ENTRY_TYPEHASH;
    /// @notice Longest opt-in delay (seconds): keeps `now + optInDelay` a 64-bit timestamp.
    uint256 public constant MAX_OPT_IN_DELAY = 365 days;
    /// @notice Longest unbond delay (seconds): a longer evidence window would only risk locking bonds.
    uint256 public constant MAX_UNBOND_DELAY = 365 days;

    /// @dev A bond. slot 0: amount (128) | effectiveFrom (64) | unbondRequestedAt (64)
    ///      slot 1: lockedThroughHeight (64). Timestamps and heights fit 64 bits for ever.
    struct StoredBond {
        uint128 amount;
        uint64 effectiveFrom;
        uint64 unbondRequestedAt;
        uint64 lockedThroughHeight;
    }

    /**
     * @dev The binding of one height (its range starts at the cursor of its posting), with the height's
     *      round start, which its evidence needs (fixed before posting, so read from the rollup once). A
     *      round start is never zero, so a non-zero one marks a posted binding.
     *      slot 0: entriesRoot
     *      slot 1: astriaStart (64) | astriaEnd (64) | entryCount (32) | roundStart (40) | slashed (8)
     *      Unix seconds fit 40 bits for 34,000 years.
     */
    struct StoredBinding {
        bytes32 entriesRoot;
        uint64 astriaStart;
        uint64 astriaEnd;
        uint32 entryCount;
        uint40 roundStart;
        bool slashed;
    }

    IFernetRollup private immutable _rollup;
    IAstriaLightClient private immutable _lightClient;
    IERC20 private immutable _token;
    address private immutable _treasury;
    address private immutable _slashRecipient;
    bytes32 private immutable _rollupId;
    uint64 private immutable _astriaStartHeight;
    uint256 private immutable _minimumBond;
    uint256 private immutable _penalty;
    uint256 private immutable _bountyBps;
    uint256 private immutable _optInDelay;
    uint256 private immutable _unbondDelay;
    uint256 private immutable _astriaMargin;
    uint256 private immutable _lookahead;

    uint256 private _totalBonded;
    uint256 private _lastBoundHeight;
    mapping(address sequencer => StoredBond) private _bonds;
    mapping(uint256 l2Height => StoredBinding) private _bindings;

    /**
     * @param config Rollup, light client, treasury, Astria rollup id and start height, bond sizes,
     *        bounty, delays and margin; each is validated (named error on a bad value). The bonding token
     *        and the lookahead are the rollup's; the rollup's token must be its registry's; the Astria start
     *        height must be one the light client can hold (at least its `firstHeight()`).
     */
    constructor(Config memory config) EIP712("AstriaSlasher", "1") {
        if (config.rollup == address(0)) {
            revert Astria__ZeroAddress("rollup");
        }
        if (config.lightClient == address(0)) {
            revert Astria__ZeroAddress("lightClient");
        }
        _requireNonZero("rollupId", uint256(config.rollupId));
        _requireNonZero("astriaStartHeight", config.astriaStartHeight);
        _requireNonZero("minimumBond", config.minimumBond);
        _requireNonZero("penalty", config.penalty);
        _requireNonZero("optInDelay", config.optInDelay);
        _requireNonZero("unbondDelay", config.unbondDelay);
        if (config.minimumBond > type(uint128).max) {
            revert Astria__InvalidConfig("minimumBond", config.minimumBond);
        }
        if (config.bountyBps > FernetLib.BPS) {
            revert Astria__InvalidConfig("bountyBps", config.bountyBps);
        }
        if (config.optInDelay > MAX_OPT_IN_DELAY) {
            revert Astria__InvalidConfig("optInDelay", config.optInDelay);
        }
        if (config.unbondDelay > MAX_UNBOND_DELAY) {
            revert Astria__InvalidConfig("unbondDelay", config.unbondDelay);
        }
        uint64 firstHeight = IAstriaLightClient(config.lightClient).firstHeight();
        if (config.astriaStartHeight < firstHeight) {
            revert Astria__StartBeforeLightClient(config.astriaStartHeight, firstHeight);
        }
        IFernetRollup.Config memory rollupConfig = IFernetRollup(config.rollup).getConfig();
        address registryToken = ISequencerRegistry(rollupConfig.registry).token();
        if (rollupConfig.token != registryToken) {
            revert Astria__TokenMismatch(rollupConfig.token, registryToken);
        }
        _rollup = IFernetRollup(config.rollup);
        _lightClient = IAstriaLightClient(config.lightClient);
        _token = IERC20(rollupConfig.token);
        _lookahead = rollupConfig.lookahead;
        _treasury = config.treasury;
        _slashRecipient = config.treasury == address(0) ? BURN_ADDRESS : config.treasury;
        _rollupId = config.rollupId;
        _astriaStartHeight = config.astriaStartHeight;
        _minimumBond = config.minimumBond;
        _penalty = config.penalty;
        _bountyBps = config.bountyBps;
        _optInDelay = config.optInDelay;
        _unbondDelay = config.unbondDelay;
        _astriaMargin = config.astriaMargin;
    }

    // =============================================================================================
    // Bonds
    // =============================================================================================

    /// @inheritdoc IAstriaSlasher
    function bond(address sequencer, uint256 amount) external override nonReentrant {
        if (sequencer == address(0)) {
            revert Astria__ZeroAddress("sequencer");
        }
        if (amount == 0) {
            revert Astria__ZeroAmount();
        }
        StoredBond storage b = _bonds[sequencer];
        if (b.unbondRequestedAt != 0) {
            revert Astria__Unbonding(sequencer, b.lockedThroughHeight);
        }
        // An empty bond (never opted in, or slashed to zero) is refilled only by the sequencer's own
        // opt-in, with a new effective time: the heights it led while empty stay unbound.
        if (b.amount == 0) {
            if (msg.sender != sequencer) {
                revert Astria__NotSequencer(msg.sender, sequencer);
            }
            if (amount < _minimumBond) {
                revert Astria__BondTooLow(amount, _minimumBond);
            }
            // Safe: optInDelay <= MAX_OPT_IN_DELAY (constructor), so the sum fits 64 bits for ever.
            b.effectiveFrom = uint64(block.timestamp + _optInDelay);
        }
        uint256 total = b.amount + amount;
        b.amount = SafeCast.toUint128(total);
        _totalBonded += amount;
        emit Bonded(sequencer, msg.sender, amount, total, b.effectiveFrom);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IAstriaSlasher
    function requestUnbond() external override {
        StoredBond storage b = _bonds[msg.sender];
        if (b.effectiveFrom == 0) {
            revert Astria__NotBonded(msg.sender);
        }
        if (b.unbondRequestedAt != 0) {
            revert Astria__UnbondAlreadyRequested(msg.sender, b.unbondRequestedAt);
        }
        // Every height whose seed is known now may already have been promised to users.
        uint256 lockedThrough = _rollup.tip() + _lookahead;
        b.unbondRequestedAt = uint64(block.timestamp);
        b.lockedThroughHeight = uint64(lockedThrough);
        emit UnbondRequested(msg.sender, lockedThrough);
    }

    /// @inheritdoc IAstriaSlasher
    function withdraw(address recipient) external override nonReentrant returns (uint256 amount) {
        if (recipient == address(0)) {
            revert Astria__ZeroAddress("recipient");
        }
        StoredBond storage b = _bonds[msg.sender];
        if (b.unbondRequestedAt == 0) {
            revert Astria__UnbondNotRequested(msg.sender);
        }
        uint256 withdrawableAt = _withdrawableAt(b);
        if (withdrawableAt == 0) {
            revert Astria__UnbondLocked(msg.sender, b.lockedThroughHeight);
        }
        if (block.timestamp < withdrawableAt) {
            revert Astria__UnbondDelayNotPassed(msg.sender, withdrawableAt, block.timestamp);
        }
        amount = b.amount;
        delete _bonds[msg.sender];
        _totalBonded -= amount;
        emit BondWithdrawn(msg.sender, recipient, amount);
        if (amount > 0) {
            _token.safeTransfer(recipient, amount);
        }
    }

    // =============================================================================================
    // Bindings
    // =============================================================================================

    /// @inheritdoc IAstriaSlasher
    function postBinding(Binding calldata binding, Entry[] calldata entries, bytes calldata signature)
        external
        override
    {
        (address sequencer, bytes32 digest, uint256 roundStart) = _checkPostable(binding, signature);
        uint64 expectedStart = _expectedAstriaStart();
        AstriaBindingLib.checkRange(binding, expectedStart, _lightClient.latestHeight());
        AstriaBindingLib.checkEntries(binding, entries);
        StoredBinding storage r = _bindings[binding.l2Height];
        r.entriesRoot = binding.entriesRoot;
        r.astriaStart = binding.astriaStart;
        r.astriaEnd = binding.astriaEnd;
        r.entryCount = binding.entryCount;
        // Safe: timestamps fit 40 bits (see StoredBinding). Marks the binding posted.
        r.roundStart = uint40(roundStart);
        _lastBoundHeight = binding.l2Height;
        emit BindingPosted(binding.l2Height, sequencer, digest, expectedStart, binding, entries, signature);
    }

    // =============================================================================================
    // Evidence
    // =============================================================================================

    /// @inheritdoc IAstriaSlasher
    function proveDoubleBinding(
        Binding calldata a,
        bytes calldata signatureA,
        Binding calldata b,
        bytes calldata signatureB
    ) external override nonReentrant {
        uint256 height = a.l2Height;
        if (height != b.l2Height) {
            revert Astria__HeightMismatch(height, b.l2Height);
        }
        bytes32 digestA = _hashTypedDataV4(AstriaBindingLib.bindingHash(a));
        bytes32 digestB = _hashTypedDataV4(AstriaBindingLib.bindingHash(b));
        if (digestA == digestB) {
            revert Astria__SameBinding(digestA);
        }
        address signerA = ECDSA.recoverCalldata(digestA, signatureA);
        address signerB = ECDSA.recoverCalldata(digestB, signatureB);
        if (signerA != signerB) {
            revert Astria__SignerMismatch(signerA, signerB);
        }
        IFernetRollup.HeightState memory s = _rollup.getHeightState(height);
        _requireWinnerKnown(height, s.phase);
        _checkSlashable(signerA, height, s);
        emit DoubleBindingProven(height, signerA, digestA, digestB);
        _slash(signerA, height, Offence.DoubleBinding);
    }

    /// @inheritdoc IAstriaSlasher
    function proveWrongBlockHash(Binding calldata binding, bytes calldata signature) external override nonReentrant {
        uint256 height = binding.l2Height;
        address signer = ECDSA.recoverCalldata(_hashTypedDataV4(AstriaBindingLib.bindingHash(binding)), signature);
        IFernetRollup.HeightState memory s = _rollup.getHeightState(height);
        _requireWinnerKnown(height, s.phase);
        _checkSlashable(signer, height, s);
        if (binding.blockHash == s.record.blockHash) {
            revert Astria__BlockHashMatches(height, binding.blockHash);
        }
        emit WrongBlockHashProven(height, signer, binding.blockHash, s.record.blockHash);
        _slash(signer, height, Offence.WrongBlockHash);
    }

    /// @inheritdoc IAstriaSlasher
    function proveRootMismatch(uint256 l2Height, EntryProof calldata entry, RollupLeaf calldata leaf)
        external
        override
        nonReentrant
    {
        (StoredBinding storage r, address sequencer, ) = _postedBinding(l2Height);
        _checkEntry(l2Height, r, entry);
        Entry calldata e = entry.entry;
        bytes32 root = _astriaHeader(e.astriaHeight).rollupTransactionsRoot;
        AstriaEvidenceLib.checkRollupLeaf(root, _rollupId, e.astriaHeight, leaf);
        if (leaf.txsRoot == e.rollupTxsRoot) {
            revert Astria__RootMatches(e.astriaHeight, e.rollupTxsRoot);
        }
        emit AstriaMismatchProven(
            l2Height, sequencer, AstriaMismatch.RootMismatch, e.astriaHeight, e.rollupTxsRoot, leaf.txsRoot
        );
        _slash(sequencer, l2Height, Offence.AstriaMismatch);
    }

    /// @inheritdoc IAstriaSlasher
    function proveRollupAbsent(uint256 l2Height, EntryProof calldata entry, RollupLeaf[] calldata neighbours)
        external
        override
        nonReentrant
    {
        (StoredBinding storage r, address sequencer, ) = _postedBinding(l2Height);
        _checkEntry(l2Height, r, entry);
        Entry calldata e = entry.entry;
        bytes32 root = _astriaHeader(e.astriaHeight).rollupTransactionsRoot;
        AstriaEvidenceLib.checkRollupAbsent(root, _rollupId, e.astriaHeight, neighbours);
        emit AstriaMismatchProven(
            l2Height, sequencer, AstriaMismatch.RollupAbsent, e.astriaHeight, e.rollupTxsRoot, AstriaMerkle.EMPTY_ROOT
        );
        _slash(sequencer, l2Height, Offence.AstriaMismatch);
    }

    /// @inheritdoc IAstriaSlasher
    function proveSkippedBlock(
        uint256 l2Height,
        uint64 astriaHeight,
        RollupLeaf calldata presence,
        EntryProof[] calldata bracket
    ) external override nonReentrant {
        (StoredBinding storage r, address sequencer, ) = _postedBinding(l2Height);
        if (astriaHeight < r.astriaStart || astriaHeight >= r.astriaEnd) {
            revert Astria__OutsideRange(astriaHeight, r.astriaStart, r.astriaEnd);
        }
        bytes32 root = _astriaHeader(astriaHeight).rollupTransactionsRoot;
        AstriaEvidenceLib.checkPresent(root, _rollupId, astriaHeight, presence);
        AstriaEvidenceLib.checkNoEntry(l2Height, r.entriesRoot, r.entryCount, astriaHeight, bracket);
        emit AstriaMismatchProven(
            l2Height, sequencer, AstriaMismatch.SkippedBlock, astriaHeight, bytes32(0), presence.txsRoot
        );
        _slash(sequencer, l2Height, Offence.AstriaMismatch);
    }

    /// @inheritdoc IAstriaSlasher
    function proveCountMismatch(
        uint256 l2Height,
        EntryProof calldata entry,
        AstriaTx calldata astriaTx,
        uint256 treeSize
    ) external override nonReentrant {
        (StoredBinding storage r, address sequencer, ) = _postedBinding(l2Height);
        _checkEntry(l2Height, r, entry);
        Entry calldata e = entry.entry;
        AstriaEvidenceLib.checkCountMismatch(e, astriaTx, treeSize);
        emit AstriaMismatchProven(
            l2Height,
            sequencer,
            AstriaMismatch.CountMismatch,
            e.astriaHeight,
            bytes32(uint256(e.txCount)),
            bytes32(treeSize)
        );
        _slash(sequencer, l2Height, Offence.AstriaMismatch);
    }

    /// @inheritdoc IAstriaSlasher
    function proveTxMismatch(
        uint256 l2Height,
        EntryProof calldata entry,
        RollupLeaf calldata leaf,
        AstriaTx calldata astriaTx,
        L2Tx calldata l2Tx
    ) external override nonReentrant {
        (StoredBinding storage r, address sequencer, bytes32 won) = _postedBinding(l2Height);
        _checkEntry(l2Height, r, entry);
        Entry calldata e = entry.entry;
        bytes32 root = _astriaHeader(e.astriaHeight).rollupTransactionsRoot;
        AstriaEvidenceLib.checkRollupLeaf(root, _rollupId, e.astriaHeight, leaf);
        if (leaf.txsRoot != e.rollupTxsRoot) {
            revert Astria__EntryRootMismatch(e.astriaHeight, e.rollupTxsRoot, leaf.txsRoot);
        }
        AstriaEvidenceLib.checkAstriaTx(e, astriaTx, e.txCount);
        uint256 position = uint256(e.offset) + astriaTx.index;
        bytes32 expected = keccak256(astriaTx.data);
        bytes32 actual = AstriaEvidenceLib.l2TxAt(l2Height, won, position, l2Tx);
        if (actual == expected) {
            revert Astria__TxMatches(l2Height, position, actual);
        }
        emit TxMismatchProven(l2Height, sequencer, e.astriaHeight, astriaTx.index, position, expected, actual);
        _slash(sequencer, l2Height, Offence.TxMismatch);
    }

    /// @inheritdoc IAstriaSlasher
    function proveMissingBinding(uint256 l2Height) external override nonReentrant {
        IFernetRollup.HeightState memory s = _rollup.getHeightState(l2Height);
        _requireWinnerKnown(l2Height, s.phase);
        address sequencer = s.record.proposer;
        _checkSlashable(sequencer, l2Height, s);
        if (_bindings[l2Height].roundStart != 0) {
            revert Astria__BindingWasPosted(l2Height);
        }
        uint256 closedAt = s.revealDeadline;
        if (s.phase == IFernetRollup.Phase.Finalized) {
            // Finalization closes the window early when it comes before the reveal deadline.
            if (s.record.finalizedAt < closedAt) {
                closedAt = s.record.finalizedAt;
            }
        } else if (block.timestamp < closedAt) {
            revert Astria__BindingWindowOpen(l2Height, closedAt);
        }
        emit MissingBindingProven(l2Height, sequencer, closedAt);
        _slash(sequencer, l2Height, Offence.MissingBinding);
    }

    /// @inheritdoc IAstriaSlasher
    function proveRangeOmission(uint256 l2Height, uint64 astriaHeight, RollupLeaf calldata presence)
        external
        override
        nonReentrant
    {
        (StoredBinding storage r, address sequencer, ) = _postedBinding(l2Height);
        // The range starts at the cursor (checked at posting): a block before it was consumed earlier.
        if (astriaHeight < r.astriaStart) {
            revert Astria__AlreadyConsumed(astriaHeight, r.astriaStart);
        }
        if (astriaHeight < r.astriaEnd) {
            revert Astria__InsideRange(astriaHeight, r.astriaStart, r.astriaEnd);
        }
        IAstriaLightClient.FinalizedHeader memory header = _astriaHeader(astriaHeight);
        // Rule (b) is judged against the round start, a time the sequencer knew when it built the block,
        // never against the proposal's L1 inclusion time, which it does not control.
        AstriaEvidenceLib.checkRequired(astriaHeight, header.time, _astriaMargin, r.roundStart);
        AstriaEvidenceLib.checkPresent(header.rollupTransactionsRoot, _rollupId, astriaHeight, presence);
        emit RangeOmissionProven(l2Height, sequencer, astriaHeight, r.astriaStart, r.astriaEnd);
        _slash(sequencer, l2Height, Offence.RangeOmission);
    }

    /// @inheritdoc IAstriaSlasher
    function proveAbandonedHeight(uint256 l2Height) external override nonReentrant {
        IFernetRollup.HeightState memory s = _rollup.getHeightState(l2Height);
        address sequencer = s.record.proposer;
        _checkSlashable(sequencer, l2Height, s);
        AstriaEvidenceLib.checkAbandoned(l2Height, s.record);
        emit AbandonedHeightProven(l2Height, sequencer, s.record.prover, s.record.revealed);
        _slash(sequencer, l2Height, Offence.AbandonedHeight);
    }

    // =============================================================================================
    // Views
    // =============================================================================================

    /// @inheritdoc IAstriaSlasher
    function getConfig() external view override returns (Config memory) {
        return Config({
            rollup: address(_rollup),
            lightClient: address(_lightClient),
            treasury: _treasury,
            rollupId: _rollupId,
            astriaStartHeight: _astriaStartHeight,
            minimumBond: _minimumBond,
            penalty: _penalty,
            bountyBps: _bountyBps,
            optInDelay: _optInDelay,
            unbondDelay: _unbondDelay,
            astriaMargin: _astriaMargin
        });
    }

    /// @inheritdoc IAstriaSlasher
    function token() external view override returns (address) {
        return address(_token);
    }

    /// @inheritdoc IAstriaSlasher
    function bondOf(address sequencer) external view override returns (BondView memory v) {
        StoredBond storage b = _bonds[sequencer];
        v.amount = b.amount;
        v.effectiveFrom = b.effectiveFrom;
        v.unbondRequestedAt = b.unbondRequestedAt;
        v.lockedThroughHeight = b.lockedThroughHeight;
        if (b.unbondRequestedAt != 0) {
            v.withdrawableAt = _withdrawableAt(b);
        }
    }

    /// @inheritdoc IAstriaSlasher
    function isInForce(address sequencer, uint256 l2Height) external view override returns (bool) {
        return _inForce(sequencer, l2Height, _rollup.getHeightState(l2Height).seedKnownAt);
    }

    /// @inheritdoc IAstriaSlasher
    function bindingAt(uint256 l2Height) external view override returns (BindingRecord memory) {
        StoredBinding storage r = _bindings[l2Height];
        return BindingRecord({
            posted: r.roundStart != 0,
            slashed: r.slashed,
            astriaStart: r.astriaStart,
            astriaEnd: r.astriaEnd,
            expectedAstriaStart: r.astriaStart,
            entryCount: r.entryCount,
            entriesRoot: r.entriesRoot
        });
    }

    /// @inheritdoc IAstriaSlasher
    function expectedAstriaStart() external view override returns (uint64) {
        return _expectedAstriaStart();
    }

    /// @inheritdoc IAstriaSlasher
    function lastBoundHeight() external view override returns (uint256) {
        return _lastBoundHeight;
    }

    /// @inheritdoc IAstriaSlasher
    function totalBonded() external view override returns (uint256) {
        return _totalBonded;
    }

    /// @inheritdoc IAstriaSlasher
    function bindingDigest(Binding calldata binding) external view override returns (bytes32) {
        return _hashTypedDataV4(AstriaBindingLib.bindingHash(binding));
    }

    /// @inheritdoc IAstriaSlasher
    function entryHash(Entry calldata entry) external pure override returns (bytes32) {
        return AstriaBindingLib.entryHash(entry);
    }

    /// @inheritdoc IAstriaSlasher
    function entriesRoot(Entry[] calldata entries) external pure override returns (bytes32) {
        return AstriaBindingLib.entriesRoot(entries);
    }

    // =============================================================================================
    // Internal: state
    // =============================================================================================

    /**
     * @dev Reverts unless `binding` may be posted now: its height is pending and between its proposal
     *      and reveal deadlines, it is signed by the height's winner, for the winning block, while the
     *      winner's commitment is in force, and nothing was posted for the height yet.
     */
    function _checkPostable(Binding calldata binding, bytes calldata signature)
        private
        view
        returns (address sequencer, bytes32 digest, uint256 roundStart)
    {
        uint256 height = binding.l2Height;
        IFernetRollup.HeightState memory s = _rollup.getHeightState(height);
        roundStart = s.roundStart;
        if (s.phase == IFernetRollup.Phase.Finalized) {
            revert Astria__HeightFinalized(height);
        }
        bool beforeWindow = s.phase == IFernetRollup.Phase.NotStarted || s.phase == IFernetRollup.Phase.Proposal;
        if (beforeWindow || block.timestamp >= s.revealDeadline) {
            revert Astria__BindingWindowClosed(height, s.proposalDeadline, s.revealDeadline, block.timestamp);
        }
        digest = _hashTypedDataV4(AstriaBindingLib.bindingHash(binding));
        sequencer = ECDSA.recoverCalldata(digest, signature);
        if (sequencer != s.record.proposer) {
            revert Astria__NotWinner(height, sequencer, s.record.proposer);
        }
        if (binding.blockHash != s.record.blockHash) {
            revert Astria__BlockHashMismatch(height, s.record.blockHash, binding.blockHash);
        }
        if (!_inForce(sequencer, height, s.seedKnownAt)) {
            revert Astria__NotInForce(sequencer, height);
        }
        if (_bindings[height].roundStart != 0) {
            revert Astria__BindingAlreadyPosted(height);
        }
    }

    function _inForce(address sequencer, uint256 l2Height, uint256 seedKnownAt) private view returns (bool) {
        StoredBond storage b = _bonds[sequencer];
        return AstriaBindingLib.isInForce(
            b.amount,
            b.effectiveFrom,
            b.unbondRequestedAt,
            b.lockedThroughHeight,
            l2Height,
            seedKnownAt,
            block.timestamp
        );
    }

    /// @dev When an unbonding bond can be withdrawn: unbondDelay after its last locked height was
    ///      finalized; 0 while that height is not finalized.
    function _withdrawableAt(StoredBond storage b) private view returns (uint256) {
        uint256 finalizedAt = _rollup.getBlock(b.lockedThroughHeight).finalizedAt;
        return finalizedAt == 0 ? 0 : finalizedAt + _unbondDelay;
    }

    /// @dev The cursor of rule (b): where a binding posted now must start. The last bound range started
    ///      at the cursor of its own posting, so a range that ended in backup hands that start on.
    function _expectedAstriaStart() private view returns (uint64) {
        uint256 last = _lastBoundHeight;
        if (last == 0) {
            return _astriaStartHeight;
        }
        StoredBinding storage r = _bindings[last];
        bool consumed = _rollup.getBlock(last).finalization == IFernetRollup.Finalization.Proven;
        return consumed ? r.astriaEnd : r.astriaStart;
    }

    /// @dev Reverts unless the winner of `l2Height` is settled (its proposal phase is over).
    function _requireWinnerKnown(uint256 l2Height, IFernetRollup.Phase phase) private pure {
        if (phase == IFernetRollup.Phase.NotStarted || phase == IFernetRollup.Phase.Proposal) {
            revert Astria__WinnerNotKnown(l2Height, phase);
        }
    }

    /// @dev Reverts unless `sequencer` won `l2Height`, was not slashed for it yet and is in force for it.
    function _checkSlashable(address sequencer, uint256 l2Height, IFernetRollup.HeightState memory s) private view {
        address winner = s.record.proposer;
        if (winner == address(0) || winner != sequencer) {
            revert Astria__NotWinner(l2Height, sequencer, winner);
        }
        if (_bindings[l2Height].slashed) {
            revert Astria__AlreadySlashed(sequencer, l2Height);
        }
        if (!_inForce(sequencer, l2Height, s.seedKnownAt)) {
            revert Astria__NotInForce(sequencer, l2Height);
        }
    }

    /**
     * @dev The posted binding of `l2Height`, its winner `sequencer` (the signer, checked at posting) and the
     *      won block `won`; reverts unless the winner is slashable: not slashed for the height yet, and
     *      still in force. In force for a posted binding is judged with the round start in place of the
     *      seed time: the commitment was in force at posting (the rollup fixes a height's seed before its
     *      round starts), and any opt-in since takes effect after the posting, so after the round start.
     */
    function _postedBinding(uint256 l2Height)
        private
        view
        returns (StoredBinding storage r, address sequencer, bytes32 won)
    {
        r = _bindings[l2Height];
        if (r.roundStart == 0) {
            revert Astria__BindingNotPosted(l2Height);
        }
        IFernetRollup.BlockRecord memory record = _rollup.getBlock(l2Height);
        sequencer = record.proposer;
        won = record.blockHash;
        if (r.slashed) {
            revert Astria__AlreadySlashed(sequencer, l2Height);
        }
        if (!_inForce(sequencer, l2Height, r.roundStart)) {
            revert Astria__NotInForce(sequencer, l2Height);
        }
    }

    /**
     * @dev Takes the penalty (or what is left) from `sequencer`'s bond for `l2Height`: the bounty to the
     *      sender, the rest to the treasury or the burn address.
     */
    function _slash(address sequencer, uint256 l2Height, Offence offence) private {
        _bindings[l2Height].slashed = true;
        StoredBond storage b = _bonds[sequencer];
        uint256 left = b.amount;
        uint256 amount = left < _penalty ? left : _penalty;
        // Safe: amount <= b.amount <= _totalBonded (the total is the sum of all bonds).
        unchecked {
            b.amount = uint128(left - amount);
            _totalBonded -= amount;
        }
        uint256 bounty = FernetLib.share(amount, _bountyBps);
        uint256 burned = amount - bounty;
        emit Slashed(l2Height, sequencer, msg.sender, offence, amount, bounty, burned);
        if (bounty > 0) {
            _token.safeTransfer(msg.sender, bounty);
        }
        if (burned > 0) {
            _token.safeTransfer(_slashRecipient, burned);
        }
    }

    // =============================================================================================
    // Internal: proofs
    // =============================================================================================

    function _astriaHeader(uint64 astriaHeight) private view returns (IAstriaLightClient.FinalizedHeader memory h) {
        bool found;
        (found, h) = _lightClient.findHeader(astriaHeight);
        if (!found) {
            revert Astria__UnknownAstriaHeight(astriaHeight);
        }
    }

    /// @dev Reverts unless `proof` shows its entry at its index of the posted binding `r`.
    function _checkEntry(uint256 l2Height, StoredBinding storage r, EntryProof calldata proof) private view {
        AstriaEvidenceLib.checkEntry(l2Height, r.entriesRoot, r.entryCount, proof);
    }

    function _requireNonZero(string memory name, uint256 value) private pure {
        if (value == 0) {
            revert Astria__InvalidConfig(name, value);
        }
    }
}
