/**
 * Model-based property suite: random sequences of registrations, exits, withdrawals (and a key
 * registered again while its old registration's fault is pending), proposals, quotes and commitments,
 * reveals, proofs, randomness pokes, slashes and penalties, backup blocks (by anyone, and by the party
 * whose miss opened backup), reward claims, escrow moves and time jumps, run against the contracts and
 * against the reference model (./model.ts). After every step: same outcome (success, or the revert the
 * model names) as the model, same phase, tokens conserved, one canonical block per height, the tip
 * never goes back, each bond settled at most once, registry, escrow and rewards equal, every round's
 * randomness equal to the model's and unchanged once readable, no proposal accepted before its seed
 * was knowable, and no backup reward for the faulty party.
 *
 * Default: 100 sequences of 30-45 steps. Larger: `npm run test:property:large` (PROPERTY_RUNS=1000
 * PROPERTY_STEPS=120); the test's own timeout grows with RUNS x STEPS, and a progress line goes to
 * stderr every PROPERTY_PROGRESS (25) sequences.
 * Replay a failure: PROPERTY_SEED=<seed printed on failure> (and PROPERTY_PATH=<path> to skip shrinking).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { getBytes, keccak256, toBeHex, toUtf8Bytes, ZeroHash } from "ethers";
import { blockHash, buildHeader, genesisRandomness, mockProof, publicInputsHash, type Header } from "../../sdk/src/hashing";
import { quoteDomain, signQuote } from "../../sdk/src/eip712";
import { BackupReason, deployWorld, Eligibility, GENESIS_SEED, Phase, prevRandao, type World } from "../helpers/rollup";
import { Model, type Randomness } from "./model";
import { TOKEN, load } from "../helpers/fixtures";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const MIN_STEPS = 30;
const MAX_STEPS = Math.max(MIN_STEPS, Number(process.env.PROPERTY_STEPS ?? 45));
/** A progress line every this many sequences. */
const PROGRESS_EVERY = Number(process.env.PROPERTY_PROGRESS ?? 25);
/**
 * Budget per step for the test's own timeout (a step is one action, up to ~10 transactions for the
 * composite ones, plus the invariant reads). Generous on purpose: the limit is there to stop a hung
 * run, not to measure speed; shrinking a failure gets the same budget again.
 */
const MS_PER_STEP = 1_000;
/** Every this many steps (and after a sequence's last) the invariants cover all heights and accounts. */
const FULL_CHECK_EVERY = 10;
const BURN = "0x000000000000000000000000000000000000dEaD";
const POOL = 50n * TOKEN; // small, so the pool runs dry inside a sequence
const DEPOSIT = 250n * TOKEN;

type SettleKind = "slashProver" | "penalise" | "penaliseCommitment";

type Action =
  | { kind: "register" | "exit" | "withdraw"; who: number }
  | { kind: "propose"; who: number }
  | { kind: "proposeBest" }
  /** A whole happy round from wherever the round is: best proposal, commitment, reveal, proof. */
  | { kind: "round"; who: number }
  | { kind: "commit"; who: number; extra: number }
  | { kind: "reveal" }
  | { kind: "prove" | "backup" | "claim"; who: number }
  /** A backup block sent by the party whose miss opened backup (or the winner if none did). */
  | { kind: "backupFaulty" }
  /** A permissionless fault settlement at the pending height + `dh` (0 mostly). */
  | { kind: SettleKind; who: number; dh: number }
  /** `poke()` now. */
  | { kind: "poke"; who: number }
  /** `poke()` landing at the pending round's snapshot slot start + `offset` (or now, if that passed). */
  | { kind: "pokeAt"; who: number; offset: number }
  | { kind: "deposit" | "withdrawEscrow"; who: number; amount: number }
  | { kind: "wait"; seconds: number }
  /** Jump so that the next transaction lands at deadline `which` + offset + 1 (offset -2: the last second inside). */
  | { kind: "toDeadline"; which: number; offset: number }
  /**
   * The pending height's winner leaves while its miss is unsettled: exit, wait the exit delay,
   * withdraw, register the same key again, then `then` (settle the fault, or a backup block).
   */
  | { kind: "dodge"; then: "settle" | "backup" | "backupFaulty" | "none" }
  /**
   * Drives the pending round into the miss `reason` (the winner commits no prover, or doesn't reveal,
   * or the prover sends no proof), landing at the first second of backup, then `then`.
   */
  | { kind: "miss"; reason: "NoCommitment" | "NoReveal" | "NoProof"; then: "settle" | "backup" | "backupFaulty" | "dodge" };

const who = fc.nat({ max: 7 });
const dh = fc.constantFrom(0, 0, 0, 0, 1, -1);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom<"register" | "exit" | "withdraw">("register", "exit", "withdraw"), who }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("propose" as const), who }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("proposeBest" as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("round" as const), who }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("commit" as const), who, extra: fc.nat({ max: 3 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("reveal" as const) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("prove" as const), who }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constantFrom<"backup" | "claim">("backup", "claim"), who }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("backupFaulty" as const) }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constantFrom<SettleKind>("slashProver", "penalise", "penaliseCommitment"), who, dh }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("poke" as const), who }), weight: 1 },
  // Slot start + offset: just before, first second, inside, last second, first second after, later.
  { arbitrary: fc.record({ kind: fc.constant("pokeAt" as const), who, offset: fc.constantFrom(-1, 0, 5, 11, 12, 13) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constantFrom<"deposit" | "withdrawEscrow">("deposit", "withdrawEscrow"), who, amount: fc.nat({ max: 300 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.constantFrom(1, 3, 7, 12, 25, 60, 130) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("toDeadline" as const), which: fc.nat({ max: 3 }), offset: fc.constantFrom(-2, -1, 0) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("dodge" as const), then: fc.constantFrom<"settle" | "backup" | "backupFaulty" | "none">("settle", "backup", "backupFaulty", "none") }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant("miss" as const),
      reason: fc.constantFrom<"NoCommitment" | "NoReveal" | "NoProof">("NoCommitment", "NoReveal", "NoProof"),
      then: fc.constantFrom<"settle" | "backup" | "backupFaulty" | "dodge">("settle", "backup", "backupFaulty", "dodge"),
    }),
    weight: 2,
  },
);

