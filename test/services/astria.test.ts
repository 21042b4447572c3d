/**
 * The Astria half of the services against a real `hardhat node`: the local Astria stand-in (`fernet
 * astria`, `LocalAstria`) serving signed blocks the light client accepts; a bonded sequencer taking the
 * top-of-block first, posting its binding and handing it over for a user's preconfirmation; the
 * `reorder-top-of-block` and `double-binding` faults slashed from the watcher's evidence; an honest
 * bonded sequencer never slashed; a watcher restart that proves nothing twice; bad `--astria` URLs.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { hexlify, keccak256, toUtf8Bytes, Wallet } from "ethers";
import { l2TxHash } from "../../sdk/src/astria";
import { decodeBlockData } from "../../sdk/src/blockdata";
import { astriaCommand } from "../../sdk/src/cli/astria";
import { main } from "../../sdk/src/cli/fernet";
import { sequencerCommand } from "../../sdk/src/cli/sequencer";
import { LOCAL } from "../../sdk/src/config";
import { blockHash, mockProof, publicInputsHash, type Header } from "../../sdk/src/hashing";
import { rankSequencers } from "../../sdk/src/ranking";
import {
  AstriaHttpClient,
  AstriaRequestError,
  LocalAstria,
  PreconfirmationInvalidError,
  l1Clock,
  localValidatorWallets,
  verifyPreconfirmation,
} from "../../sdk/src/services/astria-local";
import { AstriaWatcher } from "../../sdk/src/services/astria-watcher";
import type { JsonServer } from "../../sdk/src/services/http";
import { jsonLogger, type Logger } from "../../sdk/src/services/log";
import { SequencerService, type SequencerFault } from "../../sdk/src/services/sequencer";
import { Phase } from "../../sdk/src/types";
import {
  ASTRIA_ROLLUP_ID,
  deployAstriaOnNode,
  deployOnNode,
  finalizeByBackup,
  now,
  runInProcess,
  startNode,
  timeTo,
  until,
  TOKEN,
  type Node,
  type World,
} from "./node";

/** The offences' numbers (IAstriaSlasher.Offence). */
const OFFENCE = { DoubleBinding: 0n, TxMismatch: 3n, MissingBinding: 4n } as const;

