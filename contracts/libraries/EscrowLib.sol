// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFernetRollup} from "../interfaces/IFernetRollup.sol";

/**
 * @title EscrowLib
 * @notice Prover escrow: a prover deposits once and the rollup locks a bond per committed block,
 *         releases it when the block is proven (or the proposer missed its reveal) and forfeits it
 *         when the prover missed its proof. Invariant: `locked <= total` for every escrow.
 */
library EscrowLib {
    /// @notice One prover's escrow, one slot: total deposited | part locked in bonds.
    struct Escrow {
        uint128 total;
        uint128 locked;
    }

    /// @notice The unlocked balance.
    function free(Escrow storage e) internal view returns (uint256) {
        return uint256(e.total) - e.locked;
    }

    /// @notice Adds `amount` to the escrow (reverts if the total would not fit 128 bits).
    function deposit(Escrow storage e, uint256 amount) internal {
        e.total += SafeCast.toUint128(amount);
    }

    /// @notice Takes `amount` out of the free balance of `prover`'s escrow `e`.
    function withdraw(Escrow storage e, address prover, uint256 amount) internal {
        uint256 available = free(e);
        if (available < amount) {
            revert IFernetRollup.Rollup__InsufficientEscrow(prover, available, amount);
        }
        // Safe: amount <= free <= total.
        e.total -= uint128(amount);
    }

    /// @notice Locks `bond` of `prover`'s free balance.
    function lock(Escrow storage e, address prover, uint256 bond) internal {
        uint256 available = free(e);
        if (available < bond) {
            revert IFernetRollup.Rollup__InsufficientEscrow(prover, available, bond);
        }
        // Safe: bond <= free <= total - locked < 2^128.
        e.locked += uint128(bond);
    }

    /// @notice Unlocks `bond` (it becomes free again).
    function release(Escrow storage e, uint256 bond) internal {
        e.locked -= uint128(bond);
    }

    /// @notice Unlocks `bond` and removes it from the escrow (it is paid out elsewhere).
    function forfeit(Escrow storage e, uint256 bond) internal {
        e.locked -= uint128(bond);
        e.total -= uint128(bond);
    }
}
