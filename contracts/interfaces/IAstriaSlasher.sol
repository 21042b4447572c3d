// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFernetRollup} from "./IFernetRollup.sol";

/**
 * @title IAstriaSlasher
 * @notice Bonded top-of-block commitments for Fernet sequencers that take their orderflow from Astria,
 *         and on-chain evidence of equivocation. A separate contract: it reads the rollup's proposals and
 *         an Astria light client, and changes nothing in the rollup's rules.
 *
 * Terms used throughout:
 *   - An Astria rollup tx is the opaque byte string of one `sequence` action for this L2's `rollupId`.
 *     Its L2 tx hash is `keccak256(bytes)`: the leaf it must occupy in the L2 block's `txsRoot` tree.
 *   - A binding is what a bonded sequencer signs (EIP-712, domain "AstriaSlasher" v1) for the L2 block
 *     it proposes: `l2Height`, `blockHash`, the Astria heights `[astriaStart, astriaEnd)` it consumed,
 *     and `entriesRoot`, the keccak Merkle root (TxMerkle: ordered, zero-padded) over the EIP-712 struct
 *     hashes of its entries: one `Entry` per consumed Astria block that carries txs of this rollup,
 *     ascending by height, saying that block's rollup-tx root, tx count and offset in the L2 block.
 *     Astria blocks in the range without txs for this rollup get no entry.
 *   - The L2 block at `l2Height` is "won" by the proposer holding the best proposal once the proposal
 *     phase is over (`IFernetRollup.getBlock(h).proposer`). Only won heights carry obligations.
 *
 * Rules a bonded sequencer keeps for every height it wins while its commitment is in force:
 *   (a) txs `0 .. total-1` of its block are, in order, the rollup txs of the entries' Astria blocks
 *       (entry k's tx j at position `offset_k + j`), and the entries are exactly Astria's;
 *   (b) `astriaStart` is the cursor (`expectedAstriaStart`, right after the range of the last bound block
 *       that became canonical), the range ends no later than one past the light client's latest final
 *       Astria height, and it reaches every Astria block whose time is at least `astriaMargin` seconds
 *       before the height's round start (`IFernetRollup.HeightState.roundStart`: a time the sequencer
 *       knew when it built the block, unlike the proposal's L1 inclusion time, so an honest proposal
 *       that lands late is never slashable) (the first two are checked at posting, the last by evidence);
 *   (c) it signs one binding per height and posts it between the proposal deadline and the reveal
 *       deadline (and before the block is finalized; the rollup accepts no proof before the commitment
 *       deadline, so at least `[proposalDeadline, commitmentDeadline)` is always open).
 */
interface IAstriaSlasher {
    /// @notice The binding a bonded sequencer signs for one L2 block (EIP-712 `Binding`).
    struct Binding {
        uint256 l2Height;
        bytes32 blockHash;
        uint64 astriaStart; // first Astria height consumed
        uint64 astriaEnd; // one past the last Astria height consumed (== astriaStart when none)
        uint32 entryCount;
        bytes32 entriesRoot; // TxMerkle root over entry struct hashes (zero when there are no entries)
    }

    /// @notice What a binding took from one Astria block (EIP-712 `Entry`).
    struct Entry {
        uint64 astriaHeight;
        bytes32 rollupTxsRoot; // RFC 6962 root of this rollup's txs in that Astria block
        uint32 txCount;
        uint32 offset; // position of the block's first tx in the L2 block
    }

    /// @notice An entry with its Merkle proof against a posted binding's `entriesRoot`.
    struct EntryProof {
        Entry entry;
        uint256 index;
        bytes32[] proof;
    }

    /// @notice A leaf `rollupId ‖ txsRoot` of an Astria block's `rollup_transactions_root`, with its proof.
    struct RollupLeaf {
        bytes32 rollupId;
        bytes32 txsRoot;
        uint256 index;
        uint256 treeSize;
        bytes32[] proof;
    }

    /// @notice One Astria rollup tx (raw bytes) with its RFC 6962 proof in the rollup's tx tree.
    struct AstriaTx {
        bytes data;
        uint256 index;
        bytes32[] proof;
    }

    /// @notice One leaf of the proposed L2 block's `txsRoot` (the header proves it is the proposal).
    struct L2Tx {
        IFernetRollup.Header header;
        bytes32 txHash;
        bytes32[] proof;
    }

