/**
 * Clients of the Astria equivocation slasher (bonds, bindings, every kind of evidence) and of the
 * Astria light client (headers, validator-set updates, lookups). The evidence itself is built with
 * the helpers of `@fernet/sdk/astria` (`entryProof`, `rollupLeafProof`, `absenceProof`, ...).
 *
 * @example
 * ```ts
 * const slasher = new AstriaSlasherClient(slasherAddress, signer);
 * await slasher.bond(await signer.getAddress(), minimumBond);
 * if (await slasher.isInForce(leader, height)) console.log("Astria-bonded leader");
 * ```
 */
import { verifyTypedData, type ContractRunner, type ContractTransactionReceipt, type Signer, type TypedDataDomain } from "ethers";
import { BINDING_TYPES, type Binding, type Entry, type EntryProof, type L2Tx } from "../astria/binding";
import type { AstriaHeader, AstriaTx, RollupLeaf } from "../astria/block";
import type { Validator, ValidatorSignature } from "../astria/lightClient";
import { decoded } from "../contract-errors";
import { FernetError } from "../errors";
import {
  AstriaLightClient__factory,
  AstriaSlasher__factory,
  type AstriaLightClient,
  type AstriaSlasher,
} from "../generated/typechain";
import { latestTimestamp, readEip712Domain, sendWrite, signerOf, type Eip712Domain, type WriteOptions } from "./shared";
import { TokenClient } from "./token";
import { RollupClient } from "./rollup";
import { Phase } from "../types";

/**
 * The slasher's on-chain configuration (`IAstriaSlasher.Config`).
 *
 * @example
 * ```ts
 * const { minimumBond, unbondDelay } = await slasher.getConfig();
 * ```
 */
export interface AstriaSlasherParameters {
  rollup: string;
  lightClient: string;
  treasury: string;
  rollupId: string;
  astriaStartHeight: bigint;
  minimumBond: bigint;
  penalty: bigint;
  bountyBps: bigint;
  optInDelay: bigint;
  unbondDelay: bigint;
  astriaMargin: bigint;
}

/**
 * A sequencer's Astria bond (`IAstriaSlasher.BondView`).
 *
 * @example
 * ```ts
 * const bond = await slasher.bondOf(key);
 * if (bond.unbondRequestedAt === 0n) console.log(`bonded ${bond.amount}`);
 * ```
 */
export interface AstriaBond {
  amount: bigint;
  /** 0 if never opted in (or withdrawn). */
  effectiveFrom: bigint;
  unbondRequestedAt: bigint;
  lockedThroughHeight: bigint;
  /** 0 until the locked-through height is finalized. */
  withdrawableAt: bigint;
}

/**
 * What the slasher stores about an L2 height's binding (`IAstriaSlasher.BindingRecord`).
 *
 * @example
 * ```ts
 * const record = await slasher.bindingAt(12n);
 * if (record.posted && !record.slashed) console.log(record.entriesRoot);
 * ```
 */
export interface AstriaBindingRecord {
  posted: boolean;
  slashed: boolean;
  astriaStart: bigint;
  astriaEnd: bigint;
  expectedAstriaStart: bigint;
  entryCount: bigint;
  entriesRoot: string;
}

/**
 * A final Astria header as the light client keeps it.
 *
 * @example
 * ```ts
 * const header = await lightClient.findHeader(100n);
 * console.log(header?.rollupTransactionsRoot);
 * ```
 */
export interface FinalizedAstriaHeader {
  height: bigint;
  time: bigint;
  proposerAddress: string;
  dataHash: string;
  rollupTransactionsRoot: string;
}

/**
 * The light client's current validator set.
 *
 * @example
 * ```ts
 * const set = await lightClient.currentValidatorSet();
 * console.log(set.setId, set.activeFromHeight);
 * ```
 */
export interface ValidatorSetInfo {
  setId: bigint;
  setHash: string;
  activeFromHeight: bigint;
}

