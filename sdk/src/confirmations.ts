/**
 * Confirmation stages (seed 001): 3 in the best proposal, 4 with a prover commitment, 5 data
 * available, 6 proven on L1, 7 proven in a finalized L1 block (the `finalized` tag, or a configurable
 * depth on chains without it).
 *
 * @example
 * ```ts
 * const stage = await heightConfirmation(rollup, 7n, { depth: 64 });
 * const txStage = await txConfirmation(rollup, 7n, txHash, txHashesFromTheSequencer);
 * ```
 */
import type { Provider } from "ethers";
import type { RollupClient } from "./clients";
import { decodeBlockData } from "./blockdata";
import { txsRoot } from "./hashing";
import { ConfirmationStage, Finalization, Phase } from "./types";

/** How stage 7 is decided. */
export interface FinalityOptions {
  /** Use this many L1 confirmations instead of the `finalized` block tag. */
  depth?: number;
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
    const provider = rollup.contract.runner!.provider!;
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
  if (stage === ConfirmationStage.Unknown) return stage;
  const record = await rollup.getBlock(height);
  // A list from the sequencer counts only if it is the winning proposal's (its root is on-chain) and
  // that proposal is the canonical one; otherwise the revealed data decides.
  const fromSequencer =
    blockTxHashes && record.finalization !== Finalization.Backup && txsRoot(blockTxHashes) === record.txsRoot ? blockTxHashes : undefined;
  const txs = fromSequencer ?? (await revealedTxs(rollup, height));
  if (!txs || !txs.map((t) => t.toLowerCase()).includes(txHash.toLowerCase())) return ConfirmationStage.Unknown;
  return stage;
}

/** The tx hashes of the last reveal of `height` (the canonical block's once finalized), if any. */
async function revealedTxs(rollup: RollupClient, height: bigint): Promise<string[] | undefined> {
  const events = await rollup.contract.queryFilter(rollup.contract.filters.BlockRevealed(height));
  const last = events.at(-1);
  if (!last) return undefined;
  return decodeBlockData(last.args.data).txHashes;
}
