// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title ReentrantToken
 * @notice TEST ONLY. An ERC-20 whose transfer hook calls back into a target once, to show that the
 *         protocol contracts lose or double-pay nothing when a token re-enters them.
 */
contract ReentrantToken is ERC20 {
    address private _target;
    bytes private _payload;
    bool private _armed;

    /// @notice Whether the last re-entry attempt succeeded.
    bool public lastReentrySucceeded;
    /// @notice The revert data of the last failed re-entry attempt.
    bytes public lastReentryError;
    /// @notice How many re-entry attempts were made.
    uint256 public reentryAttempts;

    constructor() ERC20("Reentrant", "RE") {}

    /// @notice Mints `amount` to `to` (anyone; test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the hook: on the next transfer, call `target` with `payload` (once).
    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
        _armed = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_armed) {
            _armed = false;
            ++reentryAttempts;
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = _target.call(_payload);
            lastReentrySucceeded = ok;
            lastReentryError = ret;
        }
    }
}