describe("Astria services: fernet astria, the sequencer's Astria option, the Astria watcher", function () {
  this.timeout(180_000);
  let node: Node;
  let w: World;
  let astria: LocalAstria;
  let server: JsonServer;
  let http: AstriaHttpClient;
  const lines: string[] = [];
  const log = (who: string): Logger => jsonLogger({ out: (l) => lines.push(l), err: (l) => lines.push(l) }, { who }, "debug");
  const logs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  before(async () => {
    node = await startNode();
    w = await deployAstriaOnNode(await deployOnNode(node));
    await w.as(w.provers[0]).rollup.deposit(10_000n * TOKEN);
  });

  after(async () => {
    await server?.close();
    await node?.stop();
    if (w) rmSync(w.dir, { recursive: true, force: true });
  });

  const slasher = () => w.fernet.astriaSlasher!;
  const lightClient = () => w.fernet.astriaLightClient!;
  const newWatcher = (who: string) => new AstriaWatcher({ fernet: w.as(w.others[0]), source: astria, log: log(who) });

  /** The sequencer that ranks first for `height`, and a service for it. */
  async function leader(height: bigint, fault: SequencerFault = "none", source: "http" | "local" = "http"): Promise<{ key: Wallet; seq: SequencerService }> {
    const [best] = await rankSequencers(w.fernet.rollup, w.fernet.registry, height);
    const key = w.sequencers.find((s) => s.address === best.sequencer)!;
    const seq = new SequencerService({ fernet: w.as(key), address: key.address, signer: key, provers: [], log: log(`seq-${height}`), fault, astria: { source: source === "http" ? http : astria } });
    return { key, seq };
  }

  /** The won header of `height`, from its BlockProposed event. */
  async function wonHeader(height: bigint): Promise<Header> {
    const c = w.fernet.rollup.contract;
    const won = (await w.fernet.rollup.getBlock(height)).blockHash;
    const ev = (await c.queryFilter(c.filters.BlockProposed(height), w.deployBlock)).find((e) => e.args.blockHash === won)!;
    const h = ev.args.header;
    return { height: h.height, parentArchive: h.parentArchive, archive: h.archive, txsRoot: h.txsRoot, txCount: h.txCount, dataHash: h.dataHash, signal: h.signal };
  }

  async function revealedTxs(height: bigint): Promise<string[]> {
    const c = w.fernet.rollup.contract;
    const [ev] = await c.queryFilter(c.filters.BlockRevealed(height), w.deployBlock);
    return decodeBlockData(ev.args.data).txHashes;
  }

  /**
   * Plays the pending height with the leader's service stepped by hand: propose (top-of-block), post
   * the binding after the proposal deadline, a prover committed by the test, reveal, proof.
   */
  async function playHeight(height: bigint, seq: SequencerService, key: Wallet, options: { prove?: boolean } = {}): Promise<void> {
    const s = await w.fernet.rollup.getHeightState(height);
    await timeTo(node.provider, s.roundStart);
    await seq.step();
    expect((await w.fernet.rollup.getHeightState(height)).record.proposer).to.equal(key.address);
    await timeTo(node.provider, s.proposalDeadline);
    await seq.step();
    const header = await wonHeader(height);
    const quote = { height, blockHash: blockHash(header), prover: w.provers[0].address, bond: LOCAL.rollup.minimumProverBond, proverRewardBps: 1_000n, validUntil: (await now(node.provider)) + 600n };
    await w.as(w.provers[0]).rollup.commitProver(quote, await w.fernet.rollup.signQuote(key, quote));
    await seq.step();
    expect((await w.fernet.rollup.getHeightState(height)).record.revealed).to.equal(true);
    if (options.prove ?? true) await prove(height);
  }

  async function prove(height: bigint): Promise<void> {
    const s = await w.fernet.rollup.getHeightState(height);
    await timeTo(node.provider, s.commitmentDeadline);
    const header = await wonHeader(height);
    await w.as(w.provers[0]).rollup.submitProof(header, mockProof(publicInputsHash(w.fernet.chainId, w.fernet.rollup.address, header, w.provers[0].address)));
    expect((await w.fernet.rollup.getHeightState(height)).phase).to.equal(Phase.Finalized);
  }

  async function slashedEvents(height?: bigint) {
    const c = slasher().contract;
    return c.queryFilter(c.filters.Slashed(height), w.deployBlock);
  }

  it("fernet astria: serves signed blocks over HTTP from the light client's stand-in keys; refuses keys that are not its set", async () => {
    const run = runInProcess(astriaCommand, ["--rpc", node.url, "--deployment", w.deploymentFile, "--port", "0", "--block-ms", "100"], {});
    try {
      const url = await until("listening", () => run.logs().find((l) => l.msg === "listening")?.url as string | undefined);
      const client = new AstriaHttpClient(url);
      const info = await client.info();
      expect(info).to.include({ localStandIn: true, chainId: "astria-local", rollupId: ASTRIA_ROLLUP_ID, firstHeight: 1n });
      const { txHash } = await client.submitTx(ASTRIA_ROLLUP_ID, "0xc0ffee");
      expect(txHash).to.equal(keccak256("0xc0ffee"));
      await until("two blocks", async () => (await client.latestHeight()) >= 2n);
      const blocks = await client.blocks(1n, 3n);
      expect(blocks.map((b) => b.block.header.height)).to.deep.equal([1n, 2n]);
      // Signed by the light client's set: the contract would accept them (simulated, so nothing is relayed).
      for (const b of blocks) await lightClient().contract.submitHeader.staticCall(b.block.header, b.setId, info.validators, b.signatures);
      const status = (await (await fetch(`${url}/tx/${txHash}`)).json()) as Record<string, unknown>;
      expect(status.status).to.equal("included");
      expect((await fetch(`${url}/block/999`)).status).to.equal(404);
      expect((await fetch(`${url}/tx`, { method: "POST", body: JSON.stringify({ rollupId: "0x12", data: "0x01" }) })).status).to.equal(400);
      expect((await fetch(`${url}/blocks?from=x`)).status).to.equal(400);
    } finally {
      expect(await run.stop()).to.equal(0);
    }
    const wrong = runInProcess(astriaCommand, ["--rpc", node.url, "--deployment", w.deploymentFile, "--port", "0", "--validator-seed", "someone-else"], {});
    expect(await wrong.done).to.equal(1);
    expect(wrong.errors[0]).to.match(/stand-in keys of seed "someone-else" are not the light client's validator set 0/);
  });

  it("LocalAstria: its headers are accepted by the light client (the watcher relays them); blocks carry other rollups too", async () => {
    astria = new LocalAstria({
      chainId: await lightClient().astriaChainId(),
      rollupId: ASTRIA_ROLLUP_ID,
      wallets: localValidatorWallets(4),
      domain: await slasher().domain(),
      clock: l1Clock(node.provider),
      log: log("astria"),
    });
    server = await astria.serve({ host: "127.0.0.1", port: 0 });
    http = new AstriaHttpClient(server.url);
    astria.submitTx(ASTRIA_ROLLUP_ID, hexlify(toUtf8Bytes("early tx")));
    const l1Before = await now(node.provider);
    await astria.produceBlock();
    await astria.produceBlock();
    const watcher = newWatcher("relay");
    await watcher.step();
    expect(watcher.actions.map((a) => [a.action, a.height])).to.deep.equal([["submitHeader", 1n], ["submitHeader", 2n]]);
    const final = await lightClient().getHeader(1n);
    expect(final.rollupTransactionsRoot).to.equal(astria.block(1n)!.block.header.rollupTransactionsRoot);
    expect(astria.block(1n)!.block.rollups.map((r) => r.rollupId)).to.have.length(2);
    // Block times follow the L1 node's clock (its next block's time), never going back.
    expect(astria.block(1n)!.block.header.time >= l1Before).to.equal(true);
    expect(astria.block(2n)!.block.header.time >= astria.block(1n)!.block.header.time).to.equal(true);
    // Over HTTP the same blocks, rebuilt and checked against their headers.
    const [b1] = await http.blocks(1n, 2n);
    expect(b1.block.header).to.deep.equal(astria.block(1n)!.block.header);
    await watcher.step();
    expect(watcher.actions).to.have.length(2); // nothing new: nothing relayed twice
  });

  it("heights 1 and 2 end in backup; every sequencer's bond is in force from height 3", async () => {
    for (const h of [1n, 2n]) {
      await timeTo(node.provider, (await w.fernet.rollup.getHeightState(h)).proposalDeadline);
      await finalizeByBackup(w, w.others[3]);
    }
    for (const s of w.sequencers) expect(await slasher().isInForce(s.address, 3n)).to.equal(true);
  });

  it("a bonded sequencer's block takes the Astria top-of-block first and posts its binding; the user's tx gets a preconfirmation that verifies against it; an honest sequencer is never slashed", async () => {
    const data = hexlify(toUtf8Bytes("user tx for height 3"));
    const { txHash } = await http.submitTx(ASTRIA_ROLLUP_ID, data);
    await expect(http.preconfirmation(txHash)).to.be.rejectedWith(AstriaRequestError, /not-preconfirmed/);
    await astria.produceBlock();
    const watcher = newWatcher("honest");
    await watcher.step();
    const { key, seq } = await leader(3n);
    const own = hexlify(keccak256(toUtf8Bytes("mempool tx")));
    await seq.submit({ hash: own });
    const bondBefore = (await slasher().bondOf(key.address)).amount;
    await playHeight(3n, seq, key, { prove: false });

    const record = await slasher().bindingAt(3n);
    expect(record).to.include({ posted: true, slashed: false, astriaStart: 1n, astriaEnd: 4n, entryCount: 2n });
    const txs = await revealedTxs(3n);
    expect(txs).to.deep.equal([l2TxHash(hexlify(toUtf8Bytes("early tx"))), txHash, own]);

    const pre = await http.preconfirmation(txHash);
    const checked = verifyPreconfirmation(pre, { domain: await slasher().domain(), validators: astria.validators, rollupId: ASTRIA_ROLLUP_ID });
    expect(checked).to.deep.equal({ sequencer: key.address, l2Height: 3n, l2Position: 1n });
    expect(txs[Number(pre.l2Position)]).to.equal(txHash);
    const c = slasher().contract;
    const [posted] = await c.queryFilter(c.filters.BindingPosted(3n), w.deployBlock);
    expect(posted.args.digest).to.equal(pre.bindingDigest);
    expect(pre.binding.entriesRoot).to.equal(record.entriesRoot);
    // A tampered preconfirmation does not verify.
    const domain = await slasher().domain();
    expect(() => verifyPreconfirmation({ ...pre, l2Position: 0n }, { domain, validators: astria.validators, rollupId: ASTRIA_ROLLUP_ID })).to.throw(PreconfirmationInvalidError, /l2Position/);

    await prove(3n);
    for (let i = 0; i < 3; i++) await watcher.step();
    expect(watcher.actions.filter((a) => a.action !== "submitHeader")).to.deep.equal([]);
    expect(await slashedEvents()).to.have.length(0);
    expect((await slasher().bondOf(key.address)).amount).to.equal(bondBefore);
    expect(logs().some((l) => l.msg === "binding-posted" && l.height === "3")).to.equal(true);
  });

  it("reorder-top-of-block: the watcher proves the tx mismatch and the sequencer's bond is slashed; a restarted watcher proves nothing again", async () => {
    astria.submitTx(ASTRIA_ROLLUP_ID, hexlify(toUtf8Bytes("first")));
    astria.submitTx(ASTRIA_ROLLUP_ID, hexlify(toUtf8Bytes("second")));
    await astria.produceBlock();
    const watcher = newWatcher("reorder");
    await watcher.step();
    const { key, seq } = await leader(4n, "reorder-top-of-block");
    const before = (await slasher().bondOf(key.address)).amount;
    await playHeight(4n, seq, key);
    const txs = await revealedTxs(4n);
    expect(txs.slice(0, 2)).to.deep.equal([l2TxHash(hexlify(toUtf8Bytes("second"))), l2TxHash(hexlify(toUtf8Bytes("first")))]);
    expect((await slasher().bindingAt(4n)).posted).to.equal(true);
    await watcher.step();
    const proofs = watcher.actions.filter((a) => a.action !== "submitHeader");
    expect(proofs.map((a) => [a.action, a.height])).to.deep.equal([["proveTxMismatch", 4n]]);
    const [slash] = await slashedEvents(4n);
    expect(slash.args.sequencer).to.equal(key.address);
    expect(slash.args.offence).to.equal(OFFENCE.TxMismatch);
    expect((await slasher().bondOf(key.address)).amount).to.equal(before - LOCAL.astria.penalty);
    expect((await slasher().bindingAt(4n)).slashed).to.equal(true);

    const restarted = newWatcher("restarted");
    for (let i = 0; i < 3; i++) await restarted.step();
    expect(restarted.actions.filter((a) => a.action !== "submitHeader")).to.deep.equal([]);
    expect(await slashedEvents(4n)).to.have.length(1);
  });

  it("double-binding: the second binding leaked to Astria is proven against the posted one; two watchers racing slash once", async () => {
    astria.submitTx(ASTRIA_ROLLUP_ID, hexlify(toUtf8Bytes("height 5 tx")));
    await astria.produceBlock();
    await newWatcher("pre-5").step();
    const { key, seq } = await leader(5n, "double-binding", "local");
    const before = (await slasher().bondOf(key.address)).amount;
    await playHeight(5n, seq, key);
    expect(await astria.bindings(5n)).to.have.length(2);
    const one = newWatcher("one");
    const two = newWatcher("two");
    await Promise.all([one.step(), two.step()]);
    const proofs = [...one.actions, ...two.actions].filter((a) => a.action === "proveDoubleBinding");
    expect(proofs.map((a) => a.height)).to.deep.equal([5n]);
    const loser = one.actions.some((a) => a.action === "proveDoubleBinding") ? "two" : "one";
    expect(logs().some((l) => l.who === loser && l.msg === "lost-race" && l.action === "proveDoubleBinding")).to.equal(true);
    const [slash] = await slashedEvents(5n);
    expect(slash.args.offence).to.equal(OFFENCE.DoubleBinding);
    expect((await slasher().bondOf(key.address)).amount).to.equal(before - LOCAL.astria.penalty);
    await Promise.all([one.step(), two.step()]);
    expect(await slashedEvents(5n)).to.have.length(1);
  });

  it("a bonded leader that posts no binding (no --astria) is proven to have missed it once the height is final", async () => {
    const [best] = await rankSequencers(w.fernet.rollup, w.fernet.registry, 6n);
    const key = w.sequencers.find((s) => s.address === best.sequencer)!;
    expect(await slasher().isInForce(key.address, 6n)).to.equal(true);
    const seq = new SequencerService({ fernet: w.as(key), address: key.address, signer: key, provers: [], log: log("seq-6") });
    const watcher = newWatcher("missing");
    await playHeight(6n, seq, key, { prove: false });
    await watcher.step();
    expect(watcher.actions.filter((a) => a.action !== "submitHeader")).to.deep.equal([]); // the window is open
    await prove(6n);
    await watcher.step();
    expect(watcher.actions.filter((a) => a.action !== "submitHeader").map((a) => [a.action, a.height])).to.deep.equal([["proveMissingBinding", 6n]]);
    expect((await slashedEvents(6n)).map((e) => e.args.offence)).to.deep.equal([OFFENCE.MissingBinding]);
  });

  it("fernet sequencer --astria <url> --astria-bond <units>: connects to the endpoint and bonds at start-up once", async () => {
    const key = w.provers[1]; // has tokens, no bond yet (bonding needs no registration)
    const args = ["--rpc", node.url, "--deployment", w.deploymentFile, "--interval-ms", "100", "--port", "0", "--astria", server.url, "--astria-bond", String(LOCAL.astria.minimumBond)];
    const first = runInProcess(sequencerCommand, args, { FERNET_KEY: key.privateKey });
    try {
      const bonded = await until("bonded", () => first.logs().find((l) => l.msg === "astria-bonded"));
      expect(bonded.amount).to.equal(LOCAL.astria.minimumBond.toString());
      expect(first.logs().find((l) => l.msg === "astria-connected")).to.include({ url: server.url, localStandIn: true });
    } finally {
      expect(await first.stop()).to.equal(0);
    }
    expect((await slasher().bondOf(key.address)).amount).to.equal(LOCAL.astria.minimumBond);
    const again = runInProcess(sequencerCommand, args, { FERNET_KEY: key.privateKey });
    try {
      const seen = await until("bond seen", () => again.logs().find((l) => l.msg === "astria-bond"));
      expect(seen.bonded).to.equal(false);
    } finally {
      expect(await again.stop()).to.equal(0);
    }
    expect((await slasher().bondOf(key.address)).amount).to.equal(LOCAL.astria.minimumBond);
  });

  it("a bad --astria URL is a usage error (exit 2); an unreachable one a runtime failure (exit 1) naming it", async () => {
    const io = { out: () => undefined, err: (l: string) => errors.push(l) };
    const errors: string[] = [];
    const signal = new AbortController().signal;
    const base = ["--rpc", node.url, "--deployment", w.deploymentFile];
    expect(await main(["sequencer", ...base, "--astria", "astria:8549"], { io, signal })).to.equal(2);
    expect(errors.join("\n")).to.include('--astria: "astria:8549" is not an http(s) URL.');
    errors.length = 0;
    expect(await main(["watcher", ...base, "--astria", "ftp://x"], { io, signal })).to.equal(2);
    expect(await main(["sequencer", ...base, "--astria-bond", "5"], { io, signal })).to.equal(2);
    expect(errors.join("\n")).to.include("--astria-bond needs --astria.");
    for (const command of ["watcher", "sequencer"]) {
      errors.length = 0;
      const saved = process.env.FERNET_KEY;
      process.env.FERNET_KEY = w.others[1].privateKey;
      let done: Promise<number>;
      try {
        done = main([command, ...base, ...(command === "sequencer" ? ["--port", "0"] : []), "--astria", "http://127.0.0.1:9"], { io, signal });
      } finally {
        if (saved === undefined) delete process.env.FERNET_KEY;
        else process.env.FERNET_KEY = saved;
      }
      expect(await done).to.equal(1);
      expect(errors.join("\n")).to.include("The Astria endpoint http://127.0.0.1:9 is unreachable");
    }
  });

  it("fernet astria refuses to start over headers of an earlier run", async () => {
    const run = runInProcess(astriaCommand, ["--rpc", node.url, "--deployment", w.deploymentFile, "--port", "0"], {});
    expect(await run.done).to.equal(1);
    expect(run.errors[0]).to.match(/already holds Astria headers up to height \d+ from an earlier run/);
  });
});