    /// @notice Deployment parameters (durations in seconds, amounts in token base units).
    struct Config {
        address rollup;
        address lightClient;
        address treasury; // receives slashed funds; zero burns them (sent to BURN_ADDRESS)
        bytes32 rollupId; // this L2's rollup id on Astria
        uint64 astriaStartHeight; // the first Astria height the L2 takes its top-of-block from
        uint256 minimumBond; // smallest opt-in bond
        uint256 penalty; // taken per proven offence (or what is left of the bond)
        uint256 bountyBps; // share of a penalty paid to the reporter
        uint256 optInDelay; // from opt-in to effect (at most MAX_OPT_IN_DELAY, one year)
        uint256 unbondDelay; // evidence window after the last locked height is finalized
        uint256 astriaMargin; // Astria blocks this much older than the round start must be in the range
    }

    /// @notice A sequencer's bond, as a client sees it.
    struct BondView {
        uint256 amount;
        uint256 effectiveFrom; // 0 if never opted in (or withdrawn)
        uint256 unbondRequestedAt; // 0 if no unbond was requested
        uint256 lockedThroughHeight; // heights up to this one keep the commitment (unbonding only)
        uint256 withdrawableAt; // 0 until the locked-through height is finalized
    }

    /// @notice What the contract keeps about the binding of one L2 height.
    struct BindingRecord {
        bool posted;
        bool slashed; // the height's winner was slashed (at most once)
        uint64 astriaStart;
        uint64 astriaEnd;
        uint64 expectedAstriaStart; // the cursor when it was posted (rule b): always `astriaStart`
        uint32 entryCount;
        bytes32 entriesRoot;
    }

    /// @notice The seven evidence types.
    enum Offence {
        /// Two different bindings signed for one height.
        DoubleBinding,
        /// A signed binding whose block hash is not the block the sequencer won with.
        WrongBlockHash,
        /// A posted binding's entries disagree with the light client (see `AstriaMismatch`).
        AstriaMismatch,
        /// A tx at `offset + j` of the won block differs from Astria tx `j` of an entry.
        TxMismatch,
        /// A won height without a posted binding once the window closed.
        MissingBinding,
        /// A range that ends before an Astria block with rollup txs final `astriaMargin` before the round start.
        RangeOmission,
        /// A won height that ended in backup through the winner's own miss (no commitment, or no reveal).
        AbandonedHeight
    }

    /// @notice What an `AstriaMismatch` proved.
    enum AstriaMismatch {
        /// The entry's rollup-tx root is not the one in Astria's block.
        RootMismatch,
        /// The entry names an Astria block that has no txs for this rollup.
        RollupAbsent,
        /// An Astria block inside the range carries rollup txs but has no entry.
        SkippedBlock,
        /// The entry's tx count (and so the next offset) does not fit its own rollup-tx root.
        CountMismatch
    }

    // ------------------------------------------------------------------ events

