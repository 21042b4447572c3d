/**
 * The SDK's clients: one per contract, plus {@link connect}.
 *
 * @example
 * ```ts
 * const { rollup, registry } = await connect("deployments/localhost.json", provider);
 * ```
 */
export * from "./errors";
export * from "./shared";
export * from "./token";
export * from "./registry";
export * from "./rollup";
export * from "./astria";
export * from "./connect";
