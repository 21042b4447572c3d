/**
 * Typed protocol events: readers over a block range and live subscriptions (async iterators) that
 * poll `eth_getLogs`, survive RPC failures and reconnects (retrying with back-off from the last block
 * delivered), and can wait for a confirmation depth. Each event comes with its contract, name,
 * arguments by name, L1 block, tx hash and log index.
 *
 * @example
 * ```ts
 * for await (const ev of watchEvents("rollup", fernet.rollup, { names: ["BlockFinalized"], confirmations: 2 })) {
 *   console.log(ev.args.height, ev.transactionHash);
 * }
 * ```
 */
import { Interface, type InterfaceAbi, type Log, type ParamType, type Provider, type Result } from "ethers";
import { decoded } from "./contract-errors";
import { inSpans } from "./chunks";
import { FernetError } from "./errors";
import {
  AstriaLightClient__factory,
  AstriaSlasher__factory,
  FernetRollup__factory,
  FernetToken__factory,
  SequencerRegistry__factory,
} from "./generated/typechain";
import type { AstriaLightClientEventArgs, AstriaSlasherEventArgs, RegistryEventArgs, RollupEventArgs, TokenEventArgs } from "./generated/protocol";

export type { AstriaLightClientEventArgs, AstriaSlasherEventArgs, RegistryEventArgs, RollupEventArgs, TokenEventArgs } from "./generated/protocol";

/**
 * Event arguments by contract kind.
 *
 * @example
 * ```ts
 * const args: EventArgsByContract["rollup"]["BlockFinalized"] = ev.args;
 * ```
 */
export interface EventArgsByContract {
  rollup: RollupEventArgs;
  registry: RegistryEventArgs;
  token: TokenEventArgs;
  astriaSlasher: AstriaSlasherEventArgs;
  astriaLightClient: AstriaLightClientEventArgs;
}

/**
 * A contract kind the SDK reads events of.
 *
 * @example
 * ```ts
 * const kind: ContractKind = "registry";
 * await readEvents(kind, fernet.registry, { fromBlock });
 * ```
 */
export type ContractKind = keyof EventArgsByContract;

const ABIS: Record<ContractKind, InterfaceAbi> = {
  rollup: FernetRollup__factory.abi as InterfaceAbi,
  registry: SequencerRegistry__factory.abi as InterfaceAbi,
  token: FernetToken__factory.abi as InterfaceAbi,
  astriaSlasher: AstriaSlasher__factory.abi as InterfaceAbi,
  astriaLightClient: AstriaLightClient__factory.abi as InterfaceAbi,
};
const INTERFACES = Object.fromEntries(Object.entries(ABIS).map(([k, abi]) => [k, new Interface(abi)])) as Record<ContractKind, Interface>;

/**
 * One decoded protocol event.
 *
 * @example
 * ```ts
 * const [ev]: ProtocolEvent<"rollup", "BlockRevealed">[] = await readEvents("rollup", rollup, { names: ["BlockRevealed"] });
 * console.log(ev.args.height, ev.transactionHash);
 * for (const e of await readEvents("rollup", rollup)) if (e.name === "BlockProposed") console.log(e.args.header.txsRoot); // narrowed by name
 * ```
 */
export type ProtocolEvent<K extends ContractKind = ContractKind, N extends keyof EventArgsByContract[K] = keyof EventArgsByContract[K]> =
  // Distributed over the names: checking `name` narrows `args` to that event's arguments.
  N extends keyof EventArgsByContract[K]
    ? {
        contract: K;
        address: string;
        name: N;
        args: EventArgsByContract[K][N];
        blockNumber: number;
        blockHash: string;
        transactionHash: string;
        /** Index of the log in its block. */
        logIndex: number;
      }
    : never;

/**
 * Anything with an address and a runner: every client of the SDK.
 *
 * @example
 * ```ts
 * const source: EventSource = { address: tokenAddress, runner: { provider } };
 * await readEvents("token", source, { names: ["Transfer"] });
 * ```
 */
export interface EventSource {
  address: string;
  runner: { provider: Provider | null } | null;
}

/**
 * Options of {@link readEvents}.
 *
 * @example
 * ```ts
 * await readEvents("rollup", rollup, { names: ["BlockProposed"], fromBlock: deployBlock, chunkSize: 2_000 });
 * ```
 */
export interface ReadEventsOptions<N extends string = string> {
  /** Only these events (default: every event of the contract). */
  names?: readonly N[];
  fromBlock?: number;
  /** Inclusive; default the latest block. */
  toBlock?: number;
  /** Blocks per `eth_getLogs` call (default 10,000; many providers cap the range). */
  chunkSize?: number;
  /** `eth_getLogs` calls in flight at once (default 4). */
  concurrency?: number;
}

