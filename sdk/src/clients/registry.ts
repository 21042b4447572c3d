/**
 * Client of the SequencerRegistry: registration, exits, withdrawals, slasher administration, and
 * reads that scale (the paged `getSequencers` view, pages fetched concurrently so ethers batches them
 * into few JSON-RPC requests).
 *
 * @example
 * ```ts
 * const registry = new RegistryClient(registryAddress, signer);
 * await registry.register(await signer.getAddress(), withdrawer);
 * const all = await registry.listSequencerEntries();
 * ```
 */
import { isHexString, toQuantity, type ContractRunner, type ContractTransactionReceipt } from "ethers";
import { FernetError } from "../errors";
import { checksumBody, isZeroAddress } from "../words";
import { decoded } from "../contract-errors";
import { SequencerRegistry__factory, type SequencerRegistry } from "../generated/typechain";
import { Eligibility, SequencerStatus, type RegistryParameters, type SequencerInfo, type SlasherChange } from "../types";
import { NotAuthorisedError, SequencerStatusError } from "./errors";
import { ownerWrite, sendWrite, signerOf, type WriteOptions } from "./shared";
import { TokenClient } from "./token";

/**
 * Rows per `getSequencers` call. About 7,000 gas a row, so even 1,000 rows fit any node's call gas
 * cap, but the EVM's memory cost grows with the square of the page: 250-row pages, all requested at
 * once, are the fastest against `hardhat node` (bench/sdk-ranking.md).
 *
 * @example
 * ```ts
 * const entries = await registry.listSequencerEntries({ pageSize: REGISTRY_PAGE_SIZE * 2 });
 * ```
 */
export const REGISTRY_PAGE_SIZE = 250;

/** Words per `SequencerEntry` row in the ABI encoding (a static struct, so rows are inline). */
const ROW_WORDS = 9;

/**
 * Decodes the return data of `getSequencers` (`SequencerEntry[]`) straight from the hex words: the
 * generic ABI decoder takes about 0.45 ms a row, this a few microseconds (parity-tested against it).
 * Addresses are checksummed with the SDK's own keccak permutation (ethers' `getAddress` cost about
 * 10 µs each, two a row).
 *
 * @example
 * ```ts
 * const rows = decodeSequencerPage(await provider.call({ to: registry, data }));
 * ```
 */
export function decodeSequencerPage(hex: string): SequencerEntry[] {
  const word = (i: number): string => hex.slice(2 + i * 64, 2 + (i + 1) * 64);
  const uint = (i: number): bigint => BigInt(`0x${word(i)}`);
  const addr = (i: number): string => checksumBody(hex.slice(2 + i * 64 + 24, 2 + (i + 1) * 64));
  if (hex.length < 2 + 128) throw new FernetError("Malformed getSequencers answer.", "Check that the address is a SequencerRegistry.");
  const start = Number(uint(0)) / 32;
  const length = Number(uint(start));
  if (hex.length < 2 + (start + 1 + length * ROW_WORDS) * 64) throw new FernetError("Truncated getSequencers answer.", "Check that the address is a SequencerRegistry.");
  const rows: SequencerEntry[] = new Array(length);
  for (let r = 0; r < length; r++) {
    const b = start + 1 + r * ROW_WORDS;
    rows[r] = {
      address: addr(b),
      status: Number(uint(b + 1)) as SequencerStatus,
      withdrawer: addr(b + 2),
      stake: uint(b + 3),
      registeredAt: uint(b + 4),
      activeFrom: uint(b + 5),
      exitInitiatedAt: uint(b + 6),
      exitableAt: uint(b + 7),
      ejectedAt: uint(b + 8),
    };
  }
  return rows;
}

/**
 * One row of the paged registry view: a registered key with its registration and status now.
 *
 * @example
 * ```ts
 * const active: SequencerEntry[] = (await registry.listSequencerEntries()).filter((e) => e.status === SequencerStatus.Active);
 * ```
 */
export type SequencerEntry = SequencerInfo;

