/**
 * The sequencer service's logic: a small mempool (tx hashes, stage-2 receipts), one step per poll
 * that ranks this key for the pending height and proposes a block from the pool only when its
 * score beats the best proposal so far; then it asks the configured provers for quotes, picks one
 * (rule below), signs it and hands it to that prover's `/commit`, and reveals the block data once a
 * prover committed. Txs of a block that lost (outbid, or the height ended in another block) go back
 * to the pool. With a state file, the pool and the proposed blocks (their data is off-chain until the
 * reveal) survive a restart.
 *
 * Quote choice: the lowest `proverRewardBps` (the sequencer keeps the most of the reward); on a
 * tie the higher bond; then the prover listed first. Quotes for another block, expired ones and
 * bonds below the minimum are ignored.
 *
 * Astria (option `astria`): when this key's Astria bond is in force for the height
 * (`AstriaSlasher.isInForce`), the block starts with the top-of-block: the rollup's txs of every Astria
 * block from the slasher's cursor (`expectedAstriaStart`) to the source's latest, in order; the pool's
 * txs follow. Once the proposal phase is over and the block won, it relays the range's last header if
 * the light client lacks it, signs the binding, posts it (`postBinding`) and hands it to the Astria
 * source, which serves users their preconfirmations from it.
 *
 * @example
 * ```ts
 * const seq = new SequencerService({ fernet, chainId, address, signer, provers: ["http://127.0.0.1:8547"], log });
 * await follow({ signal, intervalMs, log, tick: () => seq.step() });
 * ```
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { getAddress, isAddress, keccak256, MaxUint256, solidityPacked, toUtf8Bytes, ZeroAddress, ZeroHash, zeroPadValue, type Signer } from "ethers";
import { buildBinding, entriesRoot, topOfBlock, type Binding, type Entry, type TopOfBlock } from "../astria";
import type { AstriaLightClientClient, AstriaSlasherClient } from "../clients";
import { decodeBlockData, encodeBlockData } from "../blockdata";
import { ScoreBeatenError, type Fernet } from "../clients";
import { txConfirmation } from "../confirmations";
import { ContractRevertError } from "../contract-errors";
import type { Quote } from "../eip712";
import { FernetError } from "../errors";
import { blockHash, buildHeader, type Header } from "../hashing";
import { rankSequencers, SeedNotKnownError, type RankedSequencer } from "../ranking";
import { RegistryIndex } from "../registry-index";
import { ConfirmationStage, Finalization, Phase, type HeightState, type SequencerReceipt } from "../types";
import { HttpError, toJson, type JsonHandler, type JsonResponse } from "./http";
import { describeError, type Logger } from "./log";
import { quoteFromJson, quoteToJson } from "./prover";
import type { AstriaSource, SignedBinding } from "./astria-local";
import { AstriaNotDeployedError } from "./errors";

/**
 * Fault injection of the sequencer. `reorder-top-of-block`: its block puts the Astria txs in another
 * order than its binding promises (the first two swapped; a filler tx ahead of a lone one).
 * `double-binding`: it signs a second, different binding for the height (an empty range) and leaks it
 * to the Astria source after posting the first.
 *
 * @example
 * ```ts
 * seq.fault = "reorder-top-of-block"; // from the next height on
 * ```
 */
export type SequencerFault = "none" | "never-propose" | "never-reveal" | "reorder-top-of-block" | "double-binding";

/** Every {@link SequencerFault}, for command lines. @example `settings.choice("fault", SEQUENCER_FAULTS, "none")` */
export const SEQUENCER_FAULTS: readonly SequencerFault[] = ["none", "never-propose", "never-reveal", "reorder-top-of-block", "double-binding"];

/**
 * The sequencer service's Astria option.
 *
 * @example
 * ```ts
 * new SequencerService({ ...options, astria: { source: new AstriaHttpClient("http://127.0.0.1:8549") } });
 * ```
 */
export interface SequencerAstriaOptions {
  /** Where the Astria blocks come from and where bindings go. */
  source: AstriaSource;
  /** Default: the deployment's `astriaSlasher`. */
  slasher?: AstriaSlasherClient;
  /** Default: the deployment's `astriaLightClient`. */
  lightClient?: AstriaLightClientClient;
}