/**
 * An Astria bond write the SDK can already tell will fail.
 *
 * @example
 * ```ts
 * if (e instanceof AstriaBondError) console.log(e.shortMessage);
 * ```
 */
export class AstriaBondError extends FernetError {
  override name = "AstriaBondError";
}

/**
 * Why the SDK will not post a binding: what the slasher would refuse, found before sending.
 *
 * @example
 * ```ts
 * if (e instanceof AstriaBindingError && e.problem === "window") console.log(`post between the deadlines of ${e.height}`);
 * ```
 */
export class AstriaBindingError extends FernetError {
  override name = "AstriaBindingError";
  constructor(
    readonly problem: "window" | "signer" | "blockHash" | "posted" | "start",
    readonly height: bigint,
    shortMessage: string,
    details: string,
  ) {
    super(shortMessage, details);
  }
}

/**
 * The slasher's constants ({@link AstriaSlasherClient.constants}).
 *
 * @example
 * ```ts
 * const { bindingTypehash }: AstriaSlasherConstants = await slasher.constants();
 * ```
 */
export interface AstriaSlasherConstants {
  /** Where the non-bounty part of a penalty goes without a treasury. */
  burnAddress: string;
  /** EIP-712 type hashes of `Binding` and `Entry`. */
  bindingTypehash: string;
  entryTypehash: string;
  /** Longest opt-in and unbond delays a deployment may set (seconds). */
  maxOptInDelay: bigint;
  maxUnbondDelay: bigint;
}

/**
 * The light client's constants ({@link AstriaLightClientClient.constants}).
 *
 * @example
 * ```ts
 * const { quorumNumerator, quorumDenominator }: AstriaLightClientConstants = await lc.constants();
 * ```
 */
export interface AstriaLightClientConstants {
  /** Domain tags of the header and validator-set digests. */
  headerTag: string;
  validatorSetTag: string;
  /** A quorum is more than `quorumNumerator / quorumDenominator` of the set's voting power. */
  quorumNumerator: bigint;
  quorumDenominator: bigint;
  /** The `activeToHeight` of a set with no successor yet. */
  openRange: bigint;
}

/**
 * Client of the AstriaSlasher.
 *
 * @example
 * ```ts
 * const record = await new AstriaSlasherClient(address, provider).bindingAt(7n);
 * ```
 */
export class AstriaSlasherClient {
  /** The typechain contract (for calls the client does not wrap). */
  readonly contract: AstriaSlasher;
  private config?: Promise<AstriaSlasherParameters>;

  constructor(
    readonly address: string,
    readonly runner: ContractRunner,
  ) {
    this.contract = AstriaSlasher__factory.connect(address, runner);
  }

  // ------------------------------------------------------------------ views

  /** The contract's constants (one batched round trip). @example `(await slasher.constants()).bindingTypehash` */
  async constants(): Promise<AstriaSlasherConstants> {
    const c = this.contract;
    const [burnAddress, bindingTypehash, entryTypehash, maxOptInDelay, maxUnbondDelay] = await decoded(() => Promise.all([c.BURN_ADDRESS(), c.BINDING_TYPEHASH(), c.ENTRY_TYPEHASH(), c.MAX_OPT_IN_DELAY(), c.MAX_UNBOND_DELAY()]));
    return { burnAddress, bindingTypehash, entryTypehash, maxOptInDelay, maxUnbondDelay };
  }
  /** The EIP-712 domain as the contract reports it (ERC-5267); {@link AstriaSlasherClient.domain} builds it locally. @example `await slasher.eip712Domain()` */
  async eip712Domain(): Promise<Eip712Domain> {
    return readEip712Domain(() => this.contract.eip712Domain());
  }