    /// @notice `payer` added `amount` to the bond of `sequencer` (now `total`), in force from `effectiveFrom`.
    event Bonded(
        address indexed sequencer, address indexed payer, uint256 amount, uint256 total, uint256 effectiveFrom
    );
    /// @notice `sequencer` asked to unbond; its commitment still holds up to `lockedThroughHeight`.
    event UnbondRequested(address indexed sequencer, uint256 lockedThroughHeight);
    /// @notice `sequencer` withdrew `amount` (all that was left) to `recipient`.
    event BondWithdrawn(address indexed sequencer, address indexed recipient, uint256 amount);
    /**
     * @notice The binding of `l2Height` (EIP-712 digest `digest`) was posted; its range starts at the
     *         cursor, `expectedAstriaStart`. Its entries and signature are published with it for watchers.
     */
    event BindingPosted(
        uint256 indexed l2Height,
        address indexed sequencer,
        bytes32 digest,
        uint64 expectedAstriaStart,
        Binding binding,
        Entry[] entries,
        bytes signature
    );
    /// @notice Two bindings with digests `digestA` and `digestB` were signed for `l2Height`.
    event DoubleBindingProven(uint256 indexed l2Height, address indexed sequencer, bytes32 digestA, bytes32 digestB);
    /// @notice A binding for `boundBlockHash` was signed, but `proposedBlockHash` won `l2Height`.
    event WrongBlockHashProven(
        uint256 indexed l2Height, address indexed sequencer, bytes32 boundBlockHash, bytes32 proposedBlockHash
    );
    /**
     * @notice An entry of the binding of `l2Height` disagrees with Astria block `astriaHeight`:
     *         RootMismatch: `claimed` entry root, `actual` Astria's; RollupAbsent: `claimed` entry root,
     *         `actual` EMPTY_ROOT; SkippedBlock: `claimed` zero, `actual` Astria's root; CountMismatch:
     *         `claimed` the entry's count, `actual` a tree size under which Astria's leaf is not in the
     *         entry's shape.
     */
    event AstriaMismatchProven(
        uint256 indexed l2Height,
        address indexed sequencer,
        AstriaMismatch kind,
        uint64 astriaHeight,
        bytes32 claimed,
        bytes32 actual
    );
    /**
     * @notice Position `l2Index` of the block won at `l2Height` holds `actualTxHash` (zero: the block is
     *         too short) instead of `expectedTxHash`, the hash of tx `astriaIndex` of Astria block `astriaHeight`.
     */
    event TxMismatchProven(
        uint256 indexed l2Height,
        address indexed sequencer,
        uint64 astriaHeight,
        uint256 astriaIndex,
        uint256 l2Index,
        bytes32 expectedTxHash,
        bytes32 actualTxHash
    );
    /// @notice `sequencer` won `l2Height` and posted no binding before the window closed at `closedAt`.
    event MissingBindingProven(uint256 indexed l2Height, address indexed sequencer, uint256 closedAt);
    /// @notice Astria block `astriaHeight` (with rollup txs, `astriaMargin` older than the round start) had to be
    ///         in `[astriaStart, astriaEnd)`.
    event RangeOmissionProven(
        uint256 indexed l2Height, address indexed sequencer, uint64 astriaHeight, uint64 astriaStart, uint64 astriaEnd
    );
    /**
     * @notice `sequencer` won `l2Height` and let it end in backup through its own miss: no prover commitment
     *         (`prover` zero) or no reveal (`revealed` false).
     */
    event AbandonedHeightProven(uint256 indexed l2Height, address indexed sequencer, address prover, bool revealed);
    /// @notice `sequencer` lost `amount` for `offence` at `l2Height`: `bounty` to `reporter`, `burned` away.
    event Slashed(
        uint256 indexed l2Height,
        address indexed sequencer,
        address indexed reporter,
        Offence offence,
        uint256 amount,
        uint256 bounty,
        uint256 burned
    );

    // ------------------------------------------------------------------ errors: configuration and bonds

    /// @notice The address `name` is zero.
    error Astria__ZeroAddress(string name);
    /// @notice Configuration value `name` is out of range.
    error Astria__InvalidConfig(string name, uint256 value);
    /// @notice The rollup bonds in `rollupToken` but its registry stakes `registryToken`: one token must back both.
    error Astria__TokenMismatch(address rollupToken, address registryToken);
    /// @notice The cursor would start at `astriaStartHeight`, below `firstHeight`, the light client's first
    ///         Astria height: heights there could never be relayed, so no evidence about them could be built.
    error Astria__StartBeforeLightClient(uint64 astriaStartHeight, uint64 firstHeight);
    /// @notice A bond of zero.
    error Astria__ZeroAmount();
    /// @notice Only the sequencer itself can opt in, or refill a bond slashed to zero (its consent to the obligations).
    error Astria__NotSequencer(address caller, address sequencer);
    /// @notice An opt-in (or a refill of a bond slashed to zero) below `minimumBond`.
    error Astria__BondTooLow(uint256 amount, uint256 minimum);
    /// @notice The bond is unbonding; it can only be withdrawn (then bonded afresh).
    error Astria__Unbonding(address sequencer, uint256 lockedThroughHeight);
    /// @notice `sequencer` has no bond to unbond.
    error Astria__NotBonded(address sequencer);
    /// @notice `sequencer` already asked to unbond at `requestedAt`.
    error Astria__UnbondAlreadyRequested(address sequencer, uint256 requestedAt);
    /// @notice `sequencer` must request unbonding before withdrawing.
    error Astria__UnbondNotRequested(address sequencer);
    /// @notice The commitment still covers `lockedThroughHeight`, which is not finalized yet.
    error Astria__UnbondLocked(address sequencer, uint256 lockedThroughHeight);
    /// @notice The evidence window of `sequencer`'s last locked height ends at `withdrawableAt`.
    error Astria__UnbondDelayNotPassed(address sequencer, uint256 withdrawableAt, uint256 currentTime);

