/**
 * What a service needs before it starts: its signing key (from `FERNET_KEY` or an encrypted JSON
 * keystore), a provider that answered (an unreachable RPC fails fast instead of retrying forever),
 * and the deployment's clients bound to the key, after `connect`'s chain-id and code checks.
 *
 * @example
 * ```ts
 * const { wallet, fernet } = await connectService({ rpc, deployment, key: await loadKey(env, keystore), pollingMs: 1000 });
 * ```
 */
import { readFile } from "node:fs/promises";
import { JsonRpcProvider, Network, Wallet } from "ethers";
import { connect, type Fernet } from "../clients";
import { RpcUnreachableError, ServiceKeyError } from "./errors";
import { FetchJsonRpcProvider } from "../transport";

/** How long the first `eth_chainId` may take before the RPC is called unreachable. */
export const RPC_PROBE_TIMEOUT_MS = 5_000;

/**
 * The service's signing key: the keystore when `keystore` is given (password in
 * `FERNET_KEYSTORE_PASSWORD`), else `FERNET_KEY`.
 *
 * @throws {@link ServiceKeyError}
 * @example
 * ```ts
 * const key = await loadKey(process.env, "keys/prover.json");
 * ```
 */
export async function loadKey(env: NodeJS.ProcessEnv, keystore: string | undefined): Promise<Wallet> {
  if (keystore !== undefined) {
    const password = env.FERNET_KEYSTORE_PASSWORD;
    if (password === undefined) throw new ServiceKeyError(`--keystore ${keystore} is given but FERNET_KEYSTORE_PASSWORD is not set.`);
    let json: string;
    try {
      json = await readFile(keystore, "utf8");
    } catch (cause) {
      throw new ServiceKeyError(`Can't read the keystore ${keystore} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}).`, { cause });
    }
    try {
      const wallet = await Wallet.fromEncryptedJson(json, password);
      return new Wallet(wallet.privateKey);
    } catch (cause) {
      throw new ServiceKeyError(`Can't decrypt the keystore ${keystore}: wrong password or not a JSON keystore.`, { cause });
    }
  }
  const key = env.FERNET_KEY;
  if (key === undefined || key === "") throw new ServiceKeyError("No key: FERNET_KEY is not set and no --keystore is given.");
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new ServiceKeyError("FERNET_KEY is not a 0x-prefixed 32-byte hex private key.");
  return new Wallet(key);
}

/**
 * Asks `url` for its chain id (one request, bounded by `timeoutMs`).
 *
 * @throws {@link RpcUnreachableError}
 * @example
 * ```ts
 * const chainId = await probeChainId("http://127.0.0.1:8545");
 * ```
 */
export async function probeChainId(url: string, timeoutMs = RPC_PROBE_TIMEOUT_MS): Promise<bigint> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
    const reason = inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : String(cause));
    throw new RpcUnreachableError(url, reason, { cause });
  }
  if (!response.ok) throw new RpcUnreachableError(url, `HTTP ${response.status}`);
  try {
    const body = (await response.json()) as { result?: string };
    if (typeof body.result !== "string") throw new Error("no result");
    return BigInt(body.result);
  } catch (cause) {
    throw new RpcUnreachableError(url, "the answer to eth_chainId is not a JSON-RPC result", { cause });
  }
}

/** A connected service: its key on the provider and the deployment's clients bound to it. */
export interface ServiceChain {
  readonly provider: JsonRpcProvider;
  readonly wallet: Wallet;
  readonly address: string;
  readonly chainId: bigint;
  readonly fernet: Fernet;
}

/**
 * Probes the RPC, builds a provider pinned to its chain, and connects the deployment with `key`.
 *
 * @throws {@link RpcUnreachableError}, and `connect`'s `ChainMismatchError`, `NoCodeError`, `InvalidDeploymentError`
 * @example
 * ```ts
 * const chain = await connectService({ rpc: "http://127.0.0.1:8545", deployment: "deployments/localhost.json", key, pollingMs: 500 });
 * ```
 */
export async function connectService(options: { rpc: string; deployment: string; key: Wallet; pollingMs: number }): Promise<ServiceChain> {
  const chainId = await probeChainId(options.rpc);
  // The platform's fetch as transport: a fresh registry index's first sync is one large answer.
  const provider = new FetchJsonRpcProvider(options.rpc, Network.from(chainId), {
    staticNetwork: Network.from(chainId),
    pollingInterval: Math.max(50, options.pollingMs),
    // Every poll must read the chain afresh (ethers otherwise reuses identical answers for 250 ms).
    cacheTimeout: -1,
  });
  try {
    const wallet = options.key.connect(provider);
    const fernet = await connect(options.deployment, wallet);
    return { provider, wallet, address: wallet.address, chainId, fernet };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}
