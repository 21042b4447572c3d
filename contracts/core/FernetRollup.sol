// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFernetRollup} from "../interfaces/IFernetRollup.sol";
import {ISequencerRegistry} from "../interfaces/ISequencerRegistry.sol";
import {IProofVerifier} from "../interfaces/IProofVerifier.sol";
import {FernetLib} from "../libraries/FernetLib.sol";
import {RoundLib} from "../libraries/RoundLib.sol";

/**
 * @title FernetRollup
 * @notice Fernet block production on L1: one round per L2 height, strictly sequential.
 *
 * Roles: sequencers (registered in the SequencerRegistry) propose and reveal; provers deposit into
 * the escrow here and commit bonds; anyone submits proofs, reports faults and, in backup mode, blocks.
 *
 * A round for the pending height p = tip + 1 starts at T0, the finalization time of the tip (genesis:
 * deployment + genesisDelay), and runs through RoundLib's phases:
 *   1. propose(header)           [T0, T0+P)      eligible sequencers; only the best score is kept
 *   2. commitProver(quote, sig)  [T0+P, T0+P+C)  the quoted prover, bond locked from its escrow
 *   3. reveal(p, data)           until T0+P+C+R  the winning proposer publishes the data (calldata DA)
 *   4. submitProof(header, pf)   until T0+P+C+R+D  anyone; finalizes at once: tip, archive and RANDAO
 *                                snapshot advance, the bond is released, rewards accrue, signal counted
 *   5. backup                    after any miss  submitBackupBlock by anyone; first valid one is final
 * Faults: a missed reveal releases the prover's bond and penalises the proposer through the registry
 * (penaliseMissedReveal); a missed proof slashes the prover's bond (slashProver). A backup submission
 * settles whichever is pending, so no slash is forgotten; each height settles exactly once.
 *
 * Seeds: seed(h) = keccak256(abi.encode(randao[h - LOOKAHEAD], h)) (genesis seed for early heights),
 * fixed LOOKAHEAD blocks ahead. A sequencer may propose for h only if it was Active when seed(h) became
 * known and is neither exiting nor ejected now, so no key can be registered after seeing the seed.
 *
 * Invariants: tip never decreases; one canonical block per height; token balance of this contract ==
 * escrow totals + unclaimed rewards + reward pool; every bond is released or slashed exactly once.
 */
