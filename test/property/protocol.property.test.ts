/**
 * Model-based property suite: random sequences of registrations, exits, withdrawals, proposals,
 * quotes and commitments, reveals, proofs, slashes, backup blocks, reward claims, escrow moves and
 * time jumps, run against the contracts and against the reference model (./model.ts). After every
 * step: same outcome (success or revert) as the model, same phase, tokens conserved, one canonical
 * block per height, the tip never goes back, each bond settled at most once, registry state equal.
 *
 * Default: 100 sequences of 30-45 steps. Larger: PROPERTY_RUNS=1000 PROPERTY_STEPS=120 npm test.
 * Replay a failure: PROPERTY_SEED=<seed printed on failure> (and PROPERTY_PATH=<path> to skip shrinking).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { getBytes, keccak256, toBeHex, toUtf8Bytes, ZeroHash } from "ethers";
import { blockHash, buildHeader, mockProof, publicInputsHash, type Header } from "../../sdk/src/hashing";
import { quoteDomain, signQuote } from "../../sdk/src/eip712";
import { BackupReason, deployWorld, GENESIS_SEED, Phase, prevRandao, type World } from "../helpers/rollup";
import { Model } from "./model";
import { TOKEN, load } from "../helpers/fixtures";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const MIN_STEPS = 30;
const MAX_STEPS = Number(process.env.PROPERTY_STEPS ?? 45);
const BURN = "0x000000000000000000000000000000000000dEaD";
const POOL = 50n * TOKEN; // small, so the pool runs dry inside a sequence
const DEPOSIT = 250n * TOKEN;

type Action =
  | { kind: "register" | "exit" | "withdraw"; who: number }
  | { kind: "propose"; who: number }
  | { kind: "proposeBest" }
  /** A whole happy round from wherever the round is: best proposal, commitment, reveal, proof. */
  | { kind: "round"; who: number }
  | { kind: "commit"; who: number; extra: number }
  | { kind: "reveal" }
  | { kind: "prove" | "backup" | "slashProver" | "penalise" | "claim"; who: number }
  | { kind: "deposit" | "withdrawEscrow"; who: number; amount: number }
  | { kind: "wait"; seconds: number }
  /** Jump so that the next transaction lands at deadline `which` + offset + 1 (-1: last second inside). */
  | { kind: "toDeadline"; which: number; offset: number };

const who = fc.nat({ max: 7 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom<"register" | "exit" | "withdraw">("register", "exit", "withdraw"), who }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("propose" as const), who }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("proposeBest" as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("round" as const), who }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("commit" as const), who, extra: fc.nat({ max: 3 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("reveal" as const) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("prove" as const), who }), weight: 4 },
  {
    arbitrary: fc.record({ kind: fc.constantFrom<"backup" | "slashProver" | "penalise" | "claim">("backup", "slashProver", "penalise", "claim"), who }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constantFrom<"deposit" | "withdrawEscrow">("deposit", "withdrawEscrow"), who, amount: fc.nat({ max: 300 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.constantFrom(1, 3, 7, 12, 25, 60, 130) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("toDeadline" as const), which: fc.nat({ max: 3 }), offset: fc.constantFrom(-2, -1) }), weight: 2 },
);

interface Ctx {
  w: World;
  m: Model;
  clock: bigint;
  actors: HardhatEthersSigner[]; // sequencer keys 0..4, provers 5..7
  headers: Map<string, { header: Header; data: string }>;
  counter: number;
  settledEvents: Map<bigint, number>;
  lastTip: bigint;
}

async function fixture() {
  const w = await deployWorld({ rewardPool: POOL, sequencerCount: 4 });
  const signers = await ethers.getSigners();
  const fifth = signers[5];
  await w.token.connect(fifth).approve(await w.registry.getAddress(), ethers.MaxUint256);
  const deployBlock = await ethers.provider.getBlock((await w.rollup.deploymentTransaction())!.blockNumber!);
  // Start one second before genesis, so the first action lands in the first proposal second.
  await time.increaseTo((await w.rollup.genesisTime()) - 1n);
  return { w, fifth, deployedAt: BigInt(deployBlock!.timestamp) };
}

