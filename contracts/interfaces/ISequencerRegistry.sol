// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title ISequencerRegistry
 * @notice Staking registry of Fernet sequencers: registration behind an entry delay, exit behind an
 *         exit delay, withdrawal of the remaining stake to a withdrawer, and slashing by authorised
 *         slasher contracts (for example the rollup, for a missed reveal).
 */
interface ISequencerRegistry {
    /// @notice Lifecycle of a sequencer key at a given time.
    enum Status {
        /// Never registered, registered later than the time asked about, or already withdrawn.
        None,
        /// Registered, waiting for the entry delay to pass.
        Queued,
        /// Eligible to propose (subject to the rollup's anti-grinding rule).
        Active,
        /// Exit initiated; waiting for the exit delay.
        Exiting,
        /// Exit delay passed; the withdrawer may withdraw.
        Withdrawable,
        /// Slashed below the minimum stake; forced out, waiting for the exit delay.
        Ejected
    }

    /// @notice Everything the registry stores about a registered sequencer.
    struct SequencerView {
        address withdrawer;
        uint256 stake;
        uint256 registeredAt;
        uint256 activeFrom;
        uint256 exitInitiatedAt; // 0 if no exit (voluntary or forced) was initiated
        uint256 exitableAt; // 0 if no exit was initiated
        uint256 ejectedAt; // 0 if never ejected
    }

    /// @notice Why a key may or may not propose for a seed known at a given time.
    enum Eligibility {
        /// Active when the seed became known and neither exiting nor ejected now.
        Eligible,
        /// No registration (never registered, or withdrawn).
        Unregistered,
        /// Registered after the seed became known: it can never be eligible for that seed.
        RegisteredAfterSeed,
        /// Registered before the seed became known, but still in its entry delay then.
        Queued,
        /// A voluntary exit is under way.
        Exiting,
        /// Slashed below the minimum stake and forced out.
        Ejected
    }

    /// @notice One row of the paged registry view (`getSequencers`).
    struct SequencerEntry {
        address sequencer;
        Status status; // now
        address withdrawer; // zero if withdrawn (then every other field is zero too)
        uint256 stake;
        uint256 registeredAt;
        uint256 activeFrom;
        uint256 exitInitiatedAt; // 0 if no exit was initiated
        uint256 exitableAt; // 0 if no exit was initiated
        uint256 ejectedAt; // 0 if never ejected
    }

    /// @notice A queued change to the set of authorised slashers.
    struct SlasherChange {
        bool allowed;
        uint64 executableAt; // 0 when nothing is queued
        uint64 expiresAt; // the change lapses from this time on if nobody executed it
    }

    /// @notice Emitted when `sequencer` was registered and its stake pulled from `payer`.
    event SequencerRegistered(
        address indexed sequencer, address indexed withdrawer, address indexed payer, uint256 stake, uint256 activeFrom
    );
    /// @notice Emitted when `sequencer` initiated its exit (called by `caller`).
    event ExitInitiated(address indexed sequencer, address indexed caller, uint256 exitableAt);
    /// @notice Emitted when the remaining stake of `sequencer` was paid to `withdrawer`.
    event StakeWithdrawn(address indexed sequencer, address indexed withdrawer, uint256 amount);
    /// @notice Emitted when `slasher` took `amount` of the stake of `sequencer` (`requested` capped to what was left).
    event SequencerSlashed(
        address indexed sequencer, address indexed slasher, uint256 requested, uint256 amount, uint256 remaining
    );
    /// @notice Emitted when a slash left `sequencer` below the minimum stake and forced it out.
    event SequencerEjected(address indexed sequencer, uint256 remaining, uint256 exitableAt);
    /// @notice Emitted when the owner queued a change to the slasher set (executable in `[executableAt, expiresAt)`).
    event SlasherChangeQueued(address indexed slasher, bool allowed, uint256 executableAt, uint256 expiresAt);
    /// @notice Emitted when a queued slasher change was cancelled by the owner.
    event SlasherChangeCancelled(address indexed slasher);
    /// @notice Emitted when `slasher` was authorised (`allowed`) or deauthorised.
    event SlasherSet(address indexed slasher, bool allowed);