/** Outcome counts per action kind over the whole run (a sub-step of a composite counts as its own kind). */
type Mix = Map<string, { ok: number; reverted: number; skipped: number }>;

interface Ctx {
  w: World;
  m: Model;
  clock: bigint;
  actors: HardhatEthersSigner[]; // sequencer keys 0..4, provers 5..7
  headers: Map<string, { header: Header; data: string }>;
  counter: number;
  /** BondReleased / ProverSlashed events per height. */
  bondEvents: Map<bigint, number>;
  /** ProposerPenalised events per height. */
  penaltyEvents: Map<bigint, number>;
  lastTip: bigint;
  /** Each round's randomness as first read from the contract. */
  seenRandomness: Map<bigint, Randomness>;
  /** Times at which a proposal for each height was accepted. */
  proposedAt: Map<bigint, bigint[]>;
  mix: Mix;
  stats: Stats;
  /** Whether a transaction succeeded since the last state comparison. */
  changed: boolean;
  /** Accounts actions use (besides the two contracts), and the token's total supply. */
  holders: string[];
  supply: bigint;
  /** Every other signer, with its balance at the start of the sequence. */
  idle: Array<[string, bigint]>;
}

interface Stats {
  proven: number;
  backup: number;
  backupByFaulty: number;
  snapshots: number;
  carried: number;
  penaltiesTaken: number;
  penaltiesZero: number;
  reRegisteredWhileFaultPending: number;
}

async function fixture() {
  const w = await deployWorld({ rewardPool: POOL, sequencerCount: 4 });
  const signers = await ethers.getSigners();
  const fifth = signers[5];
  await w.token.connect(fifth).approve(await w.registry.getAddress(), ethers.MaxUint256);
  const deployBlock = await ethers.provider.getBlock((await w.rollup.deploymentTransaction())!.blockNumber!);
  const genesis = genesisRandomness(GENESIS_SEED, await prevRandao(deployBlock!.number), w.chainId, await w.rollup.getAddress());
  // Start one second before genesis, so the first action lands in the first proposal second.
  await time.increaseTo((await w.rollup.genesisTime()) - 1n);
  return { w, fifth, deployedAt: BigInt(deployBlock!.timestamp), genesis };
}

async function newCtx(mix: Mix, stats: Stats): Promise<Ctx> {
  const { w, fifth, deployedAt, genesis } = await load(fixture);
  const m = new Model(w.regCfg, w.cfg, deployedAt, genesis, POOL);
  for (const s of w.sequencers) {
    const info = await w.registry.getSequencer(s.address);
    m.sequencers.set(s.address, {
      stake: info.stake,
      registeredAt: info.registeredAt,
      activeFrom: info.activeFrom,
      exitInitiatedAt: 0n,
      ejected: false,
    });
  }
  for (const p of w.provers) {
    m.escrow.set(p.address, { total: 10_000n * TOKEN, locked: 0n });
  }
  const actors = [...w.sequencers, fifth, ...w.provers];
  const holders = [...new Set([w.deployer.address, ...actors.map((a) => a.address), BURN])];
  const idleAddresses = (await ethers.getSigners()).map((s) => s.address).filter((a) => !holders.includes(a));
  const idle = await Promise.all(idleAddresses.map(async (a): Promise<[string, bigint]> => [a, await w.token.balanceOf(a)]));
  const supply = await w.token.totalSupply();
  return {
    w,
    m,
    clock: BigInt(await time.latest()),
    actors,
    headers: new Map(),
    counter: 0,
    bondEvents: new Map(),
    penaltyEvents: new Map(),
    lastTip: 0n,
    seenRandomness: new Map(),
    proposedAt: new Map(),
    mix,
    stats,
    changed: false,
    holders,
    supply: supply - idle.reduce((x, [, b]) => x + b, 0n),
    idle,
  };
}

type Log = { topics: readonly string[]; data: string; address: string };
type Attempt = { ok: true; t: bigint; receipt: { blockNumber: number; logs: readonly Log[] } } | { ok: false; t: bigint; error: string };

/** Sends `send()` at the next second; returns whether it succeeded (and its receipt). */
async function attempt(ctx: Ctx, send: () => Promise<{ wait(): Promise<unknown> }>): Promise<Attempt> {
  const t = ctx.clock + 1n;
  await time.setNextBlockTimestamp(t);
  try {
    const tx = await send();
    const receipt = (await tx.wait()) as { blockNumber: number; logs: readonly Log[] };
    ctx.clock = t;
    ctx.changed = true;
    return { ok: true as const, t, receipt };
  } catch (e) {
    const msg = String((e as Error).message ?? e);
    if (!msg.includes("reverted")) throw e;
    // The in-process node may mine a reverted transaction too: its block took this second.
    ctx.clock = BigInt(await time.latest());
    return { ok: false as const, t, error: msg };
  }
}

