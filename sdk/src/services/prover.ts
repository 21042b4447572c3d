/**
 * The prover service's logic: quotes on a fixed pricing policy, the escrow kept at a target level,
 * commitments to quotes the winning proposer signed, proofs on a {@link BlockProver} (the in-process
 * prover farm) and their submission from the commitment deadline until the proving deadline minus a
 * safety margin; optionally backup blocks. What it proves is read back from the chain (the proposed
 * header from `BlockProposed`, the data from `BlockRevealed`), so a restart after its commitment
 * still proves and submits. A signed quote not yet committed lives in memory only: after a restart
 * the sequencer sends it again.
 *
 * @example
 * ```ts
 * const prover = new ProverService({ fernet, chainId, address, farm, policy, log });
 * await startJsonServer({ host, port, log, routes: prover.routes() });
 * await follow({ signal, intervalMs, log, tick: () => prover.step() });
 * ```
 */
import { getAddress, isAddress, keccak256, solidityPacked, verifyTypedData, ZeroAddress } from "ethers";
import type { BlockProver } from "../agents";
import { decodeBlockData, encodeBlockData } from "../blockdata";
import { InsufficientEscrowError, InvalidQuoteError, type Fernet } from "../clients";
import { ContractRevertError } from "../contract-errors";
import { QUOTE_TYPES, quoteDomain, type Quote } from "../eip712";
import { FernetError } from "../errors";
import { blockHash, buildHeader, type Header } from "../hashing";
import { Phase, type HeightState } from "../types";
import { HttpError, type JsonHandler, type JsonResponse } from "./http";
import { describeError, type Logger } from "./log";

/** The prover's pricing and operating policy. */
export interface ProverPolicy {
  /** Bond offered in every quote (≥ the rollup's minimumProverBond). */
  readonly bond: bigint;
  /** Share of the block reward (after the submitter's) asked for, in basis points. */
  readonly proverRewardBps: bigint;
  /** A quote stays valid this long (and never past the commitment deadline). */
  readonly validForSeconds: bigint;
  /** The escrow is topped up to this total (0: never deposit). */
  readonly escrowTarget: bigint;
  /** No proof is sent later than `provingDeadline - safetyMarginSeconds`. */
  readonly safetyMarginSeconds: bigint;
  /** Prove and submit a backup block whenever the pending height is in backup. */
  readonly backup: boolean;
  /** Fault injection: prove but never submit. */
  readonly withholdProof: boolean;
}

/** A quote as it travels in JSON (decimal strings). */
export interface QuoteJson {
  height: string;
  blockHash: string;
  prover: string;
  bond: string;
  proverRewardBps: string;
  validUntil: string;
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const HEX = /^0x([0-9a-fA-F]{2})*$/;

function field(body: unknown, name: string): unknown {
  if (typeof body !== "object" || body === null) throw new HttpError(400, "bad-request", "The body must be a JSON object.");
  return (body as Record<string, unknown>)[name];
}

function uint(body: unknown, name: string): bigint {
  const v = field(body, name);
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^\d+$/.test(v)) return BigInt(v);
  throw new HttpError(400, "bad-request", `"${name}" must be a whole number (a decimal string or a number).`);
}

function bytes32(body: unknown, name: string): string {
  const v = field(body, name);
  if (typeof v !== "string" || !BYTES32.test(v)) throw new HttpError(400, "bad-request", `"${name}" must be a 0x-prefixed 32-byte hex string.`);
  return v.toLowerCase();
}

function address(body: unknown, name: string): string {
  const v = field(body, name);
  if (typeof v !== "string" || !isAddress(v)) throw new HttpError(400, "bad-request", `"${name}" must be an address.`);
  return getAddress(v);
}

/** The JSON form of a quote. */
export function quoteToJson(q: Quote): QuoteJson {
  return {
    height: q.height.toString(),
    blockHash: q.blockHash,
    prover: q.prover,
    bond: q.bond.toString(),
    proverRewardBps: q.proverRewardBps.toString(),
    validUntil: q.validUntil.toString(),
  };
}

/** Parses a JSON quote. @throws {@link HttpError} 400 */
export function quoteFromJson(v: unknown): Quote {
  return {
    height: uint(v, "height"),
    blockHash: bytes32(v, "blockHash"),
    prover: address(v, "prover"),
    bond: uint(v, "bond"),
    proverRewardBps: uint(v, "proverRewardBps"),
    validUntil: uint(v, "validUntil"),
  };
}

