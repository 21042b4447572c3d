/**
 * Fernet SDK: `connect()` to a deployment and get one typed client per contract (registry, rollup,
 * token, Astria slasher and light client); rank sequencers and read the leader schedule at scale;
 * read and watch protocol events; follow confirmation stages; reproduce the protocol's hashing and
 * EIP-712 bit for bit; typed errors with hints. Subpaths: `@fernet/sdk/astria` (Astria helpers),
 * `@fernet/sdk/prover/redis` (the farm on Redis; optional peers bullmq and ioredis),
 * `@fernet/sdk/prover` (the prover farm), `@fernet/sdk/contracts` (typechain factories and ABIs).
 *
 * @example
 * ```ts
 * import { connect, leaderSchedule, Phase } from "@fernet/sdk";
 * const fernet = await connect("deployments/localhost.json", provider);
 * const state = await fernet.rollup.getHeightState(await fernet.rollup.pendingHeight());
 * console.log(Phase[state.phase], await leaderSchedule(fernet.rollup, fernet.registry));
 * ```
 */
export * from "./errors";
export * from "./config";
export * from "./types";
export * from "./hashing";
export * from "./eip712";
export * from "./blockdata";
export * from "./contract-errors";
export * from "./hints";
export * from "./clients";
export * from "./ranking";
export * from "./registry-index";
export * from "./transport";
export * from "./leaders";
export * from "./events";
export * from "./confirmations";
export * from "./agents";
export { ROLLUP_EVENTS, REGISTRY_EVENTS, TOKEN_EVENTS, ASTRIASLASHER_EVENTS, ASTRIALIGHTCLIENT_EVENTS } from "./generated/protocol";
