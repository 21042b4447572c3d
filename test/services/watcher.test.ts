/**
 * `fernet watcher` against a real `hardhat node`: snapshot pokes in the slot, fault settlements once
 * each with two watchers racing, a restart that does not act again, and the exit codes of a bad flag,
 * an unreachable RPC and a wrong chain.
 */
import { expect } from "chai";
import { writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { encryptKeystoreJson, Wallet } from "ethers";
import { UsageError } from "../../sdk/src/cli/command";
import { parseSettings } from "../../sdk/src/services/settings";
import { watcherCommand } from "../../sdk/src/cli/watcher";
import { blockHash } from "../../sdk/src/hashing";
import { jsonLogger } from "../../sdk/src/services/log";
import { Watcher } from "../../sdk/src/services/watcher";
import { BackupReason, Phase } from "../../sdk/src/types";
import {
  deployOnNode,
  finalizeByBackup,
  freePort,
  jsonLines,
  makeBlock,
  now,
  runFernet,
  runInProcess,
  spawnFernet,
  startNode,
  stopProcess,
  timeTo,
  until,
  TOKEN,
  type Node,
  type Run,
  type World,
} from "./node";

const key = (w: Wallet): string => w.privateKey;

/** Proposes a block for the pending height as `seq`; optionally commits `prover` and reveals. */
async function playRound(w: World, seq: Wallet, prover: Wallet | undefined, reveal: boolean) {
  const { header, data } = await makeBlock(w);
  const height = header.height;
  const s0 = await w.fernet.rollup.getHeightState(height);
  if (s0.phase !== Phase.Proposal) await timeTo(w.node.provider, s0.roundStart);
  await w.as(seq).rollup.propose(header);
  if (prover) {
    const s = await w.fernet.rollup.getHeightState(height);
    await timeTo(w.node.provider, s.proposalDeadline);
    const bond = (await w.fernet.rollup.getConfig()).minimumProverBond;
    const quote = { height, blockHash: blockHash(header), prover: prover.address, bond, proverRewardBps: 1_000n, validUntil: (await now(w.node.provider)) + 3_600n };
    const signature = await w.fernet.rollup.signQuote(seq, quote);
    await w.as(prover).rollup.commitProver(quote, signature);
    if (reveal) await w.as(seq).rollup.reveal(height, data);
  }
  return height;
}

const acted = (runs: Run[], action: string, height: bigint) =>
  runs.flatMap((r) => r.logs()).filter((l) => l.msg === "acted" && l.action === action && l.height === height.toString());

const sawSettled = (r: Run, height: bigint) => r.logs().some((l) => l.msg === "height-state" && l.height === height.toString() && l.settled === true);

describe("fernet watcher (services)", function () {
  this.timeout(120_000);
  let node: Node;
  let w: World;

  before(async () => {
    node = await startNode();
    w = await deployOnNode(node);
    for (const p of w.provers) await w.as(p).rollup.deposit(10_000n * TOKEN);
  });

  after(async () => {
    await node?.stop();
    if (w) rmSync(w.dir, { recursive: true, force: true });
  });

  it("exits 2 with a message on a bad flag", async () => {
    const r = await runFernet(["watcher", "--rpc", "http://127.0.0.1:1", "--no-such-flag"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/Unknown option '--no-such-flag'/);
    expect(r.stderr).to.match(/fernet watcher --help/);
    const bad = await runFernet(["watcher", "--rpc", node.url, "--deployment", w.deploymentFile, "--interval-ms", "soon"], { FERNET_KEY: key(w.others[0]) });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/--interval-ms must be a whole number/);
  });

  it("exits 1 naming the endpoint when the RPC is unreachable", async () => {
    const port = await freePort();
    const r = await runFernet(["watcher", "--rpc", `http://127.0.0.1:${port}`, "--deployment", w.deploymentFile], { FERNET_KEY: key(w.others[0]) });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(`The RPC endpoint http://127.0.0.1:${port} is unreachable`);
    expect(jsonLines(r.stdout).map((l) => l.msg)).to.deep.equal(["start-failed"]);
  });

  it("exits 1 naming both chain ids when the deployment is on another chain", async () => {
    const file = join(w.dir, "mainnet.json");
    writeFileSync(file, JSON.stringify({ ...w.fernet.deployment, chainId: "1" }));
    const r = await runFernet(["watcher", "--rpc", node.url, "--deployment", file], { FERNET_KEY: key(w.others[0]) });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include("The deployment is on chain 1, the provider is on chain 31337.");
  });

  it("reads its key from an encrypted keystore and its flags from a config file; a wrong password exits 1", async () => {
    const keyWallet = Wallet.createRandom();
    const keystore = join(w.dir, "watcher.keystore.json");
    writeFileSync(keystore, await encryptKeystoreJson({ address: keyWallet.address, privateKey: keyWallet.privateKey }, "correct horse", { scrypt: { N: 1024 } }));
    const config = join(w.dir, "watcher.config.json");
    writeFileSync(config, JSON.stringify({ rpc: node.url, deployment: w.deploymentFile, "interval-ms": 100, keystore }));
    const run = runInProcess(watcherCommand, ["--config", config], { FERNET_KEYSTORE_PASSWORD: "correct horse" });
    try {
      const ready = await until("ready", () => run.logs().find((l) => l.msg === "ready"));
      expect(ready.address).to.equal(keyWallet.address);
      expect(ready.intervalMs).to.equal(100);
    } finally {
      expect(await run.stop()).to.equal(0);
    }
    const wrong = runInProcess(watcherCommand, ["--config", config], { FERNET_KEYSTORE_PASSWORD: "wrong" });
    expect(await wrong.done).to.equal(1);
    expect(wrong.errors[0]).to.include(`Can't decrypt the keystore ${keystore}`);
    expect(() => parseSettings("watcher", ["--config", join(w.dir, "missing.json")], {}, {})).to.throw(UsageError, /Can't read the config file/);
    // Precedence: flag, then environment, then config file.
    const s = parseSettings("watcher", ["--rpc", "http://flag"], { FERNET_RPC_URL: "http://env", FERNET_DEPLOYMENT: "env.json" }, {});
    expect([s.string("rpc"), s.string("deployment")]).to.deep.equal(["http://flag", "env.json"]);
  });

  it("runs as a process: pokes the randomness snapshot in its slot, stops with 0 on SIGTERM", async () => {
    const p = spawnFernet(["watcher", "--rpc", node.url, "--deployment", w.deploymentFile, "--interval-ms", "100"], { FERNET_KEY: key(w.others[0]) });
    try {
      await until("ready", () => jsonLines(p.stdout()).some((l) => l.msg === "synced"), 60_000);
      const s = await w.fernet.rollup.getHeightState(1n);
      expect((await w.fernet.rollup.randomnessOf(1n)).knownAt).to.equal(0n);
      await timeTo(node.provider, s.proposalDeadline);
      const poke = await until("poke", () => jsonLines(p.stdout()).find((l) => l.msg === "acted" && l.action === "poke")).catch((e: Error) => {
        throw new Error(`${e.message}; the watcher logged:\n${p.stdout()}${p.stderr()}`);
      });
      expect(poke.height).to.equal("1");
      const receipt = await node.provider.getTransactionReceipt(poke.tx as string);
      const block = await node.provider.getBlock(receipt!.blockNumber);
      expect(BigInt(block!.timestamp) >= s.proposalDeadline && BigInt(block!.timestamp) < s.proposalDeadline + 12n).to.equal(true);
      const snap = await w.fernet.rollup.randomnessOf(1n);
      // The snapshot is the poke block's RANDAO, knowable one slot before that block.
      expect(snap.knownAt).to.equal(BigInt(block!.timestamp) - 12n);
      const fixed = await w.fernet.rollup.contract.queryFilter(w.fernet.rollup.contract.filters.RandomnessFixed(1n), receipt!.blockNumber, receipt!.blockNumber);
      expect(fixed.map((e) => e.args.carried)).to.deep.equal([false]);
      const code = await stopProcess(p.child);
      expect(code).to.equal(0);
      const msgs = jsonLines(p.stdout()).map((l) => l.msg);
      expect(msgs.at(-1)).to.equal("stopped");
    } finally {
      await stopProcess(p.child, 2_000, "SIGKILL");
    }
  });

  it("settles a withheld proof, a missed reveal and a missed commitment once each with two watchers; a restart acts no more", async () => {
    // Height 1 had no proposal (the previous test passed its proposal deadline): end it.
    expect((await w.fernet.rollup.getHeightState(1n)).backupReason).to.equal(BackupReason.NoProposal);
    await finalizeByBackup(w, w.others[3]);
    const args = ["--rpc", node.url, "--deployment", w.deploymentFile, "--interval-ms", "100"];
    let a = runInProcess(watcherCommand, args, { FERNET_KEY: key(w.others[1]) });
    const b = runInProcess(watcherCommand, args, { FERNET_KEY: key(w.others[2]) });
    try {
      await until("both synced", () => a.logs().some((l) => l.msg === "synced") && b.logs().some((l) => l.msg === "synced"));
      // Height 2: committed and revealed, the proof is withheld.
      const h2 = await playRound(w, w.sequencers[0], w.provers[0], true);
      await timeTo(node.provider, (await w.fernet.rollup.getHeightState(h2)).provingDeadline);
      await settledOnce(h2, BackupReason.NoProof, "slashProver");
      // Height 3: committed, never revealed.
      const h3 = await playRound(w, w.sequencers[1], w.provers[1], false);
      await timeTo(node.provider, (await w.fernet.rollup.getHeightState(h3)).revealDeadline);
      await settledOnce(h3, BackupReason.NoReveal, "penaliseMissedReveal");
      // Height 4: proposed, no prover commitment.
      const h4 = await playRound(w, w.sequencers[2], undefined, false);
      await timeTo(node.provider, (await w.fernet.rollup.getHeightState(h4)).commitmentDeadline);
      await settledOnce(h4, BackupReason.NoCommitment, "penaliseMissedCommitment");

      // Restart one watcher in the middle of height 4's backup (settled, snapshot taken): it acts no more.
      expect(await a.stop()).to.equal(0);
      a = runInProcess(watcherCommand, args, { FERNET_KEY: key(w.others[1]) });
      await until("restarted watcher synced", () => a.logs().some((l) => l.msg === "synced"));
      expect(a.logs().filter((l) => l.msg === "acted")).to.deep.equal([]);
      const events = await w.fernet.rollup.contract.queryFilter(w.fernet.rollup.contract.filters.ProverSlashed(), w.deployBlock);
      const penalties = await w.fernet.rollup.contract.queryFilter(w.fernet.rollup.contract.filters.ProposerPenalised(), w.deployBlock);
      expect(events.length).to.equal(1);
      expect(penalties.length).to.equal(2);
      // Every round's snapshot was taken once (by a watcher or by the commitment that fell in its slot).
      const pokes = [a, b].flatMap((r) => r.logs()).filter((l) => l.msg === "acted" && l.action === "poke");
      expect(new Set(pokes.map((l) => l.height)).size).to.equal(pokes.length);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }

    async function settledOnce(height: bigint, reason: BackupReason, action: string): Promise<void> {
      const s = await w.fernet.rollup.getHeightState(height);
      expect([Phase[s.phase], BackupReason[s.backupReason]]).to.deep.equal(["Backup", BackupReason[reason]]);
      // Both watchers see the settlement (the loser of the race logs it and goes on).
      await until(`${action} at ${height} seen by both`, () => sawSettled(a, height) && sawSettled(b, height));
      expect(acted([a, b], action, height)).to.have.length(1);
      expect(a.errors.concat(b.errors)).to.deep.equal([]);
      await finalizeByBackup(w, w.others[3]);
    }
  });

  it("two watchers stepping at once: one settles, the other logs the lost race and goes on", async () => {
    const h = await playRound(w, w.sequencers[3], w.provers[0], true);
    await timeTo(node.provider, (await w.fernet.rollup.getHeightState(h)).provingDeadline);
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const one = new Watcher(w.as(w.others[0]).rollup, jsonLogger(io, { who: "one" }));
    const two = new Watcher(w.as(w.others[1]).rollup, jsonLogger(io, { who: "two" }));
    await Promise.all([one.step(), two.step()]);
    const slashes = [...one.actions, ...two.actions].filter((x) => x.action === "slashProver");
    expect(slashes).to.have.length(1);
    expect(slashes[0].height).to.equal(h);
    const logs = jsonLines(lines.join("\n"));
    const loser = slashes[0] === one.actions.find((x) => x.action === "slashProver") ? "two" : "one";
    expect(logs.filter((l) => l.who === loser && l.msg === "lost-race" && l.action === "slashProver")).to.have.length(1);
    // Both step again: nothing more to do.
    await Promise.all([one.step(), two.step()]);
    expect([...one.actions, ...two.actions].filter((x) => x.action === "slashProver")).to.have.length(1);
    expect((await w.fernet.rollup.getHeightState(h)).record.settled).to.equal(true);
  });
});
