/**
 * Astria helpers: Astria blocks and their RFC 6962 trees, light-client digests and quorum signatures,
 * bindings and top-of-block, and the proofs the Astria slasher's evidence takes.
 *
 * @example
 * ```ts
 * import { buildAstriaBlock, topOfBlock, buildBinding } from "../sdk/src/astria";
 * ```
 */
export * from "./errors";
export * from "./merkle";
export * from "./block";
export * from "./lightClient";
export * from "./binding";