/** What the block of a height took from Astria, and what became of its binding. */
interface OwnAstria {
  astriaStart: bigint;
  astriaEnd: bigint;
  entries: Entry[];
  /** The top-of-block's L2 tx hashes, in the order the binding promises. */
  txHashes: string[];
  posted?: boolean;
}

interface PoolTx {
  hash: string;
  acceptedAt: bigint;
  /** The height of the block of ours it is in, if any. */
  height?: bigint;
}

interface OwnBlock {
  header: Header;
  data: string;
  txHashes: string[];
  /** The height ended with this block (kept so its txs still answer GET /tx/:hash). */
  final?: boolean;
  /** Present when the block was built under an Astria bond in force. */
  astria?: OwnAstria;
}

/** This sequencer's place at an upcoming height (`GET /schedule`, log `schedule`). */
export interface UpcomingHeight {
  readonly height: bigint;
  /** 1 = leads; undefined when this key is not eligible there. */
  readonly rank?: number;
  /** Eligible sequencers at that height. */
  readonly of: number;
  readonly leader: string;
}

/** How long a prover may take to answer. */
const PROVER_TIMEOUT_MS = 3_000;
/** Quote requests for one height are retried at most this often. */
const QUOTE_RETRY_MS = 1_000;

/**
 * Picks the quote per the module header's rule; undefined when none is usable.
 *
 * @example
 * ```ts
 * const best = pickQuote(quotes, { height, blockHash, minimumBond, now });
 * ```
 */
export function pickQuote(
  quotes: readonly { url: string; quote: Quote }[],
  want: { height: bigint; blockHash: string; minimumBond: bigint; now: bigint },
): { url: string; quote: Quote } | undefined {
  const usable = quotes.filter(
    ({ quote: q }) => q.height === want.height && q.blockHash.toLowerCase() === want.blockHash.toLowerCase() && q.validUntil >= want.now && q.bond >= want.minimumBond && q.proverRewardBps <= 10_000n,
  );
  return [...usable].sort((a, b) => {
    if (a.quote.proverRewardBps !== b.quote.proverRewardBps) return a.quote.proverRewardBps < b.quote.proverRewardBps ? -1 : 1;
    if (a.quote.bond !== b.quote.bond) return a.quote.bond > b.quote.bond ? -1 : 1;
    return quotes.indexOf(a) - quotes.indexOf(b);
  })[0];
}

/**
 * An upgrade payload as the header's bytes32 `signal`: an address is left-padded, a bytes32 kept,
 * undefined or empty is zero (no signal).
 *
 * @example
 * ```ts
 * signalPayload("0x00000000000000000000000000000000000000aa"); // "0x000…00aa" (32 bytes)
 * ```
 */
export function signalPayload(value: string | undefined): string {
  if (value === undefined || value === "") return ZeroHash;
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) return zeroPadValue(getAddress(value.toLowerCase()), 32);
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  throw new FernetError(`The upgrade signal ${JSON.stringify(value)} is neither an address nor a bytes32.`, "Give the payload's address (0x + 40 hex digits) or a 32-byte hex value (0x + 64).");
}

/**
 * See the module header.
 *
 * @example
 * ```ts
 * const seq = new SequencerService({ fernet, address, signer, provers: [], log, astria: { source: localAstria } });
 * await seq.step();
 * ```
 */
export class SequencerService {
  private readonly fernet: Fernet;
  readonly address: string;
  private readonly signer: Signer;
  private readonly provers: readonly string[];
  private readonly log: Logger;
  private readonly maxTxs: number;
  /** The injected fault; the demo switches it between heights. */
  fault: SequencerFault;
  /** The upgrade payload put in every header's `signal` (zero: none); may be changed between heights. */
  signal: string;
  private readonly stateFile?: string;
  private readonly pool = new Map<string, PoolTx>();
  private readonly blocks = new Map<bigint, OwnBlock>();
  private readonly quoted = new Map<bigint, { at: number; done: boolean }>();
  private readonly said = new Set<string>();
  /** Tx hashes of other sequencers' revealed blocks, by height, until the height ends. */
  private readonly revealedByOthers = new Map<bigint, string[]>();
  /** Canonical blocks of others that included txs of this pool (kept to answer GET /tx/:hash). */
  private readonly includedElsewhere = new Map<bigint, string[]>();
  /** The last L1 block scanned for `BlockRevealed`. */
  private scannedBlock = -1;
  /** The registry rebuilt from its events, kept for the service's life: each ranking syncs only the new blocks. */
  private index?: Promise<RegistryIndex>;
  /** This key's rank at the pending height and the next `lookahead - 1` (those whose seed is known). */
  private upcoming: { pending: bigint; heights: UpcomingHeight[] } = { pending: -1n, heights: [] };
  private readonly astria?: { source: AstriaSource; slasher: AstriaSlasherClient; lightClient: AstriaLightClientClient };

