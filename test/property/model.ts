/**
 * A small reference model of the registry and the rollup, written from DESIGN.md rather than from the
 * contracts: the property suite drives both with the same random actions and compares them.
 */
import { ZeroHash } from "ethers";
import { scoreOf, seedOf } from "../../sdk/src/hashing";
import type { RegistryConfig, RollupConfig } from "../../sdk/src/config";
import { BackupReason, Phase } from "../helpers/rollup";

const BPS = 10_000n;

export interface ModelSequencer {
  stake: bigint;
  activeFrom: bigint;
  exitInitiatedAt: bigint; // 0 = none
  ejected: boolean;
}

export interface ModelBlock {
  proposer?: string;
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

export class Model {
  tip = 0n;
  roundStart: bigint;
  randao = new Map<bigint, string>();
  blocks = new Map<bigint, ModelBlock>();
  sequencers = new Map<string, ModelSequencer>();
  escrow = new Map<string, { total: bigint; locked: bigint }>();
  rewards = new Map<string, bigint>();
  pool: bigint;
  burned = 0n;

  constructor(
    readonly reg: RegistryConfig,
    readonly cfg: RollupConfig,
    readonly deployedAt: bigint,
    readonly genesisSeed: string,
    pool: bigint,
  ) {
    this.roundStart = deployedAt + cfg.genesisDelay;
    this.pool = pool;
  }

  block(h: bigint): ModelBlock {
    let b = this.blocks.get(h);
    if (!b) {
      b = { bond: 0n, proverBps: 0n, revealed: false, settled: false, settlements: 0, finalizedAt: 0n, finalization: "none" };
      this.blocks.set(h, b);
    }
    return b;
  }

  get pending(): bigint {
    return this.tip + 1n;
  }

  // ------------------------------------------------------------ registry

  registered(k: string): ModelSequencer | undefined {
    return this.sequencers.get(k);
  }

  seedKnownAt(h: bigint): bigint {
    if (h <= this.cfg.lookahead) return this.deployedAt;
    return this.block(h - this.cfg.lookahead).finalizedAt;
  }

  seed(h: bigint): string {
    return seedOf(h > this.cfg.lookahead ? this.randao.get(h - this.cfg.lookahead) ?? ZeroHash : this.genesisSeed, h);
  }

  eligible(k: string, h: bigint): boolean {
    const s = this.sequencers.get(k);
    return !!s && s.exitInitiatedAt === 0n && s.activeFrom <= this.seedKnownAt(h);
  }

  /** Stake slash as the registry does it; returns the amount taken. */
  slashStake(k: string, amount: bigint, t: bigint): bigint {
    const s = this.sequencers.get(k);
    if (!s) return 0n;
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

  score(h: bigint, k: string): bigint {
    return scoreOf(this.seed(h), k);
  }

  free(prover: string): bigint {
    const e = this.escrow.get(prover) ?? { total: 0n, locked: 0n };
    return e.total - e.locked;
  }

  credit(account: string, amount: bigint): void {
    this.rewards.set(account, (this.rewards.get(account) ?? 0n) + amount);
  }

  finalize(h: bigint, t: bigint, randao: string, kind: "proven" | "backup", hash: string): void {
    const b = this.block(h);
    this.tip = h;
    this.roundStart = t;
    this.randao.set(h, randao);
    b.finalizedAt = t;
    b.finalization = kind;
    b.canonicalBlockHash = hash;
  }

  payReward(submitter: string, prover: string, proverBps: bigint, sequencer: string): void {
    const paid = this.pool < this.cfg.blockReward ? this.pool : this.cfg.blockReward;
    this.pool -= paid;
    const toSubmitter = (paid * this.cfg.submitterRewardBps) / BPS;
    const toProver = ((paid - toSubmitter) * proverBps) / BPS;
    this.credit(submitter, toSubmitter);
    this.credit(prover, toProver);
    this.credit(sequencer, paid - toSubmitter - toProver);
  }

  /** Settles the pending height's fault `reason`; returns [bounty, burned] paid to the reporter / burn. */
  settle(reason: BackupReason, t: bigint): [bigint, bigint] {
    const b = this.block(this.pending);
    if (b.settled) return [0n, 0n];
    const e = this.escrow.get(b.prover!);
    if (reason === BackupReason.NoReveal) {
      b.settled = true;
      b.settlements++;
      e!.locked -= b.bond;
      const penalty = this.cfg.missedRevealPenalty > 0n ? this.slashStake(b.proposer!, this.cfg.missedRevealPenalty, t) : 0n;
      const bounty = (penalty * this.cfg.slashBountyBps) / BPS;
      this.burned += penalty - bounty;
      return [bounty, penalty - bounty];
    }
    if (reason === BackupReason.NoProof) {
      b.settled = true;
      b.settlements++;
      e!.locked -= b.bond;
      e!.total -= b.bond;
      const bounty = (b.bond * this.cfg.slashBountyBps) / BPS;
      this.burned += b.bond - bounty;
      return [bounty, b.bond - bounty];
    }
    return [0n, 0n];
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
