/**
 * The watcher's Astria duties, one step per poll:
 *
 * 1. **Relay headers**: every Astria block of the source above the light client's latest height is
 *    submitted (`submitHeader`, under the set id the header's digest names), at most `maxRelays` a step.
 * 2. **Check bindings**: every `BindingPosted` event of a height not slashed yet is checked against the
 *    light client's headers (relaying the ones evidence needs), the Astria blocks, the bindings the
 *    Astria source was handed, the won proposal (`BlockProposed`) and its revealed data
 *    (`BlockRevealed`); the first offence found is proven:
 *    - `proveDoubleBinding`: another binding of the same height signed by the same key;
 *    - `proveWrongBlockHash`: a signed binding for another block than the won one;
 *    - `proveRollupAbsent` / `proveRootMismatch` / `proveCountMismatch`: an entry Astria's block contradicts;
 *    - `proveSkippedBlock`: an Astria block in the range with rollup txs and no entry;
 *    - `proveRangeOmission`: an Astria block past the range with rollup txs, `astriaMargin` older than the round start;
 *    - `proveTxMismatch`: a tx of the block at `offset + j` that is not Astria tx `j` of its entry
 *      (a reordered or replaced top-of-block).
 * 3. **Check won heights** of the last `lookback` heights: a bonded winner in force with no binding once
 *    the window closed (`proveMissingBinding`), or whose height ended in backup through its own miss
 *    (`proveAbandonedHeight`).
 *
 * Restart-safe: everything is derived from the chain and the Astria source, nothing is stored. Each
 * (height) is slashed at most once on chain; before each submission the watcher reads `bindingAt(h).slashed`,
 * and a submission another watcher beat (the simulation reverts, the chain shows the height slashed)
 * is logged `lost-race`.
 *
 * @example
 * ```ts
 * const astriaWatcher = new AstriaWatcher({ fernet, source: new AstriaHttpClient(url), log });
 * await follow({ signal, intervalMs, log, tick: () => astriaWatcher.step() });
 * ```
 */
import { verifyTypedData, ZeroAddress, type ContractTransactionReceipt, type TypedDataDomain } from "ethers";
import {
  BINDING_TYPES,
  absenceProof,
  astriaTxProof,
  bindingDigest,
  entryProof,
  l2TxHash,
  l2TxProof,
  requiredInRange,
  rollupLeafProof,
  rollupTxsOf,
  shapeWitness,
  type Entry,
  type EntryProof,
  type Validator,
} from "../astria";
import { decodeBlockData } from "../blockdata";
import type { AstriaLightClientClient, AstriaSlasherClient, Fernet } from "../clients";
import { ContractRevertError } from "../contract-errors";
import type { Header } from "../hashing";
import { Finalization, Phase } from "../types";
import { AstriaNotDeployedError } from "./errors";
import type { AstriaSource, SignedAstriaBlock, SignedBinding } from "./astria-local";
import { describeError, type Logger } from "./log";

/** The slasher evidence calls the watcher makes, and header relays. */
export type AstriaWatcherActionKind =
  | "submitHeader"
  | "proveDoubleBinding"
  | "proveWrongBlockHash"
  | "proveRootMismatch"
  | "proveRollupAbsent"
  | "proveCountMismatch"
  | "proveSkippedBlock"
  | "proveRangeOmission"
  | "proveTxMismatch"
  | "proveMissingBinding"
  | "proveAbandonedHeight";

/**
 * One action the Astria watcher took (also logged as `acted`). `height` is the L2 height for
 * evidence and the Astria height for `submitHeader`.
 *
 * @example
 * ```ts
 * const slashes = watcher.actions.filter((a) => a.action !== "submitHeader");
 * ```
 */
export interface AstriaWatcherAction {
  readonly action: AstriaWatcherActionKind;
  readonly height: bigint;
  readonly tx: string;
  readonly block: number;
}

/**
 * Options of {@link AstriaWatcher}.
 *
 * @example
 * ```ts
 * const options: AstriaWatcherOptions = { fernet: await connect(file, signer), source: localAstria, log };
 * ```
 */
export interface AstriaWatcherOptions {
  /** The deployment's clients, bound to the watcher's key (needs `astriaSlasher` and `astriaLightClient`). */
  fernet: Fernet;
  source: AstriaSource;
  log: Logger;
  /** Headers relayed per step at most (default 32). */
  maxRelays?: number;
  /** Won heights below the pending one checked for missing bindings and abandoned heights (default 16). */
  lookback?: bigint;
}