/**
 * What the model expects: `true` success, `false` some revert, or the revert itself as the node
 * prints it (`Name(arg, ...)`, or just `Name(` to check the error but not its arguments).
 */
type Expected = boolean | string;

function expectOutcome(ctx: Ctx, action: Action | string, expected: Expected, got: Attempt) {
  const kind = typeof action === "string" ? action : action.kind;
  const row = ctx.mix.get(kind) ?? { ok: 0, reverted: 0, skipped: 0 };
  if (got.ok) row.ok++;
  else row.reverted++;
  ctx.mix.set(kind, row);
  const what = typeof action === "string" ? action : JSON.stringify(action);
  const wanted = expected === true ? "success" : expected === false ? "a revert" : `a revert with ${expected}`;
  const seen = got.ok ? "it succeeded" : got.error;
  expect(got.ok, `${what} at t=${got.t}: model expected ${wanted}; ${seen}`).to.equal(expected === true);
  if (typeof expected === "string" && !got.ok) {
    expect(got.error.includes(expected), `${what} at t=${got.t}: model expected ${wanted}; ${seen}`).to.equal(true);
  }
}

/** Counts a composite action (its transactions count under their own kinds): ran, or skipped. */
function composite(ctx: Ctx, kind: string, ran: boolean) {
  const row = ctx.mix.get(kind) ?? { ok: 0, reverted: 0, skipped: 0 };
  if (ran) row.ok++;
  else row.skipped++;
  ctx.mix.set(kind, row);
}

function parseLogs(ctx: Ctx, receipt: { logs: readonly Log[] }) {
  const out = [];
  for (const log of receipt.logs) {
    try {
      const parsed = ctx.w.rollup.interface.parseLog(log);
      if (parsed) out.push(parsed);
    } catch {
      // another contract's event (token, registry)
    }
  }
  return out;
}

/** Counts settlement events per height, and penalties taken or zero. */
function countSettlements(ctx: Ctx, receipt: { logs: readonly Log[] }) {
  for (const parsed of parseLogs(ctx, receipt)) {
    const h = parsed.args[0] as bigint;
    if (parsed.name === "BondReleased" || parsed.name === "ProverSlashed") {
      ctx.bondEvents.set(h, (ctx.bondEvents.get(h) ?? 0) + 1);
    }
    if (parsed.name === "ProposerPenalised") {
      ctx.penaltyEvents.set(h, (ctx.penaltyEvents.get(h) ?? 0) + 1);
      if ((parsed.args[4] as bigint) > 0n) ctx.stats.penaltiesTaken++;
      else ctx.stats.penaltiesZero++;
    }
    if (parsed.name === "RandomnessFixed") {
      if (parsed.args[3]) ctx.stats.carried++;
      else ctx.stats.snapshots++;
    }
  }
}

/** After a successful round call at `t`: the model takes the snapshot if one was due. */
async function roundCall(ctx: Ctx, r: Attempt & { ok: true }) {
  if (ctx.m.snapshotDue(r.t)) ctx.m.roundCall(r.t, await prevRandao(r.receipt.blockNumber));
}

function nextBlock(ctx: Ctx, h: bigint): { header: Header; data: string } {
  ctx.counter++;
  const data = toBeHex(BigInt(keccak256(toUtf8Bytes(`data ${ctx.counter}`))), 32);
  const header = buildHeader({
    height: h,
    parentArchive: ZeroHash, // replaced below
    archive: keccak256(toUtf8Bytes(`archive ${ctx.counter}`)),
    txHashes: [keccak256(toUtf8Bytes(`tx ${ctx.counter}`))],
    data: getBytes(data),
  });
  return { header, data };
}

/** Moves the clock so that the next transaction lands at `target` (no-op if that already passed). */
async function landNextAt(ctx: Ctx, target: bigint) {
  if (target - 1n > ctx.clock) {
    ctx.clock = target - 1n;
    await time.increaseTo(ctx.clock);
  }
}

async function backupStep(ctx: Ctx, a: Action, sender: HardhatEthersSigner): Promise<void> {
  const { w, m } = ctx;
  const rollup = w.rollup;
  const h = m.pending;
  const blk = nextBlock(ctx, h);
  blk.header.parentArchive = await rollup.archive();
  const proof = mockProof(publicInputsHash(w.chainId, await rollup.getAddress(), blk.header, sender.address));
  const t = ctx.clock + 1n;
  const [phase, reason] = m.phase(t);
  const faulty = m.faultyParty(reason);
  const rewardsBefore = faulty ? await rollup.rewardsOf(faulty) : 0n;
  const r = await attempt(ctx, () => rollup.connect(sender).submitBackupBlock(blk.header, blk.data, proof));
  expectOutcome(ctx, a, phase === Phase.Backup ? true : "Rollup__NotInBackup(", r);
  if (!r.ok) return;
  await roundCall(ctx, r);
  m.settle(reason, r.t);
  m.finalize(h, r.t, "backup", blockHash(blk.header));
  // The party whose miss opened backup earns nothing from the backup block: the reward stays pooled.
  if (sender.address !== faulty) m.payReward(sender.address, sender.address, 10_000n, sender.address);
  countSettlements(ctx, r.receipt);
  if (faulty) {
    if (sender.address === faulty) ctx.stats.backupByFaulty++;
    const accrued = parseLogs(ctx, r.receipt).filter((e) => e.name === "RewardsAccrued");
    for (const e of accrued) {
      const paid = [e.args[1] === faulty ? e.args[2] : 0n, e.args[3] === faulty ? e.args[4] : 0n, e.args[5] === faulty ? e.args[6] : 0n];
      expect(paid, `backup block ${h} (${BackupReason[reason]}) paid the faulty party ${faulty} a reward`).to.deep.equal([0n, 0n, 0n]);
    }
    expect(await rollup.rewardsOf(faulty), `faulty party ${faulty} earned from backup block ${h}`).to.equal(rewardsBefore);
  }
}