    // ------------------------------------------------------------------ errors: bindings

    /// @notice `l2Height` is already finalized: its binding window is over.
    error Astria__HeightFinalized(uint256 l2Height);
    /// @notice Bindings for `l2Height` are posted in `[opensAt, closesAt)` (zeros: the height is not pending yet).
    error Astria__BindingWindowClosed(uint256 l2Height, uint256 opensAt, uint256 closesAt, uint256 currentTime);
    /// @notice `sequencer` did not win `l2Height` (`winner` did; zero if nobody did).
    error Astria__NotWinner(uint256 l2Height, address sequencer, address winner);
    /// @notice A posted binding names block `actual`, but `expected` won `l2Height`.
    error Astria__BlockHashMismatch(uint256 l2Height, bytes32 expected, bytes32 actual);
    /// @notice The Astria commitment of `sequencer` was not in force for `l2Height` (or nothing is left to slash).
    error Astria__NotInForce(address sequencer, uint256 l2Height);
    /// @notice `l2Height` already has a posted binding.
    error Astria__BindingAlreadyPosted(uint256 l2Height);
    /// @notice The range starts at `actual`, not at the cursor `expected` (rule b).
    error Astria__WrongAstriaStart(uint64 expected, uint64 actual);
    /// @notice A range `[astriaStart, astriaEnd)` that ends before it starts.
    error Astria__InvalidRange(uint64 astriaStart, uint64 astriaEnd);
    /// @notice The range ends at `astriaEnd`, past `latestHeight + 1`: it takes Astria heights the light
    ///         client has not finalized (relay their headers first).
    error Astria__RangeNotFinal(uint64 astriaEnd, uint64 latestHeight);
    /// @notice The binding counts `expected` entries; `actual` were given.
    error Astria__EntryCountMismatch(uint256 expected, uint256 actual);
    /// @notice Entry `index` is for a height outside the range, or not above the previous entry's.
    error Astria__EntryOutOfOrder(uint256 index, uint64 astriaHeight);
    /// @notice Entry `index` has no txs (blocks without rollup txs get no entry).
    error Astria__EmptyEntry(uint256 index);
    /// @notice Entry `index` starts at `actual`; the counts before it add up to `expected`.
    error Astria__OffsetMismatch(uint256 index, uint256 expected, uint256 actual);
    /// @notice The entries hash to `actual`, not to the signed `entriesRoot` `expected`.
    error Astria__EntriesRootMismatch(bytes32 expected, bytes32 actual);

    // ------------------------------------------------------------------ errors: evidence

    /// @notice The winner of `l2Height` is not settled yet (its proposal phase is not over).
    error Astria__WinnerNotKnown(uint256 l2Height, IFernetRollup.Phase phase);
    /// @notice `sequencer` was already slashed for `l2Height` (a replay).
    error Astria__AlreadySlashed(address sequencer, uint256 l2Height);
    /// @notice `l2Height` has no posted binding to check.
    error Astria__BindingNotPosted(uint256 l2Height);
    /// @notice Double-binding evidence needs two bindings of one height.
    error Astria__HeightMismatch(uint256 heightA, uint256 heightB);
    /// @notice The two bindings were signed by different keys (one is forged or another sequencer's).
    error Astria__SignerMismatch(address signerA, address signerB);
    /// @notice The entry given is not entry `index` of the binding posted for `l2Height`.
    error Astria__InvalidEntryProof(uint256 l2Height, uint256 index);
    /// @notice The light client has no final header at `astriaHeight`.
    error Astria__UnknownAstriaHeight(uint64 astriaHeight);
    /// @notice A rollup leaf of rollup `actual` where this L2's `expected` was needed.
    error Astria__WrongRollupId(bytes32 expected, bytes32 actual);
    /// @notice A rollup-leaf proof does not verify against Astria block `astriaHeight`'s root.
    error Astria__InvalidRollupProof(uint64 astriaHeight);
    /// @notice The Astria tx given is not tx `index` of the entry's rollup-tx tree.
    error Astria__InvalidAstriaTxProof(uint64 astriaHeight, uint256 index);
    /// @notice The L2 leaf given is not leaf `index` of the won block's `txsRoot`.
    error Astria__InvalidL2TxProof(uint256 l2Height, uint256 index);
    /// @notice The L2 header given does not hash to the block won at `l2Height`.
    error Astria__HeaderMismatch(uint256 l2Height, bytes32 expected, bytes32 actual);
    /// @notice The rollup leaf shown has txs root `leafRoot`, not the entry's `entryRoot` (that is a root mismatch).
    error Astria__EntryRootMismatch(uint64 astriaHeight, bytes32 entryRoot, bytes32 leafRoot);
    /// @notice The rollup's leaf in Astria block `astriaHeight` has no txs.
    error Astria__RollupHasNoTxs(uint64 astriaHeight);
    /// @notice The neighbours given do not prove this rollup absent from Astria block `astriaHeight`.
    error Astria__AbsenceNotProven(uint64 astriaHeight);
    /// @notice The entries given do not show that Astria block `astriaHeight` has no entry.
    error Astria__NotBracketed(uint64 astriaHeight);
    /// @notice Astria block `astriaHeight` is outside the range (that is a range omission).
    error Astria__OutsideRange(uint64 astriaHeight, uint64 astriaStart, uint64 astriaEnd);
    /// @notice Astria block `astriaHeight` is inside the range (that is a skipped block).
    error Astria__InsideRange(uint64 astriaHeight, uint64 astriaStart, uint64 astriaEnd);
    /// @notice Astria block `astriaHeight` is before the range, which starts at the cursor
    ///         `expectedAstriaStart`: it was consumed earlier.
    error Astria__AlreadyConsumed(uint64 astriaHeight, uint64 expectedAstriaStart);