contract FernetRollup is IFernetRollup, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Where slashed funds go when no treasury is configured.
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;
    /// @notice EIP-712 type of a prover quote.
    bytes32 public constant QUOTE_TYPEHASH = keccak256(
        "Quote(uint256 height,bytes32 blockHash,address prover,uint256 bond,uint256 proverRewardBps,uint256 validUntil)"
    );

    /// @notice Most txs a block may claim (keeps tx-tree depths, and proofs against them, bounded).
    uint256 public constant MAX_TX_COUNT = 2 ** 32;
    /// @notice Longest genesis delay, in seconds (timestamps are packed into 40 bits).
    uint256 public constant MAX_GENESIS_DELAY = 365 days * 10;

    uint8 private constant FLAG_REVEALED = 1;
    uint8 private constant FLAG_SETTLED = 2;

    /**
     * @dev Per-height record, five slots.
     *      slot 0: proposer (160) | proposedAt (32) | finalizedAt (32) | proverRewardBps (16) | flags (8)
     *              | finalization (8)
     *      slot 1: blockHash   slot 2: txsRoot   slot 3: prover (160) | bond (96)
     *      The best proposal's dataHash is only needed while its height is pending, so it lives in one
     *      reused slot (`_pendingDataHash`) rather than a fresh slot per height.
     *      Timestamps are uint32 (good until 2106).
     */
    struct StoredBlock {
        address proposer;
        uint32 proposedAt;
        uint32 finalizedAt;
        uint16 proverRewardBps;
        uint8 flags;
        Finalization finalization;
        bytes32 blockHash;
        bytes32 txsRoot;
        address prover;
        uint96 bond;
    }

    /// @dev A backup block: who submitted it and its hash.
    struct StoredBackup {
        address submitter;
        bytes32 blockHash;
    }

    /// @dev Prover escrow, one slot: total deposited | part locked in bonds.
    struct Escrow {
        uint128 total;
        uint128 locked;
    }

    IERC20 private immutable _token;
    ISequencerRegistry private immutable _registry;
    IProofVerifier private immutable _verifier;
    address private immutable _slashRecipient;
    bytes32 private immutable _genesisArchive;
    bytes32 private immutable _genesisSeed;
    uint256 private immutable _deployedAt;
    uint256 private immutable _genesisTime;
    uint256 private immutable _proposalDuration;
    uint256 private immutable _commitmentDuration;
    uint256 private immutable _revealDuration;
    uint256 private immutable _provingDuration;
    uint256 private immutable _lookahead;
    uint256 private immutable _minimumProverBond;
    uint256 private immutable _blockReward;
    uint256 private immutable _submitterRewardBps;
    uint256 private immutable _slashBountyBps;
    uint256 private immutable _missedRevealPenalty;
    uint256 private immutable _signalRoundSize;
    uint256 private immutable _signalQuorum;
    address private immutable _treasury;

    /// @dev slot: tip (64) | roundStart (40)
    uint64 private _tip;
    uint40 private _roundStart;
    bytes32 private _archive;
    /// @dev dataHash of the best proposal of the pending height.
    bytes32 private _pendingDataHash;
    /// @dev slot: reward pool (128) | total burned (128)
    uint128 private _rewardPool;
    uint128 private _totalBurned;

    mapping(uint256 height => StoredBlock) private _blocks;
    mapping(uint256 height => StoredBackup) private _backups;
    mapping(uint256 height => bytes32) private _randao;
    mapping(address prover => Escrow) private _escrows;
    mapping(address account => uint256) private _rewards;
    mapping(uint256 round => mapping(bytes32 payload => uint256)) private _signals;
    mapping(uint256 round => bytes32) private _passed;

    /**
     * @param config Token, registry, verifier, treasury, genesis values, durations, bonds, rewards,
     *        lookahead and signalling parameters; each is validated (named error on a bad value).
     */
    constructor(Config memory config) EIP712("FernetRollup", "1") {
        if (config.token == address(0)) {
            revert Rollup__ZeroAddress("token");
        }
        if (config.registry == address(0)) {
            revert Rollup__ZeroAddress("registry");
        }
        if (config.verifier == address(0)) {
            revert Rollup__ZeroAddress("verifier");
        }
        _requireNonZero("proposalDuration", config.proposalDuration);
        _requireNonZero("commitmentDuration", config.commitmentDuration);
        _requireNonZero("revealDuration", config.revealDuration);
        _requireNonZero("provingDuration", config.provingDuration);
        _requireNonZero("lookahead", config.lookahead);
        _requireNonZero("minimumProverBond", config.minimumProverBond);
        _requireNonZero("signalRoundSize", config.signalRoundSize);
        if (config.minimumProverBond > type(uint96).max) {
            revert Rollup__InvalidConfig("minimumProverBond", config.minimumProverBond);
        }
        if (config.submitterRewardBps > FernetLib.BPS) {
            revert Rollup__InvalidConfig("submitterRewardBps", config.submitterRewardBps);
        }
        if (config.slashBountyBps > FernetLib.BPS) {
            revert Rollup__InvalidConfig("slashBountyBps", config.slashBountyBps);
        }
        // A quorum above half a round means at most one payload can pass per round.
        if (config.signalQuorum * 2 <= config.signalRoundSize || config.signalQuorum > config.signalRoundSize) {
            revert Rollup__InvalidConfig("signalQuorum", config.signalQuorum);
        }
        if (config.genesisDelay > MAX_GENESIS_DELAY) {
            revert Rollup__InvalidConfig("genesisDelay", config.genesisDelay);
        }
        uint256 roundLength = config.proposalDuration + config.commitmentDuration + config.revealDuration;
        // The missed-reveal penalty must be due strictly before a proposer that exits at once can
        // withdraw its stake, so a reporter always has at least one block to apply it.
        uint256 exitDelay = ISequencerRegistry(config.registry).exitDelay();
        if (exitDelay <= roundLength) {
            revert Rollup__InvalidConfig("registry.exitDelay", exitDelay);
        }
        _token = IERC20(config.token);
        _registry = ISequencerRegistry(config.registry);
        _verifier = IProofVerifier(config.verifier);
        _treasury = config.treasury;
        _slashRecipient = config.treasury == address(0) ? BURN_ADDRESS : config.treasury;
        _genesisArchive = config.genesisArchive;
        _genesisSeed = config.genesisSeed;
        _deployedAt = block.timestamp;
        _genesisTime = block.timestamp + config.genesisDelay;
        _proposalDuration = config.proposalDuration;
        _commitmentDuration = config.commitmentDuration;
        _revealDuration = config.revealDuration;
        _provingDuration = config.provingDuration;
        _lookahead = config.lookahead;
        _minimumProverBond = config.minimumProverBond;
        _blockReward = config.blockReward;
        _submitterRewardBps = config.submitterRewardBps;
        _slashBountyBps = config.slashBountyBps;
        _missedRevealPenalty = config.missedRevealPenalty;
        _signalRoundSize = config.signalRoundSize;
        _signalQuorum = config.signalQuorum;
        _archive = config.genesisArchive;
        _roundStart = uint40(block.timestamp + config.genesisDelay);
    }

    // =============================================================================================
    // Round
    // =============================================================================================

    /// @inheritdoc IFernetRollup
    function propose(Header calldata header) external override {
        uint256 height = _pendingHeight();
        _checkExtendsTip(header);
        (Phase phase,) = _phaseOf(_blocks[height]);
        if (phase != Phase.Proposal) {
            revert Rollup__WrongPhase(height, Phase.Proposal, phase);
        }
        uint256 knownAt = _seedKnownAt(height);
        if (!_registry.isEligible(msg.sender, knownAt)) {
            revert Rollup__NotEligible(msg.sender, height, knownAt);
        }
        bytes32 seed_ = _seed(height);
        uint256 newScore = FernetLib.score(seed_, msg.sender);
        StoredBlock storage b = _blocks[height];
        if (b.proposer != address(0)) {
            uint256 bestScore = FernetLib.score(seed_, b.proposer);
            if (newScore <= bestScore) {
                revert Rollup__ProposalNotBetter(height, newScore, bestScore);
            }
        }
        bytes32 hash = FernetLib.blockHash(header);
        b.proposer = msg.sender;
        b.proposedAt = uint32(block.timestamp);
        b.flags = 0; // a new best proposal is not revealed yet
        b.blockHash = hash;
        b.txsRoot = header.txsRoot;
        _pendingDataHash = header.dataHash;
        emit BlockProposed(height, msg.sender, hash, header.dataHash, newScore);
    }

    /// @inheritdoc IFernetRollup
    function commitProver(Quote calldata quote, bytes calldata signature) external override {
        uint256 height = _pendingHeight();
        if (quote.height != height) {
            revert Rollup__WrongHeight(height, quote.height);
        }
        StoredBlock storage b = _blocks[height];
        (Phase phase,) = _phaseOf(b);
        if (phase != Phase.Commitment) {
            revert Rollup__WrongPhase(height, Phase.Commitment, phase);
        }
        if (b.prover != address(0)) {
            revert Rollup__AlreadyCommitted(height, b.prover);
        }
        if (msg.sender != quote.prover) {
            revert Rollup__NotQuotedProver(msg.sender, quote.prover);
        }
        if (quote.blockHash != b.blockHash) {
            revert Rollup__BlockHashMismatch(b.blockHash, quote.blockHash);
        }
        if (quote.bond < _minimumProverBond) {
            revert Rollup__BondTooLow(quote.bond, _minimumProverBond);
        }
        if (quote.bond > type(uint96).max) {
            revert Rollup__BondTooHigh(quote.bond, type(uint96).max);
        }
        if (quote.proverRewardBps > FernetLib.BPS) {
            revert Rollup__RewardShareTooHigh(quote.proverRewardBps);
        }
        if (block.timestamp > quote.validUntil) {
            revert Rollup__QuoteExpired(quote.validUntil, block.timestamp);
        }
        address signer = ECDSA.recover(_hashTypedDataV4(_quoteStructHash(quote)), signature);
        if (signer != b.proposer) {
            revert Rollup__InvalidQuoteSigner(signer, b.proposer);
        }
        Escrow storage e = _escrows[msg.sender];
        uint256 free = uint256(e.total) - e.locked;
        if (free < quote.bond) {
            revert Rollup__InsufficientEscrow(msg.sender, free, quote.bond);
        }
        // Safe: bond <= free <= total - locked < 2^128.
        e.locked += uint128(quote.bond);
        b.prover = msg.sender;
        b.bond = uint96(quote.bond);
        b.proverRewardBps = uint16(quote.proverRewardBps);
        emit ProverCommitted(height, msg.sender, b.blockHash, quote.bond);
    }

    /// @inheritdoc IFernetRollup
    function reveal(uint256 height, bytes calldata data) external override {
        uint256 pending = _pendingHeight();
        if (height != pending) {
            revert Rollup__WrongHeight(pending, height);
        }
        StoredBlock storage b = _blocks[height];
        if (msg.sender != b.proposer) {
            revert Rollup__NotProposer(msg.sender, b.proposer);
        }
        (Phase phase,) = _phaseOf(b);
        if (phase == Phase.Backup) {
            revert Rollup__WrongPhase(height, Phase.Reveal, phase);
        }
        if (b.flags & FLAG_REVEALED != 0) {
            revert Rollup__AlreadyRevealed(height);
        }
        bytes32 dataHash = keccak256(data);
        bytes32 expected = _pendingDataHash;
        if (dataHash != expected) {
            revert Rollup__DataHashMismatch(expected, dataHash);
        }
        b.flags |= FLAG_REVEALED;
        emit BlockRevealed(height, dataHash, data);
    }

    /// @inheritdoc IFernetRollup
    function submitProof(Header calldata header, bytes calldata proof) external override {
        uint256 height = _pendingHeight();
        if (header.height != height) {
            revert Rollup__WrongHeight(height, header.height);
        }
        StoredBlock storage b = _blocks[height];
        bytes32 hash = FernetLib.blockHash(header);
        if (hash != b.blockHash) {
            revert Rollup__BlockHashMismatch(b.blockHash, hash);
        }
        address prover = b.prover;
        if (prover == address(0)) {
            revert Rollup__NotCommitted(height);
        }
        if (b.flags & FLAG_REVEALED == 0) {
            revert Rollup__NotRevealed(height);
        }
        (Phase phase,) = _phaseOf(b);
        if (phase == Phase.Backup) {
            revert Rollup__WrongPhase(height, Phase.Proving, phase);
        }
        _verify(header, prover, proof);

        // Release the bond.
        uint96 bond = b.bond;
        _escrows[prover].locked -= bond;
        b.flags |= FLAG_SETTLED;
        emit BondReleased(height, prover, bond);

        _finalize(height, b, header.archive, hash, Finalization.Proven);
        _accrueRewards(height, msg.sender, prover, b.proverRewardBps, b.proposer);
        if (header.signal != bytes32(0)) {
            _countSignal(height, header.signal);
        }
    }

    /// @inheritdoc IFernetRollup
    function submitBackupBlock(Header calldata header, bytes calldata data, bytes calldata proof)
        external
        override
        nonReentrant
    {
        uint256 height = _pendingHeight();
        StoredBlock storage b = _blocks[height];
        (Phase phase, BackupReason reason) = _phaseOf(b);
        if (phase != Phase.Backup) {
            revert Rollup__NotInBackup(height);
        }
        _checkExtendsTip(header);
        bytes32 dataHash = keccak256(data);
        if (dataHash != header.dataHash) {
            revert Rollup__DataHashMismatch(header.dataHash, dataHash);
        }
        _verify(header, msg.sender, proof);
        _settle(height, b, reason, msg.sender);

        bytes32 hash = FernetLib.blockHash(header);
        _backups[height] = StoredBackup({submitter: msg.sender, blockHash: hash});
        emit BlockRevealed(height, dataHash, data);
        _finalize(height, b, header.archive, hash, Finalization.Backup);
        _accrueRewards(height, msg.sender, msg.sender, FernetLib.BPS, msg.sender);
    }

    /// @inheritdoc IFernetRollup
    function slashProver(uint256 height) external override nonReentrant {
        _settleFault(height, BackupReason.NoProof);
    }

    /// @inheritdoc IFernetRollup
    function penaliseMissedReveal(uint256 height) external override nonReentrant {
        _settleFault(height, BackupReason.NoReveal);
    }

    // =============================================================================================
    // Escrow and rewards
    // =============================================================================================

    /// @inheritdoc IFernetRollup
    function deposit(uint256 amount) external override nonReentrant {
        if (amount == 0) {
            revert Rollup__ZeroAmount();
        }
        _escrows[msg.sender].total += SafeCast.toUint128(amount);
        emit EscrowDeposited(msg.sender, amount);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IFernetRollup
    function withdrawEscrow(uint256 amount) external override nonReentrant {
        if (amount == 0) {
            revert Rollup__ZeroAmount();
        }
        Escrow storage e = _escrows[msg.sender];
        uint256 free = uint256(e.total) - e.locked;
        if (free < amount) {
            revert Rollup__InsufficientEscrow(msg.sender, free, amount);
        }
        // Safe: amount <= free <= total.
        e.total -= uint128(amount);
        emit EscrowWithdrawn(msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IFernetRollup
    function fundRewards(uint256 amount) external override nonReentrant {
        if (amount == 0) {
            revert Rollup__ZeroAmount();
        }
        _rewardPool += SafeCast.toUint128(amount);
        emit RewardPoolFunded(msg.sender, amount);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IFernetRollup
    function claimRewards(address recipient) external override nonReentrant returns (uint256 amount) {
        if (recipient == address(0)) {
            revert Rollup__ZeroAddress("recipient");
        }
        amount = _rewards[msg.sender];
        if (amount == 0) {
            revert Rollup__NothingToClaim(msg.sender);
        }
        _rewards[msg.sender] = 0;
        emit RewardsClaimed(msg.sender, recipient, amount);
        _token.safeTransfer(recipient, amount);
    }

    // =============================================================================================
    // Views
    // =============================================================================================

    /// @inheritdoc IFernetRollup
    function getConfig() external view override returns (Config memory) {
        return Config({
            token: address(_token),
            registry: address(_registry),
            verifier: address(_verifier),
            treasury: _treasury,
            genesisArchive: _genesisArchive,
            genesisSeed: _genesisSeed,
            genesisDelay: _genesisTime - _deployedAt,
            proposalDuration: _proposalDuration,
            commitmentDuration: _commitmentDuration,
            revealDuration: _revealDuration,
            provingDuration: _provingDuration,
            lookahead: _lookahead,
            minimumProverBond: _minimumProverBond,
            blockReward: _blockReward,
            submitterRewardBps: _submitterRewardBps,
            slashBountyBps: _slashBountyBps,
            missedRevealPenalty: _missedRevealPenalty,
            signalRoundSize: _signalRoundSize,
            signalQuorum: _signalQuorum
        });
    }

    /// @inheritdoc IFernetRollup
    function tip() external view override returns (uint256) {
        return _tip;
    }

    /// @inheritdoc IFernetRollup
    function archive() external view override returns (bytes32) {
        return _archive;
    }

    /// @inheritdoc IFernetRollup
    function genesisTime() external view override returns (uint256) {
        return _genesisTime;
    }

    /// @inheritdoc IFernetRollup
    function seed(uint256 height) external view override returns (bytes32) {
        if (_seedKnownAt(height) == 0) {
            revert Rollup__WrongHeight(_tip + _lookahead, height);
        }
        return _seed(height);
    }

    /// @inheritdoc IFernetRollup
    function seedKnownAt(uint256 height) external view override returns (uint256) {
        return _seedKnownAt(height);
    }

    /// @inheritdoc IFernetRollup
    function score(uint256 height, address sequencer) external view override returns (uint256) {
        if (_seedKnownAt(height) == 0) {
            revert Rollup__WrongHeight(_tip + _lookahead, height);
        }
        return FernetLib.score(_seed(height), sequencer);
    }

    /// @inheritdoc IFernetRollup
    function randaoOf(uint256 height) external view override returns (bytes32) {
        return _randao[height];
    }

    /// @inheritdoc IFernetRollup
    function getBlock(uint256 height) public view override returns (BlockRecord memory r) {
        StoredBlock storage b = _blocks[height];
        r.proposer = b.proposer;
        r.proposedAt = b.proposedAt;
        r.blockHash = b.blockHash;
        r.txsRoot = b.txsRoot;
        r.prover = b.prover;
        r.bond = b.bond;
        r.proverRewardBps = b.proverRewardBps;
        r.revealed = b.flags & FLAG_REVEALED != 0;
        r.settled = b.flags & FLAG_SETTLED != 0;
        r.finalization = b.finalization;
        r.finalizedAt = b.finalizedAt;
        if (b.finalization == Finalization.Proven) {
            r.canonicalBlockHash = b.blockHash;
        } else if (b.finalization == Finalization.Backup) {
            StoredBackup storage backup = _backups[height];
            r.canonicalBlockHash = backup.blockHash;
            r.backupSubmitter = backup.submitter;
        }
    }

    /// @inheritdoc IFernetRollup
    function getHeightState(uint256 height) external view override returns (HeightState memory s) {
        s.height = height;
        s.record = getBlock(height);
        s.seedKnownAt = _seedKnownAt(height);
        if (s.seedKnownAt != 0) {
            s.seed = _seed(height);
            if (s.record.proposer != address(0)) {
                s.bestScore = FernetLib.score(s.seed, s.record.proposer);
            }
        }
        uint256 pending = _pendingHeight();
        if (height > pending || height == 0) {
            return s; // NotStarted, no deadlines yet
        }
        s.roundStart = height == 1 ? _genesisTime : _blocks[height - 1].finalizedAt;
        (s.proposalDeadline, s.commitmentDeadline, s.revealDeadline, s.provingDeadline) =
            RoundLib.deadlines(s.roundStart, _durations());
        if (height < pending) {
            s.phase = Phase.Finalized;
        } else {
            (s.phase, s.backupReason) = _phaseOf(_blocks[height]);
            if (s.record.proposer != address(0)) {
                s.dataHash = _pendingDataHash;
            }
        }
    }

    /// @inheritdoc IFernetRollup
    function quoteDigest(Quote calldata quote) external view override returns (bytes32) {
        return _hashTypedDataV4(_quoteStructHash(quote));
    }

    /// @inheritdoc IFernetRollup
    function publicInputsHash(Header calldata header, address prover) external view override returns (bytes32) {
        return FernetLib.publicInputsHash(header, address(this), prover);
    }

    /// @inheritdoc IFernetRollup
    function escrowOf(address prover) external view override returns (uint256 total, uint256 locked) {
        Escrow storage e = _escrows[prover];
        return (e.total, e.locked);
    }

    /// @inheritdoc IFernetRollup
    function rewardsOf(address account) external view override returns (uint256) {
        return _rewards[account];
    }

    /// @inheritdoc IFernetRollup
    function rewardPool() external view override returns (uint256) {
        return _rewardPool;
    }

    /// @inheritdoc IFernetRollup
    function totalBurned() external view override returns (uint256) {
        return _totalBurned;
    }

    /// @inheritdoc IFernetRollup
    function signalCount(uint256 round, bytes32 payload) external view override returns (uint256) {
        return _signals[round][payload];
    }

    /// @inheritdoc IFernetRollup
    function passedPayload(uint256 round) external view override returns (bytes32) {
        return _passed[round];
    }

    // =============================================================================================
    // Internal
    // =============================================================================================

    function _pendingHeight() private view returns (uint256) {
        return uint256(_tip) + 1;
    }

    function _durations() private view returns (RoundLib.Durations memory) {
        return RoundLib.Durations({
            proposal: _proposalDuration,
            commitment: _commitmentDuration,
            reveal: _revealDuration,
            proving: _provingDuration
        });
    }

    /// @dev Phase of the pending height (whose round starts at `_roundStart`) now; `b` is its record.
    function _phaseOf(StoredBlock storage b) private view returns (Phase, BackupReason) {
        return RoundLib.phaseAt(
            block.timestamp,
            _roundStart,
            _durations(),
            b.proposer != address(0),
            b.prover != address(0),
            b.flags & FLAG_REVEALED != 0
        );
    }

    /// @dev seed(h): from the RANDAO snapshot of h - lookahead, or the genesis seed for early heights.
    function _seed(uint256 height) private view returns (bytes32) {
        return FernetLib.seed(height > _lookahead ? _randao[height - _lookahead] : _genesisSeed, height);
    }

    /// @dev When seed(h) became known: finalization of h - lookahead, deployment for early heights, 0 if unknown.
    function _seedKnownAt(uint256 height) private view returns (uint256) {
        if (height <= _lookahead) {
            return _deployedAt;
        }
        return _blocks[height - _lookahead].finalizedAt;
    }

    function _checkExtendsTip(Header calldata header) private view {
        uint256 height = _pendingHeight();
        if (header.height != height) {
            revert Rollup__WrongHeight(height, header.height);
        }
        if (header.parentArchive != _archive) {
            revert Rollup__WrongParent(_archive, header.parentArchive);
        }
        if (header.txCount > MAX_TX_COUNT) {
            revert Rollup__TooManyTxs(header.txCount, MAX_TX_COUNT);
        }
    }

    function _verify(Header calldata header, address prover, bytes calldata proof) private view {
        bytes32 inputs = FernetLib.publicInputsHash(header, address(this), prover);
        if (!_verifier.verify(proof, inputs)) {
            revert Rollup__InvalidProof(header.height, inputs);
        }
    }

    function _quoteStructHash(Quote calldata quote) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                QUOTE_TYPEHASH,
                quote.height,
                quote.blockHash,
                quote.prover,
                quote.bond,
                quote.proverRewardBps,
                quote.validUntil
            )
        );
    }

    /// @dev Advances the tip to `height` and stores its RANDAO snapshot and finalization time.
    function _finalize(uint256 height, StoredBlock storage b, bytes32 newArchive, bytes32 hash, Finalization kind)
        private
    {
        bytes32 randao = bytes32(block.prevrandao);
        _tip = uint64(height);
        _roundStart = uint40(block.timestamp);
        _archive = newArchive;
        _randao[height] = randao;
        b.finalizedAt = uint32(block.timestamp);
        b.finalization = kind;
        emit BlockFinalized(height, hash, kind, newArchive, randao, msg.sender);
    }

    /// @dev Pays the block reward (or what the pool has) as pull payments.
    function _accrueRewards(uint256 height, address submitter, address prover, uint256 proverBps, address sequencer)
        private
    {
        uint256 pool = _rewardPool;
        uint256 paid = pool < _blockReward ? pool : _blockReward;
        if (paid == 0) {
            return;
        }
        // Safe: paid <= pool.
        unchecked {
            _rewardPool = uint128(pool - paid);
        }
        (uint256 toSubmitter, uint256 toProver, uint256 toSequencer) =
            FernetLib.splitReward(paid, _submitterRewardBps, proverBps);
        _rewards[submitter] += toSubmitter;
        _rewards[prover] += toProver;
        _rewards[sequencer] += toSequencer;
        emit RewardsAccrued(height, submitter, toSubmitter, prover, toProver, sequencer, toSequencer);
    }

    /// @dev Counts the signal of the happy-path block `height`; records the payload at quorum.
    function _countSignal(uint256 height, bytes32 payload) private {
        uint256 round = (height - 1) / _signalRoundSize;
        uint256 count = ++_signals[round][payload];
        emit Signalled(round, payload, height, count);
        if (count == _signalQuorum) {
            _passed[round] = payload;
            emit PayloadPassed(round, payload, count);
        }
    }

    /// @dev Permissionless settlement of the fault `expected` at the pending height.
    function _settleFault(uint256 height, BackupReason expected) private {
        StoredBlock storage b = _blocks[height];
        BackupReason reason = BackupReason.None;
        if (height == _pendingHeight()) {
            (, reason) = _phaseOf(b);
        }
        if (reason != expected) {
            revert Rollup__NoSlashableFault(height, reason);
        }
        if (b.flags & FLAG_SETTLED != 0) {
            revert Rollup__AlreadySettled(height);
        }
        _settle(height, b, reason, msg.sender);
    }

    /**
     * @dev Settles the bond of `height` once: released on a missed reveal (with the proposer's penalty),
     *      slashed on a missed proof; nothing to do for the other backup reasons.
     */
    function _settle(uint256 height, StoredBlock storage b, BackupReason reason, address reporter) private {
        if (b.flags & FLAG_SETTLED != 0) {
            return;
        }
        if (reason == BackupReason.NoReveal) {
            b.flags |= FLAG_SETTLED;
            _escrows[b.prover].locked -= b.bond;
            emit BondReleased(height, b.prover, b.bond);
            _penaliseProposer(height, b.proposer, reporter);
        } else if (reason == BackupReason.NoProof) {
            b.flags |= FLAG_SETTLED;
            address prover = b.prover;
            uint96 bond = b.bond;
            Escrow storage e = _escrows[prover];
            e.locked -= bond;
            e.total -= bond;
            uint256 bounty = FernetLib.share(bond, _slashBountyBps);
            uint256 burned = bond - bounty;
            _totalBurned += uint128(burned);
            emit ProverSlashed(height, prover, reporter, bounty, burned);
            _payOut(reporter, bounty, burned);
        }
    }

    /// @dev Takes the missed-reveal penalty from the proposer's stake; bounty to the reporter, rest burned.
    function _penaliseProposer(uint256 height, address proposer, address reporter) private {
        uint256 penalty;
        if (_missedRevealPenalty > 0) {
            // A proposer that already withdrew (or a registry that refuses) must not block the bond
            // release or backup mode: the penalty is then zero, and the event says so.
            try _registry.slash(proposer, _missedRevealPenalty) returns (uint256 slashed) {
                penalty = slashed;
            } catch {
                penalty = 0;
            }
        }
        uint256 bounty = FernetLib.share(penalty, _slashBountyBps);
        _totalBurned += uint128(penalty - bounty);
        emit ProposerPenalised(height, proposer, reporter, penalty, bounty);
        _payOut(reporter, bounty, penalty - bounty);
    }

    function _payOut(address reporter, uint256 bounty, uint256 burned) private {
        if (bounty > 0) {
            _token.safeTransfer(reporter, bounty);
        }
        if (burned > 0) {
            _token.safeTransfer(_slashRecipient, burned);
        }
    }

    function _requireNonZero(string memory name, uint256 value) private pure {
        if (value == 0) {
            revert Rollup__InvalidConfig(name, value);
        }
    }
}