/** A proof to submit: what it is for and how to send it. */
interface Evidence {
  action: AstriaWatcherActionKind;
  why: Record<string, unknown>;
  send: () => Promise<ContractTransactionReceipt>;
}

/**
 * See the module header.
 *
 * @example
 * ```ts
 * const watcher = new AstriaWatcher({ fernet, source, log });
 * await watcher.step();
 * console.log(watcher.actions.filter((a) => a.action !== "submitHeader"));
 * ```
 */
export class AstriaWatcher {
  /** Actions taken by this instance, oldest first. */
  readonly actions: AstriaWatcherAction[] = [];
  private readonly fernet: Fernet;
  private readonly source: AstriaSource;
  private readonly log: Logger;
  private readonly slasher: AstriaSlasherClient;
  private readonly lightClient: AstriaLightClientClient;
  private readonly maxRelays: number;
  private readonly lookback: bigint;
  /** Heights needing nothing more (slashed, or final and clean). */
  private readonly done = new Set<bigint>();
  /** Final heights whose won-height checks (missing binding, abandoned, leaked bindings) ran. */
  private readonly wonDone = new Set<bigint>();
  /** Evidence that reverted for another reason than a lost race: not retried (`height:action`). */
  private readonly gaveUp = new Set<string>();
  private validators?: Validator[];
  private readonly said = new Set<string>();

  constructor(options: AstriaWatcherOptions) {
    this.fernet = options.fernet;
    this.source = options.source;
    this.log = options.log;
    if (!options.fernet.astriaSlasher) throw new AstriaNotDeployedError("astriaSlasher");
    if (!options.fernet.astriaLightClient) throw new AstriaNotDeployedError("astriaLightClient");
    this.slasher = options.fernet.astriaSlasher;
    this.lightClient = options.fernet.astriaLightClient;
    this.maxRelays = options.maxRelays ?? 32;
    this.lookback = options.lookback ?? 16n;
  }

  /** One poll: relay headers, check posted bindings, check won heights. @example `await watcher.step()` */
  async step(): Promise<void> {
    await this.relayNew();
    await this.checkBindings();
    await this.checkWonHeights();
  }

  // ------------------------------------------------------------------ headers

  private async validatorSet(): Promise<Validator[]> {
    this.validators ??= (await this.source.info()).validators;
    return this.validators;
  }

  private async relayNew(): Promise<void> {
    const [latest, first, sourceLatest] = await Promise.all([this.lightClient.latestHeight(), this.lightClient.firstHeight(), this.source.latestHeight()]);
    const from = latest + 1n > first ? latest + 1n : first;
    if (from > sourceLatest) return;
    const to = sourceLatest + 1n < from + BigInt(this.maxRelays) ? sourceLatest + 1n : from + BigInt(this.maxRelays);
    for (const b of await this.source.blocks(from, to)) await this.relay(b);
  }

  /** Relays `b`'s header unless the light client has it; true when it is there afterwards. */
  private async relay(b: SignedAstriaBlock): Promise<boolean> {
    const height = b.block.header.height;
    if (await this.lightClient.findHeader(height)) return true;
    try {
      const r = await this.lightClient.submitHeader(b.block.header, b.setId, await this.validatorSet(), b.signatures);
      this.acted("submitHeader", height, r);
      return true;
    } catch (error) {
      if (await this.lightClient.findHeader(height)) {
        this.log.info("lost-race", { action: "submitHeader", height, error: describeError(error) });
        return true;
      }
      if (!(error instanceof ContractRevertError)) throw error;
      this.once(`relay:${height}`, () => this.log.error("header-refused", { height, error: describeError(error) }));
      return false;
    }
  }

  /** The source's block at `height`, its header made final on the light client first; undefined if it can't be (or disagrees). */
  private async finalBlock(height: bigint): Promise<SignedAstriaBlock | undefined> {
    const [b] = await this.source.blocks(height, height + 1n);
    if (!b || b.block.header.height !== height) return undefined;
    if (!(await this.relay(b))) return undefined;
    const final = await this.lightClient.findHeader(height);
    if (!final || final.rollupTransactionsRoot.toLowerCase() !== b.block.header.rollupTransactionsRoot.toLowerCase()) {
      this.once(`mismatch:${height}`, () => this.log.error("astria-source-mismatch", { height, note: "the source's block differs from the light client's header: ignored" }));
      return undefined;
    }
    return b;
  }