  constructor(options: {
    fernet: Fernet;
    address: string;
    signer: Signer;
    provers: readonly string[];
    log: Logger;
    maxTxs?: number;
    fault?: SequencerFault;
    /** Upgrade payload to signal (bytes32 or an address); default none. */
    signal?: string;
    stateFile?: string;
    /** Take the top-of-block from Astria while bonded (see the module header). */
    astria?: SequencerAstriaOptions;
  }) {
    this.fernet = options.fernet;
    this.address = options.address;
    this.signer = options.signer;
    this.provers = options.provers;
    this.log = options.log;
    this.maxTxs = options.maxTxs ?? 64;
    this.fault = options.fault ?? "none";
    this.signal = signalPayload(options.signal);
    this.stateFile = options.stateFile;
    if (options.astria) {
      const slasher = options.astria.slasher ?? this.fernet.astriaSlasher;
      const lightClient = options.astria.lightClient ?? this.fernet.astriaLightClient;
      if (!slasher) throw new AstriaNotDeployedError("astriaSlasher");
      if (!lightClient) throw new AstriaNotDeployedError("astriaLightClient");
      this.astria = { source: options.astria.source, slasher, lightClient };
    }
    this.load();
  }

  /**
   * Opts this key in to the Astria slasher with `amount` unless it already has a bond: approves the
   * slasher and bonds. The bond backs heights whose leader becomes known from `effectiveFrom` on
   * (`optInDelay` later). Returns the bond after.
   *
   * @throws {@link AstriaNotDeployedError} without the Astria option; the SDK's `AstriaBondError` (below the minimum, unbonding) and `InsufficientTokensError`.
   * @example
   * ```ts
   * const bond = await seq.ensureAstriaBond(10n ** 21n);
   * ```
   */
  async ensureAstriaBond(amount: bigint): Promise<{ amount: bigint; effectiveFrom: bigint; bonded: boolean }> {
    if (!this.astria) throw new AstriaNotDeployedError("Astria option (--astria)");
    const { slasher } = this.astria;
    const current = await slasher.bondOf(this.address);
    if (current.amount > 0n) {
      this.log.info("astria-bond", { amount: current.amount, effectiveFrom: current.effectiveFrom, bonded: false });
      return { amount: current.amount, effectiveFrom: current.effectiveFrom, bonded: false };
    }
    const token = await slasher.token();
    await token.ensureAllowance(slasher.address, MaxUint256);
    const r = await slasher.bond(this.address, amount);
    const after = await slasher.bondOf(this.address);
    this.log.info("astria-bonded", { amount: after.amount, effectiveFrom: after.effectiveFrom, tx: r.hash, block: r.blockNumber });
    return { amount: after.amount, effectiveFrom: after.effectiveFrom, bonded: true };
  }

  /** The HTTP routes: `POST /tx`, `GET /tx/:hash`, `GET /health`. */
  routes(): Record<string, JsonHandler> {
    return {
      "POST /tx": ({ body }) => this.submit(body),
      "GET /tx/:param": ({ param }) => this.status(param ?? ""),
      "GET /health": async () => ({ status: 200, body: { ok: true, sequencer: this.address, pool: this.pool.size } }),
      "GET /schedule": async () => ({ status: 200, body: { sequencer: this.address, pending: this.upcoming.pending.toString(), heights: this.upcoming.heights.map((u) => ({ ...u, height: u.height.toString() })) } }),
    };
  }

  private receipt(tx: PoolTx, height: bigint): SequencerReceipt {
    return { txHash: tx.hash, height, sequencer: this.address, acceptedAt: tx.acceptedAt };
  }

