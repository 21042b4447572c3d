/**
 * A LOCAL DEVELOPMENT STAND-IN for an Astria sequencer: it is not Astria and must never back real
 * value. It orders rollup txs into Astria sequencer blocks (`buildAstriaBlock`, the
 * `sequencer-inclusion-proofs` layout), signs every header with a local validator set holding the
 * ECDSA stand-in keys the `AstriaLightClient` was deployed with (`headerDigest`, `signQuorum`), keeps
 * the blocks, and serves them over HTTP (JSON; schema in docs/services.md, "Astria"). Bonded Fernet
 * sequencers hand it the bindings they sign; from those it answers preconfirmations: for a rollup tx,
 * the winning sequencer's signed binding that commits to the Astria block holding it, the entry proof,
 * the tx's proof in the entry's root, the rollup's leaf in the header and the header's quorum
 * signatures — everything {@link verifyPreconfirmation} needs, with no trust in this server.
 *
 * The same interface, {@link AstriaSource}, is implemented in-process by {@link LocalAstria} and over
 * HTTP by {@link AstriaHttpClient}: the sequencer service and the Astria watcher take either.
 *
 * Block times come from a clock (default: the wall clock; the `fernet astria` command uses the L1's
 * latest block time, so a block made after a proposal can never look older than its round).
 *
 * @example
 * ```ts
 * const astria = new LocalAstria({ chainId: "astria-local", rollupId, wallets: localValidatorWallets(4), domain, log });
 * astria.submitTx(rollupId, "0x01");
 * const signed = await astria.produceBlock();
 * await lightClient.submitHeader(signed.block.header, signed.setId, astria.validators, signed.signatures);
 * ```
 */
import { getBytes, hexlify, isHexString, keccak256, recoverAddress, toUtf8Bytes, verifyTypedData, Wallet, type BaseWallet, type TypedDataDomain } from "ethers";
import {
  BINDING_TYPES,
  astriaTxProof,
  bindingDigest,
  buildAstriaBlock,
  entriesRoot,
  entryHash,
  entryProof,
  headerDigest,
  l2TxHash,
  leafHash,
  rollupLeafHash,
  rollupLeafProof,
  rollupTxsOf,
  signQuorum,
  validatorSet,
  verifyInclusion,
  type AstriaBlock,
  type AstriaHeader,
  type AstriaTx,
  type Binding,
  type Entry,
  type EntryProof,
  type RollupLeaf,
  type Validator,
  type ValidatorSignature,
} from "../astria";
import { FernetError } from "../errors";
import { rootFromProof } from "../hashing";
import { HttpError, startJsonServer, toJson, type JsonHandler, type JsonServer } from "./http";
import type { Logger } from "./log";

// ---------------------------------------------------------------------------------------- types

/**
 * An Astria block with the validator signatures of its header (set `setId`).
 *
 * @example
 * ```ts
 * await lc.submitHeader(s.block.header, s.setId, validators, s.signatures);
 * ```
 */
export interface SignedAstriaBlock {
  block: AstriaBlock;
  setId: bigint;
  signatures: ValidatorSignature[];
}

/**
 * A binding as a sequencer signed it, with its entries.
 *
 * @example
 * ```ts
 * const signed: SignedBinding = { binding, entries: top.entries, signature };
 * ```
 */
export interface SignedBinding {
  binding: Binding;
  entries: Entry[];
  signature: string;
}

/**
 * What an Astria source says about itself (`GET /health`).
 *
 * @example
 * ```ts
 * const { rollupId, latestHeight } = await source.info();
 * ```
 */
export interface AstriaInfo {
  /** Always true for the stand-in, so nobody mistakes it for Astria. */
  localStandIn: boolean;
  chainId: string;
  rollupId: string;
  firstHeight: bigint;
  /** Its latest block (`firstHeight - 1` before the first). */
  latestHeight: bigint;
  setId: bigint;
  validators: Validator[];
}

/**
 * Where Astria blocks come from, and where bindings go: {@link LocalAstria} in-process, or
 * {@link AstriaHttpClient} over HTTP.
 *
 * @example
 * ```ts
 * const source: AstriaSource = url ? new AstriaHttpClient(url) : localAstria;
 * const blocks = await source.blocks(cursor, (await source.latestHeight()) + 1n);
 * ```
 */
export interface AstriaSource {
  info(): Promise<AstriaInfo>;
  latestHeight(): Promise<bigint>;
  /** The blocks of heights `[from, to)` that exist, in order. */
  blocks(from: bigint, to: bigint): Promise<SignedAstriaBlock[]>;
  /** Hands over a binding a sequencer signed (for preconfirmations; a watcher reads them back). */
  submitBinding(signed: SignedBinding): Promise<void>;
  /** Every binding handed over for `l2Height`, in arrival order. */
  bindings(l2Height: bigint): Promise<SignedBinding[]>;
}

/**
 * A user's preconfirmation: the winning sequencer's signed binding of L2 height `binding.l2Height`,
 * which promises the tx at position `l2Position` of that block, with every proof from the tx up to the
 * validator-signed Astria header. Check it with {@link verifyPreconfirmation}, then compare the
 * binding with the one posted on chain (`AstriaSlasher.bindingAt`, `BindingPosted`).
 *
 * @example
 * ```ts
 * const pre = await (await fetch(`${astriaUrl}/preconfirmation/${txHash}`)).json();
 * const { sequencer } = verifyPreconfirmation(preconfirmationFromJson(pre), { domain, validators, rollupId });
 * ```
 */