/**
 * Options of {@link RegistryClient.listSequencerEntries}.
 *
 * @example
 * ```ts
 * const entries = await registry.listSequencerEntries({ pageSize: 500, blockTag: 19_000_000 });
 * ```
 */
export interface ListOptions {
  /** Rows per call (default {@link REGISTRY_PAGE_SIZE}). */
  pageSize?: number;
  /** Block tag to read at (default latest): pass one tag so every page reads the same state. */
  blockTag?: number | string;
}

/**
 * Whether `entry` may propose for a seed known at `seedKnownAt`, with the registry's reason: the same
 * rule as `SequencerRegistry.eligibility`, evaluated off-chain (parity tests check it).
 *
 * @example
 * ```ts
 * const ok = eligibilityOf(entry, state.seedKnownAt) === Eligibility.Eligible;
 * ```
 */
export function eligibilityOf(entry: Pick<SequencerInfo, "withdrawer" | "registeredAt" | "activeFrom" | "exitInitiatedAt" | "ejectedAt">, seedKnownAt: bigint): Eligibility {
  if (isZeroAddress(entry.withdrawer)) return Eligibility.Unregistered;
  if (entry.activeFrom > seedKnownAt) return entry.registeredAt > seedKnownAt ? Eligibility.RegisteredAfterSeed : Eligibility.Queued;
  if (entry.exitInitiatedAt !== 0n) return entry.ejectedAt !== 0n ? Eligibility.Ejected : Eligibility.Exiting;
  return Eligibility.Eligible;
}

/**
 * Client of the SequencerRegistry.
 *
 * @example
 * ```ts
 * const status = await new RegistryClient(address, provider).statusOf(key);
 * ```
 */
export class RegistryClient {
  /** The typechain contract (for calls the client does not wrap). */
  readonly contract: SequencerRegistry;
  readonly address: string;
  readonly runner: ContractRunner;
  private tokenClient?: TokenClient;

  constructor(address: string, runner: ContractRunner) {
    this.address = address;
    this.runner = runner;
    this.contract = SequencerRegistry__factory.connect(address, runner);
  }

  // ------------------------------------------------------------------ writes