  /** The configuration (cached: immutable). @example `(await slasher.getConfig()).minimumBond` */
  async getConfig(): Promise<AstriaSlasherParameters> {
    this.config ??= decoded(() => this.contract.getConfig()).then((c) => ({
      rollup: c.rollup,
      lightClient: c.lightClient,
      treasury: c.treasury,
      rollupId: c.rollupId,
      astriaStartHeight: c.astriaStartHeight,
      minimumBond: c.minimumBond,
      penalty: c.penalty,
      bountyBps: c.bountyBps,
      optInDelay: c.optInDelay,
      unbondDelay: c.unbondDelay,
      astriaMargin: c.astriaMargin,
    }));
    return this.config;
  }
  /** The bond token's client. @example `await (await slasher.token()).approve(slasher.address, amount)` */
  async token(): Promise<TokenClient> {
    return new TokenClient(await decoded(() => this.contract.token()), this.runner);
  }
  /** The bond of `sequencer`. @example `(await slasher.bondOf(key)).effectiveFrom` */
  async bondOf(sequencer: string): Promise<AstriaBond> {
    const b = await decoded(() => this.contract.bondOf(sequencer));
    return { amount: b.amount, effectiveFrom: b.effectiveFrom, unbondRequestedAt: b.unbondRequestedAt, lockedThroughHeight: b.lockedThroughHeight, withdrawableAt: b.withdrawableAt };
  }
  /** Whether `sequencer`'s bond backs its blocks at `l2Height`. @example `await slasher.isInForce(leader, h)` */
  async isInForce(sequencer: string, l2Height: bigint): Promise<boolean> {
    return decoded(() => this.contract.isInForce(sequencer, l2Height));
  }
  /** The binding record of `l2Height`. @example `(await slasher.bindingAt(h)).posted` */
  async bindingAt(l2Height: bigint): Promise<AstriaBindingRecord> {
    const r = await decoded(() => this.contract.bindingAt(l2Height));
    return {
      posted: r.posted,
      slashed: r.slashed,
      astriaStart: r.astriaStart,
      astriaEnd: r.astriaEnd,
      expectedAstriaStart: r.expectedAstriaStart,
      entryCount: r.entryCount,
      entriesRoot: r.entriesRoot,
    };
  }
  /** The Astria height the next binding must start at. @example `await slasher.expectedAstriaStart()` */
  async expectedAstriaStart(): Promise<bigint> {
    return decoded(() => this.contract.expectedAstriaStart());
  }
  /** The last L2 height with a posted binding. @example `await slasher.lastBoundHeight()` */
  async lastBoundHeight(): Promise<bigint> {
    return decoded(() => this.contract.lastBoundHeight());
  }
  /** Tokens bonded in total. @example `await slasher.totalBonded()` */
  async totalBonded(): Promise<bigint> {
    return decoded(() => this.contract.totalBonded());
  }
  /** The EIP-712 digest of `binding`, computed by the contract. @example `await slasher.bindingDigest(binding)` */
  async bindingDigest(binding: Binding): Promise<string> {
    return decoded(() => this.contract.bindingDigest(binding));
  }
  /** The struct hash of `entry`, computed by the contract. @example `await slasher.entryHash(entry)` */
  async entryHash(entry: Entry): Promise<string> {
    return decoded(() => this.contract.entryHash(entry));
  }
  /** The root over `entries`, computed by the contract. @example `await slasher.entriesRoot(entries)` */
  async entriesRoot(entries: readonly Entry[]): Promise<string> {
    return decoded(() => this.contract.entriesRoot([...entries]));
  }
  /** The EIP-712 domain of bindings. @example `signBinding(signer, await slasher.domain(), binding)` */
  async domain(): Promise<TypedDataDomain> {
    const { chainId } = await this.runner.provider!.getNetwork();
    return { name: "AstriaSlasher", version: "1", chainId, verifyingContract: this.address };
  }

  // ------------------------------------------------------------------ bonds

