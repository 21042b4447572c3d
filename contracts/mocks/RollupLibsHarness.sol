// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFernetRollup} from "../interfaces/IFernetRollup.sol";
import {EscrowLib} from "../libraries/EscrowLib.sol";
import {RewardLib} from "../libraries/RewardLib.sol";
import {SignalLib} from "../libraries/SignalLib.sol";
import {RandomnessLib} from "../libraries/RandomnessLib.sol";
import {SettlementLib} from "../libraries/SettlementLib.sol";

/// @dev Test only: exposes the rollup's libraries on storage of its own, for their unit tests.
contract RollupLibsHarness {
    using EscrowLib for EscrowLib.Escrow;
    using RewardLib for RewardLib.Pool;
    using SignalLib for SignalLib.Signals;

    EscrowLib.Escrow public escrow;
    RewardLib.Pool public pool;
    mapping(address => uint256) public owed;
    SignalLib.Signals private _signals;

    // ---- escrow
    function deposit(uint256 amount) external {
        escrow.deposit(amount);
    }

    function withdraw(uint256 amount) external {
        escrow.withdraw(msg.sender, amount);
    }

    function lock(uint256 bond) external {
        escrow.lock(msg.sender, bond);
    }

    function release(uint256 bond) external {
        escrow.release(bond);
    }

    function forfeit(uint256 bond) external {
        escrow.forfeit(bond);
    }

    function free() external view returns (uint256) {
        return escrow.free();
    }

    // ---- rewards
    function fund(uint256 amount) external {
        pool.fund(amount);
    }

    function recordBurn(uint256 amount) external {
        pool.recordBurn(amount);
    }

    function accrue(
        uint256 height,
        uint256 blockReward,
        uint256 submitterBps,
        address submitter,
        address prover,
        uint256 proverBps,
        address sequencer
    ) external returns (uint256) {
        return pool.accrue(owed, height, blockReward, submitterBps, submitter, prover, proverBps, sequencer);
    }

    function claim() external returns (uint256) {
        return RewardLib.claim(owed, msg.sender);
    }

    // ---- signals
    function count(uint256 height, bytes32 payload, uint256 roundSize, uint256 quorum) external {
        _signals.count(height, payload, roundSize, quorum);
    }

    function signals(uint256 round, bytes32 payload) external view returns (uint256) {
        return _signals.counts[round][payload];
    }

    function passed(uint256 round) external view returns (bytes32) {
        return _signals.passed[round];
    }

    function roundOf(uint256 height, uint256 roundSize) external pure returns (uint256) {
        return SignalLib.roundOf(height, roundSize);
    }

    // ---- randomness
    function pack(bytes32 raw, uint256 since) external pure returns (uint256) {
        return RandomnessLib.pack(raw, since);
    }

    function unpack(uint256 word) external pure returns (bytes32 value, uint256 knownAt) {
        return (RandomnessLib.value(word), RandomnessLib.knownAt(word));
    }

    function window(uint256 roundStart, uint256 proposalDuration) external pure returns (uint256, uint256) {
        return RandomnessLib.window(roundStart, proposalDuration);
    }

    // ---- settlement
    function faultyParty(IFernetRollup.BackupReason reason, address proposer, address prover)
        external
        pure
        returns (address)
    {
        return SettlementLib.faultyParty(reason, proposer, prover);
    }

    function minimumLoss(uint256 blockReward, uint256 bountyBps) external pure returns (uint256) {
        return SettlementLib.minimumLoss(blockReward, bountyBps);
    }

    function split(uint256 amount, uint256 bountyBps) external pure returns (uint256, uint256) {
        return SettlementLib.split(amount, bountyBps);
    }
}