    /// @notice A required address argument was zero.
    error Registry__ZeroAddress();
    /// @notice A configuration value is out of range: `name` says which, `value` what was given.
    error Registry__InvalidConfig(string name, uint256 value);
    /// @notice `sequencer` still has a registration (status `status`); it can register again after withdrawal.
    error Registry__AlreadyRegistered(address sequencer, Status status);
    /// @notice `sequencer` has no registration.
    error Registry__NotRegistered(address sequencer);
    /// @notice `caller` is neither `sequencer` nor its withdrawer.
    error Registry__NotSequencerOrWithdrawer(address caller, address sequencer);
    /// @notice The exit of `sequencer` was already initiated at `exitInitiatedAt`.
    error Registry__AlreadyExiting(address sequencer, uint256 exitInitiatedAt);
    /// @notice `sequencer` never initiated an exit, so it can't withdraw.
    error Registry__ExitNotInitiated(address sequencer);
    /// @notice The exit delay of `sequencer` ends at `exitableAt`; it is now `currentTime`.
    error Registry__ExitDelayNotPassed(address sequencer, uint256 exitableAt, uint256 currentTime);
    /// @notice `caller` is not an authorised slasher.
    error Registry__NotSlasher(address caller);
    /// @notice A slash of zero was requested.
    error Registry__ZeroSlash();
    /// @notice No slasher change is queued for `slasher`.
    error Registry__NoPendingSlasherChange(address slasher);
    /// @notice The queued change for `slasher` executes from `executableAt`; it is now `currentTime`.
    error Registry__SlasherChangeNotReady(address slasher, uint256 executableAt, uint256 currentTime);
    /// @notice The queued change for `slasher` lapsed at `expiresAt` (it is now `currentTime`); queue it again.
    error Registry__SlasherChangeExpired(address slasher, uint256 expiresAt, uint256 currentTime);
    /// @notice The current registration of `sequencer` (registered at `registeredAt`) is younger than the
    ///         fault being punished (committed by a registration that existed at `faultAt`).
    error Registry__RegistrationAfterFault(address sequencer, uint256 registeredAt, uint256 faultAt);
    /// @notice `slasher` was authorised at `authorisedAt`, within the exit delay after `sequencer`
    ///         registered at `registeredAt`: that registration could not have left first, so it is out of reach.
    error Registry__SlasherTooRecent(address slasher, address sequencer, uint256 registeredAt, uint256 authorisedAt);

    /**
     * @notice Registers `sequencer`, pulling the fixed stake from the caller (approve or permit first).
     * @dev The key becomes Active `entryDelay` seconds later. A key can register again only after its
     *      previous stake was withdrawn.
     * @param sequencer The key that will propose blocks and sign quotes.
     * @param withdrawer The address that receives the stake back on withdrawal.
     */
    function register(address sequencer, address withdrawer) external;

    /**
     * @notice Starts the exit of `sequencer`; from now on it is not eligible to propose.
     * @dev Callable by the sequencer or its withdrawer, from status Queued or Active.
     * @param sequencer The registered key.
     */
    function initiateExit(address sequencer) external;

    /**
     * @notice Pays what is left of the stake of `sequencer` to its withdrawer, once, after the exit delay.
     * @dev Callable by the sequencer or its withdrawer. Clears the registration.
     * @param sequencer The registered key.
     * @return amount The amount paid.
     */
    function withdraw(address sequencer) external returns (uint256 amount);

    /**
     * @notice Takes up to `amount` of the stake of `sequencer` and transfers it to the calling slasher,
     *         for a fault committed at `faultAt` by the registration that existed then.
     * @dev Only authorised slashers. Works in every status until withdrawal and never takes more than is
     *      left. A stake below the minimum ejects the sequencer (forced exit, exit delay applies).
     *      Refuses a registration made after `faultAt` (the key's next owner did not commit the fault),
     *      and, for a slasher authorised by a queued change, a registration made less than the exit delay
     *      before that change executed (it could not have left before the new slasher applied).
     * @param sequencer The registered key.
     * @param amount The amount requested.
     * @param faultAt When the fault was committed (e.g. the proposal time); the registration must be at
     *        least that old.
     * @return slashed The amount actually taken (capped at the remaining stake).
     */
    function slash(address sequencer, uint256 amount, uint256 faultAt) external returns (uint256 slashed);

