// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IFernetRollup
 * @notice Fernet block production for one L2: one round per height, run on L1.
 *         Proposal (RANDAO-ranked), prover commitment (bonded, sequencer-signed EIP-712 quote),
 *         reveal (calldata DA), proof verification and finalization; on any miss, backup mode.
 */
import {ISequencerRegistry} from "./ISequencerRegistry.sol";

interface IFernetRollup {
    /// @notice An L2 block header. `blockHash = keccak256(abi.encode(header))`.
    struct Header {
        uint256 height;
        bytes32 parentArchive; // must equal the archive of the current tip
        bytes32 archive; // the new state root
        bytes32 txsRoot; // keccak Merkle root of the ordered tx hashes (zero-padded to a power of two)
        uint256 txCount;
        bytes32 dataHash; // keccak256 of the block data revealed on L1
        bytes32 signal; // upgrade payload signalled by the proposer; zero abstains
    }

    /// @notice A prover's price for proving one block, signed (EIP-712) by the winning sequencer.
    struct Quote {
        uint256 height;
        bytes32 blockHash;
        address prover;
        uint256 bond;
        uint256 proverRewardBps;
        uint256 validUntil;
    }

    /// @notice Where the round of a height stands, derived from time and state.
    enum Phase {
        /// A height after the pending one, or the genesis round before it starts.
        NotStarted,
        Proposal,
        Commitment,
        /// Committed, waiting for the proposer's reveal.
        Reveal,
        /// Revealed, waiting for the committed prover's proof.
        Proving,
        /// A deadline was missed; anyone may submit a block with its proof.
        Backup,
        Finalized
    }

    /// @notice Which deadline was missed (the four backup triggers).
    enum BackupReason {
        None,
        NoProposal,
        NoCommitment,
        NoReveal,
        NoProof
    }

    /// @notice How a height was finalized.
    enum Finalization {
        None,
        Proven,
        Backup
    }

    /// @notice Deployment parameters (durations in seconds, amounts in token base units).
    struct Config {
        address token;
        address registry;
        address verifier;
        address treasury; // receives slashed funds; zero burns them (sent to BURN_ADDRESS)
        bytes32 genesisArchive;
        bytes32 genesisSeed; // a deployer salt, mixed with the deployment block's RANDAO (never used alone)
        uint256 genesisDelay;
        uint256 proposalDuration;
        uint256 commitmentDuration;
        uint256 revealDuration;
        uint256 provingDuration;
        uint256 lookahead;
        uint256 minimumProverBond;
        uint256 blockReward;
        uint256 submitterRewardBps;
        uint256 slashBountyBps;
        uint256 missedRevealPenalty; // taken from a winner whose miss (no commitment, no reveal) opened backup
        uint256 signalRoundSize;
        uint256 signalQuorum;
    }

    /// @notice The per-height history other contracts and clients read.
    struct BlockRecord {
        address proposer; // winning proposer (zero if nobody proposed)
        uint256 proposedAt;
        bytes32 blockHash; // winning proposal
        bytes32 txsRoot; // of the winning proposal
        address prover; // committed prover (zero if none)
        uint256 bond;
        uint256 proverRewardBps;
        bool revealed;
        bool settled; // the prover bond was released or slashed (and any proposer penalty applied)
        Finalization finalization;
        uint256 finalizedAt;
        bytes32 canonicalBlockHash; // the finalized block (the proposal, or the backup block)
        address backupSubmitter;
    }

    /// @notice Everything a client needs about one height, with the protocol rules already applied.
    struct HeightState {
        uint256 height;
        Phase phase;
        BackupReason backupReason;
        uint256 roundStart; // 0 if the round has not started
        uint256 proposalDeadline;
        uint256 commitmentDeadline;
        uint256 revealDeadline;
        uint256 provingDeadline;
        bytes32 seed; // zero if not known yet
        uint256 seedKnownAt; // zero if not known yet
        uint256 bestScore;
        bytes32 dataHash; // of the best proposal, while the height is pending (zero otherwise)
        BlockRecord record;
    }

    // ------------------------------------------------------------------ events