export interface Preconfirmation {
  /** The L2 tx hash: `keccak256(data)`. */
  txHash: string;
  rollupId: string;
  astriaHeight: bigint;
  /** Index of the tx among the rollup's txs of that Astria block. */
  astriaIndex: bigint;
  /** Its position in the L2 block: `entry.offset + astriaIndex`. */
  l2Position: bigint;
  /** The signer of the binding. */
  sequencer: string;
  binding: Binding;
  signature: string;
  /** The EIP-712 digest of the binding (what `BindingPosted` carries). */
  bindingDigest: string;
  /** The entry of the Astria block, with its proof against `binding.entriesRoot`. */
  entry: EntryProof;
  /** The tx, with its proof against `entry.entry.rollupTxsRoot`. */
  astriaTx: AstriaTx;
  /** The rollup's leaf, with its proof against `header.rollupTransactionsRoot`. */
  rollupLeaf: RollupLeaf;
  header: AstriaHeader;
  setId: bigint;
  signatures: ValidatorSignature[];
}

// ---------------------------------------------------------------------------------------- errors

/**
 * The Astria source at a URL did not answer (or not with JSON).
 *
 * @example
 * ```ts
 * if (e instanceof AstriaUnreachableError) console.error(e.url);
 * ```
 */
export class AstriaUnreachableError extends FernetError {
  override name = "AstriaUnreachableError";
  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The Astria endpoint ${url} is unreachable (${reason}).`, "Check --astria: is `fernet astria` (the local Astria stand-in) running and listening there?", options);
  }
}

/**
 * The Astria source refused a request (HTTP 4xx/5xx with `{"error", "message"}`).
 *
 * @example
 * ```ts
 * if (e instanceof AstriaRequestError && e.code === "not-preconfirmed") retryLater();
 * ```
 */
export class AstriaRequestError extends FernetError {
  override name = "AstriaRequestError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`The Astria endpoint refused the request (${status} ${code}): ${message}`, "Read the message; docs/services.md (\"Astria\") lists the refusals.");
  }
}

/**
 * A binding handed to the local Astria is malformed or its signature does not recover.
 *
 * @example
 * ```ts
 * throw new AstriaBindingRejectedError("entriesRoot does not match the entries");
 * ```
 */
export class AstriaBindingRejectedError extends FernetError {
  override name = "AstriaBindingRejectedError";
  constructor(problem: string) {
    super(`Binding refused: ${problem}.`, "Send the binding exactly as signed, with its entries (buildBinding + topOfBlock).");
  }
}

/**
 * A preconfirmation that does not verify: which check failed.
 *
 * @example
 * ```ts
 * try { verifyPreconfirmation(pre, ctx); } catch (e) { if (e instanceof PreconfirmationInvalidError) console.error(e.shortMessage); }
 * ```
 */
export class PreconfirmationInvalidError extends FernetError {
  override name = "PreconfirmationInvalidError";
  constructor(problem: string) {
    super(`The preconfirmation does not verify: ${problem}.`, "Do not rely on it; ask the Astria endpoint again, or route the tx elsewhere.");
  }
}

/**
 * Malformed JSON from or to an Astria endpoint.
 *
 * @example
 * ```ts
 * throw new AstriaJsonError("block.header.height is not a decimal string");
 * ```
 */
export class AstriaJsonError extends FernetError {
  override name = "AstriaJsonError";
  constructor(problem: string) {
    super(`Astria JSON: ${problem}.`, "Use the schema of docs/services.md (\"Astria\"): amounts and heights as decimal strings, bytes as 0x-hex.");
  }
}

// ---------------------------------------------------------------------------------------- keys

/**
 * The publicly known stand-in validator keys of the local Astria: `count` wallets derived from `seed`.
 * Anybody can sign with them: a local light client deployed with them proves nothing on a real network.
 *
 * @example
 * ```ts
 * const validators = validatorSet(localValidatorWallets(4).map((w) => ({ signer: w.address, votingPower: 10n })));
 * ```
 */
export function localValidatorWallets(count: number, seed = LOCAL_VALIDATOR_SEED): Wallet[] {
  return Array.from({ length: count }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`${seed}-${i}`))));
}

/** Default seed of {@link localValidatorWallets}. @example `localValidatorWallets(4, LOCAL_VALIDATOR_SEED)` */
export const LOCAL_VALIDATOR_SEED = "fernet-local-astria-validator";

/** Voting power of each local validator. @example `validatorSet(ws.map((w) => ({ signer: w.address, votingPower: LOCAL_VOTING_POWER })))` */
export const LOCAL_VOTING_POWER = 10n;

/** A rollup id the local Astria fills every block with when `otherRollups` is on (not this L2's). @example `astria.submitTx(OTHER_ROLLUP_ID, "0x01")` */
export const OTHER_ROLLUP_ID = "0x" + "00".repeat(31) + "11";

// ---------------------------------------------------------------------------------------- the stand-in

/**
 * Options of {@link LocalAstria}.
 *
 * @example
 * ```ts
 * const options: LocalAstriaOptions = { chainId: "astria-local", rollupId, wallets: localValidatorWallets(4), domain: await slasher.domain(), log };
 * ```
 */
export interface LocalAstriaOptions {
  /** Astria chain id (the light client's `astriaChainId()`). */
  chainId: string;
  /** This L2's rollup id (the slasher's `rollupId`). */
  rollupId: string;
  /** The stand-in validator keys (every one signs with {@link LOCAL_VOTING_POWER} unless `validators` is given). */
  wallets: readonly BaseWallet[];
  /** The validator set as the light client holds it (default: the wallets, equal power, sorted). */
  validators?: readonly Validator[];
  /** The light client's set id for these validators (default 0, the genesis set). */
  setId?: bigint;
  /** First height it produces (the slasher's `astriaStartHeight`; default 1). */
  firstHeight?: bigint;
  /** The slasher's EIP-712 domain: bindings handed over are checked against it. */
  domain: TypedDataDomain;
  /** Unix seconds for the next block (default: wall clock). Never goes backwards in the chain. */
  clock?: () => Promise<bigint>;
  /** Put one tx of {@link OTHER_ROLLUP_ID} in every block, so blocks carry other rollups too (default true). */
  otherRollups?: boolean;
  log: Logger;
}

interface Included {
  astriaHeight: bigint;
  index: number;
  rollupId: string;
}

/**
 * See the module header.
 *
 * @example
 * ```ts
 * const astria = new LocalAstria({ chainId, rollupId, wallets: localValidatorWallets(4), domain, clock: async () => BigInt((await provider.getBlock("latest"))!.timestamp), log });
 * const server = await astria.serve({ host: "127.0.0.1", port: 0 });
 * ```
 */
export class LocalAstria implements AstriaSource {
  readonly chainId: string;
  readonly rollupId: string;
  readonly validators: Validator[];
  readonly setId: bigint;
  readonly firstHeight: bigint;
  readonly domain: TypedDataDomain;
  private readonly wallets: readonly BaseWallet[];
  private readonly clock: () => Promise<bigint>;
  private readonly otherRollups: boolean;
  private readonly log: Logger;
  private readonly chain: SignedAstriaBlock[] = [];
  private readonly pending: Array<{ rollupId: string; data: string }> = [];
  private readonly included = new Map<string, Included>();
  private readonly byHeight = new Map<bigint, SignedBinding[]>();
  private lastTime = 0n;

  constructor(options: LocalAstriaOptions) {
    this.chainId = options.chainId;
    this.rollupId = normalId(options.rollupId);
    this.wallets = options.wallets;
    this.validators = options.validators ? [...options.validators] : validatorSet(options.wallets.map((w) => ({ signer: w.address, votingPower: LOCAL_VOTING_POWER })));
    this.setId = options.setId ?? 0n;
    this.firstHeight = options.firstHeight ?? 1n;
    this.domain = options.domain;
    this.clock = options.clock ?? (async () => BigInt(Math.floor(Date.now() / 1000)));
    this.otherRollups = options.otherRollups ?? true;
    this.log = options.log;
  }

  /** The latest block's height (`firstHeight - 1` before the first). @example `await astria.latestHeight()` */
  async latestHeight(): Promise<bigint> {
    return this.firstHeight + BigInt(this.chain.length) - 1n;
  }

  /** See {@link AstriaInfo}. @example `(await astria.info()).validators` */
  async info(): Promise<AstriaInfo> {
    return { localStandIn: true, chainId: this.chainId, rollupId: this.rollupId, firstHeight: this.firstHeight, latestHeight: await this.latestHeight(), setId: this.setId, validators: this.validators };
  }

  /**
   * Queues a rollup tx for the next block; returns its L2 tx hash (`keccak256(data)`). The same bytes
   * twice are one tx.
   *
   * @throws {@link AstriaJsonError} for a rollup id that is not 32 bytes or data that is not hex.
   * @example `const { txHash } = astria.submitTx(rollupId, "0x0102")`
   */
  submitTx(rollupId: string, data: string): { txHash: string; rollupId: string } {
    if (!isHexString(rollupId, 32)) throw new AstriaJsonError(`"rollupId" must be 32 bytes of 0x-hex (got ${JSON.stringify(rollupId)})`);
    if (!isHexString(data) || getBytes(data).length === 0) throw new AstriaJsonError(`"data" must be non-empty 0x-hex bytes`);
    const id = normalId(rollupId);
    const bytes = hexlify(getBytes(data));
    const txHash = l2TxHash(bytes);
    const key = `${id}:${txHash}`;
    if (!this.included.has(key) && !this.pending.some((p) => p.rollupId === id && p.data === bytes)) {
      this.pending.push({ rollupId: id, data: bytes });
      this.log.info("astria-tx-accepted", { rollupId: id, txHash, pending: this.pending.length });
    }
    return { txHash, rollupId: id };
  }

  /** Where a tx of this L2's rollup is: pending, or included at an Astria height and index. @example `astria.txStatus(hash)` */
  txStatus(txHash: string): { status: "pending" } | { status: "included"; astriaHeight: bigint; index: bigint } | undefined {
    const inc = this.included.get(`${this.rollupId}:${txHash.toLowerCase()}`);
    if (inc) return { status: "included", astriaHeight: inc.astriaHeight, index: BigInt(inc.index) };
    if (this.pending.some((p) => p.rollupId === this.rollupId && l2TxHash(p.data) === txHash.toLowerCase())) return { status: "pending" };
    return undefined;
  }

  /**
   * Makes the next block from every queued tx (plus one other-rollup tx when `otherRollups`), signs
   * its header with a quorum of the validators and keeps it.
   *
   * @example `const { block } = await astria.produceBlock()`
   */
  async produceBlock(): Promise<SignedAstriaBlock> {
    const height = (await this.latestHeight()) + 1n;
    const now = await this.clock();
    const time = now > this.lastTime ? now : this.lastTime;
    this.lastTime = time;
    const txs = this.pending.splice(0, this.pending.length);
    const byRollup = new Map<string, string[]>();
    for (const t of txs) byRollup.set(t.rollupId, [...(byRollup.get(t.rollupId) ?? []), t.data]);
    if (this.otherRollups) byRollup.set(OTHER_ROLLUP_ID, [...(byRollup.get(OTHER_ROLLUP_ID) ?? []), hexlify(toUtf8Bytes(`other rollup @${height}`))]);
    const block = buildAstriaBlock({
      chainId: this.chainId,
      height,
      time,
      proposerAddress: this.validators[Number(height % BigInt(this.validators.length))].signer,
      rollups: [...byRollup.entries()].map(([rollupId, list]) => ({ rollupId, txs: list })),
    });
    const signatures = signQuorum(this.wallets, this.validators, headerDigest(block.header, this.setId));
    const signed = { block, setId: this.setId, signatures };
    this.chain.push(signed);
    for (const r of block.rollups) r.txs.forEach((tx, index) => this.included.set(`${r.rollupId}:${l2TxHash(tx)}`, { astriaHeight: height, index, rollupId: r.rollupId }));
    this.log.info("astria-block", { height, time, txs: rollupTxsOf(block, this.rollupId).length, rollups: block.rollups.length, root: block.header.rollupTransactionsRoot });
    return signed;
  }

  /** See {@link AstriaSource.blocks}. @example `await astria.blocks(1n, 5n)` */
  async blocks(from: bigint, to: bigint): Promise<SignedAstriaBlock[]> {
    const lo = from < this.firstHeight ? this.firstHeight : from;
    const latest = await this.latestHeight();
    const hi = to > latest + 1n ? latest + 1n : to;
    const out: SignedAstriaBlock[] = [];
    for (let h = lo; h < hi; h++) out.push(this.chain[Number(h - this.firstHeight)]);
    return out;
  }

  /** The block at `height`, or undefined. @example `astria.block(3n)?.block.header` */
  block(height: bigint): SignedAstriaBlock | undefined {
    if (height < this.firstHeight) return undefined;
    return this.chain[Number(height - this.firstHeight)];
  }

  /**
   * Keeps a binding a sequencer signed (duplicates ignored).
   *
   * @throws {@link AstriaBindingRejectedError} when its entries don't hash to its root or its signature does not recover.
   * @example `await astria.submitBinding({ binding, entries, signature })`
   */
  async submitBinding(signed: SignedBinding): Promise<void> {
    const { binding, entries, signature } = signed;
    if (BigInt(entries.length) !== binding.entryCount) throw new AstriaBindingRejectedError(`entryCount ${binding.entryCount} but ${entries.length} entries`);
    if (entriesRoot(entries).toLowerCase() !== binding.entriesRoot.toLowerCase()) throw new AstriaBindingRejectedError("entriesRoot does not match the entries");
    let signer: string;
    try {
      signer = verifyTypedData(this.domain, BINDING_TYPES, binding, signature);
    } catch {
      throw new AstriaBindingRejectedError("the signature does not recover under the slasher's domain");
    }
    const digest = bindingDigest(this.domain, binding);
    const list = this.byHeight.get(binding.l2Height) ?? [];
    if (list.some((b) => bindingDigest(this.domain, b.binding) === digest)) return;
    list.push({ binding, entries: [...entries], signature });
    this.byHeight.set(binding.l2Height, list);
    this.log.info("astria-binding", { l2Height: binding.l2Height, sequencer: signer, digest, astriaStart: binding.astriaStart, astriaEnd: binding.astriaEnd, conflicting: list.length > 1 });
  }

  /** See {@link AstriaSource.bindings}. @example `await astria.bindings(3n)` */
  async bindings(l2Height: bigint): Promise<SignedBinding[]> {
    return [...(this.byHeight.get(l2Height) ?? [])];
  }

  /**
   * The preconfirmation of this L2's tx `txHash`: the first binding handed over whose entries cover the
   * Astria block holding it (see {@link Preconfirmation}).
   *
   * @throws {@link HttpError} 404 `unknown-tx`, or 409 `not-preconfirmed` (pending, or no binding covers its block yet).
   * @example `const pre = astria.preconfirmation(txHash)`
   */
  preconfirmation(txHash: string): Preconfirmation {
    const hash = txHash.toLowerCase();
    const status = this.txStatus(hash);
    if (!status) throw new HttpError(404, "unknown-tx", `No tx ${txHash} of rollup ${this.rollupId} here.`);
    if (status.status === "pending") throw new HttpError(409, "not-preconfirmed", `Tx ${txHash} waits for the next Astria block.`);
    const signedBlock = this.block(status.astriaHeight)!;
    for (const [, list] of [...this.byHeight.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      for (const b of list) {
        const i = b.entries.findIndex((e) => e.astriaHeight === status.astriaHeight);
        if (i < 0) continue;
        const entry = entryProof(b.entries, i);
        return {
          txHash: hash,
          rollupId: this.rollupId,
          astriaHeight: status.astriaHeight,
          astriaIndex: status.index,
          l2Position: entry.entry.offset + status.index,
          sequencer: verifyTypedData(this.domain, BINDING_TYPES, b.binding, b.signature),
          binding: b.binding,
          signature: b.signature,
          bindingDigest: bindingDigest(this.domain, b.binding),
          entry,
          astriaTx: astriaTxProof(signedBlock.block, this.rollupId, Number(status.index)),
          rollupLeaf: rollupLeafProof(signedBlock.block, this.rollupId),
          header: signedBlock.block.header,
          setId: signedBlock.setId,
          signatures: signedBlock.signatures,
        };
      }
    }
    throw new HttpError(409, "not-preconfirmed", `Tx ${txHash} is in Astria block ${status.astriaHeight}; no sequencer binding covers that block yet.`);
  }

  /**
   * The HTTP routes: `POST /tx`, `GET /tx/:hash`, `GET /blocks?from=&to=`, `GET /block/:height`,
   * `POST /binding`, `GET /bindings/:l2Height`, `GET /preconfirmation/:txHash`, `GET /health`.
   *
   * @example `await startJsonServer({ host, port, routes: astria.routes(), log })`
   */
  routes(): Record<string, JsonHandler> {
    return {
      "GET /health": async () => ({ status: 200, body: { ok: true, ...(await this.info()) } }),
      "POST /tx": async ({ body }) => {
        const b = asObject(body);
        if (typeof b.rollupId !== "string" || typeof b.data !== "string") throw new HttpError(400, "bad-request", `Send {"rollupId": "0x…32 bytes", "data": "0x…bytes"}.`);
        try {
          return { status: 200, body: { ...this.submitTx(b.rollupId, b.data), status: "pending" } };
        } catch (error) {
          if (error instanceof AstriaJsonError) throw new HttpError(400, "bad-request", error.shortMessage);
          throw error;
        }
      },
      "GET /tx/:param": async ({ param }) => {
        const s = this.txStatus(param ?? "");
        if (!s) throw new HttpError(404, "unknown-tx", `No tx ${param} of rollup ${this.rollupId} here.`);
        return { status: 200, body: { txHash: (param ?? "").toLowerCase(), ...s } };
      },
      "GET /blocks": async ({ query }) => {
        const latest = await this.latestHeight();
        const from = queryHeight(query, "from", this.firstHeight);
        const to = queryHeight(query, "to", latest + 1n);
        if (to < from) throw new HttpError(400, "bad-request", `"to" (${to}) is below "from" (${from}).`);
        const capped = to - from > MAX_BLOCKS_PER_REQUEST ? from + MAX_BLOCKS_PER_REQUEST : to;
        return { status: 200, body: { latestHeight: latest, blocks: (await this.blocks(from, capped)).map(signedBlockToJson) } };
      },
      "GET /block/:param": async ({ param }) => {
        const height = decimal(param ?? "", "height");
        const b = this.block(height);
        if (!b) throw new HttpError(404, "unknown-block", `No Astria block ${height} (latest ${await this.latestHeight()}).`);
        return { status: 200, body: signedBlockToJson(b) };
      },
      "POST /binding": async ({ body }) => {
        let signed: SignedBinding;
        try {
          signed = signedBindingFromJson(body);
          await this.submitBinding(signed);
        } catch (error) {
          if (error instanceof AstriaJsonError || error instanceof AstriaBindingRejectedError) throw new HttpError(400, "bad-binding", error.shortMessage);
          throw error;
        }
        return { status: 200, body: { ok: true, digest: bindingDigest(this.domain, signed.binding) } };
      },
      "GET /bindings/:param": async ({ param }) => ({ status: 200, body: { bindings: (await this.bindings(decimal(param ?? "", "l2Height"))).map(signedBindingToJson) } }),
      "GET /preconfirmation/:param": async ({ param }) => ({ status: 200, body: preconfirmationToJson(this.preconfirmation(param ?? "")) }),
    };
  }

  /** Serves {@link routes} over HTTP. @example `const server = await astria.serve({ host: "127.0.0.1", port: 0 })` */
  async serve(options: { host: string; port: number }): Promise<JsonServer> {
    return startJsonServer({ host: options.host, port: options.port, routes: this.routes(), log: this.log });
  }
}

/**
 * A clock for {@link LocalAstriaOptions.clock} from an L1 node: the timestamp the node's next block
 * would get (`eth_getBlockByNumber("pending")`, which follows `evm_increaseTime` and
 * `evm_setNextBlockTimestamp`), else its latest block's. An Astria block is then never older than the
 * L1 time a sequencer saw when it built its block, so rule (b) never requires a block it could not know.
 *
 * @example
 * ```ts
 * const astria = new LocalAstria({ ...options, clock: l1Clock(provider) });
 * ```
 */
export function l1Clock(provider: { send(method: string, params: unknown[]): Promise<unknown> }): () => Promise<bigint> {
  return async () => {
    for (const tag of ["pending", "latest"]) {
      try {
        const block = (await provider.send("eth_getBlockByNumber", [tag, false])) as { timestamp?: string } | null;
        if (block?.timestamp !== undefined) return BigInt(block.timestamp);
      } catch {
        // a node without "pending": try "latest"
      }
    }
    throw new FernetError("The L1 node answered no block timestamp.", "Check --rpc: the node must answer eth_getBlockByNumber.");
  };
}

/** Most blocks one `GET /blocks` returns. @example `GET /blocks?from=1&to=${1n + MAX_BLOCKS_PER_REQUEST}` */
export const MAX_BLOCKS_PER_REQUEST = 256n;

// ---------------------------------------------------------------------------------------- verification

/**
 * Checks a preconfirmation offline: the binding's signature (under the slasher's `domain`) recovers to
 * `sequencer`, the entry is in the binding, the tx is in the entry's root at the stated index and
 * hashes to `txHash`, the rollup's leaf carries that root in the header, the header is signed by more
 * than 2/3 of `validators` (set `setId`), and `l2Position = offset + index`. Returns the sequencer and
 * the L2 height and position the tx is promised at.
 *
 * @throws {@link PreconfirmationInvalidError} naming the first check that failed.
 * @example
 * ```ts
 * const { sequencer, l2Height } = verifyPreconfirmation(pre, { domain: await slasher.domain(), validators, rollupId });
 * if (!(await slasher.isInForce(sequencer, l2Height))) throw new Error("not bonded");
 * ```
 */
export function verifyPreconfirmation(
  p: Preconfirmation,
  context: { domain: TypedDataDomain; validators: readonly Validator[]; rollupId: string },
): { sequencer: string; l2Height: bigint; l2Position: bigint } {
  const fail = (problem: string): never => {
    throw new PreconfirmationInvalidError(problem);
  };
  let signer = "";
  try {
    signer = verifyTypedData(context.domain, BINDING_TYPES, p.binding, p.signature);
  } catch {
    fail("the binding's signature does not recover");
  }
  if (signer.toLowerCase() !== p.sequencer.toLowerCase()) fail(`the binding is signed by ${signer}, not ${p.sequencer}`);
  if (bindingDigest(context.domain, p.binding) !== p.bindingDigest) fail("bindingDigest is not the binding's digest");
  const e = p.entry.entry;
  if (e.astriaHeight !== p.astriaHeight) fail(`the entry is for Astria height ${e.astriaHeight}, not ${p.astriaHeight}`);
  if (p.entry.index >= p.binding.entryCount) fail("the entry index is past the binding's entries");
  const root = rootFromProof(entryHash(e), Number(p.entry.index), p.entry.proof);
  if (root.toLowerCase() !== p.binding.entriesRoot.toLowerCase()) fail("the entry is not in the binding's entriesRoot");
  if (l2TxHash(p.astriaTx.data) !== p.txHash.toLowerCase()) fail("the Astria tx does not hash to txHash");
  if (p.astriaTx.index !== p.astriaIndex) fail("the Astria tx proof is for another index");
  if (!verifyInclusion(e.rollupTxsRoot, leafHash(p.astriaTx.data), Number(p.astriaTx.index), Number(e.txCount), p.astriaTx.proof)) fail("the tx is not in the entry's rollupTxsRoot");
  if (p.l2Position !== e.offset + p.astriaIndex) fail("l2Position is not offset + index");
  const leaf = p.rollupLeaf;
  if (normalId(leaf.rollupId) !== normalId(context.rollupId)) fail(`the leaf is for rollup ${leaf.rollupId}`);
  if (leaf.txsRoot.toLowerCase() !== e.rollupTxsRoot.toLowerCase()) fail("the rollup's leaf carries another root than the entry");
  if (!verifyInclusion(p.header.rollupTransactionsRoot, rollupLeafHash(leaf.rollupId, leaf.txsRoot), Number(leaf.index), Number(leaf.treeSize), leaf.proof)) fail("the rollup's leaf is not in the header's rollupTransactionsRoot");
  if (p.header.height !== p.astriaHeight) fail("the header is for another Astria height");
  const digest = headerDigest(p.header, p.setId);
  const total = context.validators.reduce((s, v) => s + v.votingPower, 0n);
  let signed = 0n;
  let last = -1n;
  for (const s of p.signatures) {
    if (s.index <= last || s.index >= BigInt(context.validators.length)) fail("validator signatures are out of order or out of range");
    last = s.index;
    const v = context.validators[Number(s.index)];
    let who = "";
    try {
      who = recoverAddress(digest, s.signature);
    } catch {
      fail(`validator signature ${s.index} does not recover`);
    }
    if (who.toLowerCase() !== v.signer.toLowerCase()) fail(`validator signature ${s.index} is not by ${v.signer}`);
    signed += v.votingPower;
  }
  if (signed * 3n <= total * 2n) fail(`the header carries ${signed} of ${total} voting power, not more than 2/3`);
  return { sequencer: signer, l2Height: p.binding.l2Height, l2Position: p.l2Position };
}

// ---------------------------------------------------------------------------------------- HTTP client

/**
 * {@link AstriaSource} over HTTP (a `fernet astria` server), plus its tx and preconfirmation routes.
 *
 * @example
 * ```ts
 * const astria = new AstriaHttpClient("http://127.0.0.1:8549");
 * const { txHash } = await astria.submitTx(rollupId, "0x01");
 * const pre = await astria.preconfirmation(txHash);
 * ```
 */
export class AstriaHttpClient implements AstriaSource {
  readonly url: string;

  constructor(
    url: string,
    private readonly timeoutMs = 5_000,
  ) {
    this.url = url.replace(/\/+$/, "");
  }

  private async call(method: "GET" | "POST", path: string, body?: unknown): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : toJson(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
      throw new AstriaUnreachableError(this.url, inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : String(cause)), { cause });
    }
    let json: Record<string, unknown>;
    try {
      json = asObject(await response.json());
    } catch (cause) {
      throw new AstriaUnreachableError(this.url, `HTTP ${response.status} without a JSON body`, { cause });
    }
    if (!response.ok) throw new AstriaRequestError(response.status, String(json.error ?? "error"), String(json.message ?? ""));
    return json;
  }

  /** @inheritdoc @example `await client.info()` */
  async info(): Promise<AstriaInfo> {
    return infoFromJson(await this.call("GET", "/health"));
  }
  /** @inheritdoc @example `await client.latestHeight()` */
  async latestHeight(): Promise<bigint> {
    return (await this.info()).latestHeight;
  }
  /** @inheritdoc @example `await client.blocks(1n, 10n)` */
  async blocks(from: bigint, to: bigint): Promise<SignedAstriaBlock[]> {
    const out: SignedAstriaBlock[] = [];
    for (let lo = from; lo < to; ) {
      const json = await this.call("GET", `/blocks?from=${lo}&to=${to}`);
      const page = asArray(json.blocks, "blocks").map(signedBlockFromJson);
      out.push(...page);
      if (page.length === 0) break;
      lo = page[page.length - 1].block.header.height + 1n;
    }
    return out;
  }
  /** @inheritdoc @example `await client.submitBinding(signed)` */
  async submitBinding(signed: SignedBinding): Promise<void> {
    await this.call("POST", "/binding", signedBindingToJson(signed));
  }
  /** @inheritdoc @example `await client.bindings(3n)` */
  async bindings(l2Height: bigint): Promise<SignedBinding[]> {
    return asArray((await this.call("GET", `/bindings/${l2Height}`)).bindings, "bindings").map(signedBindingFromJson);
  }
  /** `POST /tx`. @example `await client.submitTx(rollupId, "0x01")` */
  async submitTx(rollupId: string, data: string): Promise<{ txHash: string }> {
    const json = await this.call("POST", "/tx", { rollupId, data });
    return { txHash: String(json.txHash) };
  }
  /** `GET /preconfirmation/:txHash`. @throws {@link AstriaRequestError} (409 `not-preconfirmed`) @example `await client.preconfirmation(h)` */
  async preconfirmation(txHash: string): Promise<Preconfirmation> {
    return preconfirmationFromJson(await this.call("GET", `/preconfirmation/${txHash}`));
  }
}

// ---------------------------------------------------------------------------------------- JSON

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new AstriaJsonError("expected a JSON object");
  return v as Record<string, unknown>;
}
function asArray(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new AstriaJsonError(`${what} is not an array`);
  return v;
}
function big(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v !== "string" || !/^\d+$/.test(v)) throw new AstriaJsonError(`${what} is not a decimal string`);
  return BigInt(v);
}
function hex(v: unknown, what: string, bytes?: number): string {
  if (typeof v !== "string" || !isHexString(v, bytes)) throw new AstriaJsonError(`${what} is not ${bytes === undefined ? "" : `${bytes}-byte `}0x-hex`);
  return v.toLowerCase();
}
function hexList(v: unknown, what: string): string[] {
  return asArray(v, what).map((x, i) => hex(x, `${what}[${i}]`, 32));
}
function decimal(v: string, what: string): bigint {
  if (!/^\d+$/.test(v)) throw new HttpError(400, "bad-request", `${what} must be a decimal number (got "${v}").`);
  return BigInt(v);
}
function queryHeight(q: URLSearchParams | undefined, name: string, fallback: bigint): bigint {
  const v = q?.get(name);
  return v === null || v === undefined || v === "" ? fallback : decimal(v, name);
}
function normalId(id: string): string {
  return hexlify(getBytes(id));
}

function headerFromJson(v: unknown): AstriaHeader {
  const h = asObject(v);
  if (typeof h.chainId !== "string") throw new AstriaJsonError("header.chainId is not a string");
  return { chainId: h.chainId, height: big(h.height, "header.height"), time: big(h.time, "header.time"), dataHash: hex(h.dataHash, "header.dataHash", 32), proposerAddress: hex(h.proposerAddress, "header.proposerAddress", 20), rollupTransactionsRoot: hex(h.rollupTransactionsRoot, "header.rollupTransactionsRoot", 32) };
}
function signaturesFromJson(v: unknown): ValidatorSignature[] {
  return asArray(v, "signatures").map((s, i) => {
    const o = asObject(s);
    return { index: big(o.index, `signatures[${i}].index`), signature: hex(o.signature, `signatures[${i}].signature`) };
  });
}

/** A {@link SignedAstriaBlock} as JSON (bigints as decimal strings). @example `toJson(signedBlockToJson(b))` */
export function signedBlockToJson(s: SignedAstriaBlock): Record<string, unknown> {
  return { header: s.block.header, rollups: s.block.rollups, rollupIdsRoot: s.block.rollupIdsRoot, setId: s.setId, signatures: s.signatures };
}

/**
 * Parses {@link signedBlockToJson}'s output, rebuilding the block's roots from its rollups and
 * checking them against the header (a server can't hand out a block that differs from its header).
 *
 * @throws {@link AstriaJsonError}
 * @example `const b = signedBlockFromJson(JSON.parse(text))`
 */
export function signedBlockFromJson(v: unknown): SignedAstriaBlock {
  const o = asObject(v);
  const header = headerFromJson(o.header);
  const rollups = asArray(o.rollups, "rollups").map((r, i) => {
    const x = asObject(r);
    return { rollupId: hex(x.rollupId, `rollups[${i}].rollupId`, 32), txs: asArray(x.txs, `rollups[${i}].txs`).map((t, j) => hex(t, `rollups[${i}].txs[${j}]`)) };
  });
  const block = buildAstriaBlock({ chainId: header.chainId, height: header.height, time: header.time, proposerAddress: header.proposerAddress, rollups });
  if (block.header.rollupTransactionsRoot !== header.rollupTransactionsRoot) throw new AstriaJsonError(`block ${header.height}: its rollups do not hash to the header's rollupTransactionsRoot`);
  // data_hash may cover other (non-rollup) txs the JSON does not carry: keep the signed header's.
  return { block: { ...block, header }, setId: big(o.setId, "setId"), signatures: signaturesFromJson(o.signatures) };
}