  // ------------------------------------------------------------------ posted bindings

  private async checkBindings(): Promise<void> {
    const c = this.slasher.contract;
    const events = await c.queryFilter(c.filters.BindingPosted(), this.fernet.deployment.deployBlock ?? 0);
    for (const ev of events) {
      const height = ev.args.l2Height;
      if (this.done.has(height)) continue;
      const b = ev.args.binding;
      const posted: SignedBinding = {
        binding: { l2Height: b.l2Height, blockHash: b.blockHash, astriaStart: b.astriaStart, astriaEnd: b.astriaEnd, entryCount: b.entryCount, entriesRoot: b.entriesRoot },
        // `entries` is also a method of ethers' Result: read the field by position (binding, entries, signature).
        entries: (ev.args[5] as unknown as Array<{ astriaHeight: bigint; rollupTxsRoot: string; txCount: bigint; offset: bigint }>).map((e) => ({ astriaHeight: e.astriaHeight, rollupTxsRoot: e.rollupTxsRoot, txCount: e.txCount, offset: e.offset })),
        signature: ev.args.signature,
      };
      await this.checkBinding(ev.args.sequencer, posted);
    }
  }

  private async checkBinding(sequencer: string, posted: SignedBinding): Promise<void> {
    const height = posted.binding.l2Height;
    if ((await this.slasher.bindingAt(height)).slashed) {
      this.done.add(height);
      return;
    }
    const s = await this.fernet.rollup.getHeightState(height);
    const evidence = await this.bindingEvidence(sequencer, posted, s.roundStart, s.record.revealed);
    if (evidence) {
      await this.submit(height, evidence);
      return;
    }
    // Nothing found: final heights whose data is public (or that ended in backup) need no more looks.
    if (s.phase === Phase.Finalized && (s.record.revealed || s.record.finalization === Finalization.Backup)) this.done.add(height);
  }