const sameQuote = (a: Quote, b: Quote): boolean =>
  a.height === b.height &&
  a.blockHash.toLowerCase() === b.blockHash.toLowerCase() &&
  a.prover === b.prover &&
  a.bond === b.bond &&
  a.proverRewardBps === b.proverRewardBps &&
  a.validUntil === b.validUntil;

/** See the module header. */
export class ProverService {
  private readonly fernet: Fernet;
  private readonly chainId: bigint;
  readonly address: string;
  private readonly farm: BlockProver;
  private readonly policy: ProverPolicy;
  private readonly log: Logger;
  /** Quotes issued, by height (the latest per height). */
  private readonly issued = new Map<bigint, Quote>();
  /** Quotes signed by the winner and handed in, waiting for the commitment phase. */
  private readonly signed = new Map<bigint, { quote: Quote; signature: string }>();
  private readonly committing = new Map<bigint, Promise<string>>();
  private readonly proofs = new Map<bigint, Promise<{ header: Header; proof: string }>>();
  /** Heights this service is done with (submitted, gave up, or backup attempted). */
  private readonly done = new Set<string>();
  private escrowWarned = false;
  /** Fault injection (prove, never submit); starts as the policy says, the demo switches it between heights. */
  withholdProof: boolean;

  constructor(options: { fernet: Fernet; chainId: bigint; address: string; farm: BlockProver; policy: ProverPolicy; log: Logger }) {
    this.fernet = options.fernet;
    this.chainId = options.chainId;
    this.address = options.address;
    this.farm = options.farm;
    this.policy = options.policy;
    this.log = options.log;
    this.withholdProof = options.policy.withholdProof;
  }

  /** The HTTP routes: `POST /quote`, `POST /commit`, `GET /health`. */
  routes(): Record<string, JsonHandler> {
    return {
      "POST /quote": ({ body }) => this.quote(body),
      "POST /commit": ({ body }) => this.commit(body),
      "GET /health": async () => ({ status: 200, body: { ok: true, prover: this.address } }),
    };
  }

  private async pendingState(height: bigint): Promise<HeightState> {
    const pending = await this.fernet.rollup.pendingHeight();
    if (height !== pending) throw new HttpError(409, "wrong-height", `Height ${height} is not the pending height ${pending}.`);
    return this.fernet.rollup.getHeightState(height);
  }

  /** `POST /quote {height, blockHash, sequencer}`. */
  async quote(body: unknown): Promise<JsonResponse> {
    const height = uint(body, "height");
    const hash = bytes32(body, "blockHash");
    const sequencer = address(body, "sequencer");
    const s = await this.pendingState(height);
    if (s.phase !== Phase.Proposal && s.phase !== Phase.Commitment) {
      throw new HttpError(409, "wrong-phase", `Height ${height} is in phase ${Phase[s.phase]}; quotes are given in the proposal and commitment phases.`);
    }
    if (s.record.prover !== ZeroAddress) throw new HttpError(409, "already-committed", `A prover (${s.record.prover}) is already committed for height ${height}.`);
    if (s.record.proposer === ZeroAddress) throw new HttpError(409, "not-best-proposal", `Nothing is proposed for height ${height} yet: propose first.`);
    if (s.record.blockHash.toLowerCase() !== hash) throw new HttpError(409, "not-best-proposal", `Block ${hash} is not the best proposal for height ${height} (${s.record.blockHash}).`);
    if (s.record.proposer !== sequencer) throw new HttpError(409, "not-proposer", `${sequencer} is not the best proposer of height ${height} (${s.record.proposer}).`);
    const { free } = await this.fernet.rollup.escrowOf(this.address);
    if (free < this.policy.bond) throw new HttpError(503, "insufficient-escrow", `The prover's free escrow (${free}) is below its bond (${this.policy.bond}); it is topping up.`);
    const now = await this.now();
    // Valid from the commitment phase on (a quote given early in the proposal phase must not expire before it), never past it.
    const from = now > s.proposalDeadline ? now : s.proposalDeadline;
    const validUntil = from + this.policy.validForSeconds < s.commitmentDeadline ? from + this.policy.validForSeconds : s.commitmentDeadline;
    const q: Quote = { height, blockHash: s.record.blockHash, prover: this.address, bond: this.policy.bond, proverRewardBps: this.policy.proverRewardBps, validUntil };
    this.issued.set(height, q);
    this.log.info("quoted", { height, blockHash: q.blockHash, sequencer, bond: q.bond, proverRewardBps: q.proverRewardBps, validUntil });
    return { status: 200, body: quoteToJson(q) };
  }

