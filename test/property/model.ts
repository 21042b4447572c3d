/**
 * A small reference model of the registry and the rollup, written from DESIGN.md and the protocol
 * rules rather than from the contracts: the property suite drives both with the same random actions
 * and compares them.
 *
 * The model never reads contract state. What it can't predict is the L1 environment: the RANDAO
 * (`prevrandao`) of the block a transaction landed in, which the suite passes in after the fact.
 */
import { randomnessValue, scoreOf, seedOf } from "../../sdk/src/hashing";
import type { RegistryConfig, RollupConfig } from "../../sdk/src/config";
import { BackupReason, Eligibility, Phase } from "../helpers/rollup";

const BPS = 10_000n;
/** One L1 slot, in seconds: the width of a round's randomness snapshot window. */
export const SLOT = 12n;

export interface ModelSequencer {
  stake: bigint;
  registeredAt: bigint;
  activeFrom: bigint;
  exitInitiatedAt: bigint; // 0 = none
  ejected: boolean;
}

export interface ModelBlock {
  proposer?: string;
  proposedAt: bigint;
  blockHash?: string;
  prover?: string;
  bond: bigint;
  proverBps: bigint;
  revealed: boolean;
  settled: boolean;
  settlements: number;
  finalizedAt: bigint;
  finalization: "none" | "proven" | "backup";
  canonicalBlockHash?: string;
}

/** A round's randomness: the value seeding height `round + lookahead`, and when it became knowable. */
export interface Randomness {
  value: string;
  knownAt: bigint;
}

export class Model {
  tip = 0n;
  roundStart: bigint;
  /** Fixed randomness per round (0 = genesis). Written once. */
  randomness = new Map<bigint, Randomness>();
  /** Whether the pending round's snapshot was taken. */
  snapshotTaken = false;
  blocks = new Map<bigint, ModelBlock>();
  sequencers = new Map<string, ModelSequencer>();
  escrow = new Map<string, { total: bigint; locked: bigint }>();
  rewards = new Map<string, bigint>();
  pool: bigint;
  burned = 0n;

  /**
   * @param genesis The genesis randomness (the salt mixed with the deployment block's RANDAO, chain
   *        id and rollup address), computed by the caller with the SDK's `genesisRandomness`.
   */
  constructor(
    readonly reg: RegistryConfig,
    readonly cfg: RollupConfig,
    readonly deployedAt: bigint,
    genesis: string,
    pool: bigint,
  ) {
    this.roundStart = deployedAt + cfg.genesisDelay;
    this.pool = pool;
    // Knowable one slot before the deployment block (by the proposer of the slot before it).
    this.randomness.set(0n, { value: genesis, knownAt: deployedAt - SLOT });
  }

  block(h: bigint): ModelBlock {
    let b = this.blocks.get(h);
    if (!b) {
      b = {
        proposedAt: 0n,
        bond: 0n,
        proverBps: 0n,
        revealed: false,
        settled: false,
        settlements: 0,
        finalizedAt: 0n,
        finalization: "none",
      };
      this.blocks.set(h, b);
    }
    return b;
  }

  get pending(): bigint {
    return this.tip + 1n;
  }

  // ------------------------------------------------------------ randomness

  /** `[start, end)` of the pending round's snapshot slot: the slot right after the proposal phase. */
  snapshotWindow(): [bigint, bigint] {
    const start = this.roundStart + this.cfg.proposalDuration;
    return [start, start + SLOT];
  }

  /** Whether a round call at `t` would take the pending round's snapshot. */
  snapshotDue(t: bigint): boolean {
    const [start, end] = this.snapshotWindow();
    return !this.snapshotTaken && t >= start && t < end;
  }

