/**
 * `fernet prover` in-process against a real `hardhat node`: the quote endpoint's schema and
 * refusals, the escrow top-up, commit on a signed quote, prove on the farm, submit, `BlockFinalized`;
 * and a backup block with `--backup`.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { ZeroHash } from "ethers";
import { proverCommand } from "../../sdk/src/cli/prover";
import { UsageError } from "../../sdk/src/cli/command";
import { blockHash } from "../../sdk/src/hashing";
import { Finalization, Phase } from "../../sdk/src/types";
import { deployOnNode, makeBlock, runInProcess, startNode, timeTo, until, TOKEN, type Node, type Run, type World } from "./node";

async function post(url: string, body: unknown, raw?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: raw ?? JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe("fernet prover (services)", function () {
  this.timeout(120_000);
  let node: Node;
  let w: World;
  let prover: Run;
  let url: string;

  before(async () => {
    node = await startNode();
    w = await deployOnNode(node);
    prover = runInProcess(
      proverCommand,
      ["--rpc", node.url, "--deployment", w.deploymentFile, "--interval-ms", "100", "--port", "0", "--reward-bps", "2500", "--escrow-target", String(5_000n * TOKEN), "--backup", "--workers", "1"],
      { FERNET_KEY: w.provers[0].privateKey },
    );
    const listening = await until("prover listening", () => prover.logs().find((l) => l.msg === "listening") ?? (prover.errors.length > 0 ? Promise.reject(new Error(prover.errors.join("\n"))) : undefined));
    url = listening.url as string;
  });

  after(async () => {
    await prover?.stop();
    await node?.stop();
    if (w) rmSync(w.dir, { recursive: true, force: true });
  });

  it("refuses --job-ms outside 0-3,600,000 as a usage error before connecting", async () => {
    const run = runInProcess(proverCommand, ["--rpc", node.url, "--deployment", w.deploymentFile, "--port", "0", "--job-ms", "3600001"], { FERNET_KEY: w.provers[1].privateKey });
    const failure = await run.done.then(() => undefined, (e: unknown) => e);
    expect(failure).to.be.instanceOf(UsageError);
    expect((failure as UsageError).shortMessage).to.equal('--job-ms must be a whole number from 0 to 3600000 (got "3600001").');
    expect(run.lines).to.deep.equal([]);
  });

  it("exits 1 with a clear message when its port is taken", async () => {
    const port = new URL(url).port;
    const second = runInProcess(proverCommand, ["--rpc", node.url, "--deployment", w.deploymentFile, "--port", port], { FERNET_KEY: w.provers[1].privateKey });
    expect(await second.done).to.equal(1);
    expect(second.errors[0]).to.include(`Can't listen on 127.0.0.1:${port} (EADDRINUSE)`);
  });

  it("tops its escrow up to the configured level", async () => {
    await until("deposit", () => prover.logs().some((l) => l.msg === "deposited"));
    expect((await w.fernet.rollup.escrowOf(w.provers[0].address)).total).to.equal(5_000n * TOKEN);
  });

  it("serves quotes on its policy and refuses what it can't prove with a JSON error naming why", async () => {
    const seq = w.sequencers[0];
    expect((await post(`${url}/quote`, {}, "{not json")).body.error).to.equal("bad-json");
    const bad = await post(`${url}/quote`, { height: "one", blockHash: ZeroHash, sequencer: seq.address });
    expect([bad.status, bad.body.error]).to.deep.equal([400, "bad-request"]);
    expect(bad.body.message).to.match(/"height" must be a whole number/);
    const wrongHeight = await post(`${url}/quote`, { height: "5", blockHash: ZeroHash, sequencer: seq.address });
    expect([wrongHeight.status, wrongHeight.body.error]).to.deep.equal([409, "wrong-height"]);
    const early = await post(`${url}/quote`, { height: "1", blockHash: ZeroHash, sequencer: seq.address });
    expect([early.status, early.body.error]).to.deep.equal([409, "wrong-phase"]);
    expect((await fetch(`${url}/nope`)).status).to.equal(404);

    const s = await w.fernet.rollup.getHeightState(1n);
    await timeTo(node.provider, s.roundStart);
    const notProposed = await post(`${url}/quote`, { height: 1, blockHash: ZeroHash, sequencer: seq.address });
    expect([notProposed.status, notProposed.body.error]).to.deep.equal([409, "not-best-proposal"]);
    const { header, data } = await makeBlock(w);
    await w.as(seq).rollup.propose(header);
    const hash = blockHash(header);
    const notProposer = await post(`${url}/quote`, { height: "1", blockHash: hash, sequencer: w.sequencers[1].address });
    expect([notProposer.status, notProposer.body.error]).to.deep.equal([409, "not-proposer"]);
    const ok = await post(`${url}/quote`, { height: "1", blockHash: hash, sequencer: seq.address });
    expect(ok.status).to.equal(200);
    const cfg = await w.fernet.rollup.getConfig();
    expect(ok.body).to.include({ height: "1", blockHash: hash, prover: w.provers[0].address, bond: cfg.minimumProverBond.toString(), proverRewardBps: "2500" });
    expect(BigInt(ok.body.validUntil as string) <= s.commitmentDeadline).to.equal(true);
    blockOne = { header, data, quote: ok.body };
  });

  let blockOne: { header: Awaited<ReturnType<typeof makeBlock>>["header"]; data: string; quote: Record<string, unknown> };

  it("commits on the winner's signed quote, proves on the farm and submits: BlockFinalized", async () => {
    const { header, data, quote } = blockOne;
    const q = { height: BigInt(quote.height as string), blockHash: quote.blockHash as string, prover: quote.prover as string, bond: BigInt(quote.bond as string), proverRewardBps: BigInt(quote.proverRewardBps as string), validUntil: BigInt(quote.validUntil as string) };
    const forged = await w.fernet.rollup.signQuote(w.sequencers[1], q);
    const refused = await post(`${url}/commit`, { quote, signature: forged });
    expect([refused.status, refused.body.error]).to.deep.equal([403, "wrong-signer"]);
    const changed = await post(`${url}/commit`, { quote: { ...quote, bond: "1" }, signature: forged });
    expect([changed.status, changed.body.error]).to.deep.equal([409, "unknown-quote"]);
    const signature = await w.fernet.rollup.signQuote(w.sequencers[0], q);
    const queued = await post(`${url}/commit`, { quote, signature });
    expect([queued.status, queued.body.status]).to.deep.equal([202, "queued"]);

    const s = await w.fernet.rollup.getHeightState(1n);
    await timeTo(node.provider, s.proposalDeadline);
    await until("commitment", async () => (await w.fernet.rollup.getHeightState(1n)).record.prover === w.provers[0].address);
    await w.as(w.sequencers[0]).rollup.reveal(1n, data);
    await timeTo(node.provider, s.commitmentDeadline);
    await until("finalized", async () => (await w.fernet.rollup.tip()) === 1n, 60_000);
    const [ev] = await w.fernet.rollup.contract.queryFilter(w.fernet.rollup.contract.filters.BlockFinalized(1n), w.deployBlock);
    expect(ev.args.blockHash).to.equal(blockHash(header));
    expect(Number(ev.args.finalization)).to.equal(Finalization.Proven);
    expect(ev.args.submitter).to.equal(w.provers[0].address);
    const msgs = prover.logs().map((l) => l.msg);
    for (const m of ["commit-queued", "committed", "proving", "proved", "submitted"]) expect(msgs).to.include(m);
  });

  it("with --backup, proves and submits a backup block for a height nobody proposed", async () => {
    const s = await w.fernet.rollup.getHeightState(2n);
    await timeTo(node.provider, s.proposalDeadline);
    expect(Phase[(await w.fernet.rollup.getHeightState(2n)).phase]).to.equal("Backup");
    await until("backup block", async () => (await w.fernet.rollup.tip()) === 2n, 60_000);
    const [ev] = await w.fernet.rollup.contract.queryFilter(w.fernet.rollup.contract.filters.BlockFinalized(2n), w.deployBlock);
    expect(Number(ev.args.finalization)).to.equal(Finalization.Backup);
    expect(ev.args.submitter).to.equal(w.provers[0].address);
    expect(prover.logs().some((l) => l.msg === "backup-submitted" && l.height === "2")).to.equal(true);
    expect(prover.errors).to.deep.equal([]);
  });

  it("--fault withhold-proof: commits and proves but never submits; the backup block slashes it", async () => {
    const faulty = runInProcess(
      proverCommand,
      ["--rpc", node.url, "--deployment", w.deploymentFile, "--interval-ms", "100", "--port", "0", "--fault", "withhold-proof", "--workers", "1"],
      { FERNET_KEY: w.provers[1].privateKey },
    );
    try {
      const furl = (await until("listening", () => faulty.logs().find((l) => l.msg === "listening"))).url as string;
      await until("deposit", () => faulty.logs().some((l) => l.msg === "deposited"));
      const s = await w.fernet.rollup.getHeightState(3n);
      if (s.phase !== Phase.Proposal) await timeTo(node.provider, s.roundStart);
      const seq = w.sequencers[1];
      const { header, data } = await makeBlock(w);
      await w.as(seq).rollup.propose(header);
      const quote = (await post(`${furl}/quote`, { height: "3", blockHash: blockHash(header), sequencer: seq.address })).body;
      const q = { height: 3n, blockHash: quote.blockHash as string, prover: quote.prover as string, bond: BigInt(quote.bond as string), proverRewardBps: BigInt(quote.proverRewardBps as string), validUntil: BigInt(quote.validUntil as string) };
      expect((await post(`${furl}/commit`, { quote, signature: await w.fernet.rollup.signQuote(seq, q) })).status).to.equal(202);
      const st = await w.fernet.rollup.getHeightState(3n);
      await timeTo(node.provider, st.proposalDeadline);
      await until("commitment", async () => (await w.fernet.rollup.getHeightState(3n)).record.prover === w.provers[1].address);
      await w.as(seq).rollup.reveal(3n, data);
      await timeTo(node.provider, st.commitmentDeadline);
      await until("withheld", () => faulty.logs().some((l) => l.msg === "fault-withhold-proof" && l.height === "3"));
      expect(faulty.logs().some((l) => l.msg === "submitted")).to.equal(false);
      await timeTo(node.provider, st.provingDeadline);
      // The --backup prover fills the height; its backup block settles the withheld proof's slash.
      await until("backup block", async () => (await w.fernet.rollup.tip()) === 3n, 60_000);
      const slashed = await w.fernet.rollup.contract.queryFilter(w.fernet.rollup.contract.filters.ProverSlashed(3n), w.deployBlock);
      expect(slashed.map((e) => e.args.prover)).to.deep.equal([w.provers[1].address]);
    } finally {
      expect(await faulty.stop()).to.equal(0);
    }
  });

  it("restarted after its commitment, still proves the block (read back from the chain) and submits it", async () => {
    const s = await w.fernet.rollup.getHeightState(4n);
    if (s.phase !== Phase.Proposal) await timeTo(node.provider, s.roundStart);
    const seq = w.sequencers[2];
    const { header, data } = await makeBlock(w);
    await w.as(seq).rollup.propose(header);
    const quote = (await post(`${url}/quote`, { height: "4", blockHash: blockHash(header), sequencer: seq.address })).body;
    const q = { height: 4n, blockHash: quote.blockHash as string, prover: quote.prover as string, bond: BigInt(quote.bond as string), proverRewardBps: BigInt(quote.proverRewardBps as string), validUntil: BigInt(quote.validUntil as string) };
    await post(`${url}/commit`, { quote, signature: await w.fernet.rollup.signQuote(seq, q) });
    const st = await w.fernet.rollup.getHeightState(4n);
    await timeTo(node.provider, st.proposalDeadline);
    await until("commitment", async () => (await w.fernet.rollup.getHeightState(4n)).record.prover === w.provers[0].address);
    expect(await prover.stop()).to.equal(0);
    await w.as(seq).rollup.reveal(4n, data);
    await timeTo(node.provider, st.commitmentDeadline);
    prover = runInProcess(proverCommand, ["--rpc", node.url, "--deployment", w.deploymentFile, "--interval-ms", "100", "--port", "0", "--workers", "1"], { FERNET_KEY: w.provers[0].privateKey });
    await until("finalized", async () => (await w.fernet.rollup.tip()) === 4n, 60_000);
    const [ev] = await w.fernet.rollup.contract.queryFilter(w.fernet.rollup.contract.filters.BlockFinalized(4n), w.deployBlock);
    expect(Number(ev.args.finalization)).to.equal(Finalization.Proven);
    expect(prover.logs().some((l) => l.msg === "submitted" && l.height === "4")).to.equal(true);
  });
});
