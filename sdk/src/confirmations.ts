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
 * const found = await findTxConfirmation(rollup, txHash, { fromBlock: deployBlock }); // height found from the hash alone
 * ```
 */
import { ZeroHash, type Provider } from "ethers";
import type { RollupClient } from "./clients";
import { decodeBlockData } from "./blockdata";
import { readEvents } from "./events";
import { inSpans } from "./chunks";
import { decoded } from "./contract-errors";
import { txsRoot } from "./hashing";
import { ConfirmationStage, Finalization, Phase, type SequencerReceipt } from "./types";

/**
 * How stage 7 is decided, and what the caller knows off-chain.
 *
 * @example
 * ```ts
 * await heightConfirmation(rollup, h, { depth: 64 }); // on a chain without the `finalized` tag
 * ```
 */
export interface FinalityOptions {
  /** Use this many L1 confirmations instead of the `finalized` block tag. */
  depth?: number;
  /**
   * A sequencer's receipt for the tx (stage 2): a tx not yet in any proposal, with a receipt for a
   * height not yet decided, is reported as {@link ConfirmationStage.Submitted}.
   */
  receipt?: SequencerReceipt;
  /**
   * First L1 block to search for the height's events (its proposals, reveals and finalization): at or
   * before the height's first proposal; the rollup's deployment block (`deployments/<network>.json`
   * `deployBlock`) is always right. Default 0; providers that cap `eth_getLogs` ranges need it, or a
   * small `chunkSize`. {@link findTxConfirmation} passes its own `fromBlock` on.
   */
  fromBlock?: number;
  /** Blocks per `eth_getLogs` call of those searches (default 10,000, 4 calls in flight). */
  chunkSize?: number;
}

/** The events `filter` of one height, searched from `opts.fromBlock` in spans of `opts.chunkSize`. */
async function heightEvents<E>(rollup: RollupClient, filter: Parameters<RollupClient["contract"]["queryFilter"]>[0], opts: Pick<FinalityOptions, "fromBlock" | "chunkSize">): Promise<E[]> {
  const c = rollup.contract;
  const to = await decoded(() => rollup.runner.provider!.getBlockNumber());
  return inSpans(opts.fromBlock ?? 0, to, opts.chunkSize ?? 10_000, 4, (a, b) => decoded(() => c.queryFilter(filter, a, b))) as Promise<E[]>;
}

async function l1Finalized(provider: Provider, blockNumber: number, opts: FinalityOptions): Promise<boolean> {
  if (opts.depth !== undefined) {
    return (await provider.getBlockNumber()) - blockNumber >= opts.depth;
  }
  const finalized = await provider.getBlock("finalized");
  return !!finalized && finalized.number >= blockNumber;
}

/**
 * The L1 block in which `height` was finalized, or undefined.
 *
 * @example
 * ```ts
 * const at = await finalizationBlock(rollup, 7n);
 * ```
 */
export async function finalizationBlock(rollup: RollupClient, height: bigint, opts: Pick<FinalityOptions, "fromBlock" | "chunkSize"> = {}): Promise<number | undefined> {
  const events = await heightEvents<{ blockNumber: number }>(rollup, rollup.contract.filters.BlockFinalized(height), opts);
  return events[0]?.blockNumber;
}

/**
 * The stage the canonical or best block of `height` has reached.
 *
 * @example
 * ```ts
 * ConfirmationStage[await heightConfirmation(rollup, 7n, { depth: 64 })]; // "Proven", ...
 * ```
 */
export async function heightConfirmation(rollup: RollupClient, height: bigint, opts: FinalityOptions = {}): Promise<ConfirmationStage> {
  const s = await rollup.getHeightState(height);
  if (s.record.finalization !== Finalization.None) {
    const at = await finalizationBlock(rollup, height, opts);
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
 *
 * @example
 * ```ts
 * const stage = await txConfirmation(rollup, 7n, txHash, txHashesFromTheSequencer, { receipt });
 * ```
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
  const txs = fromSequencer ?? (await revealedTxs(rollup, height, opts));
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
async function revealedTxs(rollup: RollupClient, height: bigint, opts: FinalityOptions): Promise<string[] | undefined> {
  const c = rollup.contract;
  const state = await rollup.getHeightState(height);
  type Ev<A> = { args: A; transactionHash: string };
  const reveals = await heightEvents<Ev<{ data: string; dataHash: string }>>(rollup, c.filters.BlockRevealed(height), opts);
  let dataHash: string | undefined;
  if (state.record.finalization === Finalization.Backup) {
    // A backup block is revealed in the transaction that finalizes it.
    const finalized = (await heightEvents<Ev<unknown>>(rollup, c.filters.BlockFinalized(height), opts)).at(-1);
    const reveal = reveals.find((r) => r.transactionHash === finalized?.transactionHash);
    return reveal ? decodeBlockData(reveal.args.data).txHashes : undefined;
  }
  if (state.record.finalization === Finalization.Proven) {
    const proposals = await heightEvents<Ev<{ blockHash: string; header: { dataHash: string } }>>(rollup, c.filters.BlockProposed(height), opts);
    const winner = proposals.find((p) => p.args.blockHash === state.record.canonicalBlockHash);
    dataHash = winner?.args.header.dataHash;
  } else if (state.dataHash !== ZeroHash) {
    dataHash = state.dataHash;
  }
  if (!dataHash) return undefined;
  const reveal = reveals.filter((r) => r.args.dataHash === dataHash).at(-1);
  return reveal ? decodeBlockData(reveal.args.data).txHashes : undefined;
}

/**
 * Options of {@link findTxConfirmation}: the L1 block range to scan, and what {@link txConfirmation} takes.
 *
 * @example
 * ```ts
 * await findTxConfirmation(rollup, txHash, { fromBlock: deployBlock, toBlock: head, blockTxHashes, depth: 64 });
 * ```
 */
export interface FindTxOptions extends FinalityOptions {
  /** First L1 block to scan (inclusive): e.g. the deployment block, or a recent block for recent txs. */
  fromBlock: number;
  /** Last L1 block to scan (inclusive; default the latest). */
  toBlock?: number;
  /** Blocks per `eth_getLogs` call (default 10,000, see {@link readEvents}). */
  chunkSize?: number;
  /**
   * The tx list of a proposed block, from its sequencer: finds a tx before its block is revealed
   * (matched against the `txsRoot` of the `BlockProposed` headers in the range).
   */
  blockTxHashes?: readonly string[];
}

/**
 * What {@link findTxConfirmation} found.
 *
 * @example
 * ```ts
 * const { stage, height, blockNumber }: TxConfirmation = await findTxConfirmation(rollup, txHash, { fromBlock });
 * ```
 */
export interface TxConfirmation {
  /** The highest stage the tx has reached in any height found. */
  stage: ConfirmationStage;
  /** The L2 height whose block holds the tx (undefined if none was found). */
  height?: bigint;
  /** The L1 block of the reveal (or, before it, the proposal) that names the tx. */
  blockNumber?: number;
}

/**
 * The stage of tx `txHash` from its hash alone: scans the rollup's `BlockRevealed` events in
 * `[fromBlock, toBlock]` for revealed data that lists it (and, with `blockTxHashes` from a
 * sequencer, the `BlockProposed` headers whose txs root is that list's), then asks
 * {@link txConfirmation} for each height found and returns the highest stage. A reveal by a
 * proposer that was outbid names the tx too, but only the height's winning block counts, so such a
 * height reports {@link ConfirmationStage.Unknown} unless the tx is also in the block that counts. With
 * a sequencer's `receipt` for a height not decided yet, a tx found nowhere is
 * {@link ConfirmationStage.Submitted}.
 *
 * @example
 * ```ts
 * const { stage, height } = await findTxConfirmation(fernet.rollup, txHash, { fromBlock: deployBlock, depth: 64 });
 * console.log(ConfirmationStage[stage], height);
 * ```
 */
export async function findTxConfirmation(rollup: RollupClient, txHash: string, options: FindTxOptions): Promise<TxConfirmation> {
  const wanted = txHash.toLowerCase();
  const listed = options.blockTxHashes?.some((t) => t.toLowerCase() === wanted) ? options.blockTxHashes : undefined;
  const root = listed ? txsRoot(listed) : undefined;
  const events = await readEvents("rollup", rollup, {
    names: listed ? ["BlockRevealed", "BlockProposed"] : ["BlockRevealed"],
    fromBlock: options.fromBlock,
    toBlock: options.toBlock,
    chunkSize: options.chunkSize,
  });
  // Height -> the L1 block that names the tx there (a reveal wins over a proposal).
  const found = new Map<bigint, { blockNumber: number; revealed: boolean }>();
  for (const ev of events) {
    let height: bigint;
    let revealed: boolean;
    if (ev.name === "BlockRevealed") {
      const args = ev.args;
      let txs: string[];
      try {
        txs = decodeBlockData(args.data).txHashes;
      } catch {
        continue; // data that is no block data names no tx
      }
      if (!txs.some((t) => t.toLowerCase() === wanted)) continue;
      [height, revealed] = [args.height, true];
    } else {
      const args = ev.args;
      if (args.header.txsRoot !== root) continue;
      [height, revealed] = [args.height, false];
    }
    const seen = found.get(height);
    if (!seen || (revealed && !seen.revealed)) found.set(height, { blockNumber: ev.blockNumber, revealed });
  }
  let best: TxConfirmation = { stage: ConfirmationStage.Unknown };
  for (const [height, at] of found) {
    const stage = await txConfirmation(rollup, height, txHash, listed, { ...options, receipt: undefined });
    if (stage > best.stage) best = { stage, height, blockNumber: at.blockNumber };
  }
  if (best.stage === ConfirmationStage.Unknown && (await submitted(rollup, txHash, options.receipt))) {
    return { stage: ConfirmationStage.Submitted, height: options.receipt!.height };
  }
  return best;
}
