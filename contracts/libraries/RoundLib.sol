// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFernetRollup} from "../interfaces/IFernetRollup.sol";

/**
 * @title RoundLib
 * @notice Phase arithmetic of one round, derived lazily from time and state (no keeper transaction).
 *
 *   [start, +P)        Proposal
 *   [+P, +P+C)         Commitment        (Backup/NoProposal from +P if nobody proposed)
 *   [+P+C, +P+C+R)     Reveal            (Backup/NoCommitment from +P+C if nobody committed)
 *   revealed .. +P+C+R+D   Proving       (Backup/NoReveal from +P+C+R if not revealed)
 *   from +P+C+R+D      Backup/NoProof    (if not finalized)
 */
library RoundLib {
    /// @notice The durations of the four phases, in seconds.
    struct Durations {
        uint256 proposal;
        uint256 commitment;
        uint256 reveal;
        uint256 proving;
    }

    /// @notice The four deadlines of a round starting at `start`.
    function deadlines(uint256 start, Durations memory d)
        internal
        pure
        returns (uint256 proposalEnd, uint256 commitmentEnd, uint256 revealEnd, uint256 provingEnd)
    {
        proposalEnd = start + d.proposal;
        commitmentEnd = proposalEnd + d.commitment;
        revealEnd = commitmentEnd + d.reveal;
        provingEnd = revealEnd + d.proving;
    }

    /**
     * @notice The phase of a pending round at time `t`, and the backup trigger if one fired.
     * @param t The time asked about.
     * @param start When the round started (the previous block's finalization, or genesis).
     * @param d Phase durations.
     * @param proposed Whether a proposal exists.
     * @param committed Whether a prover committed.
     * @param revealed Whether the best proposal was revealed.
     */
    function phaseAt(uint256 t, uint256 start, Durations memory d, bool proposed, bool committed, bool revealed)
        internal
        pure
        returns (IFernetRollup.Phase, IFernetRollup.BackupReason)
    {
        if (t < start) {
            return (IFernetRollup.Phase.NotStarted, IFernetRollup.BackupReason.None);
        }
        (uint256 proposalEnd, uint256 commitmentEnd, uint256 revealEnd, uint256 provingEnd) = deadlines(start, d);
        if (t < proposalEnd) {
            return (IFernetRollup.Phase.Proposal, IFernetRollup.BackupReason.None);
        }
        if (!proposed) {
            return (IFernetRollup.Phase.Backup, IFernetRollup.BackupReason.NoProposal);
        }
        if (t < commitmentEnd) {
            return (IFernetRollup.Phase.Commitment, IFernetRollup.BackupReason.None);
        }
        if (!committed) {
            return (IFernetRollup.Phase.Backup, IFernetRollup.BackupReason.NoCommitment);
        }
        if (!revealed) {
            return t < revealEnd
                ? (IFernetRollup.Phase.Reveal, IFernetRollup.BackupReason.None)
                : (IFernetRollup.Phase.Backup, IFernetRollup.BackupReason.NoReveal);
        }
        return t < provingEnd
            ? (IFernetRollup.Phase.Proving, IFernetRollup.BackupReason.None)
            : (IFernetRollup.Phase.Backup, IFernetRollup.BackupReason.NoProof);
    }
}