  /** `POST /tx {hash}` → a stage-2 receipt. */
  async submit(body: unknown): Promise<JsonResponse> {
    const hash = typeof body === "object" && body !== null ? (body as Record<string, unknown>).hash : undefined;
    if (typeof hash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new HttpError(400, "bad-request", `"hash" must be a 0x-prefixed 32-byte hex string.`);
    const key = hash.toLowerCase();
    let tx = this.pool.get(key);
    if (!tx) {
      tx = { hash: key, acceptedAt: BigInt(Math.floor(Date.now() / 1000)) };
      this.pool.set(key, tx);
      this.save();
      this.log.info("tx-accepted", { tx: key, pool: this.pool.size });
    }
    const height = tx.height ?? (await this.fernet.rollup.pendingHeight());
    return { status: 200, body: { ...this.receipt(tx, height), stage: ConfirmationStage.Submitted, stageName: "Submitted" } };
  }

  /** `GET /tx/:hash` → the tx's confirmation stage (2–7). */
  async status(hash: string): Promise<JsonResponse> {
    const tx = this.pool.get(hash.toLowerCase());
    if (!tx) throw new HttpError(404, "unknown-tx", `This sequencer has no tx ${hash}.`);
    const height = tx.height ?? (await this.fernet.rollup.pendingHeight());
    const block = tx.height === undefined ? undefined : (this.blocks.get(tx.height)?.txHashes ?? this.includedElsewhere.get(tx.height));
    const stage = await txConfirmation(this.fernet.rollup, height, tx.hash, block, { receipt: this.receipt(tx, height), fromBlock: this.fernet.deployment.deployBlock });
    const shown = stage === ConfirmationStage.Unknown ? ConfirmationStage.Submitted : stage;
    return { status: 200, body: { txHash: tx.hash, height: height.toString(), stage: shown, stageName: ConfirmationStage[shown] } };
  }

  /** One poll: release lost txs, propose when it can win, get a prover, reveal. */
  async step(): Promise<void> {
    const height = await this.fernet.rollup.pendingHeight();
    const s = await this.fernet.rollup.getHeightState(height);
    await this.releaseLost(height, s);
    await this.dropIncludedElsewhere(height);
    if (this.upcoming.pending !== height) await this.lookAhead(height);
    if (s.phase === Phase.Proposal && !this.blocks.has(height) && s.record.proposer !== this.address) await this.maybePropose(s);
    const own = this.blocks.get(height);
    if (!own || s.record.proposer !== this.address || s.record.blockHash !== blockHash(own.header)) return;
    if (own.astria && !own.astria.posted && !this.said.has(`binding-failed:${height}`) && s.phase !== Phase.Proposal && s.phase !== Phase.Finalized && s.phase !== Phase.Backup) {
      try {
        await this.postBinding(s, own, own.astria);
      } catch (error) {
        if (!(error instanceof ContractRevertError)) throw error;
        // Not retried for this height: the chain (or the watcher's MissingBinding evidence) tells the rest.
        this.once(`binding-failed:${height}`, () => this.log.error("binding-post-failed", { height, error: describeError(error) }));
      }
    }
    if (s.record.prover === ZeroAddress && (s.phase === Phase.Proposal || s.phase === Phase.Commitment)) await this.findProver(s, own);
    if (s.record.prover !== ZeroAddress && !s.record.revealed && (s.phase === Phase.Commitment || s.phase === Phase.Reveal || s.phase === Phase.Proposal)) {
      if (this.fault === "never-reveal") return this.once(`never-reveal:${height}`, () => this.log.warn("fault-never-reveal", { height }));
      const r = await this.fernet.rollup.reveal(height, own.data);
      this.log.info("revealed", { height, tx: r.hash, block: r.blockNumber });
    }
  }

  private once(key: string, fn: () => void): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    fn();
  }