async function newCtx(): Promise<Ctx> {
  const { w, fifth, deployedAt } = await load(fixture);
  const m = new Model(w.regCfg, w.cfg, deployedAt, GENESIS_SEED, POOL);
  for (const s of w.sequencers) {
    const info = await w.registry.getSequencer(s.address);
    m.sequencers.set(s.address, { stake: info.stake, activeFrom: info.activeFrom, exitInitiatedAt: 0n, ejected: false });
  }
  for (const p of w.provers) {
    m.escrow.set(p.address, { total: 10_000n * TOKEN, locked: 0n });
  }
  const actors = [...w.sequencers, fifth, ...w.provers];
  return { w, m, clock: BigInt(await time.latest()), actors, headers: new Map(), counter: 0, settledEvents: new Map(), lastTip: 0n };
}

/** Sends `send()` at the next second; returns whether it succeeded (and its receipt). */
async function attempt(ctx: Ctx, send: () => Promise<{ wait(): Promise<unknown> }>) {
  const t = ctx.clock + 1n;
  await time.setNextBlockTimestamp(t);
  try {
    const tx = await send();
    const receipt = (await tx.wait()) as { blockNumber: number; logs: ReadonlyArray<{ topics: readonly string[]; data: string; address: string }> };
    ctx.clock = t;
    return { ok: true as const, t, receipt };
  } catch (e) {
    const msg = String((e as Error).message ?? e);
    if (!msg.includes("reverted")) throw e;
    // The in-process node mines a reverted transaction too: its block took this second.
    ctx.clock = BigInt(await time.latest());
    return { ok: false as const, t, error: msg };
  }
}

function expectOutcome(action: Action, expected: boolean, got: { ok: boolean; error?: string }) {
  expect(got.ok, `${JSON.stringify(action)}: model expected ${expected ? "success" : "a revert"}; ${got.error ?? "it succeeded"}`).to.equal(expected);
}

