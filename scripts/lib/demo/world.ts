/**
 * The demo's world: the suite deployed on the Hardhat network the script runs on, and the protocol's
 * services (`SequencerService` × N, `ProverService` × 2, `Watcher`) constructed exactly as the
 * `fernet` commands construct them, each with its own signer, its SDK connection and, for provers
 * and sequencers, its real HTTP server on a loopback port (quotes, commitments and users' txs go over
 * HTTP). Nothing here tells a service what to do: the driver only moves L1 time, one 4-second tick
 * at a time, and lets every service take its step (what `follow()` does in the commands); between
 * ticks it waits for proofs that are running on the farms, so that a slow machine never misses a
 * deadline that real time would not have moved.
 */
import { ethers, network } from "hardhat";
import { hexlify, keccak256, randomBytes, toUtf8Bytes, ZeroAddress, type Signer } from "ethers";
import { LOCAL, type Preset } from "../../../sdk/src/config";
import { connect, type Fernet } from "../../../sdk/src/clients";
import { ProverFarm, MockProofBackend, type FarmStats } from "../../../sdk/src/prover";
import type { BlockProver } from "../../../sdk/src/agents";
import { ProverService } from "../../../sdk/src/services/prover";
import { SequencerService } from "../../../sdk/src/services/sequencer";
import { Watcher } from "../../../sdk/src/services/watcher";
import { AstriaWatcher } from "../../../sdk/src/services/astria-watcher";
import { AstriaHttpClient, l1Clock, LocalAstria, LOCAL_VOTING_POWER, localValidatorWallets, preconfirmationFromJson, verifyPreconfirmation, type Preconfirmation } from "../../../sdk/src/services/astria-local";
import { startJsonServer, type JsonServer } from "../../../sdk/src/services/http";
import { describeError } from "../../../sdk/src/services/log";
import { rankSequencers } from "../../../sdk/src/ranking";
import { BackupReason, ConfirmationStage, Finalization, Phase, type HeightState } from "../../../sdk/src/types";
import { deployAstria, deploySystem } from "../deploy";
import { deploymentFileOf, writeDeployment } from "../../deploy";
import { fnt, short, Timeline, type Entry } from "./timeline";

const TOKEN = 10n ** 18n;
/** This L2's rollup id on the local Astria stand-in. */
export const DEMO_ROLLUP_ID = keccak256(toUtf8Bytes("fernet.demo.rollup"));
/** The local Astria stand-in's chain id. */
const ASTRIA_CHAIN_ID = "astria-local";
/** Stand-in validator keys of the local Astria (public, development only). */
const ASTRIA_VALIDATORS = 4;
/** L1 seconds per driver tick (a third of a local phase). */
export const TICK_SECONDS = 4;
/** A height that has not ended after this many ticks is a failure of the demo, not a hang. */
const MAX_TICKS_PER_HEIGHT = 120;
/** A progress line this often while the driver waits for the farm. */
const PROGRESS_MS = 2_000;

/** Options of the demo (validated by `scripts/demo.ts`). */
export interface DemoOptions {
  /** Registered sequencers (2–12). */
  readonly sequencers: number;
  /** Heights of the first story (happy rounds). */
  readonly happy: number;
  /** Users' txs sent to the sequencers per height. */
  readonly txs: number;
  /** Prover farm threads per prover. */
  readonly workers: number;
  /** Simulated proving cost: hash iterations per farm job. */
  readonly workPerJob: number;
  /** Simulated proving cost: at least this much wall time per farm job, CPU busy (0: none). */
  readonly jobMs?: number;
}

/**
 * The demo's preset: the local one with a signalling round of 4 heights and a quorum of 3, so that
 * an upgrade can pass within a short demo.
 */
export const DEMO_PRESET: Preset = {
  ...LOCAL,
  rollup: { ...LOCAL.rollup, signalRoundSize: 4n, signalQuorum: 3n },
};

/** A service with its display name. */
export interface Named<T> {
  readonly name: string;
  readonly address: string;
  readonly service: T;
  readonly url?: string;
}

/** What the driver saw of one height, for the timeline and the summary. */
export interface HeightReport {
  readonly height: bigint;
  readonly story: string;
  readonly outcome: "proven" | "backup";
  readonly backupReason: BackupReason;
  readonly leader?: string;
  /** The winning proposal's score (shortened hex). */
  readonly leaderScore?: string;
  readonly prover?: string;
  readonly submitter: string;
  readonly gasUsed: bigint;
  readonly farmJobs: number;
  readonly farmMs: number;
  readonly userTx?: { hash: string; stages: string[] };
  /** The user's txs routed through the local Astria this height, and the preconfirmation of the first. */
  readonly astriaTxs?: { hashes: string[]; preconfirmation?: Preconfirmation };
}