  /**
   * Registers `sequencer` with `withdrawer`; the sender pays the stake. Checks that the key has no
   * registration and that the sender holds and approved the stake.
   * @throws {@link SequencerStatusError}, {@link InsufficientTokensError}
   * @example `await registry.register(key, withdrawer)`
   */
  async register(sequencer: string, withdrawer: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "register").getAddress();
    if (!options?.skipChecks) {
      const [status, stake, token] = await Promise.all([this.statusOf(sequencer), this.stakeAmount(), this.token()]);
      if (status !== SequencerStatus.None) {
        throw new SequencerStatusError("register", sequencer, status, "A key registers again only after its previous stake was withdrawn.");
      }
      await token.requireTokens(me, this.address, stake);
    }
    return sendWrite(this.contract.register, [sequencer, withdrawer], "register", options);
  }

  /**
   * Starts the exit of `sequencer` (sender: the key or its withdrawer).
   * @throws {@link NotAuthorisedError}, {@link SequencerStatusError}
   * @example `await registry.initiateExit(key)`
   */
  async initiateExit(sequencer: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "initiateExit").getAddress();
    if (!options?.skipChecks) {
      const info = await this.getSequencer(sequencer);
      if (info.status === SequencerStatus.None) {
        throw new SequencerStatusError("start the exit of", sequencer, info.status, "The key has no registration.");
      }
      if (info.exitInitiatedAt !== 0n) {
        throw new SequencerStatusError("start the exit of", sequencer, info.status, `The exit is under way: withdraw from ${info.exitableAt}.`);
      }
      if (![sequencer, info.withdrawer].some((a) => a.toLowerCase() === me.toLowerCase())) {
        throw new NotAuthorisedError(`start the exit of ${sequencer}`, me, [sequencer, info.withdrawer]);
      }
    }
    return sendWrite(this.contract.initiateExit, [sequencer], "initiateExit", options);
  }

  /**
   * Pays what is left of the stake of `sequencer` to its withdrawer (anyone may send it) once Withdrawable.
   * @throws {@link SequencerStatusError}
   * @example `await registry.withdraw(key)`
   */
  async withdraw(sequencer: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "withdraw");
    if (!options?.skipChecks) {
      const info = await this.getSequencer(sequencer);
      if (info.status !== SequencerStatus.Withdrawable) {
        const why = info.exitInitiatedAt === 0n ? "Call initiateExit first." : `Wait until exitableAt (${info.exitableAt}).`;
        throw new SequencerStatusError("withdraw", sequencer, info.status, why);
      }
    }
    return sendWrite(this.contract.withdraw, [sequencer], "withdraw", options);
  }

  /**
   * Slashes `amount` of `sequencer`'s stake for a fault at `faultAt` (authorised slasher contracts only).
   * @example `await registry.slash(key, amount, faultAt) // from a slasher`
   */
  async slash(sequencer: string, amount: bigint, faultAt: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "slash");
    return sendWrite(this.contract.slash, [sequencer, amount, faultAt], "slash", options);
  }

  /** Queues a slasher change (owner only). @example `await registry.queueSlasherChange(slasher, true)` */
  async queueSlasherChange(slasher: string, allowed: boolean, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "queueSlasherChange");
    return sendWrite(this.contract.queueSlasherChange, [slasher, allowed], "queueSlasherChange", options);
  }

  /** Executes a queued slasher change once ready (anyone). @example `await registry.executeSlasherChange(slasher)` */
  async executeSlasherChange(slasher: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "executeSlasherChange");
    return sendWrite(this.contract.executeSlasherChange, [slasher], "executeSlasherChange", options);
  }

  /** Cancels a queued slasher change (owner only). @example `await registry.cancelSlasherChange(slasher)` */
  async cancelSlasherChange(slasher: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "cancelSlasherChange");
    return sendWrite(this.contract.cancelSlasherChange, [slasher], "cancelSlasherChange", options);
  }

  // ------------------------------------------------------------------ ownership (two-step)

  /** The owner (queues slasher changes). @example `await registry.owner()` */
  async owner(): Promise<string> {
    return decoded(() => this.contract.owner());
  }
  /** The account a transfer is waiting on (zero if none). @example `await registry.pendingOwner()` */
  async pendingOwner(): Promise<string> {
    return decoded(() => this.contract.pendingOwner());
  }
  /**
   * Starts handing the registry to `newOwner`, who must accept (owner only; zero cancels a pending transfer).
   * @throws {@link NotAuthorisedError} unless the signer is the owner.
   * @example `await registry.transferOwnership(multisig)`
   */
  async transferOwnership(newOwner: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    return ownerWrite(this.contract, this.runner, this.contract.transferOwnership, [newOwner], "transferOwnership", options);
  }
  /**
   * Accepts a pending transfer (the pending owner only).
   * @throws {@link NotAuthorisedError} unless the signer is the pending owner.
   * @example `await new RegistryClient(registryAddress, multisig).acceptOwnership()`
   */
  async acceptOwnership(options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "acceptOwnership").getAddress();
    if (!options?.skipChecks) {
      const pending = await this.pendingOwner();
      if (pending.toLowerCase() !== me.toLowerCase()) throw new NotAuthorisedError("acceptOwnership", me, [pending]);
    }
    return sendWrite(this.contract.acceptOwnership, [], "acceptOwnership", options);
  }
  /**
   * Leaves the registry without an owner for good: no slasher change can be queued again (owner only).
   * @throws {@link NotAuthorisedError} unless the signer is the owner.
   * @example `await registry.renounceOwnership()`
   */
  async renounceOwnership(options?: WriteOptions): Promise<ContractTransactionReceipt> {
    return ownerWrite(this.contract, this.runner, this.contract.renounceOwnership, [], "renounceOwnership", options);
  }

  // ------------------------------------------------------------------ parameters

  /** One L1 slot in seconds (12; the entry delay's floor). @example `await registry.slot()` */
  async slot(): Promise<bigint> {
    return decoded(() => this.contract.SLOT());
  }

  /** The staking token's client. @example `await (await registry.token()).balanceOf(me)` */
  async token(): Promise<TokenClient> {
    if (!this.tokenClient) this.tokenClient = new TokenClient(await decoded(() => this.contract.token()), this.runner);
    return this.tokenClient;
  }
  /** Stake pulled on registration. @example `await registry.stakeAmount()` */
  async stakeAmount(): Promise<bigint> {
    return decoded(() => this.contract.stakeAmount());
  }
  /** A slash that leaves less ejects. @example `await registry.minimumStake()` */
  async minimumStake(): Promise<bigint> {
    return decoded(() => this.contract.minimumStake());
  }
  /** Seconds from registration to Active. @example `await registry.entryDelay()` */
  async entryDelay(): Promise<bigint> {
    return decoded(() => this.contract.entryDelay());
  }
  /** Seconds from exit to withdrawal. @example `await registry.exitDelay()` */
  async exitDelay(): Promise<bigint> {
    return decoded(() => this.contract.exitDelay());
  }
  /** Seconds a slasher change waits. @example `await registry.slasherChangeDelay()` */
  async slasherChangeDelay(): Promise<bigint> {
    return decoded(() => this.contract.slasherChangeDelay());
  }
  /** Seconds a ready slasher change stays executable. @example `await registry.slasherChangeWindow()` */
  async slasherChangeWindow(): Promise<bigint> {
    return decoded(() => this.contract.slasherChangeWindow());
  }

  /** Every parameter in one object (concurrent reads). @example `const { stake, entryDelay } = await registry.getParameters()` */
  async getParameters(): Promise<RegistryParameters> {
    const c = this.contract;
    const [token, stake, minimumStake, entryDelay, exitDelay, slasherChangeDelay, slasherChangeWindow] = await decoded(() =>
      Promise.all([c.token(), c.stakeAmount(), c.minimumStake(), c.entryDelay(), c.exitDelay(), c.slasherChangeDelay(), c.slasherChangeWindow()]),
    );
    return { token, stake, minimumStake, entryDelay, exitDelay, slasherChangeDelay, slasherChangeWindow };
  }

  // ------------------------------------------------------------------ slashers

  /** Whether `account` may slash. @example `await registry.isSlasher(rollupAddress)` */
  async isSlasher(account: string): Promise<boolean> {
    return decoded(() => this.contract.isSlasher(account));
  }
  /** When `slasher` was authorised (0 if not). @example `await registry.slasherAuthorisedAt(rollupAddress)` */
  async slasherAuthorisedAt(slasher: string): Promise<bigint> {
    return decoded(() => this.contract.slasherAuthorisedAt(slasher));
  }
  /** The queued change for `slasher`. @example `(await registry.pendingSlasherChange(s)).executableAt` */
  async pendingSlasherChange(slasher: string): Promise<SlasherChange> {
    const c = await decoded(() => this.contract.pendingSlasherChange(slasher));
    return { allowed: c.allowed, executableAt: c.executableAt, expiresAt: c.expiresAt };
  }

  // ------------------------------------------------------------------ sequencers

  /** Status of `sequencer` now. @example `SequencerStatus[await registry.statusOf(key)]` */
  async statusOf(sequencer: string): Promise<SequencerStatus> {
    return Number(await decoded(() => this.contract.statusOf(sequencer))) as SequencerStatus;
  }
  /** Status of `sequencer` at `timestamp` (past or future). @example `await registry.statusAt(key, t)` */
  async statusAt(sequencer: string, timestamp: bigint): Promise<SequencerStatus> {
    return Number(await decoded(() => this.contract.statusAt(sequencer, timestamp))) as SequencerStatus;
  }
  /** Whether the registration was Active at `timestamp`. @example `await registry.wasActiveAt(key, t)` */
  async wasActiveAt(sequencer: string, timestamp: bigint): Promise<boolean> {
    return decoded(() => this.contract.wasActiveAt(sequencer, timestamp));
  }
  /** Whether an exit (voluntary or forced) is under way. @example `await registry.isExitingOrEjected(key)` */
  async isExitingOrEjected(sequencer: string): Promise<boolean> {
    return decoded(() => this.contract.isExitingOrEjected(sequencer));
  }

  /** The registration of `sequencer` with its status now (one batched round trip). @example `(await registry.getSequencer(key)).activeFrom` */
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

  /** Whether `sequencer` may propose for a seed known at `seedKnownAt`. @example `await registry.isEligible(key, state.seedKnownAt)` */
  async isEligible(sequencer: string, seedKnownAt: bigint): Promise<boolean> {
    return decoded(() => this.contract.isEligible(sequencer, seedKnownAt));
  }
  /** The eligibility rule with its reason. @example `Eligibility[await registry.eligibility(key, knownAt)]` */
  async eligibility(sequencer: string, seedKnownAt: bigint): Promise<Eligibility> {
    return Number(await decoded(() => this.contract.eligibility(sequencer, seedKnownAt))) as Eligibility;
  }

  /** Number of keys ever registered. @example `await registry.sequencerCount()` */
  async sequencerCount(): Promise<bigint> {
    return decoded(() => this.contract.sequencerCount());
  }
  /** The `index`-th key ever registered. @example `await registry.sequencerAt(0n)` */
  async sequencerAt(index: bigint): Promise<string> {
    return decoded(() => this.contract.sequencerAt(index));
  }

  /**
   * One page of the registry: keys `[offset, offset + limit)` with registration and status now.
   * @example `const page = await registry.getSequencers(0n, 100n)`
   */
  async getSequencers(offset: bigint, limit: bigint, blockTag?: number | string): Promise<SequencerEntry[]> {
    const provider = this.runner.provider;
    if (!provider) throw new FernetError("The client has no provider.", "Connect the client with a provider or a signer that has one.");
    const data = this.contract.interface.encodeFunctionData("getSequencers", [offset, limit]);
    // A JSON-RPC provider's `send` hands back the answer's hex as it came: `call` would parse it into
    // bytes and format it back to hex (about a fifth of the client's time on a 10,000-row listing).
    const send = (provider as { send?: (method: string, params: unknown[]) => Promise<unknown> }).send;
    const out = await decoded(async () =>
      typeof send === "function"
        ? send.call(provider, "eth_call", [{ to: this.address, data }, typeof blockTag === "number" ? toQuantity(blockTag) : (blockTag ?? "latest")])
        : provider.call({ to: this.address, data, blockTag }),
    );
    if (typeof out !== "string" || !isHexString(out)) throw new FernetError("Malformed getSequencers answer.", "Check that the address is a SequencerRegistry.");
    return decodeSequencerPage(out);
  }

  /**
   * Every key ever registered with its registration, in registration order: all pages requested at
   * once (ethers batches concurrent calls into JSON-RPC batches), all read at one block.
   * @example `const entries = await registry.listSequencerEntries()`
   */
  async listSequencerEntries(options: ListOptions = {}): Promise<SequencerEntry[]> {
    const pageSize = BigInt(options.pageSize ?? REGISTRY_PAGE_SIZE);
    const blockTag = options.blockTag ?? (await decoded(async () => (await this.runner.provider!.getBlockNumber()) as number));
    const count = await decoded(() => this.contract.sequencerCount({ blockTag }));
    const pages: Promise<SequencerEntry[]>[] = [];
    for (let offset = 0n; offset < count; offset += pageSize) pages.push(this.getSequencers(offset, pageSize, blockTag));
    return (await Promise.all(pages)).flat();
  }

  /** Every key ever registered, in registration order (paged, concurrent). @example `await registry.listSequencers()` */
  async listSequencers(options?: ListOptions): Promise<string[]> {
    return (await this.listSequencerEntries(options)).map((e) => e.address);
  }
}