    // ------------------------------------------------------------------ errors: evidence of nothing

    /// @notice Both bindings are the same (`digest`): no double-signing.
    error Astria__SameBinding(bytes32 digest);
    /// @notice The binding names `blockHash`, the block that won `l2Height`.
    error Astria__BlockHashMatches(uint256 l2Height, bytes32 blockHash);
    /// @notice The entry's root is Astria's own `rollupTxsRoot` at `astriaHeight`.
    error Astria__RootMatches(uint64 astriaHeight, bytes32 rollupTxsRoot);
    /// @notice A neighbour shown is this rollup's own leaf: it is present in Astria block `astriaHeight`.
    error Astria__RollupPresent(uint64 astriaHeight);
    /// @notice Astria block `astriaHeight` has its entry, `index`.
    error Astria__EntryExists(uint64 astriaHeight, uint256 index);
    /// @notice Astria's leaf `index` fits a tree of the entry's `txCount` leaves: no inconsistency shown.
    error Astria__CountConsistent(uint64 astriaHeight, uint256 index, uint256 txCount);
    /// @notice Position `l2Index` of the block won at `l2Height` holds Astria's tx, `txHash`.
    error Astria__TxMatches(uint256 l2Height, uint256 l2Index, bytes32 txHash);
    /// @notice `l2Height` has a posted binding: nothing is missing.
    error Astria__BindingWasPosted(uint256 l2Height);
    /// @notice The binding window of `l2Height` is still open until `closesAt`.
    error Astria__BindingWindowOpen(uint256 l2Height, uint256 closesAt);
    /// @notice `l2Height` did not end in backup: it is `finalization` (None while it is pending).
    error Astria__NotEndedInBackup(uint256 l2Height, IFernetRollup.Finalization finalization);
    /// @notice `l2Height` ended in backup because its committed `prover` withheld the proof after the reveal:
    ///         not the winner's miss (its range was not consumed; the next bound range starts at it).
    error Astria__ProverMissedProof(uint256 l2Height, address prover);
    /// @notice Astria block `astriaHeight` (time `astriaTime`) was not `astriaMargin` older than the round
    ///         start `roundStart` of the height, so the range did not have to reach it.
    error Astria__NotYetRequired(uint64 astriaHeight, uint64 astriaTime, uint256 roundStart);

    // ------------------------------------------------------------------ bonds

    /**
     * @notice Adds `amount` (pulled from the sender) to the Astria bond of `sequencer`. A deposit onto an
     *         empty bond (the first one, or one slashed to zero) is an opt-in: it must be sent by the
     *         sequencer itself, be at least `minimumBond`, and takes effect `optInDelay` seconds later, so
     *         it binds no height whose leader was known before. Anyone may top up a non-empty bond that is
     *         not unbonding; its effective time stays.
     * @param sequencer The sequencer key (the one that proposes and signs bindings).
     * @param amount Amount in base units.
     */
    function bond(address sequencer, uint256 amount) external;

