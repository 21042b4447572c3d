/**
 * Confirmation stages (seed 001): 3 in the best proposal, 4 with a prover commitment, 5 data
 * available, 6 proven on L1, 7 proven in a finalized L1 block (the `finalized` tag, or a configurable
 * depth on chains without it).
 *
 * @example
 * ```ts
 * const stage = await heightConfirmation(rollup, 7n, { depth: 64 });
 * const sent = await txConfirmation(rollup, 8n, txHash, undefined, { receipt }); // Submitted (2) before any proposal
 * const txStage = await txConfirmation(rollup, 7n, txHash, txHashesFromTheSequencer);
 * ```
 */
import { ZeroHash, type Provider } from "ethers";
import type { RollupClient } from "./clients";
import { decodeBlockData } from "./blockdata";
import { txsRoot } from "./hashing";
import { ConfirmationStage, Finalization, Phase, type SequencerReceipt } from "./types";

/** How stage 7 is decided, and what the caller knows off-chain. */
export interface FinalityOptions {
  /** Use this many L1 confirmations instead of the `finalized` block tag. */
  depth?: number;
  /**
   * A sequencer's receipt for the tx (stage 2): a tx not yet in any proposal, with a receipt for a
   * height not yet decided, is reported as {@link ConfirmationStage.Submitted}.
   */
  receipt?: SequencerReceipt;
}

async function l1Finalized(provider: Provider, blockNumber: number, opts: FinalityOptions): Promise<boolean> {
  if (opts.depth !== undefined) {
    return (await provider.getBlockNumber()) - blockNumber >= opts.depth;
  }
  const finalized = await provider.getBlock("finalized");
  return !!finalized && finalized.number >= blockNumber;
}

/** The L1 block in which `height` was finalized, or undefined. */
export async function finalizationBlock(rollup: RollupClient, height: bigint): Promise<number | undefined> {
  const events = await rollup.contract.queryFilter(rollup.contract.filters.BlockFinalized(height));
  return events[0]?.blockNumber;
}

/** The stage the canonical or best block of `height` has reached. */
export async function heightConfirmation(rollup: RollupClient, height: bigint, opts: FinalityOptions = {}): Promise<ConfirmationStage> {
  const s = await rollup.getHeightState(height);
  if (s.record.finalization !== Finalization.None) {
    const at = await finalizationBlock(rollup, height);
    const provider = rollup.runner.provider!;
    return at !== undefined && (await l1Finalized(provider, at, opts)) ? ConfirmationStage.L1Finalized : ConfirmationStage.Proven;
  }
  if (s.record.proposer === "0x0000000000000000000000000000000000000000" || s.phase === Phase.Backup) {
    return ConfirmationStage.Unknown;
  }
  if (s.record.revealed && s.record.prover !== "0x0000000000000000000000000000000000000000") return ConfirmationStage.DataAvailable;
  if (s.record.prover !== "0x0000000000000000000000000000000000000000") return ConfirmationStage.ProverCommitted;
  return ConfirmationStage.BestProposal;
}

/**
 * The stage of tx `txHash` at `height`. Before the reveal the tx list comes from the sequencer
 * (`blockTxHashes`, checked against the on-chain txs root); after it, from the revealed data.
 */
export async function txConfirmation(
  rollup: RollupClient,
  height: bigint,
  txHash: string,
  blockTxHashes?: readonly string[],
  opts: FinalityOptions = {},
): Promise<ConfirmationStage> {
  const stage = await heightConfirmation(rollup, height, opts);
  if (stage === ConfirmationStage.Unknown) return (await submitted(rollup, txHash, opts.receipt)) ? ConfirmationStage.Submitted : stage;
  const record = await rollup.getBlock(height);
  // A list from the sequencer counts only if it is the winning proposal's (its root is on-chain) and
  // that proposal is the canonical one; otherwise the revealed data decides.
  const fromSequencer =
    blockTxHashes && record.finalization !== Finalization.Backup && txsRoot(blockTxHashes) === record.txsRoot ? blockTxHashes : undefined;
  const txs = fromSequencer ?? (await revealedTxs(rollup, height));
  if (!txs || !txs.map((t) => t.toLowerCase()).includes(txHash.toLowerCase())) {
    return (await submitted(rollup, txHash, opts.receipt)) ? ConfirmationStage.Submitted : ConfirmationStage.Unknown;
  }
  return stage;
}

/** Stage 2: a receipt for this tx from a sequencer, for a height that is not decided yet. */
async function submitted(rollup: RollupClient, txHash: string, receipt?: SequencerReceipt): Promise<boolean> {
  if (!receipt || receipt.txHash.toLowerCase() !== txHash.toLowerCase()) return false;
  return receipt.height >= (await rollup.pendingHeight());
}

/**
 * The tx hashes of the block of `height` that counts: the canonical block's once finalized, else the
 * winning proposal's. Only a reveal whose data hash is that block's counts: a proposer that revealed
 * early and was then outbid left a reveal that is in no block that can become canonical.
 */
async function revealedTxs(rollup: RollupClient, height: bigint): Promise<string[] | undefined> {
  const c = rollup.contract;
  const state = await rollup.getHeightState(height);
  const reveals = await c.queryFilter(c.filters.BlockRevealed(height));
  let dataHash: string | undefined;
  if (state.record.finalization === Finalization.Backup) {
    // A backup block is revealed in the transaction that finalizes it.
    const finalized = (await c.queryFilter(c.filters.BlockFinalized(height))).at(-1);
    const reveal = reveals.find((r) => r.transactionHash === finalized?.transactionHash);
    return reveal ? decodeBlockData(reveal.args.data).txHashes : undefined;
  }
  if (state.record.finalization === Finalization.Proven) {
    const proposals = await c.queryFilter(c.filters.BlockProposed(height));
    const winner = proposals.find((p) => p.args.blockHash === state.record.canonicalBlockHash);
    dataHash = winner?.args.header.dataHash;
  } else if (state.dataHash !== ZeroHash) {
    dataHash = state.dataHash;
  }
  if (!dataHash) return undefined;
  const reveal = reveals.filter((r) => r.args.dataHash === dataHash).at(-1);
  return reveal ? decodeBlockData(reveal.args.data).txHashes : undefined;
}
