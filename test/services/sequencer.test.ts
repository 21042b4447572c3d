/**
 * `fernet sequencer` with `fernet prover`, both in-process, against a real `hardhat node`: mempool
 * receipts, a proposal when it can win, a quote picked and signed, the reveal, the prover's proof,
 * and the tx's confirmation stage over HTTP; the quote choice rule; fault injection (never-reveal)
 * settled by a watcher.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { hexlify, randomBytes, Wallet, ZeroAddress } from "ethers";
import { proverCommand } from "../../sdk/src/cli/prover";
import { sequencerCommand } from "../../sdk/src/cli/sequencer";
import { watcherCommand } from "../../sdk/src/cli/watcher";
import { pickQuote, signalPayload } from "../../sdk/src/services/sequencer";
import { FernetError } from "../../sdk/src/errors";
import { UsageError } from "../../sdk/src/cli/command";
import { BackupReason, ConfirmationStage, Phase } from "../../sdk/src/types";
import { deployOnNode, finalizeByBackup, jsonLines, now, runInProcess, spawnFernet, startNode, stopProcess, timeTo, until, type Node, type Run, type World } from "./node";

describe("fernet sequencer (services)", function () {
  this.timeout(120_000);
  let node: Node;
  let w: World;
  const runs: Run[] = [];

  before(async () => {
    node = await startNode();
    w = await deployOnNode(node);
  });

  after(async () => {
    await Promise.all(runs.map((r) => r.stop()));
    await node?.stop();
    if (w) rmSync(w.dir, { recursive: true, force: true });
  });

  const start = (command: typeof sequencerCommand, key: Wallet, extra: string[]): Run => {
    const r = runInProcess(command, ["--rpc", node.url, "--deployment", w.deploymentFile, "--interval-ms", "100", ...extra], { FERNET_KEY: key.privateKey });
    runs.push(r);
    return r;
  };
  const listening = (r: Run) => until("listening", () => r.logs().find((l) => l.msg === "listening")?.url as string | undefined);

  it("picks the lowest prover share, then the highest bond, then the first listed; ignores unusable quotes", () => {
    const base = { height: 3n, blockHash: `0x${"ab".repeat(32)}`, prover: Wallet.createRandom().address, bond: 100n, proverRewardBps: 1_000n, validUntil: 50n };
    const want = { height: 3n, blockHash: base.blockHash, minimumBond: 100n, now: 40n };
    const quotes = [
      { url: "a", quote: { ...base, proverRewardBps: 2_000n } },
      { url: "b", quote: { ...base, bond: 150n } },
      { url: "c", quote: { ...base, bond: 150n } },
      { url: "d", quote: { ...base, proverRewardBps: 10n, validUntil: 39n } },
      { url: "e", quote: { ...base, proverRewardBps: 10n, bond: 99n } },
      { url: "f", quote: { ...base, proverRewardBps: 10n, height: 4n } },
    ];
    expect(pickQuote(quotes, want)?.url).to.equal("b");
    expect(pickQuote(quotes.slice(3), want)).to.equal(undefined);
  });

  it("turns an upgrade payload into the header's bytes32 signal and refuses anything else", () => {
    const payload = "0x00000000000000000000000000000000000000Aa";
    expect(signalPayload(payload)).to.equal(`0x${"0".repeat(62)}aa`);
    expect(signalPayload(`0x${"Ab".repeat(32)}`)).to.equal(`0x${"ab".repeat(32)}`);
    expect(signalPayload(undefined)).to.equal(`0x${"0".repeat(64)}`);
    expect(signalPayload("")).to.equal(`0x${"0".repeat(64)}`);
    expect(() => signalPayload("0x1234")).to.throw(FernetError, /neither an address nor a bytes32/);
  });

  it("refuses a malformed --signal as a usage error (exit 2) before connecting", async () => {
    const r = runInProcess(sequencerCommand, ["--rpc", node.url, "--deployment", w.deploymentFile, "--port", "0", "--signal", "payload-v2"], { FERNET_KEY: w.sequencers[0].privateKey });
    const failure = await r.done.then(() => undefined, (e: unknown) => e);
    expect(failure).to.be.instanceOf(UsageError);
    expect((failure as UsageError).shortMessage).to.match(/--signal: "payload-v2" is neither an address nor a bytes32/);
    expect(r.lines).to.deep.equal([]);
  });

  it("accepts txs, proposes when it can win, gets a prover by quote, reveals; the tx reaches stage 6 over HTTP", async () => {
    const prover = start(proverCommand, w.provers[0], ["--port", "0", "--workers", "1"]);
    const proverUrl = await listening(prover);
    // The best-ranked sequencer of height 1 runs the service (so nobody can outbid it).
    const [leader] = await (await import("../../sdk/src/ranking")).rankSequencers(w.fernet.rollup, w.fernet.registry, 1n);
    const key = w.sequencers.find((s) => s.address === leader.sequencer)!;
    const stateFile = join(w.dir, "sequencer-state.json");
    const seq = start(sequencerCommand, key, ["--port", "0", "--provers", `${proverUrl},http://127.0.0.1:9`, "--state-file", stateFile]);
    const url = await listening(seq);
    await until("deposit", () => prover.logs().some((l) => l.msg === "deposited"));
    // It knows its rank `lookahead` (2) heights ahead: it leads height 1; its rank at 2 is the SDK's.
    type Schedule = { pending: string; heights: Array<{ height: string; rank?: number; of: number; leader: string }> };
    const schedule = await until("schedule", async () => {
      const b = (await (await fetch(`${url}/schedule`)).json()) as Schedule;
      return b.pending === "1" ? b : undefined;
    });
    const next = await (await import("../../sdk/src/ranking")).rankSequencers(w.fernet.rollup, w.fernet.registry, 2n);
    expect(schedule.heights.map((u) => u.height)).to.deep.equal(["1", "2"]);
    expect(schedule.heights[0]).to.include({ rank: 1, leader: key.address, of: 4 });
    expect(schedule.heights[1]).to.include({ rank: next.findIndex((r) => r.sequencer === key.address) + 1, leader: next[0].sequencer });
    expect(seq.logs().find((l) => l.msg === "schedule")?.pending).to.equal("1");

    const hash = hexlify(randomBytes(32));
    const r = await fetch(`${url}/tx`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ hash }) });
    const receipt = (await r.json()) as Record<string, unknown>;
    expect(r.status).to.equal(200);
    expect(receipt).to.include({ txHash: hash, height: "1", sequencer: key.address, stage: 2 });
    expect((await fetch(`${url}/tx`, { method: "POST", body: "{}" })).status).to.equal(400);
    expect((await fetch(`${url}/tx/${hexlify(randomBytes(32))}`)).status).to.equal(404);

    const s = await w.fernet.rollup.getHeightState(1n);
    await timeTo(node.provider, s.roundStart);
    await until("proposal", () => seq.logs().some((l) => l.msg === "proposed" && l.height === "1"));
    await until("quote signed", () => seq.logs().some((l) => l.msg === "quote-signed" && l.height === "1"));
    expect(seq.logs().some((l) => l.msg === "quote-failed" || l.msg === "quote-refused")).to.equal(true); // the dead prover URL
    await timeTo(node.provider, s.proposalDeadline);
    await until("revealed", () => seq.logs().some((l) => l.msg === "revealed" && l.height === "1"));
    // Its part is done: stop it before it would propose height 2 (the next test's).
    expect(await seq.stop()).to.equal(0);
    await timeTo(node.provider, s.commitmentDeadline);
    await until("finalized", async () => (await w.fernet.rollup.tip()) === 1n, 60_000);
    expect(await prover.stop()).to.equal(0);
    // Restarted from its state file, it still answers for the tx: proven on L1 (stage 6 or 7).
    const again = start(sequencerCommand, key, ["--port", "0", "--state-file", stateFile, "--fault", "never-propose"]);
    const url2 = await listening(again);
    const status = (await (await fetch(`${url2}/tx/${hash}`)).json()) as Record<string, unknown>;
    expect(status.height).to.equal("1");
    expect(status.stage).to.be.oneOf([ConfirmationStage.Proven, ConfirmationStage.L1Finalized]);
    expect(await again.stop()).to.equal(0);
  });

  it("--fault never-reveal: proposes and gets a prover but never reveals; a watcher penalises it once", async () => {
    const prover = start(proverCommand, w.provers[1], ["--port", "0", "--workers", "1"]);
    const proverUrl = await listening(prover);
    await until("deposit", () => prover.logs().some((l) => l.msg === "deposited"));
    const [leader] = await (await import("../../sdk/src/ranking")).rankSequencers(w.fernet.rollup, w.fernet.registry, 2n);
    const key = w.sequencers.find((s) => s.address === leader.sequencer)!;
    const seq = start(sequencerCommand, key, ["--port", "0", "--provers", proverUrl, "--fault", "never-reveal"]);
    const watcher = start(watcherCommand, w.others[0], []);
    await listening(seq);
    const s = await w.fernet.rollup.getHeightState(2n);
    await timeTo(node.provider, s.roundStart);
    await until("proposal", () => seq.logs().some((l) => l.msg === "proposed" && l.height === "2"));
    await timeTo(node.provider, s.proposalDeadline);
    await until("commitment", async () => (await w.fernet.rollup.getHeightState(2n)).record.prover === w.provers[1].address);
    await until("fault", () => seq.logs().some((l) => l.msg === "fault-never-reveal"));
    await timeTo(node.provider, (await w.fernet.rollup.getHeightState(2n)).revealDeadline);
    const state = await until("settled", async () => {
      const st = await w.fernet.rollup.getHeightState(2n);
      return st.record.settled ? st : undefined;
    });
    expect(state.backupReason).to.equal(BackupReason.NoReveal);
    // The chain shows the settlement as soon as it is mined; the watcher logs it after reading the receipt.
    const penalised = () => watcher.logs().filter((l) => l.msg === "acted" && l.action === "penaliseMissedReveal");
    await until("watcher logged", () => penalised().length > 0);
    expect(penalised()).to.have.length(1);
    expect(seq.logs().some((l) => l.msg === "revealed" && l.height === "2")).to.equal(false);
    // Done: it must not go on to propose the next heights (the later tests' own).
    expect(await seq.stop()).to.equal(0);
    expect(await watcher.stop()).to.equal(0);
  });

  it("fernet prover --backup as a process: fills the height in backup with a block proved on its farm threads, stops with 0 on SIGINT", async () => {
    expect((await w.fernet.rollup.getHeightState(2n)).phase).to.equal(Phase.Backup);
    const p = spawnFernet(["prover", "--rpc", node.url, "--deployment", w.deploymentFile, "--interval-ms", "100", "--port", "0", "--backup", "--workers", "1"], { FERNET_KEY: w.provers[0].privateKey });
    try {
      await until("backup block", async () => (await w.fernet.rollup.tip()) === 2n, 60_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${p.stdout()}${p.stderr()}`);
      });
      const submitted = await until("log line", () => jsonLines(p.stdout()).find((l) => l.msg === "backup-submitted"));
      expect(submitted.height).to.equal("2");
      expect(await stopProcess(p.child, 10_000, "SIGINT")).to.equal(0);
      expect(jsonLines(p.stdout()).at(-1)?.msg).to.equal("stopped");
    } finally {
      await stopProcess(p.child, 2_000, "SIGKILL");
    }
  });

  it("restarted between its proposal and its reveal, reveals its block from the state file once and never proposes again", async () => {
    // The earlier tests' services stop first: one of them may hold this height's leading key too.
    await Promise.all(runs.splice(0).map((r) => r.stop()));
    const prover = start(proverCommand, w.provers[0], ["--port", "0", "--workers", "1"]);
    const proverUrl = await listening(prover);
    const { minimumProverBond } = await w.fernet.rollup.getConfig();
    await until("escrow", async () => (await w.fernet.rollup.escrowOf(w.provers[0].address)).free >= minimumProverBond);
    // hardhat node's clock is the wall clock: the pending round may have started long ago. If its
    // proposal phase is (nearly) over, the next height is used, its round opened by a backup block
    // once the sequencer is up.
    const pending = await w.fernet.rollup.pendingHeight();
    const st = await w.fernet.rollup.getHeightState(pending);
    const fresh = st.record.proposer === ZeroAddress && (st.phase === Phase.NotStarted || (st.phase === Phase.Proposal && (await now(node.provider)) + 6n < st.proposalDeadline));
    const h = fresh ? pending : pending + 1n;
    const [leader] = await (await import("../../sdk/src/ranking")).rankSequencers(w.fernet.rollup, w.fernet.registry, h);
    const key = w.sequencers.find((s) => s.address === leader.sequencer)!;
    const stateFile = join(w.dir, "restart-state.json");
    const args = ["--port", "0", "--provers", proverUrl, "--state-file", stateFile];
    // Not fresh: the pending height goes to backup (NoProposal) before the sequencer could propose there.
    if (!fresh && st.phase === Phase.Proposal) await timeTo(node.provider, st.proposalDeadline);
    const first = start(sequencerCommand, key, args);
    await listening(first);
    if (fresh) await timeTo(node.provider, st.roundStart);
    else await finalizeByBackup(w, w.others[1]);
    const at = String(h);
    await until("quote signed", () => first.logs().some((l) => l.msg === "quote-signed" && l.height === at)).catch((e: Error) => {
      throw new Error(`${e.message} (fresh ${fresh}, height ${h})\n${first.lines.slice(-10).join("\n")}\n${prover.lines.slice(-6).join("\n")}`);
    });
    expect(await first.stop()).to.equal(0);
    expect(first.logs().some((l) => l.msg === "revealed")).to.equal(false);
    const s = await w.fernet.rollup.getHeightState(h);
    await timeTo(node.provider, s.proposalDeadline);
    await until("commitment", async () => (await w.fernet.rollup.getHeightState(h)).record.prover === w.provers[0].address).catch((e: Error) => {
      throw new Error(`${e.message}\n${prover.lines.slice(-15).join("\n")}\n${first.lines.slice(-8).join("\n")}`);
    });

    const second = start(sequencerCommand, key, args);
    await until("revealed after the restart", () => second.logs().some((l) => l.msg === "revealed" && l.height === at)).catch((e: Error) => {
      throw new Error(`${e.message}\n${second.lines.join("\n")}\n${second.errors.join("\n")}`);
    });
    expect(second.logs().find((l) => l.msg === "state-loaded")).to.include({ blocks: 1 });
    await timeTo(node.provider, s.commitmentDeadline);
    await until("finalized", async () => (await w.fernet.rollup.tip()) === h, 60_000);
    expect(await second.stop()).to.equal(0);
    expect(await prover.stop()).to.equal(0);
    const c = w.fernet.rollup.contract;
    const proposals = await c.queryFilter(c.filters.BlockProposed(h, key.address));
    const reveals = await c.queryFilter(c.filters.BlockRevealed(h));
    expect(proposals).to.have.length(1);
    expect(reveals).to.have.length(1);
    expect(second.logs().some((l) => l.msg === "proposed" && l.height === at)).to.equal(false);
    expect((await w.fernet.rollup.getBlock(h)).canonicalBlockHash).to.equal(proposals[0].args.blockHash);
  });
});