    /**
     * @notice Starts unbonding the sender's bond. The commitment keeps binding every height whose seed is
     *         already known (up to `tip + lookahead`): those may already have been promised to users.
     */
    function requestUnbond() external;

    /**
     * @notice Pays what is left of the sender's bond to `recipient`, once the last locked height is
     *         finalized and `unbondDelay` has passed since (the evidence window). Slashing works until then.
     * @param recipient Where to send it.
     * @return amount The amount paid.
     */
    function withdraw(address recipient) external returns (uint256 amount);

    // ------------------------------------------------------------------ bindings

    /**
     * @notice Posts the binding of the pending height, signed by its winner. Anyone may relay it.
     * @dev Between the proposal deadline and the reveal deadline, before finalization (never before the
     *      commitment deadline: the rollup accepts no proof earlier, so that much of the window is always
     *      open); the winner's commitment must be in force; `blockHash` must be the winning proposal; the
     *      range must start at the cursor (`expectedAstriaStart()`) and end no later than one past the
     *      light client's `latestHeight()` (an empty range always passes), so the sequencer relays the
     *      headers of its range first; the entries must be ascending inside the range, non-empty, with
     *      offsets adding up from zero, and hash to `entriesRoot`.
     * @param binding The binding.
     * @param entries All its entries (published in the event, so watchers can build evidence).
     * @param signature The winner's EIP-712 signature of `binding`.
     */
    function postBinding(Binding calldata binding, Entry[] calldata entries, bytes calldata signature) external;

    // ------------------------------------------------------------------ evidence (each pays the sender a bounty)

    /**
     * @notice Evidence 1: two different bindings for one height, signed by the height's winner.
     * @param a A binding.
     * @param signatureA Its signature.
     * @param b Another binding for the same height.
     * @param signatureB Its signature.
     */
    function proveDoubleBinding(
        Binding calldata a,
        bytes calldata signatureA,
        Binding calldata b,
        bytes calldata signatureB
    ) external;

    /**
     * @notice Evidence 2: a binding signed by the winner of its height for another block than the one it won with.
     * @param binding The binding (posted or not: e.g. a user's preconfirmation receipt).
     * @param signature Its signature.
     */
    function proveWrongBlockHash(Binding calldata binding, bytes calldata signature) external;

    /**
     * @notice Evidence 3 (root): an entry's rollup-tx root is not the one in Astria's block.
     * @param l2Height A height with a posted binding.
     * @param entry One of its entries, with proof.
     * @param leaf This rollup's leaf in the Astria block's `rollup_transactions_root`, with proof.
     */
    function proveRootMismatch(uint256 l2Height, EntryProof calldata entry, RollupLeaf calldata leaf) external;

    /**
     * @notice Evidence 3 (absent): an entry names an Astria block without txs for this rollup.
     * @param l2Height A height with a posted binding.
     * @param entry One of its entries, with proof.
     * @param neighbours Proof of absence in the sorted rollup tree: none (the root is EMPTY_ROOT), the
     *        first leaf (above `rollupId`), the last leaf (below it), or two adjacent leaves around it.
     */
    function proveRollupAbsent(uint256 l2Height, EntryProof calldata entry, RollupLeaf[] calldata neighbours)
        external;

    /**
     * @notice Evidence 3 (skipped): an Astria block inside the range carries rollup txs but has no entry.
     * @param l2Height A height with a posted binding.
     * @param astriaHeight The skipped Astria block, in `[astriaStart, astriaEnd)`.
     * @param presence This rollup's leaf in that block (with a non-empty txs root), with proof.
     * @param bracket The entries around it: none (no entries), the first (above it), the last (below it),
     *        or two adjacent entries around it.
     */
    function proveSkippedBlock(
        uint256 l2Height,
        uint64 astriaHeight,
        RollupLeaf calldata presence,
        EntryProof[] calldata bracket
    ) external;

