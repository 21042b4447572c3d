/**
 * An event-sourced copy of the SequencerRegistry kept by the client: it reads the registry's lifecycle
 * events once (`eth_getLogs`, no EVM execution), then only the blocks added since, and answers the
 * same rows as the paged `getSequencers` view. Ranking 10,000 sequencers against it costs one small
 * `eth_getLogs` and the height's state instead of 40 pages of EVM work (bench/sdk-ranking.md).
 *
 * A reorg is noticed at the next sync (the synced block's hash changed, or the chain got shorter) and
 * the index rebuilds itself from `fromBlock`. Parity tests check every row against the contract's view
 * after random registrations, exits, withdrawals, slashes, ejections and re-registrations.
 *
 * @example
 * ```ts
 * const index = await RegistryIndex.create(registry, { fromBlock: deployment.deployBlock });
 * const ranking = await rankSequencers(rollup, registry, height, { index }); // syncs, then ranks
 * ```
 */
import type { Provider } from "ethers";
import { FernetError } from "./errors";
import { decoded } from "./contract-errors";
import { SequencerRegistry__factory } from "./generated/typechain";
import type { RegistryClient, SequencerEntry } from "./clients/registry";
import { SequencerStatus } from "./types";
import { checksumBody, isZeroAddress } from "./words";
import { inSpans } from "./chunks";

const IFACE = SequencerRegistry__factory.createInterface();
const topic = (name: Parameters<typeof IFACE.getEvent>[0]): string => IFACE.getEvent(name).topicHash;
const REGISTERED = topic("SequencerRegistered");
const EXIT_INITIATED = topic("ExitInitiated");
const WITHDRAWN = topic("StakeWithdrawn");
const SLASHED = topic("SequencerSlashed");
const EJECTED = topic("SequencerEjected");
/** The five events that change a registration (slasher administration does not). */
const LIFECYCLE_TOPICS = [REGISTERED, EXIT_INITIATED, WITHDRAWN, SLASHED, EJECTED];

/**
 * Options of {@link RegistryIndex.create}.
 *
 * @example
 * ```ts
 * await RegistryIndex.create(registry, { fromBlock: 19_000_000, blockSpan: 2_000, concurrency: 4 });
 * ```
 */
export interface RegistryIndexOptions {
  /** First block to read: the registry's deployment block (`deployments/<network>.json` `deployBlock`); default 0. */
  fromBlock?: number;
  /** Blocks per `eth_getLogs` call (default 10,000; many providers cap the range or the logs per answer). */
  blockSpan?: number;
  /** `eth_getLogs` calls in flight at once (default 4). */
  concurrency?: number;
}

/**
 * A block the index has read up to.
 *
 * @example
 * ```ts
 * const { number, hash, timestamp }: IndexedBlock = index.syncedBlock!;
 * ```
 */
export interface IndexedBlock {
  number: number;
  hash: string;
  timestamp: bigint;
}

/**
 * What one {@link RegistryIndex.sync} read.
 *
 * @example
 * ```ts
 * const { fromBlock, toBlock, logs, rebuilt }: IndexSync = await index.sync();
 * ```
 */
export interface IndexSync {
  /** First block read (the index's `fromBlock` when it rebuilt). */
  fromBlock: number;
  /** Last block read: the head the index now reflects. */
  toBlock: number;
  /** Lifecycle events applied. */
  logs: number;
  /** The chain no longer held the block synced before (a reorg), so the index was rebuilt from `fromBlock`. */
  rebuilt: boolean;
}

/**
 * The provider's answer did not have the shape of a block or a log.
 *
 * @example
 * ```ts
 * if (e instanceof IndexRpcError) console.log(e.method);
 * ```
 */
export class IndexRpcError extends FernetError {
  override name = "IndexRpcError";
  constructor(
    readonly method: string,
    what: string,
  ) {
    super(`The provider's ${method} answer is malformed: ${what}.`, "Check that the provider is an Ethereum JSON-RPC endpoint.");
  }
}

/**
 * Options of {@link RegistryIndex.create} were out of range.
 *
 * @example
 * ```ts
 * await RegistryIndex.create(registry, { blockSpan: 0 }); // rejects with IndexOptionError
 * ```
 */
export class IndexOptionError extends FernetError {
  override name = "IndexOptionError";
  constructor(
    readonly option: string,
    readonly value: unknown,
  ) {
    super(`RegistryIndex option ${option} must be a positive integer (got ${String(value)}).`, `Pass a whole number${option === "fromBlock" ? " of 0 or more" : " of 1 or more"}.`);
  }
}

