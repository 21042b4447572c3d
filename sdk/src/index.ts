/**
 * Fernet SDK: typed clients for the registry and the rollup, the protocol's hashing (bit for bit),
 * EIP-712 quotes, leader ranking, confirmation stages, configuration presets and typed errors.
 *
 * @example
 * ```ts
 * import { RollupClient, RegistryClient, rankSequencers } from "./sdk/src";
 * ```
 */
export * from "./errors";
export * from "./config";
export * from "./types";
export * from "./hashing";
export * from "./eip712";
export * from "./blockdata";
export * from "./contract-errors";
export * from "./clients";
export * from "./ranking";
export * from "./confirmations";
export * from "./agents";
