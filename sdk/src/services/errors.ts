/**
 * Errors of the long-running services: what a node operator sees when a service cannot start.
 *
 * @example
 * ```ts
 * if (e instanceof RpcUnreachableError) console.error(e.shortMessage, e.details);
 * ```
 */
import { FernetError } from "../errors";

/**
 * The JSON-RPC endpoint did not answer `eth_chainId`.
 *
 * @example
 * ```ts
 * throw new RpcUnreachableError("http://127.0.0.1:8545", "connect ECONNREFUSED");
 * ```
 */
export class RpcUnreachableError extends FernetError {
  override name = "RpcUnreachableError";
  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The RPC endpoint ${url} is unreachable (${reason}).`,
      "Check --rpc (or FERNET_RPC_URL): is the node running and listening there? For a local chain run `npm run node`.",
      options,
    );
  }
}

/**
 * No usable signing key: none given, a malformed one, or a keystore that cannot be decrypted.
 *
 * @example
 * ```ts
 * throw new ServiceKeyError("FERNET_KEY is not a 32-byte hex private key.");
 * ```
 */
export class ServiceKeyError extends FernetError {
  override name = "ServiceKeyError";
  constructor(problem: string, options?: { cause?: unknown }) {
    super(
      problem,
      "Set FERNET_KEY to a 0x-prefixed private key, or pass --keystore <file> with FERNET_KEYSTORE_PASSWORD set.",
      options,
    );
  }
}

/**
 * An Astria service or option on a deployment without the Astria contracts.
 *
 * @example
 * ```ts
 * if (!fernet.astriaSlasher) throw new AstriaNotDeployedError("astriaSlasher");
 * ```
 */
export class AstriaNotDeployedError extends FernetError {
  override name = "AstriaNotDeployedError";
  constructor(what: string) {
    super(`The deployment has no ${what}.`, "Deploy the Astria light client and slasher (deployAstria, or ASTRIA_CHAIN with npm run deploy) and add astriaLightClient/astriaSlasher to the deployment file, or drop --astria.");
  }
}