/**
 * The rollup's phase of `s`'s height at L1 time `t`, by the contract's rule (RoundLib.phaseAt) with
 * the record's flags as `s` has them: the phase a transaction mined at `t` left the height in.
 */
function phaseAt(s: HeightState, t: bigint): Phase {
  const r = s.record;
  if (t < s.roundStart) return Phase.NotStarted;
  if (t < s.proposalDeadline) return Phase.Proposal;
  if (r.proposer === ZeroAddress) return Phase.Backup;
  if (t < s.commitmentDeadline) return Phase.Commitment;
  if (r.prover === ZeroAddress) return Phase.Backup;
  if (!r.revealed) return t < s.revealDeadline ? Phase.Reveal : Phase.Backup;
  return t < s.provingDeadline ? Phase.Proving : Phase.Backup;
}

/** See the module header. */
export class DemoWorld {
  readonly names = new Map<string, string>();
  readonly heights: HeightReport[] = [];
  /** Proof statistics by prover address, newest last. */
  readonly farmStats = new Map<string, FarmStats[]>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly servers: JsonServer[] = [];
  private readonly farms: ProverFarm[] = [];
  private lastTimestamp = 0n;
  /** Whether the local Astria produces a block every tick (from the Astria stories on). */
  astriaActive = false;

  private constructor(
    readonly options: DemoOptions,
    readonly timeline: Timeline,
    readonly fernet: Fernet,
    readonly deploymentFile: string,
    readonly sequencers: Named<SequencerService>[],
    readonly provers: Named<ProverService>[],
    readonly watcher: Named<Watcher>,
    readonly astria: { readonly local: LocalAstria; readonly url: string; readonly watcher: AstriaWatcher },
  ) {}

