/**
 * Every program in sdk/examples run against the in-process Hardhat network: a deployment made in this
 * process (four sequencers), the network's provider served over a loopback JSON-RPC bridge, each
 * example started as its own `node` process with its deployment file and the bridge's URL, its last
 * JSON line checked against the chain. (test/sdk/package.test.ts runs the same programs from the
 * packed tarball against `hardhat node`.)
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ethers, network } from "hardhat";
import { rankSequencers, RegistryClient, RollupClient } from "../../sdk/src";
import { freePort } from "../../scripts/lib/net";
import { deployWorld } from "../helpers/rollup";

const ROOT = join(__dirname, "..", "..");
const EXAMPLES_DIR = join(ROOT, "sdk", "examples");
const EXAMPLES = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".ts")).sort();
const run = promisify(execFile);

interface RpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

/** Serves `network.provider` (the in-process network) as JSON-RPC over HTTP on a loopback port. */
async function bridge(): Promise<{ url: string; close(): Promise<void> }> {
  const answer = async (r: RpcRequest) => {
    try {
      return { jsonrpc: "2.0", id: r.id, result: await network.provider.request({ method: r.method, params: r.params ?? [] }) };
    } catch (e) {
      const err = e as { code?: number; message?: string; data?: unknown };
      return { jsonrpc: "2.0", id: r.id, error: { code: err.code ?? -32603, message: err.message ?? String(e), data: err.data } };
    }
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      void (async () => {
        const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
        const out = Array.isArray(parsed) ? await Promise.all(parsed.map(answer)) : await answer(parsed);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(out, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
      })();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("SDK examples on the in-process network", function () {
  this.timeout(180_000);

  it("runs every program in sdk/examples against a deployment in this process", async () => {
    const deployBlock = (await ethers.provider.getBlockNumber()) + 1;
    const w = await deployWorld();
    const dir = mkdtempSync(join(tmpdir(), "fernet-examples-"));
    const deployment = join(dir, "hardhat.json");
    const contracts = { token: await w.token.getAddress(), registry: await w.registry.getAddress(), verifier: await w.verifier.getAddress(), rollup: await w.rollup.getAddress() };
    writeFileSync(deployment, JSON.stringify({ network: "hardhat", chainId: w.chainId.toString(), preset: "local", deployBlock, verifierIsMock: true, contracts }));
    const rpc = await bridge();
    try {
      const last = async (example: string, ...extra: string[]): Promise<Record<string, unknown>> => {
        // The examples import "@fernet/sdk": the workspace link to the built package (npm run build).
        const { stdout } = await run(process.execPath, ["-r", "ts-node/register/transpile-only", join(EXAMPLES_DIR, example), deployment, rpc.url, ...extra], { cwd: ROOT, timeout: 120_000 });
        return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      };
      const keys = w.sequencers.map((s) => s.address);
      const ranking = await rankSequencers(new RollupClient(contracts.rollup, ethers.provider), new RegistryClient(contracts.registry, ethers.provider), 1n);
      const results = new Map<string, Record<string, unknown>>();
      for (const example of EXAMPLES) results.set(example, await last(example, ...(example === "watch-events.ts" ? ["1"] : [])));
      const state = results.get("round-state.ts") as { height: string; schedule: { height: string; leader: string }[] };
      expect(state.height).to.equal("1");
      expect(state.schedule.map((s) => s.height)).to.deep.equal(["1", "2"]);
      expect(state.schedule[0].leader).to.equal(ranking[0].sequencer);
      const ranked = results.get("ranking.ts") as { eligible: number; sameAsPagedView: boolean; leaderScoreMatchesContract: boolean; top: { sequencer: string }[] };
      expect(ranked).to.deep.include({ eligible: keys.length, sameAsPagedView: true, leaderScoreMatchesContract: true });
      expect(ranked.top.map((r) => r.sequencer)).to.deep.equal(ranking.slice(0, 3).map((r) => r.sequencer));
      const events = results.get("watch-events.ts") as { sequencersRegistered: number; firstSequencer: string };
      expect(events).to.deep.include({ sequencersRegistered: keys.length, firstSequencer: keys[0] });
      expect([...results.keys()]).to.deep.equal(EXAMPLES);
    } finally {
      await rpc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