  /** Txs of blocks of ours that can no longer win go back to the pool. */
  private async releaseLost(pending: bigint, s: HeightState): Promise<void> {
    for (const [height, own] of this.blocks) {
      if (own.final) continue;
      let lost = false;
      if (height < pending) {
        const record = await this.fernet.rollup.getBlock(height);
        lost = record.finalization === Finalization.Backup || record.canonicalBlockHash !== blockHash(own.header);
        if (!lost) {
          own.final = true;
          this.save();
          continue;
        }
      } else if (height === pending) {
        lost = s.record.proposer !== ZeroAddress && s.record.proposer !== this.address;
        lost ||= s.phase === Phase.Backup;
      }
      if (!lost) continue;
      for (const t of own.txHashes) {
        const tx = this.pool.get(t);
        if (tx) delete tx.height;
      }
      this.blocks.delete(height);
      this.save();
      this.log.info("block-lost", { height, txs: own.txHashes.length });
    }
  }

  /** Ranks `height` through the kept registry index (created on first use; created again if that failed). */
  private async rank(height: bigint): Promise<RankedSequencer[]> {
    this.index ??= RegistryIndex.create(this.fernet.registry, { fromBlock: this.fernet.deployment.deployBlock ?? 0 });
    const index = await this.index.catch((error: unknown) => {
      this.index = undefined;
      throw error;
    });
    return rankSequencers(this.fernet.rollup, this.fernet.registry, height, { index });
  }

  /**
   * This key's rank at the pending height and the `lookahead - 1` after it (as far as their seeds are
   * known), once per pending height; logged as `schedule` and served by `GET /schedule`.
   */
  private async lookAhead(pending: bigint): Promise<void> {
    const { lookahead } = await this.fernet.rollup.getConfig();
    const heights: UpcomingHeight[] = [];
    for (let h = pending; h < pending + lookahead; h++) {
      const ranking = await this.rank(h).catch((error: unknown) => {
        if (error instanceof SeedNotKnownError) return undefined;
        throw error;
      });
      if (!ranking) break;
      const i = ranking.findIndex((r) => r.sequencer === this.address);
      heights.push({ height: h, ...(i < 0 ? {} : { rank: i + 1 }), of: ranking.length, leader: ranking[0]?.sequencer ?? ZeroAddress });
    }
    this.upcoming = { pending, heights };
    this.log.info("schedule", { pending, heights: heights.map((u) => `${u.height}:${u.rank === undefined ? "-" : u.rank}/${u.of}`).join(" "), leads: heights.filter((u) => u.rank === 1).map((u) => u.height) });
  }

  /**
   * Txs of this pool that another sequencer's block included, once that block is canonical (its
   * height proven), leave the pool for good: they are never proposed again. Found from the
   * `BlockRevealed` data, scanned once per L1 block.
   */
  private async dropIncludedElsewhere(pending: bigint): Promise<void> {
    const c = this.fernet.rollup.contract;
    const latest = await this.fernet.rollup.runner.provider!.getBlockNumber();
    const from = this.scannedBlock < 0 ? (this.fernet.deployment.deployBlock ?? 0) : this.scannedBlock + 1;
    if (from <= latest) {
      for (const ev of await c.queryFilter(c.filters.BlockRevealed(), from, latest)) {
        const height = ev.args.height;
        const own = this.blocks.get(height);
        if (own && keccak256(own.data) === ev.args.dataHash) continue;
        this.revealedByOthers.set(height, decodeBlockData(ev.args.data).txHashes.map((t) => t.toLowerCase()));
      }
      this.scannedBlock = latest;
    }
    for (const [height, txHashes] of this.revealedByOthers) {
      if (height >= pending) continue;
      this.revealedByOthers.delete(height);
      if ((await this.fernet.rollup.getBlock(height)).finalization !== Finalization.Proven) continue;
      // After a restart the pool already says so (read back from the state file): only the block is restored.
      const mine = txHashes.filter((t) => this.pool.has(t) && (this.pool.get(t)!.height === undefined || this.pool.get(t)!.height === height));
      if (mine.length === 0) continue;
      this.includedElsewhere.set(height, txHashes);
      const fresh = mine.filter((t) => this.pool.get(t)!.height === undefined);
      if (fresh.length === 0) continue;
      for (const t of fresh) this.pool.get(t)!.height = height;
      this.save();
      this.log.info("included-elsewhere", { height, txs: fresh.length });
    }
  }

