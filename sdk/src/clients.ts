/**
 * Typed clients: one per contract, explicit return types, conversions inside the wrapper (see
 * `./clients/`), and {@link connect}.
 *
 * @example
 * ```ts
 * const rollup = new RollupClient(rollupAddress, signer);
 * const state = await rollup.getHeightState(await rollup.pendingHeight());
 * if (state.phase === Phase.Proposal) await rollup.propose(header);
 * ```
 */
export * from "./clients/index";