  /**
   * Bonds `amount` for `sequencer` (the sender must be the key); checks the minimum, that no unbond
   * is under way, and the sender's tokens.
   * @throws {@link AstriaBondError}, {@link InsufficientTokensError}
   * @example `await slasher.bond(me, (await slasher.getConfig()).minimumBond)`
   */
  async bond(sequencer: string, amount: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "bond").getAddress();
    if (!options?.skipChecks) {
      const [config, current, token] = await Promise.all([this.getConfig(), this.bondOf(sequencer), this.token()]);
      if (me.toLowerCase() !== sequencer.toLowerCase()) throw new AstriaBondError(`${me} can't bond for ${sequencer}.`, "Send bond from the sequencer key itself.");
      if (current.unbondRequestedAt !== 0n) throw new AstriaBondError(`${sequencer} is unbonding.`, "Withdraw first, then bond again.");
      if (current.amount + amount < config.minimumBond) {
        throw new AstriaBondError(`A bond of ${current.amount + amount} is below the minimum ${config.minimumBond}.`, "Bond at least getConfig().minimumBond.");
      }
      await token.requireTokens(me, this.address, amount);
    }
    return sendWrite(this.contract.bond, [sequencer, amount], "bond", options);
  }

  /**
   * Starts the sender's unbonding.
   * @throws {@link AstriaBondError}
   * @example `await slasher.requestUnbond()`
   */
  async requestUnbond(options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "requestUnbond").getAddress();
    if (!options?.skipChecks) {
      const b = await this.bondOf(me);
      if (b.amount === 0n) throw new AstriaBondError(`${me} has no bond.`, "Nothing to unbond.");
      if (b.unbondRequestedAt !== 0n) throw new AstriaBondError(`${me} already requested its unbond.`, "Withdraw once withdrawableAt passes.");
    }
    return sendWrite(this.contract.requestUnbond, [], "requestUnbond", options);
  }

  /**
   * Withdraws the sender's bond to `recipient` once withdrawable.
   * @throws {@link AstriaBondError}
   * @example `await slasher.withdraw(me)`
   */
  async withdraw(recipient: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "withdraw").getAddress();
    if (!options?.skipChecks) {
      const [b, now] = await Promise.all([this.bondOf(me), latestTimestamp(this.runner)]);
      if (b.unbondRequestedAt === 0n) throw new AstriaBondError(`${me} has not requested an unbond.`, "Call requestUnbond first.");
      if (b.withdrawableAt === 0n || b.withdrawableAt > now) {
        throw new AstriaBondError(
          `The bond of ${me} is not withdrawable yet.`,
          b.withdrawableAt === 0n ? `Heights up to ${b.lockedThroughHeight} must be finalized first.` : `Wait until ${b.withdrawableAt}.`,
        );
      }
    }
    return sendWrite(this.contract.withdraw, [recipient], "withdraw", options);
  }

  // ------------------------------------------------------------------ bindings

  /**
   * Signs `binding` with `signer` (the bonded winning sequencer) for this slasher and chain.
   * @example `const signature = await slasher.signBinding(sequencer, binding)`
   */
  async signBinding(signer: Signer, binding: Binding): Promise<string> {
    return signer.signTypedData(await this.domain(), BINDING_TYPES, binding);
  }

  /**
   * Posts the binding of an L2 height with its entries and signature (simulated first). Checks first
   * that the window is open (after the proposal deadline, before the reveal deadline), that the
   * signature is the height's best proposer's over its best block, that no binding was posted for the
   * height, and that the range starts at the slasher's cursor.
   * @throws {@link AstriaBindingError} naming the problem; the contract's own errors for the rest
   * (entries, range end, bond in force).
   * @example `await slasher.postBinding(binding, entries, signature)`
   */
  async postBinding(binding: Binding, entries: readonly Entry[], signature: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "postBinding");
    if (!options?.skipChecks) {
      const h = binding.l2Height;
      const rollup = new RollupClient((await this.getConfig()).rollup, this.runner);
      const [s, now, record, start, domain] = await Promise.all([rollup.getHeightState(h), latestTimestamp(this.runner), this.bindingAt(h), this.expectedAstriaStart(), this.domain()]);
      if (s.phase === Phase.NotStarted || s.phase === Phase.Proposal || now >= s.revealDeadline) {
        throw new AstriaBindingError("window", h, `The binding window of height ${h} is not open (phase ${Phase[s.phase]}, now ${now}).`, `Post between the proposal deadline ${s.proposalDeadline} and the reveal deadline ${s.revealDeadline}.`);
      }
      const signer = verifyTypedData(domain, BINDING_TYPES, binding, signature);
      if (signer.toLowerCase() !== s.record.proposer.toLowerCase()) {
        throw new AstriaBindingError("signer", h, `The binding is signed by ${signer}, not by height ${h}'s best proposer ${s.record.proposer}.`, "Only the winner's binding binds it: sign with the key that proposed.");
      }
      if (binding.blockHash !== s.record.blockHash) {
        throw new AstriaBindingError("blockHash", h, `The binding names block ${binding.blockHash}, not height ${h}'s best block ${s.record.blockHash}.`, "Bind the block that won the height.");
      }
      if (record.posted) throw new AstriaBindingError("posted", h, `A binding of height ${h} is already posted.`, "A height has one binding; a second signed one is evidence of a double binding.");
      if (binding.astriaStart !== start) {
        throw new AstriaBindingError("start", h, `The binding's range starts at Astria ${binding.astriaStart}, not at the slasher's cursor ${start}.`, "Start the range at expectedAstriaStart().");
      }
    }
    return sendWrite(this.contract.postBinding, [binding, [...entries], signature], "postBinding", options);
  }

  // ------------------------------------------------------------------ evidence (each simulated first; the contract decides)

  /** Evidence 1: two different signed bindings for one L2 height. @example `await slasher.proveDoubleBinding(a, sigA, b, sigB)` */
  async proveDoubleBinding(a: Binding, signatureA: string, b: Binding, signatureB: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveDoubleBinding");
    return sendWrite(this.contract.proveDoubleBinding, [a, signatureA, b, signatureB], "proveDoubleBinding", options);
  }
  /** Evidence 2: a signed binding whose block hash is not the sequencer's winning block. @example `await slasher.proveWrongBlockHash(binding, sig)` */
  async proveWrongBlockHash(binding: Binding, signature: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveWrongBlockHash");
    return sendWrite(this.contract.proveWrongBlockHash, [binding, signature], "proveWrongBlockHash", options);
  }
  /** Evidence 3a: an entry whose Astria root differs from the light client's leaf. @example `await slasher.proveRootMismatch(h, entryProof(entries, 0), rollupLeafProof(block, id))` */
  async proveRootMismatch(l2Height: bigint, entry: EntryProof, leaf: RollupLeaf, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveRootMismatch");
    return sendWrite(this.contract.proveRootMismatch, [l2Height, entry, leaf], "proveRootMismatch", options);
  }
  /** Evidence 3b: an entry for an Astria block where the rollup has no txs. @example `await slasher.proveRollupAbsent(h, entryProof(entries, 0), absenceProof(block, id))` */
  async proveRollupAbsent(l2Height: bigint, entry: EntryProof, neighbours: readonly RollupLeaf[], options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveRollupAbsent");
    return sendWrite(this.contract.proveRollupAbsent, [l2Height, entry, [...neighbours]], "proveRollupAbsent", options);
  }
  /** Evidence 3c: an Astria block with rollup txs skipped inside the range. @example `await slasher.proveSkippedBlock(h, astriaHeight, presence, bracket)` */
  async proveSkippedBlock(l2Height: bigint, astriaHeight: bigint, presence: RollupLeaf, bracket: readonly EntryProof[], options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveSkippedBlock");
    return sendWrite(this.contract.proveSkippedBlock, [l2Height, astriaHeight, presence, [...bracket]], "proveSkippedBlock", options);
  }
  /** Evidence 3d: an entry whose tx count disagrees with the Astria tree. @example `await slasher.proveCountMismatch(h, entry, astriaTx, treeSize)` */
  async proveCountMismatch(l2Height: bigint, entry: EntryProof, astriaTx: AstriaTx, treeSize: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveCountMismatch");
    return sendWrite(this.contract.proveCountMismatch, [l2Height, entry, astriaTx, treeSize], "proveCountMismatch", options);
  }
  /** Evidence 4: an L2 tx that differs from the Astria tx at its position. @example `await slasher.proveTxMismatch(h, entry, leaf, astriaTx, l2Tx)` */
  async proveTxMismatch(l2Height: bigint, entry: EntryProof, leaf: RollupLeaf, astriaTx: AstriaTx, l2Tx: L2Tx, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveTxMismatch");
    return sendWrite(this.contract.proveTxMismatch, [l2Height, entry, leaf, astriaTx, l2Tx], "proveTxMismatch", options);
  }
  /** Evidence 5: a bonded winner posted no binding by the reveal deadline. @example `await slasher.proveMissingBinding(h)` */
  async proveMissingBinding(l2Height: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveMissingBinding");
    return sendWrite(this.contract.proveMissingBinding, [l2Height], "proveMissingBinding", options);
  }
  /** Evidence 6: a range that ends early (an Astria block it had to include). @example `await slasher.proveRangeOmission(h, astriaHeight, presence)` */
  async proveRangeOmission(l2Height: bigint, astriaHeight: bigint, presence: RollupLeaf, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveRangeOmission");
    return sendWrite(this.contract.proveRangeOmission, [l2Height, astriaHeight, presence], "proveRangeOmission", options);
  }
  /**
   * Evidence 7: a bound winner whose height ended in backup through its own miss (no commitment, or no
   * reveal) — its own backup block can't cancel its promise.
   * @example `await slasher.proveAbandonedHeight(h)`
   */
  async proveAbandonedHeight(l2Height: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "proveAbandonedHeight");
    return sendWrite(this.contract.proveAbandonedHeight, [l2Height], "proveAbandonedHeight", options);
  }
}