/** Converts an ethers Result into plain objects by parameter name, deeply. */
function named(value: unknown, type: ParamType): unknown {
  if (type.isTuple()) {
    const r = value as Result;
    return Object.fromEntries(type.components.map((c, i) => [c.name || `arg${i}`, named(r[i], c)]));
  }
  if (type.isArray()) return [...(value as Result)].map((v) => named(v, type.arrayChildren));
  return value;
}

/**
 * Decodes one raw log of a `kind` contract (undefined if it is not one of its events).
 *
 * @example
 * ```ts
 * const ev = decodeLog("rollup", receipt.logs[0]);
 * ```
 */
export function decodeLog<K extends ContractKind>(kind: K, log: Log): ProtocolEvent<K> | undefined {
  let parsed;
  try {
    parsed = INTERFACES[kind].parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const args = Object.fromEntries(parsed.fragment.inputs.map((p, i) => [p.name || `arg${i}`, named(parsed.args[i], p)]));
  return {
    contract: kind,
    address: log.address,
    name: parsed.name as keyof EventArgsByContract[K],
    args: args as EventArgsByContract[K][keyof EventArgsByContract[K]],
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    logIndex: log.index,
  } as ProtocolEvent<K>;
}

function topicsFor(kind: ContractKind, names?: readonly string[]): string[][] | undefined {
  if (!names || names.length === 0) return undefined;
  const iface = INTERFACES[kind];
  return [
    names.map((n) => {
      const ev = iface.getEvent(n);
      if (!ev) throw new UnknownEventError(kind, n);
      return ev.topicHash;
    }),
  ];
}

/**
 * An event name that the contract does not have.
 *
 * @example
 * ```ts
 * await readEvents("rollup", rollup, { names: ["Nope"] }); // rejects with UnknownEventError
 * ```
 */
export class UnknownEventError extends FernetError {
  override name = "UnknownEventError";
  constructor(
    readonly contract: ContractKind,
    readonly event: string,
  ) {
    super(`The ${contract} contract has no event ${event}.`, "Use a name from the contract's interface (e.g. ROLLUP_EVENTS).");
  }
}

function providerOf(source: EventSource): Provider {
  const p = source.runner?.provider;
  if (!p) throw new FernetError("The client has no provider.", "Connect the client with a provider or a signer that has one.");
  return p;
}

/**
 * Reads the events of a `kind` contract over a block range, in chain order.
 *
 * @example
 * ```ts
 * const proposals = await readEvents("rollup", fernet.rollup, { names: ["BlockProposed"], fromBlock: deployBlock });
 * for (const p of proposals) console.log(p.args.height, p.args.proposer);
 * ```
 */
export async function readEvents<K extends ContractKind, N extends keyof EventArgsByContract[K] & string = keyof EventArgsByContract[K] & string>(
  kind: K,
  source: EventSource,
  options: ReadEventsOptions<N> = {},
): Promise<ProtocolEvent<K, N>[]> {
  const provider = providerOf(source);
  const from = options.fromBlock ?? 0;
  const to = options.toBlock ?? (await decoded(() => provider.getBlockNumber()));
  const chunk = options.chunkSize ?? 10_000;
  const topics = topicsFor(kind, options.names);
  const logs = await inSpans(from, to, chunk, options.concurrency ?? 4, (start, end) => decoded(() => provider.getLogs({ address: source.address, fromBlock: start, toBlock: end, topics })));
  return logs.map((l) => decodeLog(kind, l)).filter((e): e is ProtocolEvent<K> => e !== undefined) as ProtocolEvent<K, N>[];
}

/**
 * Options of {@link watchEvents}.
 *
 * @example
 * ```ts
 * watchEvents("rollup", rollup, { names: ["BlockFinalized"], confirmations: 2, pollingInterval: 2_000, signal, onError: console.error });
 * ```
 */
export interface WatchEventsOptions<N extends string = string> {
  names?: readonly N[];
  /** First block to deliver (default: the block after the current head). */
  fromBlock?: number;
  /** Deliver an event only once its block has this many blocks on top (default 0). */
  confirmations?: number;
  /** Milliseconds between polls (default 1,000). */
  pollingInterval?: number;
  /** Blocks per `eth_getLogs` call (default 2,000). */
  chunkSize?: number;
  /** Stops the iterator. */
  signal?: AbortSignal;
  /** Called on each RPC failure before retrying (default: ignored). */
  onError?: (error: unknown, attempt: number) => void;
  /** Longest back-off between retries in milliseconds (default 30,000). */
  maxBackoff?: number;
  /**
   * Called when blocks already read left the chain (a reorg): the events delivered from blocks
   * `[fromBlock, toBlock]` are gone, and the iterator delivers the chain's blocks again from
   * `fromBlock`. Without `confirmations` an app that keeps state from events must undo them here.
   */
  onReorg?: (reorg: Reorg) => void;
}

/**
 * Blocks that left the chain after {@link watchEvents} delivered their events.
 *
 * @example
 * ```ts
 * watchEvents("rollup", rollup, { onReorg: ({ fromBlock, toBlock }) => forget(fromBlock, toBlock) });
 * ```
 */
export interface Reorg {
  fromBlock: number;
  toBlock: number;
}

/** How many blocks back {@link watchEvents} remembers hashes to find where a reorg forked. */
const REORG_WINDOW = 256;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Live events of a `kind` contract as an async iterator. Polls from the last block delivered, so an
 * RPC outage or a reconnect loses nothing (each failure is reported to `onError` and retried with
 * back-off); with `confirmations`, events arrive only once that deep. A reorg of blocks already read
 * is noticed at the next poll (the last read block's hash changed, or it is gone): `onReorg` says
 * which blocks left and they are read again. Stop it with `signal` or `break`.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * for await (const ev of watchEvents("rollup", fernet.rollup, { names: ["BlockFinalized"], signal: stop.signal })) {
 *   console.log(`height ${ev.args.height} final in L1 block ${ev.blockNumber}`);
 * }
 * ```
 */
export async function* watchEvents<K extends ContractKind, N extends keyof EventArgsByContract[K] & string = keyof EventArgsByContract[K] & string>(
  kind: K,
  source: EventSource,
  options: WatchEventsOptions<N> = {},
): AsyncGenerator<ProtocolEvent<K, N>, void, undefined> {
  const provider = providerOf(source);
  const interval = options.pollingInterval ?? 1_000;
  const depth = options.confirmations ?? 0;
  const chunk = options.chunkSize ?? 2_000;
  const topics = topicsFor(kind, options.names);
  let next = options.fromBlock;
  let attempt = 0;
  // Hashes of blocks read (each range's last block and every block with an event), to notice reorgs.
  const seen = new Map<number, string>();
  const hashAt = async (n: number): Promise<string | undefined> => (await provider.getBlock(n))?.hash ?? undefined;
  while (!options.signal?.aborted) {
    try {
      const head = await provider.getBlockNumber();
      next ??= head + 1;
      if (seen.size > 0) {
        const last = next - 1;
        if ((await hashAt(last)) !== seen.get(last)) {
          // Fork point: the highest remembered block still on the chain; everything after it is read again.
          let kept = -1;
          for (const n of [...seen.keys()].sort((a, b) => b - a)) {
            if (n < last && (await hashAt(n)) === seen.get(n)) {
              kept = n;
              break;
            }
          }
          const fromBlock = kept >= 0 ? kept + 1 : Math.min(...seen.keys());
          for (const n of [...seen.keys()]) if (n >= fromBlock) seen.delete(n);
          next = fromBlock;
          options.onReorg?.({ fromBlock, toBlock: last });
          continue; // poll again from a fresh head: the one read above may be the old chain's
        }
      }
      const safe = head - depth;
      if (safe >= next) {
        const to = Math.min(safe, next + chunk - 1);
        // The range's last block, before and after the logs: unchanged, the logs are of that chain
        // (a block's hash fixes every block below it). Changed or gone: a reorg ran meanwhile, read again.
        const before = await hashAt(to);
        const logs = before === undefined ? [] : await provider.getLogs({ address: source.address, fromBlock: next, toBlock: to, topics });
        const toHash = before === undefined ? undefined : await hashAt(to);
        if (toHash === undefined || toHash !== before || logs.some((l) => l.blockNumber === to && l.blockHash !== toHash)) {
          await sleep(interval, options.signal);
          continue;
        }
        attempt = 0;
        next = to + 1;
        seen.set(to, toHash);
        for (const log of logs) seen.set(log.blockNumber, log.blockHash);
        for (const n of [...seen.keys()]) if (n < to - REORG_WINDOW) seen.delete(n);
        for (const log of logs) {
          const ev = decodeLog(kind, log);
          if (ev) yield ev as ProtocolEvent<K, N>;
          if (options.signal?.aborted) return;
        }
        if (to < safe) continue; // more to catch up on
      }
      attempt = 0;
      await sleep(interval, options.signal);
    } catch (error) {
      attempt++;
      options.onError?.(error, attempt);
      await sleep(Math.min(options.maxBackoff ?? 30_000, interval * 2 ** Math.min(attempt, 10)), options.signal);
    }
  }
}