  private async maybePropose(s: HeightState): Promise<void> {
    let ranking;
    try {
      ranking = await this.rank(s.height);
    } catch (error) {
      return this.once(`rank:${s.height}`, () => this.log.warn("rank-failed", { height: s.height, error: describeError(error) }));
    }
    const rank = ranking.findIndex((r) => r.sequencer === this.address);
    if (rank < 0) return this.once(`ineligible:${s.height}`, () => this.log.info("not-eligible", { height: s.height }));
    const mine = ranking[rank];
    if (mine.score <= s.bestScore) return this.once(`beaten:${s.height}`, () => this.log.info("outranked", { height: s.height, rank: rank + 1, of: ranking.length }));
    if (this.fault === "never-propose") return this.once(`never-propose:${s.height}`, () => this.log.warn("fault-never-propose", { height: s.height, rank: rank + 1 }));
    const top = await this.astriaTop(s);
    const topHashes = new Set(top?.txHashes ?? []);
    const own = [...this.pool.values()].filter((t) => t.height === undefined && !topHashes.has(t.hash)).slice(0, this.maxTxs).map((t) => t.hash);
    const txHashes = [...(top ? this.faultedTop(s.height, top.txHashes) : []), ...own];
    const data = encodeBlockData(txHashes);
    const parentArchive = await this.fernet.rollup.archive();
    const header = buildHeader({ height: s.height, parentArchive, archive: keccak256(solidityPacked(["bytes32", "bytes32", "uint256"], [parentArchive, keccak256(data), s.height])), txHashes, data, signal: this.signal });
    try {
      const r = await this.fernet.rollup.propose(header);
      const astria = top ? { astriaStart: top.astriaStart, astriaEnd: top.astriaEnd, entries: top.entries, txHashes: top.txHashes } : undefined;
      this.blocks.set(s.height, { header, data, txHashes, astria });
      for (const t of txHashes) {
        const tx = this.pool.get(t);
        if (tx) tx.height = s.height;
      }
      this.save();
      this.log.info("proposed", { height: s.height, rank: rank + 1, of: ranking.length, txs: txHashes.length, astriaTxs: top?.txHashes.length ?? 0, blockHash: blockHash(header), tx: r.hash, block: r.blockNumber });
    } catch (error) {
      if (error instanceof ScoreBeatenError || error instanceof ContractRevertError) {
        this.log.info("propose-lost", { height: s.height, error: describeError(error) });
        this.blocks.set(s.height, { header, data, txHashes: [] }); // do not retry this height
        return;
      }
      throw error;
    }
  }

  /** The top-of-block for `s.height` when this key's Astria bond is in force for it; else undefined. */
  private async astriaTop(s: HeightState): Promise<TopOfBlock | undefined> {
    if (!this.astria) return undefined;
    const { slasher, source } = this.astria;
    if (!(await slasher.isInForce(this.address, s.height))) {
      this.once(`astria-off:${s.height}`, () => this.log.info("astria-not-in-force", { height: s.height }));
      return undefined;
    }
    const [cursor, latest, { rollupId }] = await Promise.all([slasher.expectedAstriaStart(), source.latestHeight(), slasher.getConfig()]);
    const blocks = cursor > latest ? [] : await source.blocks(cursor, latest + 1n);
    const top = topOfBlock(blocks.map((b) => b.block), rollupId, cursor, cursor + BigInt(blocks.length));
    this.log.info("astria-top", { height: s.height, astriaStart: top.astriaStart, astriaEnd: top.astriaEnd, entries: top.entries.length, txs: top.txHashes.length });
    return top;
  }

  /** The top-of-block's tx hashes as the block carries them (reordered under `reorder-top-of-block`). */
  private faultedTop(height: bigint, txHashes: readonly string[]): string[] {
    if (this.fault !== "reorder-top-of-block") return [...txHashes];
    if (txHashes.length === 0) {
      this.log.warn("fault-reorder-top-of-block", { height, note: "no Astria txs to reorder" });
      return [];
    }
    const out = txHashes.length >= 2 ? [txHashes[1], txHashes[0], ...txHashes.slice(2)] : [keccak256(toUtf8Bytes(`filler ahead of the top-of-block @${height}`)), ...txHashes];
    this.log.warn("fault-reorder-top-of-block", { height, promised: txHashes.slice(0, 2), carried: out.slice(0, 2) });
    return out;
  }