function countSettlements(ctx: Ctx, receipt: { logs: ReadonlyArray<{ topics: readonly string[]; data: string; address: string }> }) {
  for (const log of receipt.logs) {
    const parsed = (() => {
      try {
        return ctx.w.rollup.interface.parseLog(log);
      } catch {
        return null;
      }
    })();
    if (parsed && (parsed.name === "BondReleased" || parsed.name === "ProverSlashed")) {
      const h = parsed.args[0] as bigint;
      ctx.settledEvents.set(h, (ctx.settledEvents.get(h) ?? 0) + 1);
    }
  }
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

async function step(ctx: Ctx, a: Action): Promise<void> {
  const { w, m } = ctx;
  const rollup = w.rollup;
  const h = m.pending;
  const actor = "who" in a ? ctx.actors[a.who % ctx.actors.length] : ctx.actors[0];
  switch (a.kind) {
    case "round": {
      if (m.phase(ctx.clock + 1n)[0] !== Phase.Proposal) {
        return;
      }
      await step(ctx, { kind: "proposeBest" });
      await step(ctx, { kind: "toDeadline", which: 0, offset: -1 });
      await step(ctx, { kind: "commit", who: a.who, extra: 0 });
      await step(ctx, { kind: "reveal" });
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
      target += BigInt(a.offset);
      if (target > ctx.clock) {
        ctx.clock = target;
        await time.increaseTo(target);
      }
      return;
    }
    case "register": {
      const k = ctx.actors[a.who % 5];
      const expected = !m.registered(k.address);
      const r = await attempt(ctx, () => w.registry.connect(k).register(k.address, k.address));
      expectOutcome(a, expected, r);
      if (r.ok) m.sequencers.set(k.address, { stake: w.regCfg.stake, activeFrom: r.t + w.regCfg.entryDelay, exitInitiatedAt: 0n, ejected: false });
      return;
    }
    case "exit": {
      const k = ctx.actors[a.who % 5];
      const s = m.registered(k.address);
      const r = await attempt(ctx, () => w.registry.connect(k).initiateExit(k.address));
      expectOutcome(a, !!s && s.exitInitiatedAt === 0n, r);
      if (r.ok) s!.exitInitiatedAt = r.t;
      return;
    }
    case "withdraw": {
      const k = ctx.actors[a.who % 5];
      const s = m.registered(k.address);
      const t = ctx.clock + 1n;
      const r = await attempt(ctx, () => w.registry.connect(k).withdraw(k.address));
      expectOutcome(a, !!s && s.exitInitiatedAt !== 0n && t >= s.exitInitiatedAt + w.regCfg.exitDelay, r);
      if (r.ok) m.sequencers.delete(k.address);
      return;
    }
    case "propose":
    case "proposeBest": {
      let k = ctx.actors[a.kind === "propose" ? a.who % 5 : 0];
      if (a.kind === "proposeBest") {
        // The best-scored sequencer the model thinks eligible (or the first key if none is).
        let best = -1n;
        for (const c of ctx.actors.slice(0, 5)) {
          const sc = m.eligible(c.address, h) ? m.score(h, c.address) : -1n;
          if (sc > best) {
            best = sc;
            k = c;
          }
        }
      }
      const blk = nextBlock(ctx, h);
      blk.header.parentArchive = await rollup.archive();
      const t = ctx.clock + 1n;
      const b = m.block(h);
      const expected =
        m.phase(t)[0] === Phase.Proposal && m.eligible(k.address, h) && (!b.proposer || m.score(h, k.address) > m.score(h, b.proposer));
      const r = await attempt(ctx, () => rollup.connect(k).propose(blk.header));
      expectOutcome(a, expected, r);
      if (r.ok) {
        b.proposer = k.address;
        b.blockHash = blockHash(blk.header);
        b.revealed = false;
        ctx.headers.set(`${h}`, blk);
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
      const expected = !!blk && !!b.proposer && m.phase(t)[0] === Phase.Commitment && !b.prover && m.free(prover.address) >= bond;
      const r = await attempt(ctx, () => rollup.connect(prover).commitProver(quote, sig));
      expectOutcome(a, expected, r);
      if (r.ok) {
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
      const expected = !!b.proposer && m.phase(t)[0] !== Phase.Backup && !b.revealed;
      const r = await attempt(ctx, () => rollup.connect(proposer).reveal(h, blk?.data ?? "0x"));
      expectOutcome(a, expected, r);
      if (r.ok) b.revealed = true;
      return;
    }
    case "prove": {
      const b = m.block(h);
      const blk = ctx.headers.get(`${h}`);
      if (!blk) return; // nothing was ever proposed at this height: no header to prove
      const t = ctx.clock + 1n;
      const proof = mockProof(publicInputsHash(w.chainId, await rollup.getAddress(), blk.header, b.prover ?? ethers.ZeroAddress));
      const expected = !!b.prover && b.revealed && m.phase(t)[0] !== Phase.Backup && b.blockHash === blockHash(blk.header);
      const r = await attempt(ctx, () => rollup.connect(actor).submitProof(blk.header, proof));
      expectOutcome(a, expected, r);
      if (r.ok) {
        b.settled = true;
        b.settlements++;
        m.escrow.get(b.prover!)!.locked -= b.bond;
        m.finalize(h, r.t, await prevRandao(r.receipt.blockNumber), "proven", b.blockHash!);
        m.payReward(actor.address, b.prover!, b.proverBps, b.proposer!);
        countSettlements(ctx, r.receipt);
      }
      return;
    }
    case "backup": {
      const blk = nextBlock(ctx, h);
      blk.header.parentArchive = await rollup.archive();
      const proof = mockProof(publicInputsHash(w.chainId, await rollup.getAddress(), blk.header, actor.address));
      const t = ctx.clock + 1n;
      const [phase, reason] = m.phase(t);
      const r = await attempt(ctx, () => rollup.connect(actor).submitBackupBlock(blk.header, blk.data, proof));
      expectOutcome(a, phase === Phase.Backup, r);
      if (r.ok) {
        m.settle(reason, r.t);
        m.finalize(h, r.t, await prevRandao(r.receipt.blockNumber), "backup", blockHash(blk.header));
        m.payReward(actor.address, actor.address, 10_000n, actor.address);
        countSettlements(ctx, r.receipt);
      }
      return;
    }
    case "slashProver":
    case "penalise": {
      const t = ctx.clock + 1n;
      const [, reason] = m.phase(t);
      const wanted = a.kind === "slashProver" ? BackupReason.NoProof : BackupReason.NoReveal;
      const expected = reason === wanted && !m.block(h).settled;
      const r = await attempt(ctx, () =>
        a.kind === "slashProver" ? rollup.connect(actor).slashProver(h) : rollup.connect(actor).penaliseMissedReveal(h),
      );
      expectOutcome(a, expected, r);
      if (r.ok) {
        m.settle(reason, r.t);
        countSettlements(ctx, r.receipt);
      }
      return;
    }
    case "claim": {
      const owed = m.rewards.get(actor.address) ?? 0n;
      const r = await attempt(ctx, () => rollup.connect(actor).claimRewards(actor.address));
      expectOutcome(a, owed > 0n, r);
      if (r.ok) m.rewards.set(actor.address, 0n);
      return;
    }
    case "deposit": {
      const prover = ctx.actors[5 + (a.who % 3)];
      const amount = BigInt(a.amount) * TOKEN;
      const r = await attempt(ctx, () => rollup.connect(prover).deposit(amount));
      expectOutcome(a, amount > 0n, r);
      if (r.ok) m.escrow.get(prover.address)!.total += amount;
      return;
    }
    case "withdrawEscrow": {
      const prover = ctx.actors[5 + (a.who % 3)];
      const amount = BigInt(a.amount) * DEPOSIT / 10n;
      const r = await attempt(ctx, () => rollup.connect(prover).withdrawEscrow(amount));
      expectOutcome(a, amount > 0n && m.free(prover.address) >= amount, r);
      if (r.ok) m.escrow.get(prover.address)!.total -= amount;
      return;
    }
  }
}

async function checkInvariants(ctx: Ctx): Promise<void> {
  const { w, m } = ctx;
  const rollupAddr = await w.rollup.getAddress();
  const registryAddr = await w.registry.getAddress();
  // Tokens conserved: every holder accounted for, and each contract holds exactly what it owes.
  const holders = [...new Set([...(await ethers.getSigners()).map((s) => s.address), rollupAddr, registryAddr, BURN])];
  let sum = 0n;
  for (const a of holders) sum += await w.token.balanceOf(a);
  expect(sum, "token supply conserved").to.equal(await w.token.totalSupply());
  expect(await w.token.balanceOf(rollupAddr), "rollup holds escrow + rewards + pool").to.equal(m.rollupHoldings());
  expect(await w.token.balanceOf(registryAddr), "registry holds the stakes").to.equal(m.registryHoldings());
  expect(await w.rollup.totalBurned()).to.equal(m.burned);
  expect(await w.rollup.rewardPool()).to.equal(m.pool);
  // The tip never goes back; one canonical block per height.
  const tip = await w.rollup.tip();
  expect(tip >= ctx.lastTip, "tip never goes back").to.equal(true);
  expect(tip).to.equal(m.tip);
  ctx.lastTip = tip;
  for (let h = 1n; h <= tip + 1n; h++) {
    const r = await w.rollup.getBlock(h);
    const mb = m.block(h);
    expect(Number(r.finalization), `finalization of ${h}`).to.equal(mb.finalization === "none" ? 0 : mb.finalization === "proven" ? 1 : 2);
    if (h <= tip) expect(r.canonicalBlockHash).to.equal(mb.canonicalBlockHash);
    expect(r.settled, `settled flag of ${h}`).to.equal(mb.settled);
    expect(mb.settlements <= 1 && (ctx.settledEvents.get(h) ?? 0) <= 1, `bond of ${h} settled at most once`).to.equal(true);
  }
  // The phase the contract reports equals the model's.
  const s = await w.rollup.getHeightState(m.pending);
  const [phase, reason] = m.phase(BigInt(await time.latest()));
  expect([Number(s.phase), Number(s.backupReason)], "phase").to.deep.equal([phase, reason]);
  // Escrow and registry agree with the model.
  for (const [p, e] of m.escrow) {
    expect(await w.rollup.escrowOf(p)).to.deep.equal([e.total, e.locked]);
  }
  for (const k of ctx.actors.slice(0, 5)) {
    const info = await w.registry.getSequencer(k.address);
    const ms = m.sequencers.get(k.address);
    expect(info.stake).to.equal(ms?.stake ?? 0n);
    expect(info.exitInitiatedAt).to.equal(ms?.exitInitiatedAt ?? 0n);
  }
}

describe("Protocol properties (model-based)", () => {
  it(`agrees with the reference model and keeps every invariant over ${RUNS} random sequences`, async () => {
    const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : Date.now() % 2 ** 31;
    let steps = 0;
    const stats = { proven: 0, backup: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: MIN_STEPS, maxLength: Math.max(MIN_STEPS, MAX_STEPS) }), async (actions) => {
        const ctx = await newCtx();
        for (const a of actions) {
          if (process.env.PROPERTY_DEBUG) console.log(ctx.clock, BigInt(await time.latest()), JSON.stringify(a));
          await step(ctx, a);
          await checkInvariants(ctx);
          steps++;
        }
        for (const b of ctx.m.blocks.values()) {
          if (b.finalization === "proven") stats.proven++;
          if (b.finalization === "backup") stats.backup++;
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
    console.log(`      property run: seed ${seed}, ${RUNS} sequences, ${steps} steps, ${stats.proven} proven and ${stats.backup} backup blocks`);
    expect(steps).to.be.at.least(RUNS * MIN_STEPS);
  });
});