  /** `POST /commit {quote, signature}`. */
  async commit(body: unknown): Promise<JsonResponse> {
    const quote = quoteFromJson(field(body, "quote"));
    const signature = field(body, "signature");
    if (typeof signature !== "string" || !HEX.test(signature)) throw new HttpError(400, "bad-request", `"signature" must be a 0x-prefixed hex string.`);
    const mine = this.issued.get(quote.height);
    if (!mine || !sameQuote(mine, quote)) throw new HttpError(409, "unknown-quote", `This prover did not issue that quote for height ${quote.height} (ask POST /quote again).`);
    let signer: string;
    try {
      signer = verifyTypedData(quoteDomain(this.chainId, this.fernet.rollup.address), QUOTE_TYPES, quote, signature);
    } catch {
      throw new HttpError(400, "bad-signature", "The signature is not a valid EIP-712 signature of the quote.");
    }
    const s = await this.pendingState(quote.height);
    if (s.record.prover === this.address) return { status: 200, body: { status: "committed", height: quote.height.toString() } };
    if (s.record.prover !== ZeroAddress) throw new HttpError(409, "already-committed", `Another prover (${s.record.prover}) is committed for height ${quote.height}.`);
    if (signer !== s.record.proposer) throw new HttpError(403, "wrong-signer", `The quote is signed by ${signer}, the winning proposer is ${s.record.proposer}.`);
    if (s.record.blockHash.toLowerCase() !== quote.blockHash.toLowerCase()) throw new HttpError(409, "not-best-proposal", `The quote is for ${quote.blockHash}, the best proposal is ${s.record.blockHash}.`);
    this.signed.set(quote.height, { quote, signature });
    if (s.phase === Phase.Proposal) {
      this.log.info("commit-queued", { height: quote.height, commitFrom: s.proposalDeadline });
      return { status: 202, body: { status: "queued", height: quote.height.toString(), commitFrom: s.proposalDeadline.toString() } };
    }
    if (s.phase !== Phase.Commitment) throw new HttpError(409, "wrong-phase", `Height ${quote.height} is in phase ${Phase[s.phase]}, past the commitment phase.`);
    try {
      const tx = await this.commitNow(quote.height);
      return { status: 200, body: { status: "committed", height: quote.height.toString(), tx } };
    } catch (error) {
      if (error instanceof InvalidQuoteError) throw new HttpError(409, error.problem, error.shortMessage);
      if (error instanceof InsufficientEscrowError) throw new HttpError(503, "insufficient-escrow", error.shortMessage);
      throw error;
    }
  }

  private commitNow(height: bigint): Promise<string> {
    let p = this.committing.get(height);
    if (!p) {
      const entry = this.signed.get(height)!;
      p = this.fernet.rollup.commitProver(entry.quote, entry.signature).then((r) => {
        this.log.info("committed", { height, tx: r.hash, block: r.blockNumber, bond: entry.quote.bond });
        return r.hash;
      });
      p.catch(() => this.committing.delete(height));
      this.committing.set(height, p);
    }
    return p;
  }

  private async now(): Promise<bigint> {
    const block = await this.fernet.rollup.runner.provider!.getBlock("latest");
    return BigInt(block?.timestamp ?? 0);
  }

  /** One poll: escrow, pending commitment, proof, backup. */
  async step(): Promise<void> {
    await this.topUp();
    const height = await this.fernet.rollup.pendingHeight();
    const s = await this.fernet.rollup.getHeightState(height);
    if (this.signed.has(height) && s.phase === Phase.Commitment && s.record.prover === ZeroAddress) {
      try {
        await this.commitNow(height);
      } catch (error) {
        this.signed.delete(height);
        this.log.warn("commit-failed", { height, error: describeError(error) });
      }
    }
    if (s.record.prover === this.address && s.record.revealed) await this.proveAndSubmit(s);
    if (this.policy.backup && s.phase === Phase.Backup) await this.backup(s);
  }

  private async topUp(): Promise<void> {
    if (this.policy.escrowTarget === 0n) return;
    const { total } = await this.fernet.rollup.escrowOf(this.address);
    if (total >= this.policy.escrowTarget) return;
    const amount = this.policy.escrowTarget - total;
    const balance = await this.fernet.token.balanceOf(this.address);
    if (balance < amount) {
      if (!this.escrowWarned) this.log.warn("escrow-underfunded", { total, target: this.policy.escrowTarget, tokenBalance: balance });
      this.escrowWarned = true;
      return;
    }
    await this.fernet.token.ensureAllowance(this.fernet.rollup.address, amount);
    const r = await this.fernet.rollup.deposit(amount);
    this.escrowWarned = false;
    this.log.info("deposited", { amount, total: this.policy.escrowTarget, tx: r.hash });
  }