    /**
     * @notice Evidence 3 (offsets): an entry's tx count, and so the offset after it, does not fit the
     *         entry's own rollup-tx root: a leaf of that tree sits where a tree of `txCount` leaves has none.
     * @param l2Height A height with a posted binding.
     * @param entry One of its entries, with proof.
     * @param astriaTx A tx of the entry's root, proven at `(index, treeSize)`.
     * @param treeSize The tree size the proof uses (Astria's real count).
     */
    function proveCountMismatch(
        uint256 l2Height,
        EntryProof calldata entry,
        AstriaTx calldata astriaTx,
        uint256 treeSize
    ) external;

    /**
     * @notice Evidence 4: the won block's tx at `offset + j` is not `keccak256` of Astria tx `j` of an entry
     *         (or the block has fewer txs).
     * @param l2Height A height with a posted binding.
     * @param entry One of its entries, with proof.
     * @param leaf This rollup's leaf (with the entry's root) in the Astria block, with proof.
     * @param astriaTx Astria tx `j`, proven at `(j, entry.txCount)` against the entry's root.
     * @param l2Tx The L2 header of the won block and its leaf at `offset + j` with proof (ignored when the
     *        block has no such position).
     */
    function proveTxMismatch(
        uint256 l2Height,
        EntryProof calldata entry,
        RollupLeaf calldata leaf,
        AstriaTx calldata astriaTx,
        L2Tx calldata l2Tx
    ) external;

    /**
     * @notice Evidence 5: the height's winner was in force and posted no binding before the window closed.
     * @param l2Height The height.
     */
    function proveMissingBinding(uint256 l2Height) external;

    /**
     * @notice Evidence 6: an Astria block with rollup txs that rule (b) required in the range is outside it:
     *         at or after `astriaEnd`, with a time at least `astriaMargin` before the height's round start
     *         (`IFernetRollup.HeightState.roundStart`), however late the proposal landed on L1. (A range
     *         cannot start anywhere but at the cursor: posting refuses it.)
     * @param l2Height A height with a posted binding.
     * @param astriaHeight The Astria block left out.
     * @param presence This rollup's leaf in that block (with a non-empty txs root), with proof.
     */
    function proveRangeOmission(uint256 l2Height, uint64 astriaHeight, RollupLeaf calldata presence) external;

    /**
     * @notice Evidence 7: the in-force winner of `l2Height` let the height end in backup through its own
     *         miss: the rollup's record shows `finalization == Backup` with a proposer, and either no prover
     *         commitment (the winner signed no quote; it can always prove its own block) or a commitment
     *         without a reveal. Otherwise the winner could cancel its promise for free: every other offence
     *         is judged against its proposal, never against the backup block that landed. From on-chain
     *         facts alone; posted binding or not. A height that ended in backup because the committed
     *         prover withheld its proof after the reveal is not the winner's miss
     *         (`Astria__ProverMissedProof`).
     * @param l2Height The height.
     */
    function proveAbandonedHeight(uint256 l2Height) external;

    // ------------------------------------------------------------------ views

    /// @notice The deployment configuration.
    function getConfig() external view returns (Config memory);
    /// @notice The bonding token (the rollup's).
    function token() external view returns (address);
    /// @notice The bond of `sequencer`.
    function bondOf(address sequencer) external view returns (BondView memory);
    /**
     * @notice Whether the Astria commitment of `sequencer` binds L2 height `l2Height`: bonded (non-zero),
     *         effective before the height's seed became known, and not unbonding past it. Once the seed is
     *         known the answer can only turn false (the bond slashed to zero). For a height whose seed is
     *         not known yet the answer is provisional: what holds if it became known now.
     */
    function isInForce(address sequencer, uint256 l2Height) external view returns (bool);
    /// @notice The binding record of `l2Height`.
    function bindingAt(uint256 l2Height) external view returns (BindingRecord memory);
    /// @notice The Astria height the next binding must start at (rule b), as things stand now.
    function expectedAstriaStart() external view returns (uint64);
    /// @notice The latest L2 height with a posted binding (0 if none).
    function lastBoundHeight() external view returns (uint256);
    /// @notice Sum of all bonds held.
    function totalBonded() external view returns (uint256);
    /// @notice The EIP-712 digest a sequencer signs for `binding`.
    function bindingDigest(Binding calldata binding) external view returns (bytes32);
    /// @notice The EIP-712 struct hash of `entry` (a leaf of `entriesRoot`).
    function entryHash(Entry calldata entry) external pure returns (bytes32);
    /// @notice The `entriesRoot` of `entries`.
    function entriesRoot(Entry[] calldata entries) external pure returns (bytes32);
}
