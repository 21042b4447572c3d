// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ISequencerRegistry} from "../interfaces/ISequencerRegistry.sol";

/**
 * @title SequencerRegistry
 * @notice Fernet's sequencer set.
 *
 * Roles
 * - anyone registers a sequencer key, paying the fixed stake; a withdrawer receives it back;
 * - the sequencer or its withdrawer exits and, after the exit delay, withdraws;
 * - authorised slashers (the rollup) take stake for faults, only from the registration that committed
 *   the fault; the owner changes that set only through a queued change that waits longer than the exit
 *   delay and lapses if not executed within a window; a slasher added that way reaches only
 *   registrations made at least an exit delay before it applied, so every sequencer can leave first.
 *
 * Lifecycle of one registration (times in seconds, `t` the time asked about)
 *   None -register-> Queued (t < activeFrom = registeredAt + entryDelay) -> Active
 *   Queued|Active -initiateExit-> Exiting (t < exitableAt = exitInitiatedAt + exitDelay) -> Withdrawable
 *   any status -slash below minimum-> Ejected (a forced exit: Withdrawable after its exit delay)
 *   Withdrawable -withdraw-> None (the key may register again)
 *
 * Invariants
 * - token balance of the registry == sum of the stakes of all registrations;
 * - a stake is paid out at most once, and only to its withdrawer;
 * - every function is O(1) in the number of sequencers; the append-only key list lets clients enumerate.
 */