  /** Posts the binding of the won block (the light client first gets the range's last header if it lacks it) and hands it to Astria. */
  private async postBinding(s: HeightState, own: OwnBlock, astria: OwnAstria): Promise<void> {
    const { slasher, lightClient, source } = this.astria!;
    const record = await slasher.bindingAt(s.height);
    if (!record.posted) {
      if (astria.astriaEnd > astria.astriaStart && (await lightClient.latestHeight()) < astria.astriaEnd - 1n) {
        const [last] = await source.blocks(astria.astriaEnd - 1n, astria.astriaEnd);
        if (!(await lightClient.findHeader(astria.astriaEnd - 1n))) {
          const { validators } = await source.info();
          try {
            const r = await lightClient.submitHeader(last.block.header, last.setId, validators, last.signatures);
            this.log.info("astria-header-relayed", { astriaHeight: last.block.header.height, tx: r.hash, block: r.blockNumber });
          } catch (error) {
            if (!(await lightClient.findHeader(astria.astriaEnd - 1n))) throw error;
            this.log.info("lost-race", { action: "submitHeader", astriaHeight: astria.astriaEnd - 1n });
          }
        }
      }
    }
    const top: TopOfBlock = { astriaStart: astria.astriaStart, astriaEnd: astria.astriaEnd, entries: astria.entries, txHashes: astria.txHashes };
    const binding = buildBinding(s.height, blockHash(own.header), top);
    const signature = await slasher.signBinding(this.signer, binding);
    const signed: SignedBinding = { binding, entries: astria.entries, signature };
    if (!record.posted) {
      const r = await slasher.postBinding(binding, astria.entries, signature);
      this.log.info("binding-posted", { height: s.height, astriaStart: binding.astriaStart, astriaEnd: binding.astriaEnd, entries: astria.entries.length, tx: r.hash, block: r.blockNumber });
    }
    astria.posted = true;
    this.save();
    await this.share(signed, "binding-shared");
    if (this.fault === "double-binding") {
      const other: Binding = { ...binding, astriaEnd: binding.astriaStart, entryCount: 0n, entriesRoot: entriesRoot([]) };
      const same = other.astriaEnd === binding.astriaEnd;
      const second: Binding = same ? { ...other, blockHash: keccak256(toUtf8Bytes(`another block @${s.height}`)) } : other;
      const leaked: SignedBinding = { binding: second, entries: [], signature: await slasher.signBinding(this.signer, second) };
      this.log.warn("fault-double-binding", { height: s.height });
      await this.share(leaked, "binding-leaked");
    }
  }

  private async share(signed: SignedBinding, msg: string): Promise<void> {
    try {
      await this.astria!.source.submitBinding(signed);
      this.log.info(msg, { height: signed.binding.l2Height });
    } catch (error) {
      this.log.warn("binding-share-failed", { height: signed.binding.l2Height, error: describeError(error) });
    }
  }