/**
 * A log changed a registration the index never saw registered: `fromBlock` is after the registry's
 * deployment (or after that key's registration).
 *
 * @example
 * ```ts
 * if (e instanceof IndexGapError) index = await RegistryIndex.create(registry, { fromBlock: deployBlock });
 * ```
 */
export class IndexGapError extends FernetError {
  override name = "IndexGapError";
  constructor(
    readonly sequencer: string,
    readonly blockNumber: number,
    readonly fromBlock: number,
  ) {
    super(
      `Block ${blockNumber} changes the registration of ${sequencer}, which the index never saw registered (it reads from block ${fromBlock}).`,
      "Create the index with fromBlock at or before the registry's deployment block (deployments/<network>.json deployBlock).",
    );
  }
}

/** A registration as the paged view gives it, but its status (which depends on the time asked about). */
type Row = Omit<SequencerEntry, "status">;

/** A raw log as JSON-RPC gives it (hex quantities), or as ethers' `getLogs` gives it (numbers). */
interface RawLog {
  topics: readonly string[];
  data: string;
  blockNumber: string | number;
  logIndex?: string | number;
  index?: number;
  removed?: boolean;
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const quantity = (n: number): string => `0x${n.toString(16)}`;
const num = (q: string | number | undefined): number => (typeof q === "number" ? q : Number.parseInt(q ?? "", 16));
/** ABI word `i` of a log's data as an unsigned integer (0 past the end). */
const wordAt = (data: string, i: number): bigint => BigInt(`0x${data.slice(2 + 64 * i, 66 + 64 * i) || "0"}`);

/**
 * Status of `entry` at time `t`: the same rule as `SequencerRegistry.statusAt` (parity-tested).
 *
 * @example
 * ```ts
 * const status = statusAtTime(entry, BigInt(Math.floor(Date.now() / 1000)));
 * ```
 */
export function statusAtTime(entry: Pick<SequencerEntry, "withdrawer" | "registeredAt" | "activeFrom" | "exitInitiatedAt" | "exitableAt" | "ejectedAt">, t: bigint): SequencerStatus {
  if (isZeroAddress(entry.withdrawer) || t < entry.registeredAt) return SequencerStatus.None;
  if (entry.exitInitiatedAt !== 0n && t >= entry.exitInitiatedAt) {
    if (t >= entry.exitableAt) return SequencerStatus.Withdrawable;
    return entry.ejectedAt !== 0n && t >= entry.ejectedAt ? SequencerStatus.Ejected : SequencerStatus.Exiting;
  }
  return t < entry.activeFrom ? SequencerStatus.Queued : SequencerStatus.Active;
}

/**
 * The registry rebuilt from its events, kept up to date by {@link RegistryIndex.sync}.
 *
 * @example
 * ```ts
 * const index = await RegistryIndex.create(registry, { fromBlock: deployBlock });
 * await index.sync();
 * console.log(`${index.size} keys as of block ${index.syncedBlock!.number}`);
 * ```
 */
export class RegistryIndex {
  /** Rows by the key's lowercase 40-digit body. */
  private rows = new Map<string, Row>();
  private readonly checksums = new Map<string, string>();
  private order: Row[] = [];
  private head?: IndexedBlock;
  private syncing: Promise<IndexSync> = Promise.resolve({ fromBlock: 0, toBlock: 0, logs: 0, rebuilt: false });
  private readonly fromBlock: number;
  private readonly blockSpan: number;
  private readonly concurrency: number;

  private constructor(
    readonly registry: RegistryClient,
    private readonly provider: Provider,
    readonly entryDelay: bigint,
    readonly exitDelay: bigint,
    options: RegistryIndexOptions,
  ) {
    this.fromBlock = options.fromBlock ?? 0;
    this.blockSpan = options.blockSpan ?? 10_000;
    this.concurrency = options.concurrency ?? 4;
  }