  private async bindingEvidence(sequencer: string, posted: SignedBinding, roundStart: bigint, revealed: boolean): Promise<Evidence | undefined> {
    const { binding, entries, signature } = posted;
    const height = binding.l2Height;
    const domain = await this.slasher.domain();
    const digest = bindingDigest(domain, binding);
    // 1. Other bindings of the height, signed by the same key, the Astria source was handed.
    for (const other of await this.signedBy(domain, sequencer, height)) {
      if (bindingDigest(domain, other.binding) === digest) continue;
      return { action: "proveDoubleBinding", why: { digestA: digest, digestB: bindingDigest(domain, other.binding) }, send: () => this.slasher.proveDoubleBinding(binding, signature, other.binding, other.signature) };
    }
    const { rollupId, astriaMargin } = await this.slasher.getConfig();
    // 2. Each entry against Astria's block.
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const b = await this.finalBlock(e.astriaHeight);
      if (!b) continue;
      const txs = rollupTxsOf(b.block, rollupId);
      const proof = entryProof(entries, i);
      if (txs.length === 0) {
        return { action: "proveRollupAbsent", why: { astriaHeight: e.astriaHeight }, send: () => this.slasher.proveRollupAbsent(height, proof, absenceProof(b.block, rollupId)) };
      }
      const leaf = rollupLeafProof(b.block, rollupId);
      if (leaf.txsRoot.toLowerCase() !== e.rollupTxsRoot.toLowerCase()) {
        return { action: "proveRootMismatch", why: { astriaHeight: e.astriaHeight, claimed: e.rollupTxsRoot, actual: leaf.txsRoot }, send: () => this.slasher.proveRootMismatch(height, proof, leaf) };
      }
      if (BigInt(txs.length) !== e.txCount) {
        const witness = shapeWitness(txs.length, Number(e.txCount));
        if (witness !== undefined) {
          return { action: "proveCountMismatch", why: { astriaHeight: e.astriaHeight, claimed: e.txCount, actual: txs.length }, send: () => this.slasher.proveCountMismatch(height, proof, astriaTxProof(b.block, rollupId, witness), BigInt(txs.length)) };
        }
      }
    }
    // 3. Blocks inside the range with rollup txs and no entry.
    const byHeight = new Map(entries.map((e, i) => [e.astriaHeight, i]));
    for (let a = binding.astriaStart; a < binding.astriaEnd; a++) {
      if (byHeight.has(a)) continue;
      const b = await this.finalBlock(a);
      if (!b || rollupTxsOf(b.block, rollupId).length === 0) continue;
      return { action: "proveSkippedBlock", why: { astriaHeight: a }, send: () => this.slasher.proveSkippedBlock(height, a, rollupLeafProof(b.block, rollupId), bracket(entries, a)) };
    }
    // 4. Blocks past the range that rule (b) required (older than the round start by the margin).
    const sourceLatest = await this.source.latestHeight();
    for (const b of await this.source.blocks(binding.astriaEnd, sourceLatest + 1n)) {
      if (!requiredInRange(b.block.header.time, roundStart, astriaMargin)) break;
      if (rollupTxsOf(b.block, rollupId).length === 0) continue;
      const final = await this.finalBlock(b.block.header.height);
      if (!final) continue;
      const a = b.block.header.height;
      return { action: "proveRangeOmission", why: { astriaHeight: a, astriaEnd: binding.astriaEnd }, send: () => this.slasher.proveRangeOmission(height, a, rollupLeafProof(final.block, rollupId)) };
    }
    // 5. The revealed block against the promised top-of-block.
    if (!revealed) return undefined;
    const block = await this.wonBlock(height);
    if (!block) return undefined;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const b = await this.finalBlock(e.astriaHeight);
      if (!b) continue;
      const txs = rollupTxsOf(b.block, rollupId);
      for (let j = 0; j < txs.length; j++) {
        const position = Number(e.offset) + j;
        const actual = block.txHashes[position];
        if (actual !== undefined && actual.toLowerCase() === l2TxHash(txs[j])) continue;
        const proof = entryProof(entries, i);
        return {
          action: "proveTxMismatch",
          why: { astriaHeight: e.astriaHeight, astriaIndex: j, position, expected: l2TxHash(txs[j]), actual: actual ?? null },
          send: () => this.slasher.proveTxMismatch(height, proof, rollupLeafProof(b.block, rollupId), astriaTxProof(b.block, rollupId, j), l2TxProof(block.header, block.txHashes, position)),
        };
      }
    }
    return undefined;
  }

  /** The bindings of `height` the Astria source holds that `sequencer` signed. */
  private async signedBy(domain: TypedDataDomain, sequencer: string, height: bigint): Promise<SignedBinding[]> {
    const out: SignedBinding[] = [];
    for (const b of await this.source.bindings(height)) {
      try {
        if (verifyTypedData(domain, BINDING_TYPES, b.binding, b.signature).toLowerCase() === sequencer.toLowerCase() && b.binding.l2Height === height) out.push(b);
      } catch {
        // not a signature: ignored
      }
    }
    return out;
  }

  /** The won proposal's header (`BlockProposed`) and its revealed tx hashes (`BlockRevealed`). */
  private async wonBlock(height: bigint): Promise<{ header: Header; txHashes: string[] } | undefined> {
    const c = this.fernet.rollup.contract;
    const from = this.fernet.deployment.deployBlock ?? 0;
    const won = (await this.fernet.rollup.getBlock(height)).blockHash.toLowerCase();
    const proposed = (await c.queryFilter(c.filters.BlockProposed(height), from)).reverse().find((e) => e.args.blockHash.toLowerCase() === won);
    const revealed = await c.queryFilter(c.filters.BlockRevealed(height), from);
    if (!proposed || revealed.length === 0) return undefined;
    const h = proposed.args.header;
    const header: Header = { height: h.height, parentArchive: h.parentArchive, archive: h.archive, txsRoot: h.txsRoot, txCount: h.txCount, dataHash: h.dataHash, signal: h.signal };
    try {
      return { header, txHashes: decodeBlockData(revealed[revealed.length - 1].args.data).txHashes.map((t) => t.toLowerCase()) };
    } catch {
      return undefined;
    }
  }

  // ------------------------------------------------------------------ won heights

  private async checkWonHeights(): Promise<void> {
    const pending = await this.fernet.rollup.pendingHeight();
    const lowest = pending > this.lookback ? pending - this.lookback : 1n;
    for (let h = lowest; h <= pending; h++) {
      if (this.done.has(h) || this.wonDone.has(h)) continue;
      const s = await this.fernet.rollup.getHeightState(h);
      if (s.phase === Phase.NotStarted || s.phase === Phase.Proposal) continue;
      if (s.phase === Phase.Finalized) this.wonDone.add(h);
      const winner = s.record.proposer;
      const record = await this.slasher.bindingAt(h);
      if (winner === ZeroAddress || record.slashed || !(await this.slasher.isInForce(winner, h))) continue;
      if (!record.posted) {
        // Bindings the sequencer signed but did not post (leaked to the Astria source).
        const domain = await this.slasher.domain();
        const leaked = await this.signedBy(domain, winner, h);
        const wrong = leaked.find((b) => b.binding.blockHash.toLowerCase() !== s.record.blockHash.toLowerCase());
        const [a, b] = leaked;
        if (a && b) {
          await this.submit(h, { action: "proveDoubleBinding", why: { digestA: bindingDigest(domain, a.binding), digestB: bindingDigest(domain, b.binding) }, send: () => this.slasher.proveDoubleBinding(a.binding, a.signature, b.binding, b.signature) });
          continue;
        }
        if (wrong) {
          await this.submit(h, { action: "proveWrongBlockHash", why: { bound: wrong.binding.blockHash, won: s.record.blockHash }, send: () => this.slasher.proveWrongBlockHash(wrong.binding, wrong.signature) });
          continue;
        }
      }
      const now = BigInt((await this.fernet.rollup.runner.provider!.getBlock("latest"))!.timestamp);
      if (s.record.finalization === Finalization.Backup && (s.record.prover === ZeroAddress || !s.record.revealed)) {
        await this.submit(h, { action: "proveAbandonedHeight", why: { sequencer: winner, prover: s.record.prover, revealed: s.record.revealed }, send: () => this.slasher.proveAbandonedHeight(h) });
      } else if (!record.posted && (s.phase === Phase.Finalized || now >= s.revealDeadline)) {
        await this.submit(h, { action: "proveMissingBinding", why: { sequencer: winner, revealDeadline: s.revealDeadline }, send: () => this.slasher.proveMissingBinding(h) });
      }
      // A posted binding's checks run in checkBindings.
    }
  }

  // ------------------------------------------------------------------ submitting

  private async submit(height: bigint, evidence: Evidence): Promise<void> {
    const key = `${height}:${evidence.action}`;
    if (this.gaveUp.has(key)) return;
    if ((await this.slasher.bindingAt(height)).slashed) {
      this.done.add(height);
      return;
    }
    this.log.info("astria-evidence", { height, action: evidence.action, ...evidence.why });
    try {
      const r = await evidence.send();
      this.acted(evidence.action, height, r);
      this.done.add(height);
    } catch (error) {
      if ((await this.slasher.bindingAt(height)).slashed) {
        this.done.add(height);
        this.log.info("lost-race", { action: evidence.action, height, error: describeError(error) });
        return;
      }
      if (!(error instanceof ContractRevertError)) throw error;
      this.gaveUp.add(key);
      this.log.error("evidence-reverted", { action: evidence.action, height, error: describeError(error) });
    }
  }

  private acted(action: AstriaWatcherActionKind, height: bigint, receipt: ContractTransactionReceipt): void {
    const record: AstriaWatcherAction = { action, height, tx: receipt.hash, block: receipt.blockNumber };
    this.actions.push(record);
    this.log.info("acted", { ...record, gasUsed: receipt.gasUsed });
  }

  private once(key: string, fn: () => void): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    fn();
  }
}

/**
 * The entries around Astria height `a` (which has none), with their proofs: what `proveSkippedBlock`
 * takes to show the binding has no entry there.
 *
 * @example
 * ```ts
 * await slasher.proveSkippedBlock(h, a, rollupLeafProof(block, rollupId), bracket(entries, a));
 * ```
 */
export function bracket(entries: readonly Entry[], a: bigint): EntryProof[] {
  if (entries.length === 0) return [];
  const above = entries.findIndex((e) => e.astriaHeight > a);
  if (above === 0) return [entryProof(entries, 0)];
  if (above < 0) return [entryProof(entries, entries.length - 1)];
  return [entryProof(entries, above - 1), entryProof(entries, above)];
}