    /**
     * @notice Queues authorising (`allowed`) or deauthorising `slasher`, executable after `slasherChangeDelay`.
     * @dev Only the owner. The delay is longer than the exit delay, so sequencers who object can leave first.
     *      The change must then be executed within `slasherChangeWindow` or it lapses. Queuing again for
     *      the same slasher replaces the earlier entry and restarts the delay.
     * @param slasher The slasher contract.
     * @param allowed Whether it will be allowed to slash.
     */
    function queueSlasherChange(address slasher, bool allowed) external;

    /**
     * @notice Applies the queued change for `slasher` once its delay has passed and before it lapses.
     *         Anyone may call.
     * @param slasher The slasher contract.
     */
    function executeSlasherChange(address slasher) external;

    /**
     * @notice Cancels the queued change for `slasher`. Only the owner.
     * @param slasher The slasher contract.
     */
    function cancelSlasherChange(address slasher) external;

    /// @notice The token staked.
    function token() external view returns (address);
    /// @notice The stake pulled on registration.
    function stakeAmount() external view returns (uint256);
    /// @notice Below this stake a slashed sequencer is ejected.
    function minimumStake() external view returns (uint256);
    /// @notice Seconds between registration and activation.
    function entryDelay() external view returns (uint256);
    /// @notice Seconds between exit initiation and withdrawal.
    function exitDelay() external view returns (uint256);
    /// @notice Seconds between queuing and executing a slasher change.
    function slasherChangeDelay() external view returns (uint256);
    /// @notice Seconds after its delay during which a queued slasher change can be executed.
    function slasherChangeWindow() external view returns (uint256);
    /// @notice When `slasher` was last authorised by an executed change (0 for an initial slasher or none).
    function slasherAuthorisedAt(address slasher) external view returns (uint256);
    /// @notice Whether `account` may slash.
    function isSlasher(address account) external view returns (bool);
    /// @notice The queued slasher change for `slasher`, if any.
    function pendingSlasherChange(address slasher) external view returns (SlasherChange memory);

    /// @notice Status of `sequencer` now.
    function statusOf(address sequencer) external view returns (Status);
    /**
     * @notice Status of the current registration of `sequencer` at time `timestamp` (past or future).
     * @dev After a withdrawal the old registration is gone: its status is None at every time.
     */
    function statusAt(address sequencer, uint256 timestamp) external view returns (Status);
    /// @notice The stored registration of `sequencer` (all zero if none).
    function getSequencer(address sequencer) external view returns (SequencerView memory);
    /// @notice Whether the current registration of `sequencer` was Active at `timestamp`.
    function wasActiveAt(address sequencer, uint256 timestamp) external view returns (bool);
    /// @notice Whether `sequencer` has an exit (voluntary or by ejection) under way now.
    function isExitingOrEjected(address sequencer) external view returns (bool);
    /**
     * @notice The rollup's eligibility rule in one call: Active at `seedKnownAt` and neither exiting
     *         nor ejected now.
     */
    function isEligible(address sequencer, uint256 seedKnownAt) external view returns (bool);
    /// @notice The eligibility rule with its reason: `Eligible`, or why `sequencer` may not propose for a
    ///         seed known at `seedKnownAt`.
    function eligibility(address sequencer, uint256 seedKnownAt) external view returns (Eligibility);
    /// @notice Number of distinct keys ever registered (append-only list).
    function sequencerCount() external view returns (uint256);
    /// @notice The `index`-th key ever registered, in first-registration order.
    function sequencerAt(uint256 index) external view returns (address);
    /**
     * @notice A page of the key list with each key's registration and status now: keys
     *         `[offset, offset + limit)` of the list, fewer at its end (none past it).
     * @dev A view for clients; about 7,000 gas a row, so pages of 1,000 fit any node's call gas cap.
     */
    function getSequencers(uint256 offset, uint256 limit) external view returns (SequencerEntry[] memory page);
}