/**
 * Client of the AstriaLightClient (ECDSA stand-in validators).
 *
 * @example
 * ```ts
 * const lc = new AstriaLightClientClient(address, signer);
 * await lc.submitHeader(header, 0n, validators, signQuorum(wallets, validators, headerDigest(header, 0n)));
 * ```
 */
export class AstriaLightClientClient {
  /** The typechain contract (for calls the client does not wrap). */
  readonly contract: AstriaLightClient;

  constructor(
    readonly address: string,
    readonly runner: ContractRunner,
  ) {
    this.contract = AstriaLightClient__factory.connect(address, runner);
  }

  /** The contract's constants (one batched round trip). @example `(await lc.constants()).quorumNumerator` */
  async constants(): Promise<AstriaLightClientConstants> {
    const c = this.contract;
    const [headerTag, validatorSetTag, quorumNumerator, quorumDenominator, openRange] = await decoded(() => Promise.all([c.HEADER_TAG(), c.VALIDATOR_SET_TAG(), c.QUORUM_NUMERATOR(), c.QUORUM_DENOMINATOR(), c.OPEN_RANGE()]));
    return { headerTag, validatorSetTag, quorumNumerator, quorumDenominator, openRange };
  }

  /** The Astria chain id followed. @example `await lc.astriaChainId()` */
  async astriaChainId(): Promise<string> {
    return decoded(() => this.contract.astriaChainId());
  }
  /** The highest Astria height with a final header (0 before the first). @example `await lc.latestHeight()` */
  async latestHeight(): Promise<bigint> {
    return decoded(() => this.contract.latestHeight());
  }
  /** The final header at `height`, or undefined. @example `await lc.findHeader(5n)` */
  async findHeader(height: bigint): Promise<FinalizedAstriaHeader | undefined> {
    const [found, h] = await decoded(() => this.contract.findHeader(height));
    return found ? toFinalized(h) : undefined;
  }
  /** The final header at `height` (reverts with AstriaLightClient__UnknownHeight if absent). @example `await lc.getHeader(5n)` */
  async getHeader(height: bigint): Promise<FinalizedAstriaHeader> {
    return toFinalized(await decoded(() => this.contract.getHeader(height)));
  }
  /** The current validator set's id, hash and first height. @example `(await lc.currentValidatorSet()).setId` */
  async currentValidatorSet(): Promise<ValidatorSetInfo> {
    const [setId, setHash, activeFromHeight] = await decoded(() => this.contract.currentValidatorSet());
    return { setId, setHash, activeFromHeight };
  }
  /** The digest the validators of set `setId` sign for `header`, computed by the contract. @example `await lc.headerDigest(header, 0n)` */
  async headerDigest(header: AstriaHeader, setId: bigint): Promise<string> {
    return decoded(() => this.contract.headerDigest(header, setId));
  }
  /** The first Astria height the light client can ever hold (the genesis set's first height). @example `await lc.firstHeight()` */
  async firstHeight(): Promise<bigint> {
    return decoded(() => this.contract.firstHeight());
  }
  /** Hash and height range `[activeFrom, activeUntil)` of validator set `setId` (activeUntil is 2^64 − 1 while current). @example `await lc.validatorSetAt(0n)` */
  async validatorSetAt(setId: bigint): Promise<{ setHash: string; activeFrom: bigint; activeUntil: bigint }> {
    const [setHash, activeFrom, activeUntil] = await decoded(() => this.contract.validatorSetAt(setId));
    return { setHash, activeFrom, activeUntil };
  }
  /** The digest the current set signs to hand over to `newValidators`. @example `await lc.validatorSetUpdateDigest(next, from)` */
  async validatorSetUpdateDigest(newValidators: readonly Validator[], activeFromHeight: bigint): Promise<string> {
    return decoded(() => this.contract.validatorSetUpdateDigest([...newValidators], activeFromHeight));
  }
  /** The hash of a validator set, computed by the contract. @example `await lc.hashValidatorSet(validators)` */
  async hashValidatorSet(validators: readonly Validator[]): Promise<string> {
    return decoded(() => this.contract.hashValidatorSet([...validators]));
  }