  /**
   * An empty index of `registry` (reads its delays; the first {@link sync} reads the events).
   * @throws {@link IndexOptionError} when an option is not a positive integer.
   * @example
   * ```ts
   * const index = await RegistryIndex.create(fernet.registry, { fromBlock: fernet.deployment.deployBlock });
   * ```
   */
  static async create(registry: RegistryClient, options: RegistryIndexOptions = {}): Promise<RegistryIndex> {
    for (const [name, min] of [["fromBlock", 0], ["blockSpan", 1], ["concurrency", 1]] as const) {
      const v = options[name];
      if (v !== undefined && (!Number.isSafeInteger(v) || v < min)) throw new IndexOptionError(name, v);
    }
    const provider = registry.runner.provider;
    if (!provider) throw new FernetError("The registry client has no provider.", "Connect the client with a provider or a signer that has one.");
    const [entryDelay, exitDelay] = await Promise.all([registry.entryDelay(), registry.exitDelay()]);
    return new RegistryIndex(registry, provider, entryDelay, exitDelay, options);
  }

  /** Keys ever registered (withdrawn ones included, as in the paged view). @example `index.size` */
  get size(): number {
    return this.order.length;
  }

  /** The block the index reflects (undefined before the first sync). @example `index.syncedBlock?.number` */
  get syncedBlock(): IndexedBlock | undefined {
    return this.head;
  }

  /**
   * Reads the lifecycle events from the block after the last synced one to the chain's head and
   * applies them; rebuilds from `fromBlock` when the synced block is no longer on the chain. Calls
   * made while one runs wait for it and then sync again.
   * @example
   * ```ts
   * const { logs, rebuilt } = await index.sync();
   * ```
   */
  sync(): Promise<IndexSync> {
    const next = this.syncing.catch(() => undefined).then(() => this.syncOnce());
    this.syncing = next;
    return next;
  }

  /**
   * Every key in registration order with the rows the paged view gives, status at `at` (default the
   * synced head's timestamp).
   * @example
   * ```ts
   * const active = index.entries().filter((e) => e.status === SequencerStatus.Active);
   * ```
   */
  entries(at?: bigint): SequencerEntry[] {
    const t = at ?? this.head?.timestamp ?? 0n;
    return this.order.map((r) => ({ ...r, status: statusAtTime(r, t) }));
  }

  /**
   * Every key in registration order without a status (no copy, no time to evaluate it at): what
   * ranking reads. The rows are the index's own: read them, do not change them.
   * @example
   * ```ts
   * const ranking = rankEntries(state.seed, state.seedKnownAt, index.registrations());
   * ```
   */
  registrations(): readonly Readonly<Omit<SequencerEntry, "status">>[] {
    return this.order;
  }

  /** One key's row (undefined if never registered). @example `index.entry(key)?.stake` */
  entry(sequencer: string, at?: bigint): SequencerEntry | undefined {
    const r = this.rows.get(sequencer.slice(2).toLowerCase());
    return r && { ...r, status: statusAtTime(r, at ?? this.head?.timestamp ?? 0n) };
  }

  /** Forgets everything; the next sync reads from `fromBlock` again. @example `index.reset()` */
  reset(): void {
    this.rows = new Map();
    this.order = [];
    this.head = undefined;
  }

  private async send(method: string, params: unknown[]): Promise<unknown> {
    const p = this.provider as Provider & { send?: (m: string, p: unknown[]) => Promise<unknown> };
    if (typeof p.send === "function") return decoded(() => p.send!(method, params));
    // A provider without `send` (e.g. a browser wallet's): its typed methods, normalised below.
    if (method === "eth_getLogs") {
      const f = params[0] as { address: string; topics: string[][]; fromBlock: string; toBlock: string };
      return decoded(() => this.provider.getLogs({ address: f.address, topics: f.topics, fromBlock: num(f.fromBlock), toBlock: num(f.toBlock) }));
    }
    const b = await decoded(() => this.provider.getBlock(params[0] === "latest" ? "latest" : num(params[0] as string)));
    return b && { number: b.number, hash: b.hash, timestamp: b.timestamp };
  }

  private async block(tag: number | "latest"): Promise<IndexedBlock | undefined> {
    const b = (await this.send("eth_getBlockByNumber", [tag === "latest" ? tag : quantity(tag), false])) as { number?: string | number; hash?: string; timestamp?: string | number } | null;
    if (b === null || b === undefined) return undefined;
    if (b.number === undefined || typeof b.hash !== "string" || b.timestamp === undefined) throw new IndexRpcError("eth_getBlockByNumber", "no number, hash or timestamp");
    return { number: num(b.number), hash: b.hash, timestamp: BigInt(b.timestamp) };
  }