  /**
   * A round call succeeded at `t` in a block with RANDAO `prevRandao`: the first such call in the
   * slot fixes the pending round's randomness. Returns whether it did.
   */
  roundCall(t: bigint, prevRandao: string): boolean {
    if (!this.snapshotDue(t)) return false;
    this.snapshotTaken = true;
    this.randomness.set(this.pending, { value: randomnessValue(prevRandao), knownAt: t - SLOT });
    return true;
  }

  /**
   * The randomness of `round` as readable at `t`: fixed, or (for the pending round, once its slot
   * passed without a snapshot) the previous round's, which it will carry. Undefined while unknown.
   */
  randomnessOf(round: bigint, t: bigint): Randomness | undefined {
    const fixed = this.randomness.get(round);
    if (fixed) return fixed;
    if (round === this.pending && !this.snapshotTaken && t >= this.snapshotWindow()[1]) {
      return this.randomness.get(round - 1n);
    }
    return undefined;
  }

  /** The randomness seeding height `h`: round `h - lookahead`'s, or genesis for the first heights. */
  randomnessFor(h: bigint, t: bigint): Randomness | undefined {
    return this.randomnessOf(h <= this.cfg.lookahead ? 0n : h - this.cfg.lookahead, t);
  }

  /** When `seed(h)` became knowable (0 while unknown). */
  seedKnownAt(h: bigint, t: bigint): bigint {
    return this.randomnessFor(h, t)?.knownAt ?? 0n;
  }

  seed(h: bigint, t: bigint): string | undefined {
    const r = this.randomnessFor(h, t);
    return r && seedOf(r.value, h);
  }

  // ------------------------------------------------------------ registry

  registered(k: string): ModelSequencer | undefined {
    return this.sequencers.get(k);
  }

  /** The anti-grinding rule with its reason, for a seed known at `knownAt`. */
  eligibility(k: string, knownAt: bigint): Eligibility {
    const s = this.sequencers.get(k);
    if (!s) return Eligibility.Unregistered;
    if (s.activeFrom > knownAt) return s.registeredAt > knownAt ? Eligibility.RegisteredAfterSeed : Eligibility.Queued;
    if (s.exitInitiatedAt !== 0n) return s.ejected ? Eligibility.Ejected : Eligibility.Exiting;
    return Eligibility.Eligible;
  }

  eligible(k: string, h: bigint, t: bigint): boolean {
    return this.eligibility(k, this.seedKnownAt(h, t)) === Eligibility.Eligible;
  }

  /**
   * Stake slash as the registry does it for a fault committed at `faultAt`: only the registration
   * that existed then can lose stake (a withdrawn key, or one registered again later, loses nothing).
   * Returns the amount taken.
   */
  slashStake(k: string, amount: bigint, faultAt: bigint, t: bigint): bigint {
    const s = this.sequencers.get(k);
    if (!s || s.registeredAt > faultAt) return 0n;
    const taken = amount < s.stake ? amount : s.stake;
    s.stake -= taken;
    if (s.stake < this.reg.minimumStake && !s.ejected) {
      s.ejected = true;
      if (s.exitInitiatedAt === 0n) s.exitInitiatedAt = t;
    }
    return taken;
  }

  // ------------------------------------------------------------ rollup

  phase(t: bigint): [Phase, BackupReason] {
    const b = this.block(this.pending);
    const start = this.roundStart;
    if (t < start) return [Phase.NotStarted, BackupReason.None];
    const p = start + this.cfg.proposalDuration;
    const c = p + this.cfg.commitmentDuration;
    const r = c + this.cfg.revealDuration;
    const v = r + this.cfg.provingDuration;
    if (t < p) return [Phase.Proposal, BackupReason.None];
    if (!b.proposer) return [Phase.Backup, BackupReason.NoProposal];
    if (t < c) return [Phase.Commitment, BackupReason.None];
    if (!b.prover) return [Phase.Backup, BackupReason.NoCommitment];
    if (!b.revealed) return t < r ? [Phase.Reveal, BackupReason.None] : [Phase.Backup, BackupReason.NoReveal];
    return t < v ? [Phase.Proving, BackupReason.None] : [Phase.Backup, BackupReason.NoProof];
  }