function bindingFromJson(v: unknown): Binding {
  const b = asObject(v);
  return { l2Height: big(b.l2Height, "binding.l2Height"), blockHash: hex(b.blockHash, "binding.blockHash", 32), astriaStart: big(b.astriaStart, "binding.astriaStart"), astriaEnd: big(b.astriaEnd, "binding.astriaEnd"), entryCount: big(b.entryCount, "binding.entryCount"), entriesRoot: hex(b.entriesRoot, "binding.entriesRoot", 32) };
}
function entryFromJson(v: unknown, what: string): Entry {
  const e = asObject(v);
  return { astriaHeight: big(e.astriaHeight, `${what}.astriaHeight`), rollupTxsRoot: hex(e.rollupTxsRoot, `${what}.rollupTxsRoot`, 32), txCount: big(e.txCount, `${what}.txCount`), offset: big(e.offset, `${what}.offset`) };
}

/** A {@link SignedBinding} as JSON. @example `toJson(signedBindingToJson(s))` */
export function signedBindingToJson(s: SignedBinding): Record<string, unknown> {
  return { binding: s.binding, entries: s.entries, signature: s.signature };
}

/** Parses a {@link SignedBinding}. @throws {@link AstriaJsonError} @example `signedBindingFromJson(body)` */
export function signedBindingFromJson(v: unknown): SignedBinding {
  const o = asObject(v);
  return { binding: bindingFromJson(o.binding), entries: asArray(o.entries, "entries").map((e, i) => entryFromJson(e, `entries[${i}]`)), signature: hex(o.signature, "signature") };
}