  private async syncOnce(): Promise<IndexSync> {
    const [head, synced] = await Promise.all([this.block("latest"), this.head ? this.block(this.head.number) : undefined]);
    if (!head) throw new IndexRpcError("eth_getBlockByNumber", "no latest block");
    const rebuilt = this.head !== undefined && (synced === undefined || synced.hash !== this.head.hash);
    if (rebuilt) this.reset();
    const from = this.head ? this.head.number + 1 : this.fromBlock;
    const logs = from <= head.number ? await this.logs(from, head.number) : [];
    await this.apply(logs);
    this.head = head;
    return { fromBlock: from, toBlock: head.number, logs: logs.length, rebuilt };
  }

  /** The lifecycle logs of `[from, to]` in chain order: spans of `blockSpan`, `concurrency` at once. */
  private async logs(from: number, to: number): Promise<RawLog[]> {
    const got = await inSpans(from, to, this.blockSpan, this.concurrency, async (a, b) => {
      const logs = await this.send("eth_getLogs", [{ address: this.registry.address, topics: [LIFECYCLE_TOPICS], fromBlock: quantity(a), toBlock: quantity(b) }]);
      if (!Array.isArray(logs)) throw new IndexRpcError("eth_getLogs", "not an array");
      return logs as RawLog[];
    });
    const all = got.filter((l) => !l.removed);
    // Providers answer in chain order; sort anyway, cheaply, in case one does not.
    const key = (l: RawLog): number => num(l.blockNumber) * 1e5 + num(l.logIndex ?? l.index);
    for (let i = 1; i < all.length; i++) {
      if (key(all[i - 1]) > key(all[i])) {
        all.sort((x, y) => key(x) - key(y));
        break;
      }
    }
    return all;
  }

  /** EIP-55 form of a 40-digit body, remembered: withdrawers repeat (an operator's keys share one). */
  private checksum(body: string): string {
    const lower = body.toLowerCase();
    let c = this.checksums.get(lower);
    if (c === undefined) {
      c = checksumBody(lower);
      this.checksums.set(lower, c);
    }
    return c;
  }

  private async apply(logs: readonly RawLog[]): Promise<void> {
    // An ejection is stamped with its block's time, which logs do not carry: read those few blocks.
    const ejectedBlocks = [...new Set(logs.filter((l) => l.topics[0] === EJECTED).map((l) => num(l.blockNumber)))];
    const times = new Map<number, bigint>();
    await Promise.all(
      ejectedBlocks.map(async (n) => {
        const b = await this.block(n);
        if (!b) throw new IndexRpcError("eth_getBlockByNumber", `no block ${n}`);
        times.set(n, b.timestamp);
      }),
    );
    for (const l of logs) {
      if (l.topics.length < 2 || typeof l.data !== "string") throw new IndexRpcError("eth_getLogs", "a log without topics or data");
      const key = l.topics[1].slice(26).toLowerCase();
      let row = this.rows.get(key);
      const t0 = l.topics[0];
      if (t0 === REGISTERED) {
        if (!row) {
          row = { address: checksumBody(key), withdrawer: ZERO_ADDRESS, stake: 0n, registeredAt: 0n, activeFrom: 0n, exitInitiatedAt: 0n, exitableAt: 0n, ejectedAt: 0n };
          this.rows.set(key, row);
          this.order.push(row);
        }
        row.withdrawer = this.checksum(l.topics[2].slice(26));
        row.stake = wordAt(l.data, 0);
        row.activeFrom = wordAt(l.data, 1);
        row.registeredAt = row.activeFrom - this.entryDelay;
        row.exitInitiatedAt = row.exitableAt = row.ejectedAt = 0n;
        continue;
      }
      if (!row) throw new IndexGapError(checksumBody(key), num(l.blockNumber), this.fromBlock);
      if (t0 === EXIT_INITIATED) {
        row.exitableAt = wordAt(l.data, 0);
        row.exitInitiatedAt = row.exitableAt - this.exitDelay;
      } else if (t0 === WITHDRAWN) {
        row.withdrawer = ZERO_ADDRESS;
        row.stake = row.registeredAt = row.activeFrom = row.exitInitiatedAt = row.exitableAt = row.ejectedAt = 0n;
      } else if (t0 === SLASHED) {
        row.stake = wordAt(l.data, 2);
      } else if (t0 === EJECTED) {
        row.stake = wordAt(l.data, 0);
        row.exitableAt = wordAt(l.data, 1);
        row.exitInitiatedAt = row.exitableAt - this.exitDelay;
        row.ejectedAt = times.get(num(l.blockNumber))!;
      }
    }
  }
}
