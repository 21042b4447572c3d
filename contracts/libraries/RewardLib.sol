// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFernetRollup} from "../interfaces/IFernetRollup.sol";
import {FernetLib} from "./FernetLib.sol";

/**
 * @title RewardLib
 * @notice The reward pool and the pull payments it funds. A finalized block pays `blockReward` (or
 *         what the pool has left, never reverting for lack of funds), split by `FernetLib.splitReward`;
 *         accounts claim what they are owed. Invariant: pool + sum(owed) only falls by claims.
 */
library RewardLib {
    /// @notice The pool (128 bits) and the running total burned or sent to the treasury (128 bits), one slot.
    struct Pool {
        uint128 pool;
        uint128 burned;
    }

    /// @notice Adds `amount` to the pool (reverts if it would not fit 128 bits).
    function fund(Pool storage p, uint256 amount) internal {
        p.pool += SafeCast.toUint128(amount);
    }

    /// @notice Records `amount` as burned (or sent to the treasury).
    function recordBurn(Pool storage p, uint256 amount) internal {
        p.burned += SafeCast.toUint128(amount);
    }

    /**
     * @notice Pays the block reward of `height`, or what the pool has, to `owed`: `submitterBps` of it to
     *         `submitter`, `proverBps` of the rest to `prover`, the remainder to `sequencer`.
     * @return paid The amount taken from the pool.
     */
    function accrue(
        Pool storage p,
        mapping(address => uint256) storage owed,
        uint256 height,
        uint256 blockReward,
        uint256 submitterBps,
        address submitter,
        address prover,
        uint256 proverBps,
        address sequencer
    ) internal returns (uint256 paid) {
        uint256 pool = p.pool;
        paid = pool < blockReward ? pool : blockReward;
        if (paid == 0) {
            return 0;
        }
        // Safe: paid <= pool.
        unchecked {
            p.pool = uint128(pool - paid);
        }
        (uint256 toSubmitter, uint256 toProver, uint256 toSequencer) =
            FernetLib.splitReward(paid, submitterBps, proverBps);
        owed[submitter] += toSubmitter;
        owed[prover] += toProver;
        owed[sequencer] += toSequencer;
        emit IFernetRollup.RewardsAccrued(height, submitter, toSubmitter, prover, toProver, sequencer, toSequencer);
    }

    /// @notice Clears and returns what `account` is owed; reverts if nothing.
    function claim(mapping(address => uint256) storage owed, address account) internal returns (uint256 amount) {
        amount = owed[account];
        if (amount == 0) {
            revert IFernetRollup.Rollup__NothingToClaim(account);
        }
        owed[account] = 0;
    }
}