  /** Whose miss opened backup for `reason` at the pending height (none for a missing proposal). */
  faultyParty(reason: BackupReason): string | undefined {
    const b = this.block(this.pending);
    if (reason === BackupReason.NoCommitment || reason === BackupReason.NoReveal) return b.proposer;
    if (reason === BackupReason.NoProof) return b.prover;
    return undefined;
  }

  score(h: bigint, k: string, t: bigint): bigint {
    const s = this.seed(h, t);
    if (!s) throw new Error(`model: seed of height ${h} unknown at ${t}`);
    return scoreOf(s, k);
  }

  free(prover: string): bigint {
    const e = this.escrow.get(prover) ?? { total: 0n, locked: 0n };
    return e.total - e.locked;
  }

  credit(account: string, amount: bigint): void {
    this.rewards.set(account, (this.rewards.get(account) ?? 0n) + amount);
  }

  /** Finalizes `h` at `t`: a round whose snapshot slot passed without a call carries the previous value. */
  finalize(h: bigint, t: bigint, kind: "proven" | "backup", hash: string): void {
    const b = this.block(h);
    if (!this.snapshotTaken) this.randomness.set(h, this.randomness.get(h - 1n)!);
    this.snapshotTaken = false;
    this.tip = h;
    this.roundStart = t;
    b.finalizedAt = t;
    b.finalization = kind;
    b.canonicalBlockHash = hash;
  }

  /** Pays the block reward (or what is left of the pool). */
  payReward(submitter: string, prover: string, proverBps: bigint, sequencer: string): void {
    const paid = this.pool < this.cfg.blockReward ? this.pool : this.cfg.blockReward;
    this.pool -= paid;
    const toSubmitter = (paid * this.cfg.submitterRewardBps) / BPS;
    const toProver = ((paid - toSubmitter) * proverBps) / BPS;
    this.credit(submitter, toSubmitter);
    this.credit(prover, toProver);
    this.credit(sequencer, paid - toSubmitter - toProver);
  }

  /**
   * Settles the pending height's fault `reason` once: a winner that arranged no commitment or missed
   * its reveal loses `missedRevealPenalty` of the stake it proposed with (a missed reveal also frees
   * the prover's bond); a missed proof costs the prover its bond. Returns the penalty taken.
   */
  settle(reason: BackupReason, t: bigint): bigint {
    const b = this.block(this.pending);
    if (b.settled) return 0n;
    if (reason === BackupReason.NoReveal || reason === BackupReason.NoCommitment) {
      b.settled = true;
      if (reason === BackupReason.NoReveal) {
        b.settlements++;
        this.escrow.get(b.prover!)!.locked -= b.bond;
      }
      const penalty =
        this.cfg.missedRevealPenalty > 0n ? this.slashStake(b.proposer!, this.cfg.missedRevealPenalty, b.proposedAt, t) : 0n;
      const bounty = (penalty * this.cfg.slashBountyBps) / BPS;
      this.burned += penalty - bounty;
      return penalty;
    }
    if (reason === BackupReason.NoProof) {
      b.settled = true;
      b.settlements++;
      const e = this.escrow.get(b.prover!)!;
      e.locked -= b.bond;
      e.total -= b.bond;
      const bounty = (b.bond * this.cfg.slashBountyBps) / BPS;
      this.burned += b.bond - bounty;
      return b.bond;
    }
    return 0n;
  }

  /** Tokens the rollup must hold. */
  rollupHoldings(): bigint {
    let sum = this.pool;
    for (const e of this.escrow.values()) sum += e.total;
    for (const r of this.rewards.values()) sum += r;
    return sum;
  }

  /** Tokens the registry must hold. */
  registryHoldings(): bigint {
    let sum = 0n;
    for (const s of this.sequencers.values()) sum += s.stake;
    return sum;
  }
}