function infoFromJson(v: unknown): AstriaInfo {
  const o = asObject(v);
  if (typeof o.chainId !== "string") throw new AstriaJsonError("chainId is not a string");
  return {
    localStandIn: o.localStandIn === true,
    chainId: o.chainId,
    rollupId: hex(o.rollupId, "rollupId", 32),
    firstHeight: big(o.firstHeight, "firstHeight"),
    latestHeight: big(o.latestHeight, "latestHeight"),
    setId: big(o.setId, "setId"),
    validators: asArray(o.validators, "validators").map((x, i) => {
      const val = asObject(x);
      return { signer: hex(val.signer, `validators[${i}].signer`, 20), votingPower: big(val.votingPower, `validators[${i}].votingPower`) };
    }),
  };
}

/** A {@link Preconfirmation} as JSON. @example `toJson(preconfirmationToJson(p))` */
export function preconfirmationToJson(p: Preconfirmation): Record<string, unknown> {
  return { ...p };
}

/** Parses a {@link Preconfirmation}. @throws {@link AstriaJsonError} @example `preconfirmationFromJson(await r.json())` */
export function preconfirmationFromJson(v: unknown): Preconfirmation {
  const o = asObject(v);
  const entry = asObject(o.entry);
  const tx = asObject(o.astriaTx);
  const leaf = asObject(o.rollupLeaf);
  if (typeof o.sequencer !== "string") throw new AstriaJsonError("sequencer is not an address");
  return {
    txHash: hex(o.txHash, "txHash", 32),
    rollupId: hex(o.rollupId, "rollupId", 32),
    astriaHeight: big(o.astriaHeight, "astriaHeight"),
    astriaIndex: big(o.astriaIndex, "astriaIndex"),
    l2Position: big(o.l2Position, "l2Position"),
    sequencer: o.sequencer,
    binding: bindingFromJson(o.binding),
    signature: hex(o.signature, "signature"),
    bindingDigest: hex(o.bindingDigest, "bindingDigest", 32),
    entry: { entry: entryFromJson(entry.entry, "entry.entry"), index: big(entry.index, "entry.index"), proof: hexList(entry.proof, "entry.proof") },
    astriaTx: { data: hex(tx.data, "astriaTx.data"), index: big(tx.index, "astriaTx.index"), proof: hexList(tx.proof, "astriaTx.proof") },
    rollupLeaf: { rollupId: hex(leaf.rollupId, "rollupLeaf.rollupId", 32), txsRoot: hex(leaf.txsRoot, "rollupLeaf.txsRoot", 32), index: big(leaf.index, "rollupLeaf.index"), treeSize: big(leaf.treeSize, "rollupLeaf.treeSize"), proof: hexList(leaf.proof, "rollupLeaf.proof") },
    header: headerFromJson(o.header),
    setId: big(o.setId, "setId"),
    signatures: signaturesFromJson(o.signatures),
  };
}