contract SequencerRegistry is ISequencerRegistry, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Deployment parameters of the registry.
    struct Config {
        address token;
        uint256 stake;
        uint256 minimumStake;
        uint256 entryDelay;
        uint256 exitDelay;
        uint256 slasherChangeDelay;
        uint256 slasherChangeWindow;
    }

    /// @notice One L1 slot (seconds): the shortest entry delay, so a key registered once a seed's RANDAO
    ///         is knowable (by the proposer of the slot before it is taken) is never eligible for it.
    uint256 public constant SLOT = 12;

    /// @dev A slasher: whether it may slash, and when an executed change last authorised it (0: initial).
    struct Slasher {
        bool allowed;
        uint40 authorisedAt;
    }

    /**
     * @dev One registration in two slots.
     *      slot 0: withdrawer (160) | stake (96)
     *      slot 1: activeFrom (40) | exitInitiatedAt (40) | ejectedAt (40) | listed (8)
     *      `listed` survives withdrawal so a key enters the enumeration list once.
     */
    struct Registration {
        address withdrawer;
        uint96 stake;
        uint40 activeFrom;
        uint40 exitInitiatedAt;
        uint40 ejectedAt;
        bool listed;
    }

    IERC20 private immutable _token;
    uint96 private immutable _stake;
    uint256 private immutable _minimumStake;
    uint40 private immutable _entryDelay;
    uint40 private immutable _exitDelay;
    uint256 private immutable _slasherChangeDelay;
    uint256 private immutable _slasherChangeWindow;

    mapping(address sequencer => Registration) private _registrations;
    address[] private _keys;
    mapping(address slasher => Slasher) private _slashers;
    mapping(address slasher => SlasherChange) private _pendingSlasherChanges;

    modifier onlySequencerOrWithdrawer(address sequencer, Registration storage reg) {
        if (msg.sender != sequencer && msg.sender != reg.withdrawer) {
            revert Registry__NotSequencerOrWithdrawer(msg.sender, sequencer);
        }
        _;
    }

    /**
     * @param config Token, stake, minimum stake and delays. Delays are in seconds; the entry delay must
     *        be at least one L1 slot (the rollup's anti-grinding rule relies on it), the slasher-change
     *        delay longer than the exit delay, and the slasher-change window non-zero.
     * @param owner_ Owner allowed to queue slasher changes.
     * @param initialSlashers Slashers authorised from deployment (e.g. the rollup, at its predicted address).
     */
    constructor(Config memory config, address owner_, address[] memory initialSlashers) Ownable(owner_) {
        if (config.token == address(0)) {
            revert Registry__ZeroAddress();
        }
        if (config.stake == 0 || config.stake > type(uint96).max) {
            revert Registry__InvalidConfig("stake", config.stake);
        }
        if (config.minimumStake == 0 || config.minimumStake > config.stake) {
            revert Registry__InvalidConfig("minimumStake", config.minimumStake);
        }
        if (config.entryDelay < SLOT || config.entryDelay > type(uint32).max) {
            revert Registry__InvalidConfig("entryDelay", config.entryDelay);
        }
        if (config.exitDelay == 0 || config.exitDelay > type(uint32).max) {
            revert Registry__InvalidConfig("exitDelay", config.exitDelay);
        }
        // Strictly longer than the exit delay: a sequencer that exits as soon as a change is queued
        // has withdrawn before the new slasher can act.
        if (config.slasherChangeDelay <= config.exitDelay || config.slasherChangeDelay > type(uint32).max) {
            revert Registry__InvalidConfig("slasherChangeDelay", config.slasherChangeDelay);
        }
        if (config.slasherChangeWindow == 0 || config.slasherChangeWindow > type(uint32).max) {
            revert Registry__InvalidConfig("slasherChangeWindow", config.slasherChangeWindow);
        }
        _token = IERC20(config.token);
        _stake = uint96(config.stake);
        _minimumStake = config.minimumStake;
        _entryDelay = uint40(config.entryDelay);
        _exitDelay = uint40(config.exitDelay);
        _slasherChangeDelay = config.slasherChangeDelay;
        _slasherChangeWindow = config.slasherChangeWindow;
        for (uint256 i = 0; i < initialSlashers.length; ++i) {
            if (initialSlashers[i] == address(0)) {
                revert Registry__ZeroAddress();
            }
            _slashers[initialSlashers[i]] = Slasher({allowed: true, authorisedAt: 0});
            emit SlasherSet(initialSlashers[i], true);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Sequencer lifecycle
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ISequencerRegistry
    function register(address sequencer, address withdrawer) external override nonReentrant {
        if (sequencer == address(0) || withdrawer == address(0)) {
            revert Registry__ZeroAddress();
        }
        Registration storage reg = _registrations[sequencer];
        if (reg.withdrawer != address(0)) {
            revert Registry__AlreadyRegistered(sequencer, _statusAt(reg, block.timestamp));
        }
        if (!reg.listed) {
            _keys.push(sequencer);
        }
        uint40 activeFrom = uint40(block.timestamp) + _entryDelay;
        _registrations[sequencer] = Registration({
            withdrawer: withdrawer,
            stake: _stake,
            activeFrom: activeFrom,
            exitInitiatedAt: 0,
            ejectedAt: 0,
            listed: true
        });
        emit SequencerRegistered(sequencer, withdrawer, msg.sender, _stake, activeFrom);
        _token.safeTransferFrom(msg.sender, address(this), _stake);
    }

    /// @inheritdoc ISequencerRegistry
    function initiateExit(address sequencer)
        external
        override
        onlySequencerOrWithdrawer(sequencer, _registered(sequencer))
    {
        Registration storage reg = _registrations[sequencer];
        if (reg.exitInitiatedAt != 0) {
            revert Registry__AlreadyExiting(sequencer, reg.exitInitiatedAt);
        }
        reg.exitInitiatedAt = uint40(block.timestamp);
        emit ExitInitiated(sequencer, msg.sender, block.timestamp + _exitDelay);
    }

    /// @inheritdoc ISequencerRegistry
    function withdraw(address sequencer)
        external
        override
        nonReentrant
        onlySequencerOrWithdrawer(sequencer, _registered(sequencer))
        returns (uint256 amount)
    {
        Registration storage reg = _registrations[sequencer];
        if (reg.exitInitiatedAt == 0) {
            revert Registry__ExitNotInitiated(sequencer);
        }
        uint256 exitableAt = uint256(reg.exitInitiatedAt) + _exitDelay;
        if (block.timestamp < exitableAt) {
            revert Registry__ExitDelayNotPassed(sequencer, exitableAt, block.timestamp);
        }
        address withdrawer = reg.withdrawer;
        amount = reg.stake;
        // Clear the registration before paying; `listed` stays so the key is never listed twice.
        _registrations[sequencer] = Registration({
            withdrawer: address(0),
            stake: 0,
            activeFrom: 0,
            exitInitiatedAt: 0,
            ejectedAt: 0,
            listed: true
        });
        emit StakeWithdrawn(sequencer, withdrawer, amount);
        if (amount > 0) {
            _token.safeTransfer(withdrawer, amount);
        }
    }

    /// @inheritdoc ISequencerRegistry
    function slash(address sequencer, uint256 amount, uint256 faultAt)
        external
        override
        nonReentrant
        returns (uint256 slashed)
    {
        Slasher memory slasher = _slashers[msg.sender];
        if (!slasher.allowed) {
            revert Registry__NotSlasher(msg.sender);
        }
        if (amount == 0) {
            revert Registry__ZeroSlash();
        }
        Registration storage reg = _registered(sequencer);
        uint256 registeredAt = uint256(reg.activeFrom) - _entryDelay;
        if (registeredAt > faultAt) {
            revert Registry__RegistrationAfterFault(sequencer, registeredAt, faultAt);
        }
        // A slasher added by a queued change reaches only registrations that had a full exit delay,
        // before it applied, to leave: older ones saw the change queued (its delay exceeds the exit delay).
        if (slasher.authorisedAt != 0 && registeredAt + _exitDelay >= slasher.authorisedAt) {
            revert Registry__SlasherTooRecent(msg.sender, sequencer, registeredAt, slasher.authorisedAt);
        }
        uint96 remaining = reg.stake;
        slashed = amount < remaining ? amount : remaining;
        // Safe: slashed <= remaining by the line above.
        unchecked {
            remaining -= uint96(slashed);
        }
        reg.stake = remaining;
        emit SequencerSlashed(sequencer, msg.sender, amount, slashed, remaining);
        if (remaining < _minimumStake && reg.ejectedAt == 0) {
            reg.ejectedAt = uint40(block.timestamp);
            if (reg.exitInitiatedAt == 0) {
                reg.exitInitiatedAt = uint40(block.timestamp);
            }
            emit SequencerEjected(sequencer, remaining, uint256(reg.exitInitiatedAt) + _exitDelay);
        }
        if (slashed > 0) {
            _token.safeTransfer(msg.sender, slashed);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Slasher administration (queued, delayed)
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ISequencerRegistry
    function queueSlasherChange(address slasher, bool allowed) external override onlyOwner {
        if (slasher == address(0)) {
            revert Registry__ZeroAddress();
        }
        uint64 executableAt = uint64(block.timestamp + _slasherChangeDelay);
        uint64 expiresAt = executableAt + uint64(_slasherChangeWindow);
        _pendingSlasherChanges[slasher] =
            SlasherChange({allowed: allowed, executableAt: executableAt, expiresAt: expiresAt});
        emit SlasherChangeQueued(slasher, allowed, executableAt, expiresAt);
    }

    /// @inheritdoc ISequencerRegistry
    function executeSlasherChange(address slasher) external override {
        SlasherChange memory change = _pendingSlasherChanges[slasher];
        if (change.executableAt == 0) {
            revert Registry__NoPendingSlasherChange(slasher);
        }
        if (block.timestamp < change.executableAt) {
            revert Registry__SlasherChangeNotReady(slasher, change.executableAt, block.timestamp);
        }
        if (block.timestamp >= change.expiresAt) {
            revert Registry__SlasherChangeExpired(slasher, change.expiresAt, block.timestamp);
        }
        delete _pendingSlasherChanges[slasher];
        _slashers[slasher] = Slasher({allowed: change.allowed, authorisedAt: uint40(block.timestamp)});
        emit SlasherSet(slasher, change.allowed);
    }

    /// @inheritdoc ISequencerRegistry
    function cancelSlasherChange(address slasher) external override onlyOwner {
        if (_pendingSlasherChanges[slasher].executableAt == 0) {
            revert Registry__NoPendingSlasherChange(slasher);
        }
        delete _pendingSlasherChanges[slasher];
        emit SlasherChangeCancelled(slasher);
    }

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ISequencerRegistry
    function token() external view override returns (address) {
        return address(_token);
    }

    /// @inheritdoc ISequencerRegistry
    function stakeAmount() external view override returns (uint256) {
        return _stake;
    }

    /// @inheritdoc ISequencerRegistry
    function minimumStake() external view override returns (uint256) {
        return _minimumStake;
    }

    /// @inheritdoc ISequencerRegistry
    function entryDelay() external view override returns (uint256) {
        return _entryDelay;
    }

    /// @inheritdoc ISequencerRegistry
    function exitDelay() external view override returns (uint256) {
        return _exitDelay;
    }

    /// @inheritdoc ISequencerRegistry
    function slasherChangeDelay() external view override returns (uint256) {
        return _slasherChangeDelay;
    }

    /// @inheritdoc ISequencerRegistry
    function isSlasher(address account) external view override returns (bool) {
        return _slashers[account].allowed;
    }

    /// @inheritdoc ISequencerRegistry
    function slasherChangeWindow() external view override returns (uint256) {
        return _slasherChangeWindow;
    }

    /// @inheritdoc ISequencerRegistry
    function slasherAuthorisedAt(address slasher) external view override returns (uint256) {
        Slasher memory s = _slashers[slasher];
        return s.allowed ? s.authorisedAt : 0;
    }

    /// @inheritdoc ISequencerRegistry
    function pendingSlasherChange(address slasher) external view override returns (SlasherChange memory) {
        return _pendingSlasherChanges[slasher];
    }

    /// @inheritdoc ISequencerRegistry
    function statusOf(address sequencer) external view override returns (Status) {
        return _statusAt(_registrations[sequencer], block.timestamp);
    }

    /// @inheritdoc ISequencerRegistry
    function statusAt(address sequencer, uint256 timestamp) external view override returns (Status) {
        return _statusAt(_registrations[sequencer], timestamp);
    }

    /// @inheritdoc ISequencerRegistry
    function getSequencer(address sequencer) external view override returns (SequencerView memory info) {
        SequencerEntry memory e = _entry(sequencer);
        info.withdrawer = e.withdrawer;
        info.stake = e.stake;
        info.registeredAt = e.registeredAt;
        info.activeFrom = e.activeFrom;
        info.exitInitiatedAt = e.exitInitiatedAt;
        info.exitableAt = e.exitableAt;
        info.ejectedAt = e.ejectedAt;
    }

    /// @inheritdoc ISequencerRegistry
    function getSequencers(uint256 offset, uint256 limit)
        external
        view
        override
        returns (SequencerEntry[] memory page)
    {
        uint256 count = _keys.length;
        uint256 end = offset >= count ? offset : (limit > count - offset ? count : offset + limit);
        page = new SequencerEntry[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            page[i - offset] = _entry(_keys[i]);
        }
    }

    /// @inheritdoc ISequencerRegistry
    function wasActiveAt(address sequencer, uint256 timestamp) external view override returns (bool) {
        return _statusAt(_registrations[sequencer], timestamp) == Status.Active;
    }

    /// @inheritdoc ISequencerRegistry
    function isExitingOrEjected(address sequencer) external view override returns (bool) {
        // An ejection always sets `exitInitiatedAt` (a forced exit), so one field answers both.
        return _registrations[sequencer].exitInitiatedAt != 0;
    }

    /// @inheritdoc ISequencerRegistry
    function isEligible(address sequencer, uint256 seedKnownAt) external view override returns (bool) {
        Registration storage reg = _registrations[sequencer];
        return reg.exitInitiatedAt == 0 && reg.withdrawer != address(0) && reg.activeFrom <= seedKnownAt;
    }

    /// @inheritdoc ISequencerRegistry
    function eligibility(address sequencer, uint256 seedKnownAt) external view override returns (Eligibility) {
        Registration storage reg = _registrations[sequencer];
        if (reg.withdrawer == address(0)) {
            return Eligibility.Unregistered;
        }
        uint256 activeFrom = reg.activeFrom;
        if (activeFrom > seedKnownAt) {
            return activeFrom - _entryDelay > seedKnownAt ? Eligibility.RegisteredAfterSeed : Eligibility.Queued;
        }
        if (reg.exitInitiatedAt != 0) {
            return reg.ejectedAt != 0 ? Eligibility.Ejected : Eligibility.Exiting;
        }
        return Eligibility.Eligible;
    }

    /// @inheritdoc ISequencerRegistry
    function sequencerCount() external view override returns (uint256) {
        return _keys.length;
    }

    /// @inheritdoc ISequencerRegistry
    function sequencerAt(uint256 index) external view override returns (address) {
        return _keys[index];
    }

    // ---------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------

    /// @dev The registration of `sequencer`, reverting if it has none.
    function _registered(address sequencer) private view returns (Registration storage reg) {
        reg = _registrations[sequencer];
        if (reg.withdrawer == address(0)) {
            revert Registry__NotRegistered(sequencer);
        }
    }

    /// @dev The paged view's row for `sequencer` (status now; all zero but the key after a withdrawal).
    function _entry(address sequencer) private view returns (SequencerEntry memory e) {
        e.sequencer = sequencer;
        Registration storage reg = _registrations[sequencer];
        if (reg.withdrawer == address(0)) {
            return e;
        }
        e.status = _statusAt(reg, block.timestamp);
        e.withdrawer = reg.withdrawer;
        e.stake = reg.stake;
        e.activeFrom = reg.activeFrom;
        e.registeredAt = uint256(reg.activeFrom) - _entryDelay;
        e.exitInitiatedAt = reg.exitInitiatedAt;
        e.exitableAt = reg.exitInitiatedAt == 0 ? 0 : uint256(reg.exitInitiatedAt) + _exitDelay;
        e.ejectedAt = reg.ejectedAt;
    }

    /// @dev Status of `reg` at time `t`; see the lifecycle in the contract header.
    function _statusAt(Registration storage reg, uint256 t) private view returns (Status) {
        if (reg.withdrawer == address(0)) {
            return Status.None;
        }
        uint256 activeFrom = reg.activeFrom;
        if (t + _entryDelay < activeFrom) {
            return Status.None; // before registration
        }
        uint256 exitInitiatedAt = reg.exitInitiatedAt;
        if (exitInitiatedAt != 0 && t >= exitInitiatedAt) {
            if (t >= exitInitiatedAt + _exitDelay) {
                return Status.Withdrawable;
            }
            uint256 ejectedAt = reg.ejectedAt;
            return ejectedAt != 0 && t >= ejectedAt ? Status.Ejected : Status.Exiting;
        }
        return t < activeFrom ? Status.Queued : Status.Active;
    }
}
