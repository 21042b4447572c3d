/**
 * FetchJsonRpcProvider: the same answers as ethers' JsonRpcProvider from a real `hardhat node` over
 * HTTP (blocks, batches, logs, reverts decoded by name, the registry index), and typed errors for an
 * HTTP error status, an answer that is not JSON, an unreachable endpoint and a timeout; a
 * FetchRequest's headers travel with every request.
 */
import { expect } from "chai";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { FetchRequest, JsonRpcProvider, Network } from "ethers";
import { ContractRevertError, FetchJsonRpcProvider, RegistryClient, RegistryIndex, RpcHttpError, RpcTransportError } from "../../sdk/src";
import { decoded } from "../../sdk/src/contract-errors";
import { deployOnNode, freePort, startNode, type Node, type World } from "../services/node";
import { rejection } from "../helpers/errors";

const NET = Network.from(31337n);
const opts = { staticNetwork: NET, cacheTimeout: -1 } as const;

/** A loopback HTTP server answering every request with `answer` (and recording the request headers). */
async function fakeEndpoint(answer: (res: import("node:http").ServerResponse, body: string) => void): Promise<{ url: string; headers: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      headers.push(req.headers);
      answer(res, body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}


describe("SDK FetchJsonRpcProvider", function () {
  this.timeout(180_000);
  let node: Node;
  let w: World;
  before(async () => {
    node = await startNode();
    w = await deployOnNode(node);
  });
  after(async () => {
    await node?.stop();
  });

  it("answers as ethers' JsonRpcProvider: blocks, concurrent calls batched, logs, the registry index", async () => {
    const plain = new JsonRpcProvider(node.url, NET, opts);
    const viaFetch = new FetchJsonRpcProvider(node.url, NET, opts);
    try {
      const [a, b] = await Promise.all([plain.getBlock("latest"), viaFetch.getBlock("latest")]);
      expect(b!.hash).to.equal(a!.hash);
      const accounts = [w.deployer, ...w.sequencers].map((x) => x.address);
      expect(await Promise.all(accounts.map((x) => viaFetch.getBalance(x)))).to.deep.equal(await Promise.all(accounts.map((x) => plain.getBalance(x))));
      const filter = { address: w.fernet.registry.address, fromBlock: w.deployBlock - 10, toBlock: "latest" };
      const [la, lb] = await Promise.all([plain.send("eth_getLogs", [{ ...filter, fromBlock: "0x0" }]), viaFetch.send("eth_getLogs", [{ ...filter, fromBlock: "0x0" }])]);
      expect(lb).to.deep.equal(la);
      expect((la as unknown[]).length).to.be.at.least(w.sequencers.length); // their registrations, and the slashers set at deployment
      const viaPlain = await RegistryIndex.create(new RegistryClient(w.fernet.registry.address, plain));
      const viaFetchIndex = await RegistryIndex.create(new RegistryClient(w.fernet.registry.address, viaFetch));
      await Promise.all([viaPlain.sync(), viaFetchIndex.sync()]);
      expect(viaFetchIndex.entries()).to.deep.equal(viaPlain.entries());
      expect(viaFetchIndex.size).to.equal(w.sequencers.length);
    } finally {
      plain.destroy();
      viaFetch.destroy();
    }
  });

  it("hands back a contract's revert for decoding by name, as ethers' transport does", async () => {
    const viaFetch = new FetchJsonRpcProvider(node.url, NET, opts);
    try {
      const registry = new RegistryClient(w.fernet.registry.address, viaFetch);
      const stranger = w.others[0].address;
      const e2 = await rejection(decoded(() => registry.contract.getFunction("withdraw").staticCall(stranger, { from: stranger })));
      expect(e2).to.be.instanceOf(ContractRevertError);
      expect(e2).to.include({ errorName: "Registry__NotRegistered" });
      expect((e2 as ContractRevertError).namedArgs).to.deep.include({ sequencer: stranger });
    } finally {
      viaFetch.destroy();
    }
  });

  it("sends a FetchRequest's headers with every request", async () => {
    const ep = await fakeEndpoint((res, body) => {
      const { id } = JSON.parse(body) as { id: number };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result: "0x2a" }));
    });
    const req = new FetchRequest(ep.url);
    req.setHeader("x-api-key", "k-123");
    const p = new FetchJsonRpcProvider(req, NET, opts);
    try {
      expect(await p.send("eth_blockNumber", [])).to.equal("0x2a");
      expect(ep.headers[0]).to.include({ "x-api-key": "k-123", "content-type": "application/json" });
    } finally {
      p.destroy();
      await ep.close();
    }
  });

  it("throws RpcHttpError with the URL, status and body for an HTTP error status (and a rate-limit hint for 429)", async () => {
    for (const status of [503, 429]) {
      const ep = await fakeEndpoint((res) => {
        res.statusCode = status;
        res.end("busy");
      });
      const p = new FetchJsonRpcProvider(ep.url, NET, opts);
      try {
        const e = await rejection(p.send("eth_blockNumber", []));
        expect(e).to.be.instanceOf(RpcHttpError);
        expect(e).to.include({ url: ep.url, status, body: "busy" });
        if (status === 429) expect((e as RpcHttpError).details).to.match(/limits your rate/);
      } finally {
        p.destroy();
        await ep.close();
      }
    }
  });

  it("throws RpcTransportError for an answer that is not JSON, an endpoint nobody listens on, and a timeout", async () => {
    const notJson = await fakeEndpoint((res) => res.end("<html>"));
    const silent = await fakeEndpoint(() => undefined); // never answers
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const slow = new FetchRequest(silent.url);
    slow.timeout = 300;
    const cases: [string | FetchRequest, string, RegExp][] = [
      [notJson.url, notJson.url, /not JSON/],
      [nobody, nobody, /could not be reached/],
      [slow, silent.url, /did not answer within 300 ms/],
    ];
    try {
      for (const [target, url, message] of cases) {
        const p = new FetchJsonRpcProvider(target, NET, opts);
        try {
          const e = await rejection(p.send("eth_blockNumber", []));
          expect(e).to.be.instanceOf(RpcTransportError);
          expect(e).to.include({ url });
          expect((e as Error).message).to.match(message);
        } finally {
          p.destroy();
        }
      }
    } finally {
      await notJson.close();
      await silent.close();
    }
  });
});
