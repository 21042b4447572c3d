// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFernetRollup} from "../interfaces/IFernetRollup.sol";
import {FernetLib} from "./FernetLib.sol";

/**
 * @title SettlementLib
 * @notice The settlement rules of a height that entered backup, as pure functions: who is at fault,
 *         what a fault must cost, and how a slashed amount is split between reporter and burn.
 *
 *   NoProposal    nobody's fault; nothing to settle
 *   NoCommitment  the winner's (it can always prove its own block): its stake is penalised
 *   NoReveal      the winner's: its stake is penalised, the prover's bond released
 *   NoProof       the committed prover's: its bond is slashed
 */
library SettlementLib {
    /// @notice The party whose miss opened backup for `reason` (zero for none).
    function faultyParty(IFernetRollup.BackupReason reason, address proposer, address prover)
        internal
        pure
        returns (address)
    {
        if (reason == IFernetRollup.BackupReason.NoCommitment || reason == IFernetRollup.BackupReason.NoReveal) {
            return proposer;
        }
        return reason == IFernetRollup.BackupReason.NoProof ? prover : address(0);
    }

    /**
     * @notice The least a miss must cost so that it never beats the happy path: the block reward a
     *         friend's backup block earns plus the bounty the party recovers by reporting itself,
     *         `loss * (1 - bountyBps) >= blockReward`, rounded up; unbounded for a 100% bounty.
     */
    function minimumLoss(uint256 blockReward, uint256 bountyBps) internal pure returns (uint256) {
        if (blockReward == 0) {
            return 0;
        }
        if (bountyBps >= FernetLib.BPS) {
            return type(uint256).max;
        }
        uint256 keep = FernetLib.BPS - bountyBps;
        return (blockReward * FernetLib.BPS + keep - 1) / keep;
    }

    /// @notice Splits a slashed `amount`: `bountyBps` to the reporter, the rest burned.
    function split(uint256 amount, uint256 bountyBps) internal pure returns (uint256 bounty, uint256 burned) {
        bounty = FernetLib.share(amount, bountyBps);
        burned = amount - bounty;
    }
}