    /// @notice `proposer` holds the best proposal for `height` (it may still be outbid); `header` is the
    ///         whole proposed header (a prover needs it for `submitProof`).
    event BlockProposed(
        uint256 indexed height, address indexed proposer, bytes32 blockHash, Header header, uint256 score
    );
    /// @notice `prover` committed to prove `height` with `bond` locked, on the quote's terms.
    event ProverCommitted(
        uint256 indexed height,
        address indexed prover,
        bytes32 blockHash,
        uint256 bond,
        uint256 proverRewardBps,
        uint256 validUntil
    );
    /// @notice The randomness of `round` (it seeds height `round + lookahead`) was fixed: the RANDAO of
    ///         the L1 block that took the snapshot, or, if none did in its window, the previous round's
    ///         value carried over (`carried`). Known since `knownAt`. It never changes afterwards.
    event RandomnessFixed(uint256 indexed round, bytes32 value, uint256 knownAt, bool carried);
    /// @notice The block data of `height` was published (calldata DA).
    event BlockRevealed(uint256 indexed height, bytes32 dataHash, bytes data);
    /// @notice `height` was finalized by `submitter`.
    event BlockFinalized(
        uint256 indexed height, bytes32 indexed blockHash, Finalization finalization, bytes32 archive, address submitter
    );
    /// @notice Rewards accrued for `height` (`paid` may be below the block reward if the pool ran low).
    event RewardsAccrued(
        uint256 indexed height, address submitter, uint256 submitterReward, address prover, uint256 proverReward,
        address sequencer, uint256 sequencerReward
    );
    /// @notice `funder` added `amount` to the reward pool.
    event RewardPoolFunded(address indexed funder, uint256 amount);
    /// @notice `account` claimed `amount` of rewards to `recipient`.
    event RewardsClaimed(address indexed account, address indexed recipient, uint256 amount);
    /// @notice `prover` deposited `amount` into its escrow.
    event EscrowDeposited(address indexed prover, uint256 amount);
    /// @notice `prover` withdrew `amount` of free escrow balance.
    event EscrowWithdrawn(address indexed prover, uint256 amount);
    /// @notice The bond of `prover` for `height` was unlocked.
    event BondReleased(uint256 indexed height, address indexed prover, uint256 bond);
    /// @notice The bond of `prover` for `height` was slashed: `bounty` to `reporter`, `burned` to the
    ///         treasury or the burn address.
    event ProverSlashed(
        uint256 indexed height, address indexed prover, address indexed reporter, uint256 bounty, uint256 burned
    );
    /// @notice `proposer` won `height` and missed (`reason`: no commitment or no reveal); it lost `penalty`
    ///         of stake (`bounty` to `reporter`).
    event ProposerPenalised(
        uint256 indexed height,
        address indexed proposer,
        address indexed reporter,
        BackupReason reason,
        uint256 penalty,
        uint256 bounty
    );
    /// @notice `height` (proposed by `proposer`) signalled for `payload`; it now has `count` signals in `round`.
    event Signalled(uint256 indexed round, bytes32 indexed payload, uint256 indexed height, uint256 count);
    /// @notice `payload` reached the quorum in signalling `round`.
    event PayloadPassed(uint256 indexed round, bytes32 indexed payload, uint256 signals);

    // ------------------------------------------------------------------ errors

