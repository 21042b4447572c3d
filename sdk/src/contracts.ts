/**
 * `@fernet/sdk/contracts`: the typechain (ethers v6) bindings and factories of the deployable
 * contracts, generated from the Hardhat artifacts into the package. For calls the clients don't wrap,
 * or to deploy the contracts from a script.
 *
 * @example
 * ```ts
 * import { FernetRollup__factory } from "@fernet/sdk/contracts";
 * const rollup = FernetRollup__factory.connect(address, provider);
 * ```
 */
export * from "./generated/typechain";
