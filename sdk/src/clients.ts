/**
 * Typed clients: one per contract, explicit return types, conversions inside the wrapper.
 *
 * @example
 * ```ts
 * const rollup = new RollupClient(rollupAddress, signer);
 * const state = await rollup.getHeightState(await rollup.pendingHeight());
 * if (state.phase === Phase.Proposal) await rollup.propose(header);
 * ```
 */
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse, Signer } from "ethers";
import { FernetRollup__factory, SequencerRegistry__factory, type FernetRollup, type SequencerRegistry } from "../../typechain-types";
import type { IFernetRollup } from "../../typechain-types/contracts/core/FernetRollup";
import { decoded } from "./contract-errors";
import { FernetError } from "./errors";
import type { Header } from "./hashing";
import { quoteDomain, signQuote, type Quote } from "./eip712";
import {
  BackupReason,
  Finalization,
  Phase,
  SequencerStatus,
  type BlockRecord,
  type HeightState,
  type SequencerInfo,
} from "./types";

async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new FernetError("Transaction was dropped.", "Resend it.");
  return receipt;
}

/** Client of the SequencerRegistry. */
export class RegistryClient {
  readonly contract: SequencerRegistry;

  constructor(address: string, runner: ContractRunner) {
    this.contract = SequencerRegistry__factory.connect(address, runner);
  }

  /** Registers `sequencer` (the caller pays the stake; approve first). */
  async register(sequencer: string, withdrawer: string): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.register(sequencer, withdrawer)));
  }

  /** Starts the exit of `sequencer`. */
  async initiateExit(sequencer: string): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.initiateExit(sequencer)));
  }

  /** Withdraws the stake of `sequencer` to its withdrawer. */
  async withdraw(sequencer: string): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.withdraw(sequencer)));
  }

  /** Status of `sequencer` now. */
  async statusOf(sequencer: string): Promise<SequencerStatus> {
    return Number(await decoded(() => this.contract.statusOf(sequencer))) as SequencerStatus;
  }

  /** The registration of `sequencer` with its current status. */
  async getSequencer(sequencer: string): Promise<SequencerInfo> {
    const [info, status] = await decoded(() => Promise.all([this.contract.getSequencer(sequencer), this.contract.statusOf(sequencer)]));
    return {
      address: sequencer,
      withdrawer: info.withdrawer,
      stake: info.stake,
      registeredAt: info.registeredAt,
      activeFrom: info.activeFrom,
      exitInitiatedAt: info.exitInitiatedAt,
      exitableAt: info.exitableAt,
      ejectedAt: info.ejectedAt,
      status: Number(status) as SequencerStatus,
    };
  }

  /** Every key ever registered, in registration order (O(1) reads per key). */
  async listSequencers(): Promise<string[]> {
    const count = Number(await decoded(() => this.contract.sequencerCount()));
    const keys: string[] = [];
    for (let i = 0; i < count; i++) keys.push(await this.contract.sequencerAt(i));
    return keys;
  }

  /** Whether `sequencer` may propose a height whose seed became known at `seedKnownAt`. */
  async isEligible(sequencer: string, seedKnownAt: bigint): Promise<boolean> {
    return decoded(() => this.contract.isEligible(sequencer, seedKnownAt));
  }
}

function toRecord(r: IFernetRollup.BlockRecordStructOutput): BlockRecord {
  return {
    proposer: r.proposer,
    proposedAt: r.proposedAt,
    blockHash: r.blockHash,
    txsRoot: r.txsRoot,
    prover: r.prover,
    bond: r.bond,
    proverRewardBps: r.proverRewardBps,
    revealed: r.revealed,
    settled: r.settled,
    finalization: Number(r.finalization) as Finalization,
    finalizedAt: r.finalizedAt,
    canonicalBlockHash: r.canonicalBlockHash,
    backupSubmitter: r.backupSubmitter,
  };
}

/** Client of the FernetRollup. */
export class RollupClient {
  readonly contract: FernetRollup;

  constructor(address: string, runner: ContractRunner) {
    this.contract = FernetRollup__factory.connect(address, runner);
  }

  /** The height whose round is running (tip + 1). */
  async pendingHeight(): Promise<bigint> {
    return (await decoded(() => this.contract.tip())) + 1n;
  }

  /** The state of `height`: phase, backup reason, deadlines, seed, best proposal, commitment, proof. */
  async getHeightState(height: bigint): Promise<HeightState> {
    const s = await decoded(() => this.contract.getHeightState(height));
    return {
      height: s.height,
      phase: Number(s.phase) as Phase,
      backupReason: Number(s.backupReason) as BackupReason,
      roundStart: s.roundStart,
      proposalDeadline: s.proposalDeadline,
      commitmentDeadline: s.commitmentDeadline,
      revealDeadline: s.revealDeadline,
      provingDeadline: s.provingDeadline,
      seed: s.seed,
      seedKnownAt: s.seedKnownAt,
      bestScore: s.bestScore,
      dataHash: s.dataHash,
      record: toRecord(s.record),
    };
  }

  /** The history record of `height`. */
  async getBlock(height: bigint): Promise<BlockRecord> {
    return toRecord(await decoded(() => this.contract.getBlock(height)));
  }

  /** Proposes `header` as the sender. */
  async propose(header: Header): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.propose(header)));
  }

  /** Signs `quote` as the winning sequencer `signer` for this rollup and chain. */
  async signQuote(signer: Signer, quote: Quote): Promise<string> {
    const { chainId } = await (signer.provider ?? this.contract.runner!.provider!).getNetwork();
    return signQuote(signer, quoteDomain(chainId, await this.contract.getAddress()), quote);
  }

  /** Commits the sender (the quoted prover). */
  async commitProver(quote: Quote, signature: string): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.commitProver(quote, signature)));
  }

  /** Reveals the block data of `height`. */
  async reveal(height: bigint, data: string): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.reveal(height, data)));
  }

  /** Submits the proof of the pending block. */
  async submitProof(header: Header, proof: string): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.submitProof(header, proof)));
  }

  /** Submits a backup block with its data and proof (bound to the sender). */
  async submitBackupBlock(header: Header, data: string, proof: string): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.submitBackupBlock(header, data, proof)));
  }

  /** Slashes the prover of `height` after a missed proof. */
  async slashProver(height: bigint): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.slashProver(height)));
  }

  /** Settles a missed reveal at `height`. */
  async penaliseMissedReveal(height: bigint): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.penaliseMissedReveal(height)));
  }

  /** Deposits into the sender's prover escrow. */
  async deposit(amount: bigint): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.deposit(amount)));
  }

  /** Claims the sender's rewards to `recipient`. */
  async claimRewards(recipient: string): Promise<ContractTransactionReceipt> {
    return decoded(() => mined(this.contract.claimRewards(recipient)));
  }

  /** Escrow of `prover`. */
  async escrowOf(prover: string): Promise<{ total: bigint; locked: bigint; free: bigint }> {
    const [total, locked] = await decoded(() => this.contract.escrowOf(prover));
    return { total, locked, free: total - locked };
  }
}