  private async findProver(s: HeightState, own: OwnBlock): Promise<void> {
    const last = this.quoted.get(s.height);
    // A prover that took the signed quote but has not committed well into the commitment phase is replaced.
    const stale = last?.done === true && s.phase === Phase.Commitment && Date.now() - last.at > 3 * QUOTE_RETRY_MS;
    if (stale) this.log.warn("prover-silent", { height: s.height });
    if (!stale && (last?.done || (last && Date.now() - last.at < QUOTE_RETRY_MS))) return;
    this.quoted.set(s.height, { at: Date.now(), done: false });
    const hash = blockHash(own.header);
    const answers = await Promise.all(
      this.provers.map(async (url) => {
        try {
          const r = await fetch(`${url}/quote`, { method: "POST", headers: { "content-type": "application/json" }, body: toJson({ height: s.height, blockHash: hash, sequencer: this.address }), signal: AbortSignal.timeout(PROVER_TIMEOUT_MS) });
          const body = (await r.json()) as Record<string, unknown>;
          if (!r.ok) {
            this.log.info("quote-refused", { height: s.height, prover: url, status: r.status, error: body.error, message: body.message });
            return undefined;
          }
          return { url, quote: quoteFromJson(body) };
        } catch (error) {
          this.log.warn("quote-failed", { height: s.height, prover: url, error: describeError(error) });
          return undefined;
        }
      }),
    );
    const quotes = answers.filter((a): a is { url: string; quote: Quote } => a !== undefined && isAddress(a.quote.prover));
    const [config, latest] = await Promise.all([this.fernet.rollup.getConfig(), this.fernet.rollup.runner.provider!.getBlock("latest")]);
    const now = BigInt(latest?.timestamp ?? 0);
    const ordered: { url: string; quote: Quote }[] = [];
    let rest = quotes;
    for (let pick = pickQuote(rest, { height: s.height, blockHash: hash, minimumBond: config.minimumProverBond, now }); pick; pick = pickQuote(rest, { height: s.height, blockHash: hash, minimumBond: config.minimumProverBond, now })) {
      ordered.push(pick);
      rest = rest.filter((q) => q !== pick);
    }
    for (const { url, quote } of ordered) {
      const signature = await this.fernet.rollup.signQuote(this.signer, quote);
      try {
        const r = await fetch(`${url}/commit`, { method: "POST", headers: { "content-type": "application/json" }, body: toJson({ quote: quoteToJson(quote), signature }), signal: AbortSignal.timeout(PROVER_TIMEOUT_MS) });
        const body = (await r.json()) as Record<string, unknown>;
        if (r.ok) {
          this.quoted.set(s.height, { at: Date.now(), done: true });
          this.log.info("quote-signed", { height: s.height, prover: getAddress(quote.prover), url, bond: quote.bond, proverRewardBps: quote.proverRewardBps, status: body.status });
          return;
        }
        this.log.info("commit-refused", { height: s.height, prover: url, status: r.status, error: body.error, message: body.message });
      } catch (error) {
        this.log.warn("commit-failed", { height: s.height, prover: url, error: describeError(error) });
      }
    }
    if (ordered.length === 0) this.log.warn("no-quote", { height: s.height, asked: this.provers.length });
  }

  private save(): void {
    if (!this.stateFile) return;
    const state = {
      version: 1,
      pool: [...this.pool.values()],
      blocks: [...this.blocks.entries()].map(([height, b]) => ({ height, ...b })),
    };
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, toJson(state));
    renameSync(tmp, this.stateFile);
  }

  private load(): void {
    if (!this.stateFile || !existsSync(this.stateFile)) return;
    let state: { pool: Array<{ hash: string; acceptedAt: string; height?: string }>; blocks: Array<{ height: string; header: Record<string, string>; data: string; txHashes: string[]; astria?: { astriaStart: string; astriaEnd: string; entries: Array<Record<string, string>>; txHashes: string[]; posted?: boolean } }> };
    try {
      state = JSON.parse(readFileSync(this.stateFile, "utf8"));
    } catch (cause) {
      throw new FernetError(`The state file ${this.stateFile} is not readable JSON.`, "Move it away to start with an empty pool (blocks proposed but not revealed are then lost).", { cause });
    }
    for (const t of state.pool ?? []) this.pool.set(t.hash, { hash: t.hash, acceptedAt: BigInt(t.acceptedAt), ...(t.height === undefined ? {} : { height: BigInt(t.height) }) });
    for (const b of state.blocks ?? []) {
      const h = b.header;
      this.blocks.set(BigInt(b.height), {
        header: { height: BigInt(h.height), parentArchive: h.parentArchive, archive: h.archive, txsRoot: h.txsRoot, txCount: BigInt(h.txCount), dataHash: h.dataHash, signal: h.signal },
        data: b.data,
        txHashes: b.txHashes,
        final: (b as { final?: boolean }).final === true,
        astria: b.astria && {
          astriaStart: BigInt(b.astria.astriaStart),
          astriaEnd: BigInt(b.astria.astriaEnd),
          entries: b.astria.entries.map((e) => ({ astriaHeight: BigInt(e.astriaHeight), rollupTxsRoot: e.rollupTxsRoot, txCount: BigInt(e.txCount), offset: BigInt(e.offset) })),
          txHashes: b.astria.txHashes,
          posted: b.astria.posted === true,
        },
      });
    }
    this.log.info("state-loaded", { file: this.stateFile, pool: this.pool.size, blocks: this.blocks.size });
  }
}
