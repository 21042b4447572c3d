// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IFernetRollup} from "../interfaces/IFernetRollup.sol";
import {ISequencerRegistry} from "../interfaces/ISequencerRegistry.sol";
import {IProofVerifier} from "../interfaces/IProofVerifier.sol";
import {FernetLib} from "../libraries/FernetLib.sol";
import {RoundLib} from "../libraries/RoundLib.sol";
import {TxMerkle} from "../libraries/TxMerkle.sol";
import {EscrowLib} from "../libraries/EscrowLib.sol";
import {RewardLib} from "../libraries/RewardLib.sol";
import {SignalLib} from "../libraries/SignalLib.sol";
import {RandomnessLib} from "../libraries/RandomnessLib.sol";
import {SettlementLib} from "../libraries/SettlementLib.sol";

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
 *   4. submitProof(header, pf)   [T0+P+C, T0+P+C+R+D)  anyone, once revealed; finalizes at once: tip and
 *                                archive advance, the bond is released, rewards accrue, signal counted
 *   5. backup                    after any miss  submitBackupBlock by anyone; first valid one is final
 * No proof lands before the commitment deadline, so [T0+P, T0+P+C) is always open for what a winner
 * posts after its proposal (an Astria binding).
 * Faults: a winner that arranged no commitment, or missed its reveal, is penalised through the registry
 * (penaliseMissedCommitment, penaliseMissedReveal; a missed reveal also releases the prover's bond); a
 * missed proof slashes the prover's bond (slashProver). A backup submission settles whichever is pending,
 * so no slash is forgotten, and pays no reward to the party whose miss opened backup; each height
 * settles exactly once.
 *
 * Randomness: the randomness of round k (seeding height k + LOOKAHEAD) is the RANDAO of the first L1
 * block in [T0(k)+P, T0(k)+P+SLOT) that runs a round call (poke included); if no call lands in that slot
 * the previous round's value carries over. The slot is fixed when round k starts, before anyone but the
 * L1 proposers of the slots around it can know its RANDAO, so whoever times the finalization of k - 1
 * (and so T0(k)) picks among values it can't see. The genesis value (heights 1..LOOKAHEAD) mixes the
 * deployer's salt with the deployment block's RANDAO. seed(h) = keccak256(abi.encode(randomness, h)).
 * A sequencer may propose for h only if it was Active when that randomness became knowable (one slot
 * before its block) and is neither exiting nor ejected now, so no key can be registered after seeing it.
 *
 * Invariants: tip never decreases; one canonical block per height; token balance of this contract ==
 * escrow totals + unclaimed rewards + reward pool; every bond is released or slashed exactly once.
 */
contract FernetRollup is IFernetRollup, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using EscrowLib for EscrowLib.Escrow;
    using RewardLib for RewardLib.Pool;
    using SignalLib for SignalLib.Signals;

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
    /// @notice One L1 slot (seconds): the randomness snapshot's window, and how long before its block a
    ///         RANDAO value can be known (to the proposer of the slot before).
    uint256 public constant SLOT = RandomnessLib.SLOT;

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

    /// @dev slot: tip (64) | roundStart (40) | whether the pending round's randomness snapshot was taken (8)
    uint64 private _tip;
    uint40 private _roundStart;
    bool private _snapshotTaken;
    bytes32 private _archive;
    /// @dev dataHash of the best proposal of the pending height.
    bytes32 private _pendingDataHash;
    /// @dev slot: reward pool (128) | total burned (128)
    RewardLib.Pool private _pool;

    mapping(uint256 height => StoredBlock) private _blocks;
    mapping(uint256 height => StoredBackup) private _backups;
    /// @dev Randomness of each round (0: genesis), packed: value (216 bits) << 40 | knownAt (40 bits).
    ///      Written once, never changed; zero until fixed.
    mapping(uint256 round => uint256) private _randomness;
    mapping(address prover => EscrowLib.Escrow) private _escrows;
    mapping(address account => uint256) private _rewards;
    SignalLib.Signals private _signals;

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
        address registryToken = ISequencerRegistry(config.registry).token();
        if (registryToken != config.token) {
            revert Rollup__TokenMismatch(config.token, registryToken);
        }
        // A winner that misses (or a prover that withholds) and reports itself, or lets a friend submit
        // the backup block, recovers the bounty and the block reward: its loss must cover both.
        uint256 minimumLoss = SettlementLib.minimumLoss(config.blockReward, config.slashBountyBps);
        if (config.missedRevealPenalty < minimumLoss) {
            revert Rollup__PenaltyTooLow("missedRevealPenalty", config.missedRevealPenalty, minimumLoss);
        }
        if (config.minimumProverBond < minimumLoss) {
            revert Rollup__PenaltyTooLow("minimumProverBond", config.minimumProverBond, minimumLoss);
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
        // Genesis randomness: the deployer's salt can't choose it alone (no public default to grind keys
        // against); the deployment block's RANDAO was knowable one slot before it.
        bytes32 genesis = keccak256(abi.encode(config.genesisSeed, block.prevrandao, block.chainid, address(this)));
        _fixRandomness(0, genesis, block.timestamp - SLOT, false);
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
        uint256 word = _randomnessFor(height);
        uint256 knownAt = RandomnessLib.knownAt(word);
        ISequencerRegistry.Eligibility why = _registry.eligibility(msg.sender, knownAt);
        if (why != ISequencerRegistry.Eligibility.Eligible) {
            revert Rollup__NotEligible(msg.sender, height, knownAt, why);
        }
        bytes32 seed_ = FernetLib.seed(RandomnessLib.value(word), height);
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
        emit BlockProposed(height, msg.sender, hash, header, newScore);
    }

    /// @inheritdoc IFernetRollup
    function commitProver(Quote calldata quote, bytes calldata signature) external override {
        _snapshot();
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
        _escrows[msg.sender].lock(msg.sender, quote.bond);
        b.prover = msg.sender;
        b.bond = uint96(quote.bond);
        b.proverRewardBps = uint16(quote.proverRewardBps);
        emit ProverCommitted(height, msg.sender, b.blockHash, quote.bond, quote.proverRewardBps, quote.validUntil);
    }

    /// @inheritdoc IFernetRollup
    function reveal(uint256 height, bytes calldata data) external override {
        _snapshot();
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
        _snapshot();
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
        // Not before the commitment deadline (the phase reads Commitment until then), nor in backup.
        (Phase phase,) = _phaseOf(b);
        if (phase != Phase.Proving) {
            revert Rollup__WrongPhase(height, Phase.Proving, phase);
        }
        _verify(header, prover, proof);

        // Release the bond.
        uint96 bond = b.bond;
        _escrows[prover].release(bond);
        b.flags |= FLAG_SETTLED;
        emit BondReleased(height, prover, bond);

        _finalize(height, b, header.archive, hash, Finalization.Proven);
        // The submitter share goes to the committed prover whoever sends the proof: copying a proof's
        // calldata earns nothing.
        _accrueRewards(height, prover, prover, b.proverRewardBps, b.proposer);
        if (header.signal != bytes32(0)) {
            _signals.count(height, header.signal, _signalRoundSize, _signalQuorum);
        }
    }

    /// @inheritdoc IFernetRollup
    function submitBackupBlock(Header calldata header, bytes calldata data, bytes calldata proof)
        external
        override
        nonReentrant
    {
        _snapshot();
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
        // The party whose miss opened backup can't earn the backup block's rewards (they stay in the pool).
        if (msg.sender != SettlementLib.faultyParty(reason, b.proposer, b.prover)) {
            _accrueRewards(height, msg.sender, msg.sender, FernetLib.BPS, msg.sender);
        }
    }

    /// @inheritdoc IFernetRollup
    function slashProver(uint256 height) external override nonReentrant {
        _snapshot();
        _settleFault(height, BackupReason.NoProof);
    }

    /// @inheritdoc IFernetRollup
    function penaliseMissedReveal(uint256 height) external override nonReentrant {
        _snapshot();
        _settleFault(height, BackupReason.NoReveal);
    }

    /// @inheritdoc IFernetRollup
    function penaliseMissedCommitment(uint256 height) external override nonReentrant {
        _snapshot();
        _settleFault(height, BackupReason.NoCommitment);
    }

    /// @inheritdoc IFernetRollup
    function poke() external override {
        if (!_snapshot()) {
            uint256 round = _pendingHeight();
            if (_snapshotTaken) {
                revert Rollup__NoSnapshotDue(round, 0, 0, block.timestamp);
            }
            (uint256 windowStart, uint256 windowEnd) = RandomnessLib.window(_roundStart, _proposalDuration);
            revert Rollup__NoSnapshotDue(round, windowStart, windowEnd, block.timestamp);
        }
    }

    // =============================================================================================
    // Escrow and rewards
    // =============================================================================================

    /// @inheritdoc IFernetRollup
    function deposit(uint256 amount) external override nonReentrant {
        if (amount == 0) {
            revert Rollup__ZeroAmount();
        }
        _escrows[msg.sender].deposit(amount);
        emit EscrowDeposited(msg.sender, amount);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IFernetRollup
    function withdrawEscrow(uint256 amount) external override nonReentrant {
        if (amount == 0) {
            revert Rollup__ZeroAmount();
        }
        _escrows[msg.sender].withdraw(msg.sender, amount);
        emit EscrowWithdrawn(msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IFernetRollup
    function fundRewards(uint256 amount) external override nonReentrant {
        if (amount == 0) {
            revert Rollup__ZeroAmount();
        }
        _pool.fund(amount);
        emit RewardPoolFunded(msg.sender, amount);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IFernetRollup
    function claimRewards(address recipient) external override nonReentrant returns (uint256 amount) {
        if (recipient == address(0)) {
            revert Rollup__ZeroAddress("recipient");
        }
        amount = RewardLib.claim(_rewards, msg.sender);
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
    function seed(uint256 height) public view override returns (bytes32) {
        uint256 word = _randomnessFor(height);
        if (word == 0) {
            revert Rollup__SeedUnknown(height);
        }
        return FernetLib.seed(RandomnessLib.value(word), height);
    }

    /// @inheritdoc IFernetRollup
    function seedKnownAt(uint256 height) external view override returns (uint256) {
        return RandomnessLib.knownAt(_randomnessFor(height));
    }

    /// @inheritdoc IFernetRollup
    function score(uint256 height, address sequencer) external view override returns (uint256) {
        return FernetLib.score(seed(height), sequencer);
    }

    /// @inheritdoc IFernetRollup
    function randomnessOf(uint256 round) external view override returns (bytes32 value, uint256 knownAt) {
        uint256 word = round == 0 ? _randomness[0] : _randomnessFor(round + _lookahead);
        return (RandomnessLib.value(word), RandomnessLib.knownAt(word));
    }

    /// @inheritdoc IFernetRollup
    function deployedAt() external view override returns (uint256) {
        return _deployedAt;
    }

    /// @inheritdoc IFernetRollup
    function signalRoundOf(uint256 height) external view override returns (uint256) {
        if (height == 0) {
            revert Rollup__WrongHeight(1, 0);
        }
        return SignalLib.roundOf(height, _signalRoundSize);
    }

    /// @inheritdoc IFernetRollup
    function txsRootOf(bytes32[] calldata txHashes) external pure override returns (bytes32) {
        return TxMerkle.rootOf(txHashes);
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
        uint256 word = height == 0 ? 0 : _randomnessFor(height);
        s.seedKnownAt = RandomnessLib.knownAt(word);
        if (word != 0) {
            s.seed = FernetLib.seed(RandomnessLib.value(word), height);
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
        EscrowLib.Escrow storage e = _escrows[prover];
        return (e.total, e.locked);
    }

    /// @inheritdoc IFernetRollup
    function rewardsOf(address account) external view override returns (uint256) {
        return _rewards[account];
    }

    /// @inheritdoc IFernetRollup
    function rewardPool() external view override returns (uint256) {
        return _pool.pool;
    }

    /// @inheritdoc IFernetRollup
    function totalBurned() external view override returns (uint256) {
        return _pool.burned;
    }

    /// @inheritdoc IFernetRollup
    function signalCount(uint256 round, bytes32 payload) external view override returns (uint256) {
        return _signals.counts[round][payload];
    }

    /// @inheritdoc IFernetRollup
    function passedPayload(uint256 round) external view override returns (bytes32) {
        return _signals.passed[round];
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

    /**
     * @dev The packed randomness seeding `height` (round `height - lookahead`, or genesis), 0 if not fixed:
     *      a past round's is stored; the pending round's is stored once its snapshot was taken, or is
     *      the previous round's once its slot passed without one (stored as such at finalization).
     */
    function _randomnessFor(uint256 height) private view returns (uint256 word) {
        if (height <= _lookahead) {
            return _randomness[0];
        }
        uint256 round = height - _lookahead;
        word = _randomness[round];
        if (word == 0 && round == _pendingHeight()) {
            (, uint256 windowEnd) = RandomnessLib.window(_roundStart, _proposalDuration);
            if (block.timestamp >= windowEnd) {
                word = _randomness[round - 1];
            }
        }
    }

    /**
     * @dev Takes the pending round's snapshot if now is in its slot `[T0+P, T0+P+SLOT)` and none was
     *      taken: the block's RANDAO, knowable one slot before. Returns whether it took one.
     */
    function _snapshot() private returns (bool) {
        (uint256 windowStart, uint256 windowEnd) = RandomnessLib.window(_roundStart, _proposalDuration);
        if (_snapshotTaken || block.timestamp < windowStart || block.timestamp >= windowEnd) {
            return false;
        }
        _snapshotTaken = true;
        _fixRandomness(_pendingHeight(), bytes32(block.prevrandao), block.timestamp - SLOT, false);
        return true;
    }

    /// @dev Stores the randomness of `round` (216 bits of `value`, and `knownAt`) for good.
    function _fixRandomness(uint256 round, bytes32 raw, uint256 knownAt, bool carried) private {
        uint256 word = RandomnessLib.pack(raw, knownAt);
        _randomness[round] = word;
        emit RandomnessFixed(round, RandomnessLib.value(word), knownAt, carried);
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

    /// @dev Advances the tip to `height` and its finalization time; carries the previous round's
    ///      randomness over if this round's snapshot slot passed without a call.
    function _finalize(uint256 height, StoredBlock storage b, bytes32 newArchive, bytes32 hash, Finalization kind)
        private
    {
        if (!_snapshotTaken) {
            uint256 previous = _randomness[height - 1];
            _randomness[height] = previous;
            emit RandomnessFixed(height, RandomnessLib.value(previous), RandomnessLib.knownAt(previous), true);
        }
        _tip = uint64(height);
        _roundStart = uint40(block.timestamp);
        _snapshotTaken = false;
        _archive = newArchive;
        b.finalizedAt = uint32(block.timestamp);
        b.finalization = kind;
        emit BlockFinalized(height, hash, kind, newArchive, msg.sender);
    }

    /// @dev Pays the block reward (or what the pool has) as pull payments.
    function _accrueRewards(uint256 height, address submitter, address prover, uint256 proverBps, address sequencer)
        private
    {
        _pool.accrue(_rewards, height, _blockReward, _submitterRewardBps, submitter, prover, proverBps, sequencer);
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
     * @dev Settles `height` once: a missed commitment penalises the winner; a missed reveal releases the
     *      bond and penalises the winner; a missed proof slashes the bond; nothing to do without a proposal.
     */
    function _settle(uint256 height, StoredBlock storage b, BackupReason reason, address reporter) private {
        if (b.flags & FLAG_SETTLED != 0) {
            return;
        }
        if (reason == BackupReason.NoReveal) {
            b.flags |= FLAG_SETTLED;
            _escrows[b.prover].release(b.bond);
            emit BondReleased(height, b.prover, b.bond);
            _penaliseProposer(height, b, reporter, reason);
        } else if (reason == BackupReason.NoCommitment) {
            b.flags |= FLAG_SETTLED;
            _penaliseProposer(height, b, reporter, reason);
        } else if (reason == BackupReason.NoProof) {
            b.flags |= FLAG_SETTLED;
            address prover = b.prover;
            uint96 bond = b.bond;
            _escrows[prover].forfeit(bond);
            (uint256 bounty, uint256 burned) = SettlementLib.split(bond, _slashBountyBps);
            _pool.recordBurn(burned);
            emit ProverSlashed(height, prover, reporter, bounty, burned);
            _payOut(reporter, bounty, burned);
        }
    }

    /**
     * @dev Takes the winner's miss penalty from the registration that proposed (registered by its
     *      proposal time, so never the key's next owner); bounty to the reporter, rest burned.
     */
    function _penaliseProposer(uint256 height, StoredBlock storage b, address reporter, BackupReason reason)
        private
    {
        address proposer = b.proposer;
        uint256 penalty;
        if (_missedRevealPenalty > 0) {
            // A proposer that already withdrew (or a registry that refuses) must not block the bond
            // release or backup mode: the penalty is then zero, and the event says so.
            try _registry.slash(proposer, _missedRevealPenalty, b.proposedAt) returns (uint256 slashed) {
                penalty = slashed;
            } catch {
                penalty = 0;
            }
        }
        (uint256 bounty, uint256 burned) = SettlementLib.split(penalty, _slashBountyBps);
        _pool.recordBurn(burned);
        emit ProposerPenalised(height, proposer, reporter, reason, penalty, bounty);
        _payOut(reporter, bounty, burned);
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
