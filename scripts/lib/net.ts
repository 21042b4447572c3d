/**
 * Loopback helpers for scripts and tests that start their own servers (hardhat node, redis-server).
 *
 * @example
 * ```ts
 * const port = await freePort();
 * spawn(process.execPath, [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(port)]);
 * await waitForRpc(`http://127.0.0.1:${port}`, 90_000);
 * ```
 */
import { createServer } from "node:net";

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `url` with `eth_chainId` every 250 ms until a JSON-RPC node answers; throws after `ms`. */
export async function waitForRpc(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no JSON-RPC node answered at ${url} within ${ms} ms`);
}