async function step(ctx: Ctx, a: Action): Promise<void> {
  const { w, m } = ctx;
  const rollup = w.rollup;
  const h = m.pending;
  const actor = "who" in a ? ctx.actors[a.who % ctx.actors.length] : ctx.actors[0];
  switch (a.kind) {
    case "round": {
      if (m.phase(ctx.clock + 1n)[0] !== Phase.Proposal) {
        composite(ctx, a.kind, false);
        return;
      }
      composite(ctx, a.kind, true);
      await step(ctx, { kind: "proposeBest" });
      await step(ctx, { kind: "toDeadline", which: 0, offset: -1 });
      await step(ctx, { kind: "commit", who: a.who, extra: 0 });
      await step(ctx, { kind: "reveal" });
      // The proof lands at the commitment deadline, the first second it may.
      await step(ctx, { kind: "toDeadline", which: 1, offset: -1 });
      await step(ctx, { kind: "prove", who: a.who });
      return;
    }
    case "wait": {
      ctx.clock += BigInt(a.seconds);
      await time.increaseTo(ctx.clock);
      return;
    }
    case "toDeadline": {
      const start = m.roundStart;
      const ends = [m.cfg.proposalDuration, m.cfg.commitmentDuration, m.cfg.revealDuration, m.cfg.provingDuration];
      let target = start;
      for (let i = 0; i <= a.which; i++) target += ends[i];
      await landNextAt(ctx, target + BigInt(a.offset) + 1n);
      return;
    }
    case "register": {
      const k = ctx.actors[a.who % 5];
      const s = m.registered(k.address);
      const r = await attempt(ctx, () => w.registry.connect(k).register(k.address, k.address));
      expectOutcome(ctx, a, s ? "Registry__AlreadyRegistered(" : true, r);
      if (r.ok) {
        m.sequencers.set(k.address, {
          stake: w.regCfg.stake,
          registeredAt: r.t,
          activeFrom: r.t + w.regCfg.entryDelay,
          exitInitiatedAt: 0n,
          ejected: false,
        });
      }
      return;
    }
    case "exit": {
      const k = ctx.actors[a.who % 5];
      const s = m.registered(k.address);
      const r = await attempt(ctx, () => w.registry.connect(k).initiateExit(k.address));
      expectOutcome(ctx, a, !s ? "Registry__NotRegistered(" : s.exitInitiatedAt !== 0n ? "Registry__AlreadyExiting(" : true, r);
      if (r.ok) s!.exitInitiatedAt = r.t;
      return;
    }
    case "withdraw": {
      const k = ctx.actors[a.who % 5];
      const s = m.registered(k.address);
      const t = ctx.clock + 1n;
      const r = await attempt(ctx, () => w.registry.connect(k).withdraw(k.address));
      expectOutcome(
        ctx,
        a,
        !s
          ? "Registry__NotRegistered("
          : s.exitInitiatedAt === 0n
            ? "Registry__ExitNotInitiated("
            : t < s.exitInitiatedAt + w.regCfg.exitDelay
              ? "Registry__ExitDelayNotPassed("
              : true,
        r,
      );
      if (r.ok) m.sequencers.delete(k.address);
      return;
    }
    case "propose":
    case "proposeBest": {
      const t = ctx.clock + 1n;
      let k = ctx.actors[a.kind === "propose" ? a.who % 5 : 0];
      if (a.kind === "proposeBest") {
        // The best-scored sequencer the model thinks eligible (or the first key if none is).
        let best = -1n;
        for (const c of ctx.actors.slice(0, 5)) {
          const sc = m.eligible(c.address, h, t) ? m.score(h, c.address, t) : -1n;
          if (sc > best) {
            best = sc;
            k = c;
          }
        }
      }
      const blk = nextBlock(ctx, h);
      blk.header.parentArchive = await rollup.archive();
      const b = m.block(h);
      const [phase] = m.phase(t);
      let expected: Expected = true;
      if (phase !== Phase.Proposal) {
        expected = `Rollup__WrongPhase(${h}, ${Phase.Proposal}, ${phase})`;
      } else {
        // In the proposal phase the pending height's seed is always known (its round is finalized).
        const knownAt = m.seedKnownAt(h, t);
        const why = m.eligibility(k.address, knownAt);
        if (why !== Eligibility.Eligible) {
          expected = `Rollup__NotEligible("${k.address}", ${h}, ${knownAt}, ${why})`;
        } else if (b.proposer && m.score(h, k.address, t) <= m.score(h, b.proposer, t)) {
          expected = `Rollup__ProposalNotBetter(${h}, ${m.score(h, k.address, t)}, ${m.score(h, b.proposer, t)})`;
        }
      }
      const r = await attempt(ctx, () => rollup.connect(k).propose(blk.header));
      expectOutcome(ctx, a, expected, r);
      if (r.ok) {
        b.proposer = k.address;
        b.proposedAt = r.t;
        b.blockHash = blockHash(blk.header);
        b.revealed = false;
        ctx.headers.set(`${h}`, blk);
        ctx.proposedAt.set(h, [...(ctx.proposedAt.get(h) ?? []), r.t]);
      }
      return;
    }
    case "commit": {
      const prover = ctx.actors[5 + (a.who % 3)];
      const b = m.block(h);
      const blk = ctx.headers.get(`${h}`);
      const proposer = ctx.actors.find((x) => x.address === b.proposer) ?? ctx.actors[0];
      const bond = w.cfg.minimumProverBond + BigInt(a.extra) * 100n * TOKEN;
      const quote = {
        height: h,
        blockHash: b.blockHash ?? ZeroHash,
        prover: prover.address,
        bond,
        proverRewardBps: 1_500n,
        validUntil: ctx.clock + 10_000n,
      };
      const sig = await signQuote(proposer, quoteDomain(w.chainId, await rollup.getAddress()), quote);
      const t = ctx.clock + 1n;
      const [phase] = m.phase(t);
      const expected: Expected =
        phase !== Phase.Commitment
          ? `Rollup__WrongPhase(${h}, ${Phase.Commitment}, ${phase})`
          : b.prover
            ? "Rollup__AlreadyCommitted("
            : m.free(prover.address) < bond
              ? "Rollup__InsufficientEscrow("
              : !!blk && !!b.proposer;
      const r = await attempt(ctx, () => rollup.connect(prover).commitProver(quote, sig));
      expectOutcome(ctx, a, expected, r);
      if (r.ok) {
        await roundCall(ctx, r);
        b.prover = prover.address;
        b.bond = bond;
        b.proverBps = 1_500n;
        m.escrow.get(prover.address)!.locked += bond;
      }
      return;
    }
    case "reveal": {
      const b = m.block(h);
      const blk = ctx.headers.get(`${h}`);
      const proposer = ctx.actors.find((x) => x.address === b.proposer) ?? ctx.actors[0];
      const t = ctx.clock + 1n;
      const [phase] = m.phase(t);
      const expected: Expected = !b.proposer
        ? "Rollup__NotProposer("
        : phase === Phase.Backup
          ? `Rollup__WrongPhase(${h}, ${Phase.Reveal}, ${Phase.Backup})`
          : b.revealed
            ? `Rollup__AlreadyRevealed(${h})`
            : true;
      const r = await attempt(ctx, () => rollup.connect(proposer).reveal(h, blk?.data ?? "0x"));
      expectOutcome(ctx, a, expected, r);
      if (r.ok) {
        await roundCall(ctx, r);
        b.revealed = true;
      }
      return;
    }
    case "prove": {
      const b = m.block(h);
      const blk = ctx.headers.get(`${h}`);
      if (!blk) {
        composite(ctx, a.kind, false); // nothing was ever proposed at this height: no header to prove
        return;
      }
      const t = ctx.clock + 1n;
      const proof = mockProof(publicInputsHash(w.chainId, await rollup.getAddress(), blk.header, b.prover ?? ethers.ZeroAddress));
      const [phase] = m.phase(t);
      const expected: Expected =
        b.blockHash !== blockHash(blk.header)
          ? "Rollup__BlockHashMismatch("
          : !b.prover
            ? `Rollup__NotCommitted(${h})`
            : !b.revealed
              ? `Rollup__NotRevealed(${h})`
              : phase !== Phase.Proving
                ? `Rollup__WrongPhase(${h}, ${Phase.Proving}, ${phase})`
                : true;
      const r = await attempt(ctx, () => rollup.connect(actor).submitProof(blk.header, proof));
      expectOutcome(ctx, a, expected, r);
      if (r.ok) {
        await roundCall(ctx, r);
        b.settled = true;
        b.settlements++;
        m.escrow.get(b.prover!)!.locked -= b.bond;
        m.finalize(h, r.t, "proven", b.blockHash!);
        // The submitter share goes to the committed prover, whoever sent the proof.
        m.payReward(b.prover!, b.prover!, b.proverBps, b.proposer!);
        countSettlements(ctx, r.receipt);
      }
      return;
    }
    case "backup":
      await backupStep(ctx, a, actor);
      return;
    case "backupFaulty": {
      const [, reason] = m.phase(ctx.clock + 1n);
      const faulty = m.faultyParty(reason) ?? m.block(h).proposer;
      await backupStep(ctx, a, ctx.actors.find((x) => x.address === faulty) ?? ctx.actors[0]);
      return;
    }
    case "slashProver":
    case "penalise":
    case "penaliseCommitment": {
      const t = ctx.clock + 1n;
      const target = h + BigInt(a.dh); // h >= 1, so never below 0
      const [, reason] = m.phase(t);
      const wanted =
        a.kind === "slashProver" ? BackupReason.NoProof : a.kind === "penalise" ? BackupReason.NoReveal : BackupReason.NoCommitment;
      const actual = target === h ? reason : BackupReason.None;
      const expected: Expected =
        actual !== wanted
          ? `Rollup__NoSlashableFault(${target}, ${actual})`
          : m.block(h).settled
            ? `Rollup__AlreadySettled(${target})`
            : true;
      const call = { slashProver: "slashProver", penalise: "penaliseMissedReveal", penaliseCommitment: "penaliseMissedCommitment" } as const;
      const r = await attempt(ctx, () => rollup.connect(actor)[call[a.kind]](target));
      expectOutcome(ctx, a, expected, r);
      if (r.ok) {
        await roundCall(ctx, r);
        m.settle(reason, r.t);
        countSettlements(ctx, r.receipt);
      }
      return;
    }
    case "pokeAt":
      await landNextAt(ctx, m.snapshotWindow()[0] + BigInt(a.offset));
    // falls through
    case "poke": {
      const t = ctx.clock + 1n;
      const [start, end] = m.snapshotWindow();
      const expected: Expected = m.snapshotDue(t)
        ? true
        : m.snapshotTaken
          ? `Rollup__NoSnapshotDue(${h}, 0, 0, ${t})`
          : `Rollup__NoSnapshotDue(${h}, ${start}, ${end}, ${t})`;
      const r = await attempt(ctx, () => rollup.connect(actor).poke());
      expectOutcome(ctx, a, expected, r);
      if (r.ok) {
        await roundCall(ctx, r);
        countSettlements(ctx, r.receipt);
      }
      return;
    }
    case "miss": {
      const [phase] = m.phase(ctx.clock + 1n);
      if (phase !== Phase.Proposal && phase !== Phase.NotStarted) {
        composite(ctx, a.kind, false);
        return;
      }
      composite(ctx, a.kind, true);
      await step(ctx, { kind: "proposeBest" });
      await step(ctx, { kind: "toDeadline", which: 0, offset: -1 });
      if (a.reason !== "NoCommitment") await step(ctx, { kind: "commit", who: 1, extra: 0 });
      if (a.reason === "NoProof") await step(ctx, { kind: "reveal" });
      // Land at the deadline the miss passes: the first second of backup.
      await step(ctx, { kind: "toDeadline", which: a.reason === "NoCommitment" ? 1 : a.reason === "NoReveal" ? 2 : 3, offset: -1 });
      if (a.then === "dodge") {
        await step(ctx, { kind: "dodge", then: "settle" });
      } else if (a.then === "settle") {
        const kind: SettleKind = a.reason === "NoCommitment" ? "penaliseCommitment" : a.reason === "NoReveal" ? "penalise" : "slashProver";
        await step(ctx, { kind, who: 4, dh: 0 });
      } else {
        await step(ctx, a.then === "backup" ? { kind: "backup", who: 4 } : { kind: "backupFaulty" });
      }
      return;
    }
    case "dodge": {
      const b = m.block(h);
      const idx = ctx.actors.findIndex((x) => x.address === b.proposer);
      if (idx < 0 || idx >= 5) {
        composite(ctx, a.kind, false);
        return;
      }
      composite(ctx, a.kind, true);
      const key = ctx.actors[idx];
      const s = m.registered(key.address);
      if (s && s.exitInitiatedAt === 0n) await step(ctx, { kind: "exit", who: idx });
      const exiting = m.registered(key.address);
      if (exiting) {
        await landNextAt(ctx, exiting.exitInitiatedAt + w.regCfg.exitDelay);
        await step(ctx, { kind: "withdraw", who: idx });
      }
      await step(ctx, { kind: "register", who: idx });
      const fresh = m.registered(key.address);
      const [phase, reason] = m.phase(ctx.clock + 1n);
      const pendingFault =
        phase === Phase.Backup && (reason === BackupReason.NoCommitment || reason === BackupReason.NoReveal) && !b.settled;
      if (pendingFault) ctx.stats.reRegisteredWhileFaultPending++;
      if (a.then === "settle") {
        const kind: SettleKind =
          reason === BackupReason.NoCommitment ? "penaliseCommitment" : reason === BackupReason.NoProof ? "slashProver" : "penalise";
        await step(ctx, { kind, who: 7, dh: 0 });
      } else if (a.then !== "none") {
        await step(ctx, a.then === "backup" ? { kind: "backup", who: 7 } : { kind: "backupFaulty" });
      }
      // The penalty for the old registration's miss never reaches the key's new registration.
      if (pendingFault && fresh && fresh.registeredAt > b.proposedAt) {
        const info = await w.registry.getSequencer(key.address);
        if (info.registeredAt === fresh.registeredAt) {
          expect(info.stake, `re-registered ${key.address} lost stake for the miss of its previous registration at ${h}`).to.equal(
            w.regCfg.stake,
          );
        }
      }
      return;
    }
    case "claim": {
      const owed = m.rewards.get(actor.address) ?? 0n;
      const r = await attempt(ctx, () => rollup.connect(actor).claimRewards(actor.address));
      expectOutcome(ctx, a, owed > 0n ? true : "Rollup__NothingToClaim(", r);
      if (r.ok) m.rewards.set(actor.address, 0n);
      return;
    }
    case "deposit": {
      const prover = ctx.actors[5 + (a.who % 3)];
      const amount = BigInt(a.amount) * TOKEN;
      const r = await attempt(ctx, () => rollup.connect(prover).deposit(amount));
      expectOutcome(ctx, a, amount > 0n ? true : "Rollup__ZeroAmount(", r);
      if (r.ok) m.escrow.get(prover.address)!.total += amount;
      return;
    }
    case "withdrawEscrow": {
      const prover = ctx.actors[5 + (a.who % 3)];
      const amount = (BigInt(a.amount) * DEPOSIT) / 10n;
      const r = await attempt(ctx, () => rollup.connect(prover).withdrawEscrow(amount));
      expectOutcome(ctx, a, amount === 0n ? "Rollup__ZeroAmount(" : m.free(prover.address) < amount ? "Rollup__InsufficientEscrow(" : true, r);
      if (r.ok) m.escrow.get(prover.address)!.total -= amount;
      return;
    }
  }
}

