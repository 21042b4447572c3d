/**
 * The watcher's logic, one step per poll: read the pending height's state, take the round's
 * randomness snapshot when it is due and nobody took it, and settle a pending fault for the bounty
 * (`slashProver` after a missed proof, `penaliseMissedReveal`, `penaliseMissedCommitment`, as
 * `backupReason` says). Everything is decided from the chain, so a restart resumes without a state
 * file and never acts twice: a snapshot already taken or a height already settled is seen on chain.
 * Losing a race to another watcher (the SDK's check or the simulation finds the work done) is logged
 * and the watcher goes on.
 *
 * @example
 * ```ts
 * const watcher = new Watcher(chain.fernet.rollup, log);
 * await follow({ signal, intervalMs, log, tick: () => watcher.step() });
 * ```
 */
import type { ContractTransactionReceipt } from "ethers";
import { NothingToSettleError, type RollupClient } from "../clients";
import { ContractRevertError, decoded, isContractError } from "../contract-errors";
import { BackupReason, Phase, type HeightState } from "../types";
import { describeError, type Logger } from "./log";

/** One action the watcher took (also logged). */
export interface WatcherAction {
  readonly action: "poke" | "slashProver" | "penaliseMissedReveal" | "penaliseMissedCommitment";
  readonly height: bigint;
  readonly tx: string;
  readonly block: number;
}

/** The settlement for each fault. */
const SETTLEMENT: Partial<Record<BackupReason, "slashProver" | "penaliseMissedReveal" | "penaliseMissedCommitment">> = {
  [BackupReason.NoProof]: "slashProver",
  [BackupReason.NoReveal]: "penaliseMissedReveal",
  [BackupReason.NoCommitment]: "penaliseMissedCommitment",
};

/** Follows the pending height and acts on it; see the module header. */
export class Watcher {
  /** Actions taken by this instance, oldest first. */
  readonly actions: WatcherAction[] = [];
  /** Rounds whose snapshot needs nothing more from this watcher. */
  private readonly snapshotDone = new Set<bigint>();
  /** Faults this watcher stopped trying (`height:reason`) after a revert that was not a lost race. */
  private readonly gaveUp = new Set<string>();
  private lastState = "";

  constructor(
    readonly rollup: RollupClient,
    private readonly log: Logger,
  ) {}

  /** One poll: read, poke if due, settle if due. */
  async step(): Promise<void> {
    const height = await this.rollup.pendingHeight();
    const state = await this.rollup.getHeightState(height);
    this.report(state);
    await this.maybePoke(state);
    await this.maybeSettle(state);
  }

  private report(s: HeightState): void {
    const key = `${s.height}:${s.phase}:${s.backupReason}:${s.record.settled}`;
    if (key === this.lastState) return;
    this.lastState = key;
    this.log.info("height-state", {
      height: s.height,
      phase: Phase[s.phase],
      backupReason: BackupReason[s.backupReason],
      settled: s.record.settled,
      roundStart: s.roundStart,
    });
  }

  /** The snapshot slot starts at the proposal deadline: before it (or before genesis) nothing is due. */
  private async maybePoke(s: HeightState): Promise<void> {
    if (this.snapshotDone.has(s.height) || s.phase === Phase.NotStarted || s.phase === Phase.Proposal) return;
    try {
      await decoded(() => this.rollup.contract.poke.staticCall());
    } catch (error) {
      const revert = decodedRevert(error);
      if (revert && isContractError(revert, "Rollup__NoSnapshotDue")) {
        const { windowStart, windowEnd, currentTime } = revert.namedArgs;
        if (windowStart === 0n && windowEnd === 0n) {
          this.snapshotDone.add(s.height);
          this.log.debug("snapshot-already-taken", { height: s.height });
        } else if (currentTime >= windowEnd) {
          this.snapshotDone.add(s.height);
          this.log.info("snapshot-slot-passed", { height: s.height, windowStart, windowEnd, now: currentTime });
        }
        return;
      }
      throw error;
    }
    this.snapshotDone.add(s.height);
    try {
      const receipt = await this.rollup.poke({ simulate: false });
      this.acted("poke", s.height, receipt);
    } catch (error) {
      if (!decodedRevert(error)) throw error;
      this.log.warn("lost-race", { action: "poke", height: s.height, error: describeError(error) });
    }
  }

  private async maybeSettle(s: HeightState): Promise<void> {
    if (s.phase !== Phase.Backup || s.record.settled) return;
    const action = SETTLEMENT[s.backupReason];
    const key = `${s.height}:${s.backupReason}`;
    if (action === undefined || this.gaveUp.has(key)) return;
    try {
      const receipt = await this.rollup[action](s.height);
      this.acted(action, s.height, receipt);
    } catch (error) {
      if (error instanceof NothingToSettleError) {
        this.log.info("lost-race", { action, height: s.height, error: describeError(error) });
        return;
      }
      const revert = decodedRevert(error);
      if (!revert) throw error;
      // Another watcher's settlement landed between our read and our simulation: the chain shows it next poll.
      const after = await this.rollup.getHeightState(s.height);
      if (after.record.settled || after.phase !== Phase.Backup) {
        this.log.info("lost-race", { action, height: s.height, error: describeError(revert) });
      } else {
        this.gaveUp.add(key);
        this.log.error("settlement-reverted", { action, height: s.height, error: describeError(revert) });
      }
    }
  }

  private acted(action: WatcherAction["action"], height: bigint, receipt: ContractTransactionReceipt): void {
    const record: WatcherAction = { action, height, tx: receipt.hash, block: receipt.blockNumber };
    this.actions.push(record);
    this.log.info("acted", { ...record, gasUsed: receipt.gasUsed });
  }
}

/** The decoded contract revert in an error's cause chain, if any. */
function decodedRevert(error: unknown): ContractRevertError | undefined {
  let cur: unknown = error;
  for (let i = 0; i < 8 && cur !== undefined && cur !== null; i++) {
    if (cur instanceof ContractRevertError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