  /**
   * Relays a header signed by more than 2/3 of the voting power of set `setId`, the set whose range
   * holds its height (simulated first). Headers of retired sets stay relayable.
   * @example `await lc.submitHeader(header, 0n, validators, signatures)`
   */
  async submitHeader(
    header: AstriaHeader,
    setId: bigint,
    validators: readonly Validator[],
    signatures: readonly ValidatorSignature[],
    options?: WriteOptions,
  ): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "submitHeader");
    return sendWrite(this.contract.submitHeader, [header, setId, [...validators], [...signatures]], "submitHeader", options);
  }

  /**
   * Hands over to `newValidators` from `activeFromHeight`, signed by the current set (simulated first).
   * @example `await lc.updateValidatorSet(current, next, from, signatures)`
   */
  async updateValidatorSet(
    validators: readonly Validator[],
    newValidators: readonly Validator[],
    activeFromHeight: bigint,
    signatures: readonly ValidatorSignature[],
    options?: WriteOptions,
  ): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "updateValidatorSet");
    return sendWrite(this.contract.updateValidatorSet, [[...validators], [...newValidators], activeFromHeight, [...signatures]], "updateValidatorSet", options);
  }
}

function toFinalized(h: { height: bigint; time: bigint; proposerAddress: string; dataHash: string; rollupTransactionsRoot: string }): FinalizedAstriaHeader {
  return { height: h.height, time: h.time, proposerAddress: h.proposerAddress, dataHash: h.dataHash, rollupTransactionsRoot: h.rollupTransactionsRoot };
}