  /** Deploys the suite and starts the services; see the module header. */
  static async create(options: DemoOptions, out: (line: string) => void): Promise<DemoWorld> {
    const signers = await ethers.getSigners();
    const need = options.sequencers + 5;
    if (signers.length < need) throw new Error(`The network has ${signers.length} accounts; the demo needs ${need} (deployer, sequencers, 2 provers, watcher, user).`);
    const [deployer] = signers;
    const seqSigners = signers.slice(1, 1 + options.sequencers);
    const [p1, p2, watcherSigner, user] = signers.slice(1 + options.sequencers);
    const preset = DEMO_PRESET;
    const timeline = new Timeline(out, ethers.provider);

    timeline.say(`deploying the suite on ${network.name} (preset "${preset.name}", signalling rounds of ${preset.rollup.signalRoundSize} heights, quorum ${preset.rollup.signalQuorum})`);
    const token = await ethers.deployContract("FernetToken", ["Fernet Token", "FNT", deployer.address]);
    for (const s of signers.slice(0, need)) await (await token.mint(s.address, preset.localMintPerAccount)).wait();
    const d = await deploySystem({
      preset,
      deployer,
      token: await token.getAddress(),
      beforeRollup: async (registry) => {
        for (const s of seqSigners) {
          await (await token.connect(s).approve(await registry.getAddress(), preset.registry.stake)).wait();
          await (await registry.connect(s).register(s.address, s.address)).wait();
        }
        timeline.say(`${seqSigners.length} sequencers registered (stake ${fnt(preset.registry.stake)} each); waiting the ${preset.registry.entryDelay} s entry delay`);
        await ethers.provider.send("evm_increaseTime", [Number(preset.registry.entryDelay) + 12]);
        await ethers.provider.send("evm_mine", []);
      },
    });
    const rollupAddress = await d.rollup.getAddress();
    const wallets = localValidatorWallets(ASTRIA_VALIDATORS);
    const astriaContracts = await deployAstria({
      preset,
      deployer,
      rollup: rollupAddress,
      chain: { chainId: ASTRIA_CHAIN_ID, validators: wallets.map((w) => ({ signer: w.address, votingPower: LOCAL_VOTING_POWER })), activeFromHeight: 1n, rollupId: DEMO_ROLLUP_ID, startHeight: 1n },
    });
    await (await token.approve(rollupAddress, 1_000n * TOKEN)).wait();
    await (await d.rollup.fundRewards(1_000n * TOKEN)).wait();
    const { chainId } = await ethers.provider.getNetwork();
    const deployment = await deploymentFileOf(d, { preset: preset.name, deployer: deployer.address, writtenBy: "demo", astria: astriaContracts });
    const deploymentFile = writeDeployment(deployment);
    timeline.say(`deployed: rollup ${rollupAddress}; addresses in ${deploymentFile} (verifier: MockProofVerifier, a NOT SOUND stub)`);
    const reader = await connect(deployment, ethers.provider);

    const watcherFernet = await connect(deployment, watcherSigner, { checkCode: false });
    const watcher = { name: "watcher", address: watcherSigner.address, service: new Watcher(watcherFernet.rollup, timeline.logger("watcher")) };
    // The local Astria stand-in (its blocks are signed with the light client's public stand-in keys) over HTTP.
    const local = new LocalAstria({ chainId: ASTRIA_CHAIN_ID, rollupId: DEMO_ROLLUP_ID, wallets, domain: await reader.astriaSlasher!.domain(), clock: l1Clock(ethers.provider), log: timeline.logger("astria") });
    const astriaServer = await local.serve({ host: "127.0.0.1", port: 0 });
    const astria = { local, url: astriaServer.url, watcher: new AstriaWatcher({ fernet: watcherFernet, source: new AstriaHttpClient(astriaServer.url), log: timeline.logger("watcher") }) };
    const world = new DemoWorld(options, timeline, reader, deploymentFile, [], [], watcher, astria);
    const names = world.names;
    world.servers.push(astriaServer);
    const as = (s: Signer) => connect(deployment, s, { checkCode: false });

    // Provers: prover-1 quotes the minimum bond and fills backup heights; prover-2 offers a higher
    // bond at the same share, so sequencers pick it first (the quote rule), and prover-1 is the fallback.
    const policies = [
      { signer: p1, bond: preset.rollup.minimumProverBond, backup: true },
      { signer: p2, bond: (preset.rollup.minimumProverBond * 3n) / 2n, backup: false },
    ];
    for (const [i, p] of policies.entries()) {
      const name = `prover-${i + 1}`;
      names.set(p.signer.address, name);
      const jobMs = options.jobMs ?? 0;
      const farm = new ProverFarm({ workers: options.workers, workPerJob: options.workPerJob, jobCostMs: jobMs, jobTimeoutMs: Math.max(60_000, jobMs * 4), maxAttempts: 3, backend: new MockProofBackend() });
      world.farms.push(farm);
      const service = new ProverService({
        fernet: await as(p.signer),
        chainId,
        address: p.signer.address,
        farm: world.tracked(farm, p.signer.address),
        policy: { bond: p.bond, proverRewardBps: 1_000n, validForSeconds: 60n, escrowTarget: 10n * p.bond, safetyMarginSeconds: 12n, backup: p.backup, withholdProof: false },
        log: timeline.logger(name),
      });
      const server = await startJsonServer({ host: "127.0.0.1", port: 0, routes: service.routes(), log: timeline.logger(name) });
      world.servers.push(server);
      world.provers.push({ name, address: p.signer.address, service, url: server.url });
    }
    for (const [i, s] of seqSigners.entries()) {
      const name = `seq-${i + 1}`;
      names.set(s.address, name);
      const service = new SequencerService({ fernet: await as(s), address: s.address, signer: s, provers: world.provers.map((p) => p.url!), log: timeline.logger(name), maxTxs: 64, astria: { source: new AstriaHttpClient(astria.url) } });
      const server = await startJsonServer({ host: "127.0.0.1", port: 0, routes: service.routes(), log: timeline.logger(name) });
      world.servers.push(server);
      world.sequencers.push({ name, address: s.address, service, url: server.url });
    }
    names.set(watcherSigner.address, "watcher");
    names.set(user.address, "user");
    timeline.say(`local Astria stand-in (NOT Astria: public stand-in validator keys) at ${astria.url}; light client ${deployment.contracts.astriaLightClient}, slasher ${deployment.contracts.astriaSlasher}`);
    timeline.say(`services: ${world.sequencers.map((s) => `${s.name} ${s.url}`).join(", ")}`);
    timeline.say(`          ${world.provers.map((p) => `${p.name} ${p.url}`).join(", ")}, watcher; prover farms of ${options.workers} thread(s), ${options.workPerJob} hash iterations${options.jobMs ? ` and at least ${options.jobMs} ms` : ""} per job`);
    return world;
  }