  private fromBlock(): number {
    return this.fernet.deployment.deployBlock ?? 0;
  }

  /** The header of the best proposal of `s.height`, from its `BlockProposed` event. */
  private async proposedHeader(s: HeightState): Promise<Header> {
    const c = this.fernet.rollup.contract;
    const events = await c.queryFilter(c.filters.BlockProposed(s.height), this.fromBlock());
    const ev = events.reverse().find((e) => e.args.blockHash.toLowerCase() === s.record.blockHash.toLowerCase());
    if (!ev) throw new FernetError(`No BlockProposed event for the best proposal of height ${s.height}.`, "Is the RPC node pruning logs? Point --rpc at a node that keeps them.");
    const h = ev.args.header;
    return { height: h.height, parentArchive: h.parentArchive, archive: h.archive, txsRoot: h.txsRoot, txCount: h.txCount, dataHash: h.dataHash, signal: h.signal };
  }

  private async revealedTxHashes(height: bigint): Promise<string[]> {
    const c = this.fernet.rollup.contract;
    const events = await c.queryFilter(c.filters.BlockRevealed(height), this.fromBlock());
    if (events.length === 0) throw new FernetError(`No BlockRevealed event for height ${height}.`, "Is the RPC node pruning logs? Point --rpc at a node that keeps them.");
    return decodeBlockData(events[events.length - 1].args.data).txHashes;
  }

  private async proveAndSubmit(s: HeightState): Promise<void> {
    const key = `proof:${s.height}`;
    if (this.done.has(key)) return;
    let job = this.proofs.get(s.height);
    if (!job) {
      job = (async () => {
        const [header, txHashes] = await Promise.all([this.proposedHeader(s), this.revealedTxHashes(s.height)]);
        this.log.info("proving", { height: s.height, txs: txHashes.length });
        const { proof } = await this.farm.prove({ chainId: this.chainId, rollup: this.fernet.rollup.address, header, prover: this.address, txHashes });
        this.log.info("proved", { height: s.height });
        return { header, proof };
      })();
      job.catch(() => this.proofs.delete(s.height));
      this.proofs.set(s.height, job);
    }
    // Proving runs in the background; submit once it is done and the proving phase is open.
    const ready = await Promise.race([job, new Promise<undefined>((r) => setImmediate(() => r(undefined)))]);
    if (!ready || s.phase !== Phase.Proving) return;
    const now = await this.now();
    if (now + this.policy.safetyMarginSeconds >= s.provingDeadline) {
      this.done.add(key);
      this.log.error("proof-too-late", { height: s.height, now, provingDeadline: s.provingDeadline, safetyMarginSeconds: this.policy.safetyMarginSeconds });
      return;
    }
    if (this.withholdProof) {
      this.done.add(key);
      this.log.warn("fault-withhold-proof", { height: s.height });
      return;
    }
    this.done.add(key);
    try {
      const r = await this.fernet.rollup.submitProof(ready.header, ready.proof);
      this.log.info("submitted", { height: s.height, tx: r.hash, block: r.blockNumber });
    } catch (error) {
      this.done.delete(key);
      throw error;
    }
  }

  private async backup(s: HeightState): Promise<void> {
    const key = `backup:${s.height}`;
    if (this.done.has(key)) return;
    this.done.add(key);
    const parentArchive = await this.fernet.rollup.archive();
    const data = encodeBlockData([]);
    const header = buildHeader({
      height: s.height,
      parentArchive,
      archive: keccak256(solidityPacked(["bytes32", "uint256", "address"], [parentArchive, s.height, this.address])),
      txHashes: [],
      data,
    });
    try {
      const { proof } = await this.farm.prove({ chainId: this.chainId, rollup: this.fernet.rollup.address, header, prover: this.address, txHashes: [] });
      const r = await this.fernet.rollup.submitBackupBlock(header, data, proof);
      this.log.info("backup-submitted", { height: s.height, blockHash: blockHash(header), tx: r.hash, block: r.blockNumber });
    } catch (error) {
      const lost = error instanceof ContractRevertError || (error instanceof FernetError && /phase|height|parent/i.test(error.name));
      this.log[lost ? "info" : "warn"](lost ? "lost-race" : "backup-failed", { action: "submitBackupBlock", height: s.height, error: describeError(error) });
    }
  }
}