/**
 * Checks every invariant against the contracts. Views that depend on time (phase, randomness, seeds)
 * are compared after every step. State only a successful transaction can change (balances, blocks,
 * escrow, rewards, registry) is compared after every step that mined one, for the heights it can
 * touch; `full` (every few steps and at the end of each sequence) compares all heights and holders.
 */
async function checkInvariants(ctx: Ctx, full: boolean): Promise<void> {
  const { w, m } = ctx;
  const rollup = w.rollup;
  const now = BigInt(await time.latest());
  const tip = await rollup.tip();
  expect(tip >= ctx.lastTip, "tip never goes back").to.equal(true);
  expect(tip, "tip").to.equal(m.tip);
  ctx.lastTip = tip;

  // Randomness: every round's equals the model's, and never changes once readable.
  const rounds = [...Array(Number(tip) + 3).keys()].map(BigInt);
  const randomness = await Promise.all(rounds.map((r) => rollup.randomnessOf(r)));
  for (const round of rounds) {
    const [value, knownAt] = randomness[Number(round)];
    const modelled = m.randomnessOf(round, now) ?? { value: ZeroHash, knownAt: 0n };
    expect({ value, knownAt }, `randomness of round ${round} at t=${now}`).to.deep.equal(modelled);
    const seen = ctx.seenRandomness.get(round);
    if (seen) {
      expect({ value, knownAt }, `randomness of round ${round} changed after it was first readable`).to.deep.equal(seen);
    } else if (knownAt !== 0n) {
      ctx.seenRandomness.set(round, { value, knownAt });
    }
  }
  // Seeds: the pending height's and the next `lookahead` heights' (whose rounds may be pending).
  const seedHeights = [...Array(Number(m.cfg.lookahead) + 1).keys()].map((i) => m.pending + BigInt(i));
  const knownAts = await Promise.all(seedHeights.map((h) => rollup.seedKnownAt(h)));
  for (const [i, h] of seedHeights.entries()) {
    expect(knownAts[i], `seedKnownAt(${h}) at t=${now}`).to.equal(m.seedKnownAt(h, now));
    const seed = m.seed(h, now);
    if (seed) expect(await rollup.seed(h), `seed(${h})`).to.equal(seed);
    else await expect(rollup.seed(h), `seed(${h}) while unknown`).to.be.revertedWithCustomError(rollup, "Rollup__SeedUnknown").withArgs(h);
  }
  // The phase the contract reports equals the model's.
  const s = await rollup.getHeightState(m.pending);
  const [phase, reason] = m.phase(now);
  expect([Number(s.phase), Number(s.backupReason)], `phase of ${m.pending} at t=${now}`).to.deep.equal([phase, reason]);
  expect(s.seedKnownAt, `getHeightState(${m.pending}).seedKnownAt`).to.equal(m.seedKnownAt(m.pending, now));

  if (!ctx.changed && !full) return; // reverted transactions and time jumps change no state
  ctx.changed = false;

  // Tokens conserved: every holder accounted for, and each contract holds exactly what it owes.
  const rollupAddr = await rollup.getAddress();
  const registryAddr = await w.registry.getAddress();
  const [rollupBalance, registryBalance, burned, pool, ...balances] = await Promise.all([
    w.token.balanceOf(rollupAddr),
    w.token.balanceOf(registryAddr),
    rollup.totalBurned(),
    rollup.rewardPool(),
    ...ctx.holders.map((a) => w.token.balanceOf(a)),
  ]);
  const sum = balances.reduce((x, y) => x + y, rollupBalance + registryBalance);
  expect(sum, "token supply conserved").to.equal(ctx.supply);
  expect(rollupBalance, "rollup holds escrow + rewards + pool").to.equal(m.rollupHoldings());
  expect(registryBalance, "registry holds the stakes").to.equal(m.registryHoldings());
  expect(burned, "total burned").to.equal(m.burned);
  expect(pool, "reward pool").to.equal(m.pool);
  if (full) {
    // Accounts no action uses never gain or lose a token.
    const idle = await Promise.all(ctx.idle.map(([a]) => w.token.balanceOf(a)));
    expect(idle, "balances of accounts no action uses").to.deep.equal(ctx.idle.map(([, b]) => b));
  }

  // One canonical block per height; each bond settled and each winner penalised at most once. A
  // transaction can only touch the tip it finalizes and the pending height.
  const first = full || tip < 2n ? 1n : tip - 1n;
  const heights = [];
  for (let h = first; h <= tip + 1n; h++) heights.push(h);
  const records = await Promise.all(heights.map((h) => rollup.getBlock(h)));
  for (const [i, h] of heights.entries()) {
    const r = records[i];
    const mb = m.block(h);
    expect(Number(r.finalization), `finalization of ${h}`).to.equal(mb.finalization === "none" ? 0 : mb.finalization === "proven" ? 1 : 2);
    if (h <= tip) expect(r.canonicalBlockHash, `canonical block of ${h}`).to.equal(mb.canonicalBlockHash);
    expect(r.settled, `settled flag of ${h}`).to.equal(mb.settled);
    expect(mb.settlements <= 1 && (ctx.bondEvents.get(h) ?? 0) <= 1, `bond of ${h} settled at most once`).to.equal(true);
    expect(ctx.penaltyEvents.get(h) ?? 0, `winner of ${h} penalised at most once`).to.be.at.most(1);
  }
  // No proposal was accepted before its seed was knowable.
  for (const [h, times] of ctx.proposedAt) {
    if (!full && h < tip) continue;
    const knownAt = await rollup.seedKnownAt(h);
    for (const t of times) expect(knownAt > 0n && knownAt <= t, `proposal for ${h} at ${t}, seed known at ${knownAt}`).to.equal(true);
  }
  // Escrow, rewards and registry agree with the model.
  const escrows = [...m.escrow.entries()];
  const sequencers = ctx.actors.slice(0, 5);
  const [escrowRows, rewardRows, infos] = await Promise.all([
    Promise.all(escrows.map(([p]) => rollup.escrowOf(p))),
    Promise.all(ctx.actors.map((a) => rollup.rewardsOf(a.address))),
    Promise.all(sequencers.map((k) => w.registry.getSequencer(k.address))),
  ]);
  for (const [i, [p, e]] of escrows.entries()) {
    expect(escrowRows[i], `escrow of ${p}`).to.deep.equal([e.total, e.locked]);
  }
  for (const [i, a] of ctx.actors.entries()) {
    expect(rewardRows[i], `rewards of ${a.address}`).to.equal(m.rewards.get(a.address) ?? 0n);
  }
  for (const [i, k] of sequencers.entries()) {
    const info = infos[i];
    const ms = m.sequencers.get(k.address);
    expect(info.stake, `stake of ${k.address}`).to.equal(ms?.stake ?? 0n);
    expect(info.registeredAt, `registeredAt of ${k.address}`).to.equal(ms?.registeredAt ?? 0n);
    expect(info.exitInitiatedAt, `exitInitiatedAt of ${k.address}`).to.equal(ms?.exitInitiatedAt ?? 0n);
    expect(info.ejectedAt !== 0n, `ejected flag of ${k.address}`).to.equal(ms?.ejected ?? false);
  }
}

