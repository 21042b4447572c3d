/**
 * `FetchJsonRpcProvider`: ethers' `JsonRpcProvider` with its HTTP transport replaced by the platform's
 * `fetch` (Node 18+, browsers). Everything else is ethers' (batching, polling, network detection,
 * error decoding). Why: ethers' Node transport grows a response body by copying it at every chunk
 * (quadratic in its size) and decodes UTF-8 in JavaScript, so multi-megabyte answers (a fresh
 * {@link RegistryIndex}'s first sync, the paged registry view) cost the client seconds; `fetch`
 * collects the body once and parses it natively (bench/sdk-ranking.md).
 *
 * @example
 * ```ts
 * import { connect, FetchJsonRpcProvider } from "@fernet/sdk";
 * const fernet = await connect("deployments/localhost.json", new FetchJsonRpcProvider("http://127.0.0.1:8545"));
 * ```
 */
import { JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult } from "ethers";
import { FernetError } from "./errors";

/**
 * The JSON-RPC endpoint answered with an HTTP error status.
 *
 * @example
 * ```ts
 * if (e instanceof RpcHttpError && e.status === 429) await backOff();
 * ```
 */
export class RpcHttpError extends FernetError {
  override name = "RpcHttpError";
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`The JSON-RPC endpoint ${url} answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ""}.`, status === 429 ? "The endpoint limits your rate: wait, or use another endpoint." : "Check the URL (and its API key) and that the endpoint is up.");
  }
}

/**
 * The JSON-RPC endpoint could not be reached, timed out, or did not answer JSON.
 *
 * @example
 * ```ts
 * if (e instanceof RpcTransportError) console.log(`is ${e.url} up?`);
 * ```
 */
export class RpcTransportError extends FernetError {
  override name = "RpcTransportError";
  constructor(
    readonly url: string,
    what: string,
    cause?: unknown,
  ) {
    super(`The JSON-RPC endpoint ${url} ${what}.`, "Check the URL, the network, and that the node is running.", { cause });
  }
}

/**
 * A `JsonRpcProvider` over the platform's `fetch`; same constructor as ethers' (URL or `FetchRequest`,
 * network, options). Headers (an API key's, basic auth) and the timeout of a `FetchRequest` are kept.
 *
 * @example
 * ```ts
 * const provider = new FetchJsonRpcProvider(url, undefined, { staticNetwork: true });
 * const index = await RegistryIndex.create(new RegistryClient(registryAddress, provider));
 * ```
 */
export class FetchJsonRpcProvider extends JsonRpcProvider {
  /** Sends one JSON-RPC payload (or batch) with `fetch` and returns its results. */
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const request = this._getConnection();
    const headers: Record<string, string> = { ...request.headers, "content-type": "application/json" };
    delete headers["accept-encoding"]; // fetch negotiates (and undoes) compression itself
    let response: Response;
    try {
      response = await fetch(request.url, { method: "POST", headers, body: JSON.stringify(payload), signal: AbortSignal.timeout(request.timeout) });
    } catch (error) {
      const timedOut = (error as { name?: string }).name === "TimeoutError";
      throw new RpcTransportError(request.url, timedOut ? `did not answer within ${request.timeout} ms` : "could not be reached", error);
    }
    if (!response.ok) throw new RpcHttpError(request.url, response.status, await response.text().catch(() => ""));
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new RpcTransportError(request.url, "answered something that is not JSON", error);
    }
    return (Array.isArray(json) ? json : [json]) as JsonRpcResult[];
  }
}
