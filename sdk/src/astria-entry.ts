/**
 * `@fernet/sdk/astria`: Astria blocks and their RFC 6962 trees, light-client digests and quorum
 * signatures, bindings and top-of-block, the proofs the slasher's evidence takes, and the clients of
 * the Astria slasher and light client.
 *
 * @example
 * ```ts
 * import { buildAstriaBlock, topOfBlock, buildBinding, AstriaSlasherClient } from "@fernet/sdk/astria";
 * ```
 */
export * from "./astria/index";
export { AstriaSlasherClient, AstriaLightClientClient, AstriaBondError } from "./clients/astria";
export type { AstriaSlasherParameters, AstriaBond, AstriaBindingRecord, FinalizedAstriaHeader, ValidatorSetInfo } from "./clients/astria";