function mixTable(mix: Mix): string {
  const rows = [...mix.entries()].sort((x, y) => y[1].ok + y[1].reverted - (x[1].ok + x[1].reverted));
  return rows.map(([k, v]) => `        ${k.padEnd(20)} ok ${String(v.ok).padStart(7)}  reverted ${String(v.reverted).padStart(7)}${v.skipped ? `  skipped ${v.skipped}` : ""}`).join("\n");
}

describe("Protocol properties (model-based)", () => {
  it(`agrees with the reference model and keeps every invariant over ${RUNS} random sequences`, async function () {
    // Its own limit, from the run's size: the global mocha timeout is far too short for large runs.
    this.timeout(Math.max(600_000, RUNS * MAX_STEPS * MS_PER_STEP));
    const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : Date.now() % 2 ** 31;
    const started = Date.now();
    let steps = 0;
    const timing = { step: 0, check: 0 };
    let sequences = 0;
    let failing = false;
    const mix: Mix = new Map();
    const stats: Stats = {
      proven: 0,
      backup: 0,
      backupByFaulty: 0,
      snapshots: 0,
      carried: 0,
      penaltiesTaken: 0,
      penaltiesZero: 0,
      reRegisteredWhileFaultPending: 0,
    };
    process.stderr.write(`      property run: seed ${seed}, ${RUNS} sequences of ${MIN_STEPS}-${MAX_STEPS} steps\n`);
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: MIN_STEPS, maxLength: MAX_STEPS }), async (actions) => {
        const ctx = await newCtx(mix, stats);
        try {
          for (const [i, a] of actions.entries()) {
            if (process.env.PROPERTY_DEBUG) console.log(ctx.clock, BigInt(await time.latest()), JSON.stringify(a));
            const t0 = Date.now();
            await step(ctx, a);
            const t1 = Date.now();
            await checkInvariants(ctx, i % FULL_CHECK_EVERY === FULL_CHECK_EVERY - 1 || i === actions.length - 1);
            timing.step += t1 - t0;
            timing.check += Date.now() - t1;
            steps++;
          }
        } catch (e) {
          if (!failing) process.stderr.write(`      property run: a sequence failed after ${sequences} passed; shrinking (seed ${seed})\n`);
          failing = true;
          throw e;
        }
        for (const b of ctx.m.blocks.values()) {
          if (b.finalization === "proven") stats.proven++;
          if (b.finalization === "backup") stats.backup++;
        }
        if (failing) return;
        sequences++;
        if (sequences % PROGRESS_EVERY === 0 || sequences === RUNS) {
          const elapsed = (Date.now() - started) / 1000;
          const eta = (elapsed / sequences) * (RUNS - sequences);
          process.stderr.write(
            `      property run: ${sequences}/${RUNS} sequences, ${steps} steps, ${elapsed.toFixed(0)} s elapsed, ETA ${eta.toFixed(0)} s\n`,
          );
        }
      }),
      {
        numRuns: RUNS,
        seed,
        path: process.env.PROPERTY_PATH,
        endOnFailure: !!process.env.PROPERTY_PATH,
        reporter: (out) => {
          if (out.failed) {
            throw new Error(
              `Property failed. Replay with PROPERTY_SEED=${out.seed} PROPERTY_PATH=${out.counterexamplePath}\n` +
                `${fc.defaultReportMessage(out)}`,
            );
          }
        },
      },
    );
    const elapsed = (Date.now() - started) / 1000;
    console.log(
      `      property run: seed ${seed}, ${RUNS} sequences, ${steps} steps in ${elapsed.toFixed(0)} s ` +
        `(${(timing.step / 1000).toFixed(0)} s actions, ${(timing.check / 1000).toFixed(0)} s invariant reads); ` +
        `${stats.proven} proven and ${stats.backup} backup blocks (${stats.backupByFaulty} sent by the faulty party); ` +
        `randomness ${stats.snapshots} snapshots, ${stats.carried} carried; winner penalties ${stats.penaltiesTaken} taken, ` +
        `${stats.penaltiesZero} zero; ${stats.reRegisteredWhileFaultPending} keys re-registered while their fault was pending\n` +
        `      action mix (transactions per kind; for the composite round, miss and dodge: ok = ran):\n${mixTable(mix)}`,
    );
    expect(steps).to.be.at.least(RUNS * MIN_STEPS);
  });
});
