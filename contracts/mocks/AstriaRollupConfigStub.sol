// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFernetRollup} from "../interfaces/IFernetRollup.sol";

/**
 * @title AstriaRollupConfigStub
 * @notice TEST ONLY. Answers the two configuration reads of the Astria slasher's constructor: as a rollup
 *         (`getConfig`, naming itself as the registry) and as that registry (`token`), each with its own
 *         token, so the tests can deploy a slasher against a rollup whose token is not its registry's.
 */
contract AstriaRollupConfigStub {
    address private immutable _rollupToken;
    address private immutable _registryToken;

    /// @param rollupToken The token the rollup reports.
    /// @param registryToken The token the registry reports.
    constructor(address rollupToken, address registryToken) {
        _rollupToken = rollupToken;
        _registryToken = registryToken;
    }

    /// @notice A rollup configuration naming `rollupToken` and this contract as the registry.
    function getConfig() external view returns (IFernetRollup.Config memory config) {
        config.token = _rollupToken;
        config.registry = address(this);
        config.lookahead = 1;
    }

    /// @notice The registry's token.
    function token() external view returns (address) {
        return _registryToken;
    }
}