  /** The farm wrapped so the driver knows which proofs are running and keeps their statistics. */
  private tracked(farm: ProverFarm, prover: string): BlockProver {
    return {
      prove: (input) => {
        const run = farm.prove(input).then((result) => {
          const list = this.farmStats.get(prover) ?? [];
          list.push(result.stats);
          this.farmStats.set(prover, list);
          return result;
        });
        this.inflight.add(run);
        void run.finally(() => this.inflight.delete(run)).catch(() => undefined);
        return run;
      },
    };
  }

  /**
   * Every sequencer bonds the Astria slasher's minimum (as `--astria-bond` does) and the local Astria
   * starts producing a block every tick. A bond backs the heights whose leader becomes known
   * `optInDelay` after it.
   */
  async activateAstria(): Promise<void> {
    const { minimumBond } = await this.fernet.astriaSlasher!.getConfig();
    await this.inFewBlocks(() => this.sequencers.map((s) => s.service.ensureAstriaBond(minimumBond)));
    this.astriaActive = true;
  }

  /**
   * Runs `start`'s transactions with automine off, mining one block whenever the pending ones stop
   * growing, so that N services' transactions cost one L1 block (one second) per sequential step
   * instead of one each, and no round loses its proposal phase to them.
   */
  private async inFewBlocks<T>(start: () => Promise<T>[]): Promise<T[]> {
    const provider = ethers.provider;
    const pending = async () => ((await provider.send("eth_getBlockByNumber", ["pending", false])) as { transactions: unknown[] }).transactions.length;
    await provider.send("evm_setAutomine", [false]);
    try {
      let settled = false;
      const all = Promise.all(start()).finally(() => (settled = true));
      const deadline = Date.now() + 60_000;
      let last = -1;
      while (!settled) {
        if (Date.now() > deadline) throw new Error("the services' transactions were not all mined within 60 s");
        await new Promise((r) => setTimeout(r, 50));
        const n = await pending();
        if (n > 0 && n === last) await provider.send("evm_mine", []);
        last = n;
      }
      return await all;
    } finally {
      await provider.send("evm_setAutomine", [true]);
    }
  }

  /** The best-ranked eligible sequencer of the pending height, if its seed is known. */
  async leaderOf(height: bigint): Promise<string | undefined> {
    const ranking = await rankSequencers(this.fernet.rollup, this.fernet.registry, height);
    return ranking[0]?.sequencer;
  }

  /** A display name for an address. */
  name(address: string | undefined): string {
    if (!address) return "-";
    return this.names.get(address) ?? short(address);
  }

