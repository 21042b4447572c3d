// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title FernetToken
 * @notice The single ERC-20 used for sequencer stake, prover bonds, Astria bonds and rewards in local
 *         and test deployments. Plain OpenZeppelin ERC-20 with EIP-2612 `permit`; the owner mints.
 * @dev On real networks any standard ERC-20 can be used instead. Fee-on-transfer and rebasing tokens
 *      are not supported by the protocol contracts.
 */
contract FernetToken is ERC20, ERC20Permit, Ownable {
    /**
     * @param name_ ERC-20 name (also the EIP-712 domain name of `permit`).
     * @param symbol_ ERC-20 symbol.
     * @param owner_ The account allowed to mint.
     */
    constructor(string memory name_, string memory symbol_, address owner_)
        ERC20(name_, symbol_)
        ERC20Permit(name_)
        Ownable(owner_)
    {}

    /**
     * @notice Mints `amount` tokens to `to`. Only the owner.
     * @param to Recipient.
     * @param amount Amount in base units.
     */
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