    /// @notice A required address (`name`) was zero.
    error Rollup__ZeroAddress(string name);
    /// @notice Configuration value `name` = `value` is out of range.
    error Rollup__InvalidConfig(string name, uint256 value);
    /// @notice The call is for height `actual`; only `expected` is possible now.
    error Rollup__WrongHeight(uint256 expected, uint256 actual);
    /// @notice The header's parent archive `actual` is not the tip's archive `expected`.
    error Rollup__WrongParent(bytes32 expected, bytes32 actual);
    /// @notice The action needs phase `expected`; `height` is in phase `actual`.
    error Rollup__WrongPhase(uint256 height, Phase expected, Phase actual);
    /// @notice `sequencer` may not propose for `height` (seed known since `seedKnownAt`): `reason` says why
    ///         (unregistered, registered after the seed was known, still queued then, exiting, ejected).
    error Rollup__NotEligible(
        address sequencer, uint256 height, uint256 seedKnownAt, ISequencerRegistry.Eligibility reason
    );
    /// @notice The seed of `height` is not known yet (it is fixed during round `height - lookahead`).
    error Rollup__SeedUnknown(uint256 height);
    /// @notice No randomness snapshot is due: round `round` takes it in `[windowStart, windowEnd)` (it is
    ///         `currentTime`), or already took it (`windowStart == 0`).
    error Rollup__NoSnapshotDue(uint256 round, uint256 windowStart, uint256 windowEnd, uint256 currentTime);
    /// @notice The registry stakes `registryToken`, not the rollup's `token`: one token must back both.
    error Rollup__TokenMismatch(address token, address registryToken);
    /// @notice The configured `name` (`value`) leaves a miss more profitable than the happy path: it must
    ///         be at least `minimum` (the block reward after the reporter's bounty).
    error Rollup__PenaltyTooLow(string name, uint256 value, uint256 minimum);
    /// @notice A proposal scoring `score` does not beat the best one (`bestScore`).
    error Rollup__ProposalNotBetter(uint256 height, uint256 score, uint256 bestScore);
    /// @notice The block hash `actual` is not the winning proposal's `expected`.
    error Rollup__BlockHashMismatch(bytes32 expected, bytes32 actual);
    /// @notice Only the quoted `prover` may commit; `caller` is not it.
    error Rollup__NotQuotedProver(address caller, address prover);
    /// @notice The quoted `bond` is below `minimum`.
    error Rollup__BondTooLow(uint256 bond, uint256 minimum);
    /// @notice The quoted prover share is above 100% (10,000 bps).
    error Rollup__RewardShareTooHigh(uint256 proverRewardBps);
    /// @notice The quote was valid until `validUntil`; it is `currentTime`.
    error Rollup__QuoteExpired(uint256 validUntil, uint256 currentTime);
    /// @notice `prover` already committed to `height`.
    error Rollup__AlreadyCommitted(uint256 height, address prover);
    /// @notice The quote was signed by `signer`, not the winning `proposer` (or for another chain or contract).
    error Rollup__InvalidQuoteSigner(address signer, address proposer);
    /// @notice `prover` has `free` unlocked escrow, `needed` is required.
    error Rollup__InsufficientEscrow(address prover, uint256 free, uint256 needed);
    /// @notice Only the winning `proposer` may reveal; `caller` is not it.
    error Rollup__NotProposer(address caller, address proposer);
    /// @notice The data hashes to `actual`, the header commits to `expected`.
    error Rollup__DataHashMismatch(bytes32 expected, bytes32 actual);
    /// @notice The data of `height` was already revealed.
    error Rollup__AlreadyRevealed(uint256 height);
    /// @notice No prover committed to `height`.
    error Rollup__NotCommitted(uint256 height);
    /// @notice The data of `height` was not revealed.
    error Rollup__NotRevealed(uint256 height);
    /// @notice The verifier refused the proof for `height` against `publicInputsHash`.
    error Rollup__InvalidProof(uint256 height, bytes32 publicInputsHash);
    /// @notice `height` is not in backup mode.
    error Rollup__NotInBackup(uint256 height);
    /// @notice `height` has no fault of the kind asked for; its backup reason is `reason`.
    error Rollup__NoSlashableFault(uint256 height, BackupReason reason);
    /// @notice The fault at `height` was already settled (slashes apply once).
    error Rollup__AlreadySettled(uint256 height);
    /// @notice The header claims `txCount` txs; at most `max` are allowed.
    error Rollup__TooManyTxs(uint256 txCount, uint256 max);
    /// @notice The quoted `bond` is above the largest bond the rollup stores (`max`).
    error Rollup__BondTooHigh(uint256 bond, uint256 max);
    /// @notice An amount of zero was given.
    error Rollup__ZeroAmount();
    /// @notice `account` has no rewards to claim.
    error Rollup__NothingToClaim(address account);

    // ------------------------------------------------------------------ round

    /**
     * @notice Proposes `header` for the pending height. The sender is the sequencer.
     * @dev Proposal phase only; the sender must be eligible (Active when the seed of the height became
     *      known, not exiting or ejected now) and must beat the current best score.
     * @param header The block header.
     */
    function propose(Header calldata header) external;

    /**
     * @notice Commits the sender, the quoted prover, to prove the current best proposal of `quote.height`.
     * @dev Commitment phase only; the quote must be signed by the winning proposer and still valid; the
     *      bond is locked from the sender's escrow. One commitment per height.
     * @param quote The quote.
     * @param signature The proposer's EIP-712 signature of `quote`.
     */
    function commitProver(Quote calldata quote, bytes calldata signature) external;

    /**
     * @notice Publishes the block data of the pending height (calldata DA). Winning proposer only.
     * @dev Allowed from the moment the sender holds the best proposal until the reveal deadline.
     * @param height The pending height.
     * @param data The block data; `keccak256(data)` must equal the header's `dataHash`.
     */
    function reveal(uint256 height, bytes calldata data) external;

    /**
     * @notice Verifies the proof of the pending block and finalizes it. Anyone may send it.
     * @dev The block must be committed and revealed and the proving deadline not passed. The proof is
     *      bound to the committed prover through the public inputs.
     * @param header The header of the winning proposal.
     * @param proof The proof for `publicInputsHash(header, committed prover)`.
     */
    function submitProof(Header calldata header, bytes calldata proof) external;

    /**
     * @notice In backup mode, extends the tip with `header`, reveals `data` and verifies `proof` bound to
     *         the sender as prover, in one call. The first valid submission is final; its rewards go to
     *         the sender; any pending slash of the height is settled first.
     * @param header The block header (must extend the tip).
     * @param data The block data.
     * @param proof The proof for `publicInputsHash(header, msg.sender)`.
     */
    function submitBackupBlock(Header calldata header, bytes calldata data, bytes calldata proof) external;