  /** Stops the servers and the farms. */
  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
    await Promise.all(this.farms.map((f) => f.close()));
  }

  private async now(): Promise<bigint> {
    return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  }

  /** Moves L1 time to `timestamp` (at least one second on) and mines a block. */
  private async moveTo(timestamp: bigint): Promise<void> {
    const latest = await this.now();
    const next = timestamp > latest ? timestamp : latest + 1n;
    await ethers.provider.send("evm_setNextBlockTimestamp", [Number(next)]);
    await ethers.provider.send("evm_mine", []);
    this.lastTimestamp = next;
  }

  /** Every service takes its step, as `follow()` would run it; a failed step is logged, never fatal. */
  private async stepAll(): Promise<void> {
    if (this.astriaActive) await this.astria.local.produceBlock();
    const steps: Array<[string, () => Promise<void>]> = [
      ["watcher", () => this.watcher.service.step()],
      ["watcher", () => this.astria.watcher.step()],
      ...this.sequencers.map((s): [string, () => Promise<void>] => [s.name, () => s.service.step()]),
      ...this.provers.map((p): [string, () => Promise<void>] => [p.name, () => p.service.step()]),
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        this.timeline.logger(name).warn("tick-failed", { error: describeError(error) });
      }
    }
    // Proofs started in this tick finish before L1 time moves on; a long wait shows progress.
    const started = Date.now();
    while (this.inflight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<"tick">((r) => (timer = setTimeout(() => r("tick"), PROGRESS_MS)));
      const done = await Promise.race([Promise.allSettled([...this.inflight]).then(() => "done" as const), tick]);
      clearTimeout(timer);
      if (done === "tick") this.timeline.say(`             … the prover farm is still proving (${this.inflight.size} proof(s), ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  }

  /** The user sends `count` fresh txs to every sequencer's mempool; returns the first one's hash. */
  private async sendUserTxs(count: number): Promise<string | undefined> {
    const hashes = Array.from({ length: count }, () => hexlify(randomBytes(32)));
    for (const hash of hashes) {
      for (const s of this.sequencers) {
        const r = await fetch(`${s.url}/tx`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ hash }) });
        if (!r.ok) throw new Error(`${s.name} refused the user's tx: ${r.status} ${await r.text()}`);
      }
    }
    return hashes[0];
  }

  /** The user sends `count` fresh txs through the local Astria (HTTP); returns their L2 tx hashes. */
  private async sendAstriaTxs(count: number): Promise<string[]> {
    const hashes: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = await fetch(`${this.astria.url}/tx`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ rollupId: DEMO_ROLLUP_ID, data: hexlify(randomBytes(48)) }) });
      const body = (await r.json()) as { txHash?: string; message?: string };
      if (!r.ok || !body.txHash) throw new Error(`the local Astria refused the user's tx: ${r.status} ${body.message ?? ""}`);
      hashes.push(body.txHash);
    }
    return hashes;
  }

  /**
   * The preconfirmation of `txHash` once the leader's binding covers it (GET /preconfirmation), checked
   * as a user checks it: the stand-in's validators must hash to the light client's set, then every
   * signature and proof (`verifyPreconfirmation`). Undefined while there is none yet.
   */
  private async preconfirmation(txHash: string): Promise<Preconfirmation | undefined> {
    const r = await fetch(`${this.astria.url}/preconfirmation/${txHash}`);
    if (r.status === 409) return undefined;
    if (!r.ok) throw new Error(`GET /preconfirmation/${txHash}: ${r.status} ${await r.text()}`);
    const pre = preconfirmationFromJson(await r.json());
    const lightClient = this.fernet.astriaLightClient!;
    const validators = this.astria.local.validators;
    const [set, hash] = await Promise.all([lightClient.validatorSetAt(pre.setId), lightClient.hashValidatorSet(validators)]);
    if (set.setHash !== hash) throw new Error(`the local Astria's validators do not hash to the light client's set ${pre.setId}`);
    verifyPreconfirmation(pre, { domain: await this.fernet.astriaSlasher!.domain(), validators, rollupId: DEMO_ROLLUP_ID });
    return pre;
  }

  /** The highest stage any sequencer reports for `hash` (GET /tx/:hash). */
  private async userTxStage(hash: string): Promise<ConfirmationStage> {
    let best = ConfirmationStage.Unknown;
    for (const s of this.sequencers) {
      const r = await fetch(`${s.url}/tx/${hash}`);
      if (!r.ok) continue;
      const body = (await r.json()) as { stage: number };
      if (body.stage > best) best = body.stage;
    }
    return best;
  }

  /**
   * Runs the pending height to its end (proven, or a backup block), printing its timeline, and
   * reports what the chain says happened.
   */
  async runHeight(story: string, describe: (e: Entry) => Promise<string | null | undefined>, opts: { readonly astriaTxs?: number } = {}): Promise<HeightReport> {
    const rollup = this.fernet.rollup;
    const height = await rollup.pendingHeight();
    let state = await rollup.getHeightState(height);
    if ((await this.now()) < state.roundStart) await this.moveTo(state.roundStart);
    const firstBlock = (await ethers.provider.getBlockNumber()) + 1;
    this.timeline.say(`\n── height ${height} · ${story} ${"─".repeat(Math.max(0, 60 - story.length))}`);
    const userTx = this.options.txs > 0 ? await this.sendUserTxs(this.options.txs) : undefined;
    const astriaTxs = opts.astriaTxs ? await this.sendAstriaTxs(opts.astriaTxs) : undefined;
    let preconfirmation: Preconfirmation | undefined;
    const stages: string[] = [];
    let lastStage = ConfirmationStage.Unknown;
    let lastPhase: Phase | undefined;
    for (let tick = 0; ; tick++) {
      if (tick >= MAX_TICKS_PER_HEIGHT) throw new Error(`height ${height} did not end after ${tick} ticks of ${TICK_SECONDS} s (phase ${Phase[state.phase]})`);
      state = await rollup.getHeightState(height);
      const tickStart = await this.now();
      const stamp = `  t+${String(tickStart - state.roundStart).padStart(3)}s ${Phase[state.phase].padEnd(10)}`;
      if (state.phase !== lastPhase) {
        const why = state.phase === Phase.Backup ? ` (${BackupReason[state.backupReason]})` : "";
        this.timeline.say(`${stamp} ── phase ${Phase[state.phase]}${why}`);
        lastPhase = state.phase;
      }
      await this.stepAll();
      const after = await rollup.getHeightState(height);
      const stampAt = (t: bigint): string => `  t+${String(t - after.roundStart).padStart(3)}s ${Phase[phaseAt(after, t)].padEnd(10)}`;
      await this.timeline.flush(tickStart, stampAt, describe);
      const seen = stampAt(await this.now());
      if (userTx) {
        const stage = await this.userTxStage(userTx);
        if (stage !== lastStage) {
          stages.push(ConfirmationStage[stage]);
          this.timeline.say(`${seen}   user       tx ${short(userTx)} → stage ${stage} ${ConfirmationStage[stage]}`);
          lastStage = stage;
        }
      }
      if (astriaTxs && !preconfirmation) {
        preconfirmation = await this.preconfirmation(astriaTxs[0]);
        if (preconfirmation) {
          const p = preconfirmation;
          this.timeline.say(`${seen}   user       preconfirmed: Astria tx ${short(p.txHash)} (Astria block ${p.astriaHeight}) is promised at L2 height ${p.binding.l2Height}, position ${p.l2Position}, by ${this.name(p.sequencer)}'s signed binding (verified against the light client's validator set)`);
        }
      }
      if ((await rollup.pendingHeight()) > height) break;
      const now = await this.now();
      await this.moveTo((this.lastTimestamp > now ? this.lastTimestamp : now) + BigInt(TICK_SECONDS));
    }
    const report = { ...(await this.report(height, story, firstBlock, userTx ? { hash: userTx, stages } : undefined, state.backupReason)), ...(astriaTxs ? { astriaTxs: { hashes: astriaTxs, preconfirmation } } : {}) };
    this.heights.push(report);
    const how = report.outcome === "proven" ? `proven by ${report.prover}` : `backup block (${BackupReason[report.backupReason]}) by ${report.submitter}`;
    this.timeline.say(`  height ${height} ended: ${how}; protocol gas ${report.gasUsed.toLocaleString("en-US")}${report.farmJobs ? `; farm ${report.farmJobs} jobs in ${report.farmMs} ms` : ""}`);
    return report;
  }

  private async report(height: bigint, story: string, fromBlock: number, userTx: HeightReport["userTx"], reason: BackupReason): Promise<HeightReport> {
    const c = this.fernet.rollup.contract;
    const toBlock = await ethers.provider.getBlockNumber();
    const [record, finalized, proposed, committed] = await Promise.all([
      this.fernet.rollup.getBlock(height),
      c.queryFilter(c.filters.BlockFinalized(height), fromBlock, toBlock),
      c.queryFilter(c.filters.BlockProposed(height), fromBlock, toBlock),
      c.queryFilter(c.filters.ProverCommitted(height), fromBlock, toBlock),
    ]);
    let gasUsed = 0n;
    for (let b = fromBlock; b <= toBlock; b++) {
      const block = await ethers.provider.getBlock(b);
      gasUsed += block?.gasUsed ?? 0n;
    }
    const best = proposed.length ? proposed.reduce((a, e) => (e.args.score > a.args.score ? e : a)) : undefined;
    const stats = committed.length ? this.farmStats.get(committed[0].args.prover) : undefined;
    const submitter = finalized.length ? finalized[finalized.length - 1].args.submitter : undefined;
    const backupStats = submitter ? this.farmStats.get(submitter) : undefined;
    const last = record.finalization === Finalization.Proven ? stats?.[stats.length - 1] : backupStats?.[backupStats.length - 1];
    return {
      height,
      story,
      outcome: record.finalization === Finalization.Proven ? "proven" : "backup",
      backupReason: record.finalization === Finalization.Proven ? BackupReason.None : reason,
      leader: best ? this.name(best.args.proposer) : undefined,
      leaderScore: best ? `${short(`0x${best.args.score.toString(16).padStart(64, "0")}`)}` : undefined,
      prover: committed.length ? this.name(committed[0].args.prover) : undefined,
      submitter: this.name(submitter),
      gasUsed,
      farmJobs: last?.jobs ?? 0,
      farmMs: Math.round(last?.wallMs ?? 0),
      userTx,
    };
  }
}