    /**
     * @notice Slashes the committed prover of `height`, which revealed but was not proven by the proving
     *         deadline: `slashBountyBps` of the bond to the sender, the rest burned (or to the treasury).
     * @param height The pending height.
     */
    function slashProver(uint256 height) external;

    /**
     * @notice Settles a missed reveal at `height`: the prover's bond is released (not its fault) and the
     *         proposer loses `missedRevealPenalty` of stake through the registry (bounty to the sender).
     * @param height The pending height.
     */
    function penaliseMissedReveal(uint256 height) external;

    /**
     * @notice Settles a missed commitment at `height`: the winning proposer arranged no prover (it could
     *         always prove its own block) and loses `missedRevealPenalty` of stake (bounty to the sender).
     * @param height The pending height.
     */
    function penaliseMissedCommitment(uint256 height) external;

    /**
     * @notice Takes the randomness snapshot of the pending round, due in the one L1 slot that starts at
     *         its proposal deadline. Every round call takes it too; anyone may call this to make sure.
     */
    function poke() external;

    // ------------------------------------------------------------------ escrow and rewards

    /**
     * @notice Deposits `amount` into the sender's prover escrow (approve or permit first).
     * @param amount Amount in base units.
     */
    function deposit(uint256 amount) external;

    /**
     * @notice Withdraws `amount` of the sender's free (unlocked) escrow balance.
     * @param amount Amount in base units.
     */
    function withdrawEscrow(uint256 amount) external;

    /**
     * @notice Adds `amount` to the reward pool (approve first).
     * @param amount Amount in base units.
     */
    function fundRewards(uint256 amount) external;

    /**
     * @notice Pays all rewards accrued to the sender to `recipient`.
     * @param recipient Where to send them.
     * @return amount The amount paid.
     */
    function claimRewards(address recipient) external returns (uint256 amount);

    // ------------------------------------------------------------------ views

    /// @notice The deployment configuration.
    function getConfig() external view returns (Config memory);
    /// @notice The latest finalized height (0 before the first block).
    function tip() external view returns (uint256);
    /// @notice The archive (state root) of the tip.
    function archive() external view returns (bytes32);
    /// @notice When the genesis round starts.
    function genesisTime() external view returns (uint256);
    /// @notice The seed of `height` (reverts if not known yet).
    function seed(uint256 height) external view returns (bytes32);
    /// @notice When the seed of `height` became known, or 0 if it is not known yet.
    function seedKnownAt(uint256 height) external view returns (uint256);
    /// @notice The score of `sequencer` at `height` (reverts if the seed is not known yet).
    function score(uint256 height, address sequencer) external view returns (uint256);
    /// @notice The randomness of `round` (seeding height `round + lookahead`; round 0 is the genesis
    ///         value seeding heights 1 to lookahead) and when it became known; zeros if not fixed yet.
    function randomnessOf(uint256 round) external view returns (bytes32 value, uint256 knownAt);
    /// @notice When the rollup was deployed.
    function deployedAt() external view returns (uint256);
    /// @notice The signalling round that `height` counts in.
    function signalRoundOf(uint256 height) external view returns (uint256);
    /// @notice The tx-tree root (`txsRoot`) of an ordered list of L2 tx hashes.
    function txsRootOf(bytes32[] calldata txHashes) external pure returns (bytes32);
    /// @notice The per-height history record.
    function getBlock(uint256 height) external view returns (BlockRecord memory);
    /// @notice The full state of one height: phase, deadlines, best proposal, commitment, reveal, proof.
    function getHeightState(uint256 height) external view returns (HeightState memory);
    /// @notice The EIP-712 digest a proposer signs for `quote`.
    function quoteDigest(Quote calldata quote) external view returns (bytes32);
    /// @notice The public-inputs hash a proof of `header` by `prover` must commit to.
    function publicInputsHash(Header calldata header, address prover) external view returns (bytes32);
    /// @notice Escrow of `prover`: total deposited and the part locked in bonds.
    function escrowOf(address prover) external view returns (uint256 total, uint256 locked);
    /// @notice Rewards accrued to `account`, not yet claimed.
    function rewardsOf(address account) external view returns (uint256);
    /// @notice Tokens left in the reward pool.
    function rewardPool() external view returns (uint256);
    /// @notice Tokens sent to the treasury or burned by slashing, in total.
    function totalBurned() external view returns (uint256);
    /// @notice Signals for `payload` in signalling `round`.
    function signalCount(uint256 round, bytes32 payload) external view returns (uint256);
    /// @notice The payload that passed in `round` (zero if none).
    function passedPayload(uint256 round) external view returns (bytes32);
}
