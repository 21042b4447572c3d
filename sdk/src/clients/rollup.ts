/**
 * Client of the FernetRollup: the round (propose, commit, reveal, prove, backup, settlements, poke),
 * the prover escrow and rewards, and every view (config, tip and archive, seeds and scores, history,
 * signals). Writes check what the SDK can read first and throw a typed error instead of sending a
 * transaction that would revert; then they simulate, then they send.
 *
 * @example
 * ```ts
 * const rollup = new RollupClient(rollupAddress, signer);
 * const state = await rollup.getHeightState(await rollup.pendingHeight());
 * if (state.phase === Phase.Proposal) await rollup.propose(header);
 * ```
 */
import { keccak256, TypedDataEncoder, verifyTypedData, ZeroAddress, type ContractRunner, type ContractTransactionReceipt, type Signer } from "ethers";
import { decoded } from "../contract-errors";
import { QUOTE_TYPES, quoteDomain, signQuote, type Quote } from "../eip712";
import { FernetRollup__factory, type FernetRollup } from "../generated/typechain";
import type { IFernetRollup } from "../generated/typechain/core/FernetRollup";
import { blockHash, scoreOf, type Header } from "../hashing";
import {
  BackupReason,
  Eligibility,
  Finalization,
  Phase,
  type BlockRecord,
  type Escrow,
  type HeightState,
  type RandomnessSnapshot,
  type RollupParameters,
} from "../types";
import {
  BlockMismatchError,
  InsufficientEscrowError,
  InvalidQuoteError,
  NotEligibleError,
  NothingToClaimError,
  NothingToSettleError,
  NotProposerError,
  ScoreBeatenError,
  TooManyTxsError,
  WrongHeightError,
  WrongPhaseError,
  WrongParentError,
} from "./errors";
import { RegistryClient } from "./registry";
import { latestTimestamp, readEip712Domain, sendWrite, signerOf, type Eip712Domain, type WriteOptions } from "./shared";
import { TokenClient } from "./token";

/** Basis points in 100%. */
const BPS = 10_000n;
/** The contract's caps: a bond is stored in 96 bits; a header counts at most 2^32 txs (`MAX_TX_COUNT`). */
const MAX_BOND = 2n ** 96n - 1n;
const MAX_TX_COUNT = 2n ** 32n;

/**
 * Converts the ABI's BlockRecord into the SDK's.
 *
 * @example
 * ```ts
 * const record = toBlockRecord(await rollup.contract.getBlock(1n));
 * ```
 */
export function toBlockRecord(r: IFernetRollup.BlockRecordStructOutput): BlockRecord {
  return {
    proposer: r.proposer,
    proposedAt: r.proposedAt,
    blockHash: r.blockHash,
    txsRoot: r.txsRoot,
    prover: r.prover,
    bond: r.bond,
    proverRewardBps: r.proverRewardBps,
    revealed: r.revealed,
    settled: r.settled,
    finalization: Number(r.finalization) as Finalization,
    finalizedAt: r.finalizedAt,
    canonicalBlockHash: r.canonicalBlockHash,
    backupSubmitter: r.backupSubmitter,
  };
}

/**
 * Converts the ABI's HeightState into the SDK's.
 *
 * @example
 * ```ts
 * const state = toHeightState(await rollup.contract.getHeightState(1n)); // what getHeightState returns
 * ```
 */
export function toHeightState(s: IFernetRollup.HeightStateStructOutput): HeightState {
  return {
    height: s.height,
    phase: Number(s.phase) as Phase,
    backupReason: Number(s.backupReason) as BackupReason,
    roundStart: s.roundStart,
    proposalDeadline: s.proposalDeadline,
    commitmentDeadline: s.commitmentDeadline,
    revealDeadline: s.revealDeadline,
    provingDeadline: s.provingDeadline,
    seed: s.seed,
    seedKnownAt: s.seedKnownAt,
    bestScore: s.bestScore,
    dataHash: s.dataHash,
    record: toBlockRecord(s.record),
  };
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The rollup's constants ({@link RollupClient.constants}).
 *
 * @example
 * ```ts
 * const { burnAddress }: RollupConstants = await rollup.constants();
 * ```
 */
export interface RollupConstants {
  /** Where burned tokens go without a treasury. */
  burnAddress: string;
  /** EIP-712 type hash of `Quote`. */
  quoteTypehash: string;
  /** Most txs a header may count. */
  maxTxCount: bigint;
  /** Longest genesis delay a deployment may set (seconds). */
  maxGenesisDelay: bigint;
  /** One L1 slot (seconds). */
  slot: bigint;
}

/**
 * Client of the FernetRollup.
 *
 * @example
 * ```ts
 * const tip = await new RollupClient(address, provider).tip();
 * ```
 */
export class RollupClient {
  /** The typechain contract (for calls the client does not wrap). */
  readonly contract: FernetRollup;
  readonly address: string;
  readonly runner: ContractRunner;
  private config?: Promise<RollupParameters>;
  private registryClient?: RegistryClient;
  private tokenClient?: TokenClient;

  constructor(address: string, runner: ContractRunner) {
    this.address = address;
    this.runner = runner;
    this.contract = FernetRollup__factory.connect(address, runner);
  }

  // ------------------------------------------------------------------ config and wiring

  /**
   * The contract's constants: the burn address, the quote's EIP-712 type hash, the tx-count cap, the
   * genesis-delay cap and the L1 slot (one batched round trip).
   * @example `const { maxTxCount, slot } = await rollup.constants()`
   */
  async constants(): Promise<RollupConstants> {
    const c = this.contract;
    const [burnAddress, quoteTypehash, maxTxCount, maxGenesisDelay, slot] = await decoded(() => Promise.all([c.BURN_ADDRESS(), c.QUOTE_TYPEHASH(), c.MAX_TX_COUNT(), c.MAX_GENESIS_DELAY(), c.SLOT()]));
    return { burnAddress, quoteTypehash, maxTxCount, maxGenesisDelay, slot };
  }
  /** The EIP-712 domain as the contract reports it (ERC-5267); {@link quoteDomain} builds the same one locally. @example `await rollup.eip712Domain()` */
  async eip712Domain(): Promise<Eip712Domain> {
    return readEip712Domain(() => this.contract.eip712Domain());
  }

  /** The deployment parameters (read once, then cached: they are immutable). @example `(await rollup.getConfig()).lookahead` */
  async getConfig(): Promise<RollupParameters> {
    this.config ??= decoded(() => this.contract.getConfig()).then((c) => ({
      token: c.token,
      registry: c.registry,
      verifier: c.verifier,
      treasury: c.treasury,
      genesisArchive: c.genesisArchive,
      genesisSeed: c.genesisSeed,
      genesisDelay: c.genesisDelay,
      proposalDuration: c.proposalDuration,
      commitmentDuration: c.commitmentDuration,
      revealDuration: c.revealDuration,
      provingDuration: c.provingDuration,
      lookahead: c.lookahead,
      minimumProverBond: c.minimumProverBond,
      blockReward: c.blockReward,
      submitterRewardBps: c.submitterRewardBps,
      slashBountyBps: c.slashBountyBps,
      missedRevealPenalty: c.missedRevealPenalty,
      signalRoundSize: c.signalRoundSize,
      signalQuorum: c.signalQuorum,
    }));
    try {
      return await this.config;
    } catch (e) {
      this.config = undefined;
      throw e;
    }
  }

  /** The registry this rollup reads. @example `await (await rollup.registry()).statusOf(key)` */
  async registry(): Promise<RegistryClient> {
    this.registryClient ??= new RegistryClient((await this.getConfig()).registry, this.runner);
    return this.registryClient;
  }

  /** The token of stake, bonds and rewards. @example `await (await rollup.token()).approve(rollup.address, amount)` */
  async token(): Promise<TokenClient> {
    this.tokenClient ??= new TokenClient((await this.getConfig()).token, this.runner);
    return this.tokenClient;
  }

  // ------------------------------------------------------------------ chain state

  /** The last finalized height. @example `await rollup.tip()` */
  async tip(): Promise<bigint> {
    return decoded(() => this.contract.tip());
  }
  /** The height whose round is running (tip + 1). @example `await rollup.pendingHeight()` */
  async pendingHeight(): Promise<bigint> {
    return (await this.tip()) + 1n;
  }
  /** The archive (state root) of the tip; a new header's parentArchive. @example `await rollup.archive()` */
  async archive(): Promise<string> {
    return decoded(() => this.contract.archive());
  }
  /** When round 1 starts (deployment + genesisDelay). @example `await rollup.genesisTime()` */
  async genesisTime(): Promise<bigint> {
    return decoded(() => this.contract.genesisTime());
  }
  /** The deployment timestamp. @example `await rollup.deployedAt()` */
  async deployedAt(): Promise<bigint> {
    return decoded(() => this.contract.deployedAt());
  }

  /** The state of `height`: phase, backup reason, deadlines, seed, best proposal, commitment, proof. @example `Phase[(await rollup.getHeightState(h)).phase]` */
  async getHeightState(height: bigint): Promise<HeightState> {
    return toHeightState(await decoded(() => this.contract.getHeightState(height)));
  }
  /** The history record of `height`. @example `(await rollup.getBlock(1n)).canonicalBlockHash` */
  async getBlock(height: bigint): Promise<BlockRecord> {
    return toBlockRecord(await decoded(() => this.contract.getBlock(height)));
  }
  /**
   * The records of heights `[from, to]`, requested concurrently (batched JSON-RPC).
   * @example `const history = await rollup.getBlocks(1n, await rollup.tip())`
   */
  async getBlocks(from: bigint, to: bigint): Promise<BlockRecord[]> {
    const calls: Promise<BlockRecord>[] = [];
    for (let h = from; h <= to; h++) calls.push(this.getBlock(h));
    return Promise.all(calls);
  }

  // ------------------------------------------------------------------ seeds and scores

  /** The seed of `height` (reverts with Rollup__SeedUnknown if not fixed yet). @example `await rollup.seed(h)` */
  async seed(height: bigint): Promise<string> {
    return decoded(() => this.contract.seed(height));
  }
  /** When the seed of `height` became known (0 if not yet). @example `await rollup.seedKnownAt(h)` */
  async seedKnownAt(height: bigint): Promise<bigint> {
    return decoded(() => this.contract.seedKnownAt(height));
  }
  /** The score of `sequencer` for `height`; highest wins. @example `await rollup.score(h, key)` */
  async score(height: bigint, sequencer: string): Promise<bigint> {
    return decoded(() => this.contract.score(height, sequencer));
  }
  /** The randomness snapshot of `round` (the value seeding `round + lookahead`). @example `(await rollup.randomnessOf(1n)).knownAt` */
  async randomnessOf(round: bigint): Promise<RandomnessSnapshot> {
    const [value, knownAt] = await decoded(() => this.contract.randomnessOf(round));
    return { value, knownAt };
  }

  // ------------------------------------------------------------------ hashing views (parity)

  /** The txs root the contract computes for `txHashes`. @example `await rollup.txsRootOf(txs) === txsRoot(txs)` */
  async txsRootOf(txHashes: readonly string[]): Promise<string> {
    return decoded(() => this.contract.txsRootOf([...txHashes]));
  }
  /** The EIP-712 digest of `quote` for this rollup. @example `await rollup.quoteDigest(quote)` */
  async quoteDigest(quote: Quote): Promise<string> {
    return decoded(() => this.contract.quoteDigest(quote));
  }
  /** The public-inputs hash a proof of `header` by `prover` commits to. @example `await rollup.publicInputsHash(header, prover)` */
  async publicInputsHash(header: Header, prover: string): Promise<string> {
    return decoded(() => this.contract.publicInputsHash(header, prover));
  }

  // ------------------------------------------------------------------ escrow and rewards

  /** Escrow of `prover`. @example `(await rollup.escrowOf(prover)).free` */
  async escrowOf(prover: string): Promise<Escrow> {
    const [total, locked] = await decoded(() => this.contract.escrowOf(prover));
    return { total, locked, free: total - locked };
  }
  /** Rewards accrued to `account`, claimable with claimRewards. @example `await rollup.rewardsOf(me)` */
  async rewardsOf(account: string): Promise<bigint> {
    return decoded(() => this.contract.rewardsOf(account));
  }
  /** Tokens left in the reward pool. @example `await rollup.rewardPool()` */
  async rewardPool(): Promise<bigint> {
    return decoded(() => this.contract.rewardPool());
  }
  /** Tokens burned by slashing so far. @example `await rollup.totalBurned()` */
  async totalBurned(): Promise<bigint> {
    return decoded(() => this.contract.totalBurned());
  }

  // ------------------------------------------------------------------ signals

  /** The signalling round of `height`. @example `await rollup.signalRoundOf(h)` */
  async signalRoundOf(height: bigint): Promise<bigint> {
    return decoded(() => this.contract.signalRoundOf(height));
  }
  /** Signals for `payload` in `round`. @example `await rollup.signalCount(round, payload)` */
  async signalCount(round: bigint, payload: string): Promise<bigint> {
    return decoded(() => this.contract.signalCount(round, payload));
  }
  /** The payload that passed in `round` (zero hash if none). @example `await rollup.passedPayload(round)` */
  async passedPayload(round: bigint): Promise<string> {
    return decoded(() => this.contract.passedPayload(round));
  }

  // ------------------------------------------------------------------ quotes

  /** The EIP-712 domain of this rollup's quotes. @example `quoteDigest(await rollup.quoteDomain(), quote)` */
  async quoteDomain(): Promise<ReturnType<typeof quoteDomain>> {
    const { chainId } = await this.runner.provider!.getNetwork();
    return quoteDomain(chainId, this.address);
  }
  /** Signs `quote` as the winning sequencer `signer` for this rollup and chain. @example `await rollup.signQuote(sequencer, quote)` */
  async signQuote(signer: Signer, quote: Quote): Promise<string> {
    const { chainId } = await (signer.provider ?? this.runner.provider!).getNetwork();
    return signQuote(signer, quoteDomain(chainId, this.address), quote);
  }

  // ------------------------------------------------------------------ round writes

  private async pendingState(action: string, height: bigint, phases: readonly Phase[]): Promise<HeightState> {
    const pending = await this.pendingHeight();
    if (height !== pending) throw new WrongHeightError(pending, height);
    const state = await this.getHeightState(height);
    if (!phases.includes(state.phase)) throw new WrongPhaseError(action, state.phase, phases, height);
    return state;
  }

  /**
   * Proposes `header` as the sender. Checks the tx count, the height, the phase, the parent, the
   * sender's eligibility (with its reason) and that its score beats the best proposal.
   * @throws {@link TooManyTxsError}, {@link WrongHeightError}, {@link WrongPhaseError}, {@link WrongParentError}, {@link NotEligibleError}, {@link ScoreBeatenError}
   * @example `await rollup.propose(buildHeader({ height, parentArchive: await rollup.archive(), archive, txHashes, data }))`
   */
  async propose(header: Header, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "propose").getAddress();
    if (!options?.skipChecks) {
      if (header.txCount > MAX_TX_COUNT) throw new TooManyTxsError(header.txCount, MAX_TX_COUNT);
      const state = await this.pendingState("propose", header.height, [Phase.Proposal]);
      const [archive, registry] = await Promise.all([this.archive(), this.registry()]);
      if (archive !== header.parentArchive) throw new WrongParentError(archive, header.parentArchive);
      const reason = await registry.eligibility(me, state.seedKnownAt);
      if (reason !== Eligibility.Eligible) throw new NotEligibleError(me, header.height, state.seedKnownAt, reason);
      const score = scoreOf(state.seed, me);
      if (score <= state.bestScore) throw new ScoreBeatenError(header.height, score, state.bestScore);
    }
    return sendWrite(this.contract.propose, [header], "propose", options);
  }

  /**
   * Checks `quote` and `signature` against the best proposal, the config and the prover's free
   * escrow, without sending anything; throws the first problem found.
   * @throws {@link WrongPhaseError}, {@link InvalidQuoteError}, {@link InsufficientEscrowError}
   * @example `await rollup.checkQuote(quote, signature, proverAddress)`
   */
  async checkQuote(quote: Quote, signature: string, sender: string = quote.prover): Promise<void> {
    const state = await this.pendingState("commit a prover", quote.height, [Phase.Commitment]);
    const [config, now, escrow, { chainId }] = await Promise.all([
      this.getConfig(),
      latestTimestamp(this.runner),
      this.escrowOf(quote.prover),
      this.runner.provider!.getNetwork(),
    ]);
    if (!same(sender, quote.prover)) throw new InvalidQuoteError("not-quoted-prover", `${sender} is not the quoted prover ${quote.prover}.`);
    if (state.record.prover !== ZeroAddress) throw new WrongPhaseError("commit a second prover", state.phase, [], quote.height);
    if (quote.blockHash !== state.record.blockHash) {
      throw new InvalidQuoteError("wrong-block", `The quote is for block ${quote.blockHash}, the best proposal is ${state.record.blockHash}.`);
    }
    if (quote.validUntil < now) throw new InvalidQuoteError("expired", `The quote expired at ${quote.validUntil} (now ${now}).`);
    if (quote.bond < config.minimumProverBond) throw new InvalidQuoteError("bond-too-low", `Bond ${quote.bond} is below the minimum ${config.minimumProverBond}.`);
    if (quote.bond > MAX_BOND) throw new InvalidQuoteError("bond-too-high", `Bond ${quote.bond} does not fit 96 bits (max ${MAX_BOND}).`);
    if (quote.proverRewardBps > BPS) throw new InvalidQuoteError("reward-share-too-high", `proverRewardBps ${quote.proverRewardBps} is above ${BPS}.`);
    let signer: string;
    try {
      signer = verifyTypedData(quoteDomain(chainId, this.address), QUOTE_TYPES, quote, signature);
    } catch {
      signer = ZeroAddress;
    }
    if (!same(signer, state.record.proposer)) {
      throw new InvalidQuoteError("wrong-signer", `The quote is signed by ${signer}, the winning proposer is ${state.record.proposer}.`);
    }
    if (escrow.free < quote.bond) throw new InsufficientEscrowError(quote.prover, escrow.free, quote.bond);
  }

  /**
   * Commits the sender (the quoted prover) to prove the best proposal; checks the quote first ({@link RollupClient.checkQuote}).
   * @example `await rollup.commitProver(quote, signature)`
   */
  async commitProver(quote: Quote, signature: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "commitProver").getAddress();
    if (!options?.skipChecks) await this.checkQuote(quote, signature, me);
    return sendWrite(this.contract.commitProver, [quote, signature], "commitProver", options);
  }

  /**
   * Reveals the block data of `height` (the best proposer only); checks the sender and the data hash.
   * @throws {@link WrongPhaseError}, {@link NotProposerError}, {@link BlockMismatchError}
   * @example `await rollup.reveal(height, encodeBlockData(txHashes))`
   */
  async reveal(height: bigint, data: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "reveal").getAddress();
    if (!options?.skipChecks) {
      const state = await this.pendingState("reveal", height, [Phase.Proposal, Phase.Commitment, Phase.Reveal]);
      if (!same(state.record.proposer, me)) throw new NotProposerError(me, state.record.proposer);
      if (state.record.revealed) throw new WrongPhaseError("reveal twice", state.phase, [], height);
      if (keccak256(data) !== state.dataHash) throw new BlockMismatchError("dataHash", state.dataHash, keccak256(data));
    }
    return sendWrite(this.contract.reveal, [height, data], "reveal", options);
  }

  /**
   * Submits the proof of the pending block (anyone); proving phase only, for the best proposal's header.
   * @throws {@link WrongPhaseError}, {@link BlockMismatchError}
   * @example `await rollup.submitProof(header, proof)`
   */
  async submitProof(header: Header, proof: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "submitProof");
    if (!options?.skipChecks) {
      const state = await this.pendingState("submit a proof", header.height, [Phase.Proving]);
      const hash = blockHash(header);
      if (hash !== state.record.blockHash) throw new BlockMismatchError("blockHash", state.record.blockHash, hash);
    }
    return sendWrite(this.contract.submitProof, [header, proof], "submitProof", options);
  }

  /**
   * Submits a backup block with its data and proof (bound to the sender); backup phase only.
   * @throws {@link WrongPhaseError}, {@link WrongParentError}, {@link BlockMismatchError}
   * @example `await rollup.submitBackupBlock(header, data, mockProof(publicInputsHash(chainId, rollup.address, header, me)))`
   */
  async submitBackupBlock(header: Header, data: string, proof: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "submitBackupBlock");
    if (!options?.skipChecks) {
      await this.pendingState("submit a backup block", header.height, [Phase.Backup]);
      const archive = await this.archive();
      if (archive !== header.parentArchive) throw new WrongParentError(archive, header.parentArchive);
      if (keccak256(data) !== header.dataHash) throw new BlockMismatchError("dataHash", header.dataHash, keccak256(data));
    }
    return sendWrite(this.contract.submitBackupBlock, [header, data, proof], "submitBackupBlock", options);
  }

  private async requireFault(height: bigint, reason: BackupReason): Promise<void> {
    const state = await this.getHeightState(height);
    if (state.phase !== Phase.Backup || state.backupReason !== reason || state.record.settled) {
      throw new NothingToSettleError(height, reason, state.phase === Phase.Backup ? state.backupReason : BackupReason.None, state.record.settled);
    }
  }

  /**
   * Slashes the committed prover of `height` after a missed proof (anyone; bounty to the sender).
   * @throws {@link NothingToSettleError}
   * @example `await rollup.slashProver(height)`
   */
  async slashProver(height: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "slashProver");
    if (!options?.skipChecks) await this.requireFault(height, BackupReason.NoProof);
    return sendWrite(this.contract.slashProver, [height], "slashProver", options);
  }

  /**
   * Settles a missed reveal at `height`: releases the bond and penalises the proposer (bounty to the sender).
   * @throws {@link NothingToSettleError}
   * @example `await rollup.penaliseMissedReveal(height)`
   */
  async penaliseMissedReveal(height: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "penaliseMissedReveal");
    if (!options?.skipChecks) await this.requireFault(height, BackupReason.NoReveal);
    return sendWrite(this.contract.penaliseMissedReveal, [height], "penaliseMissedReveal", options);
  }

  /**
   * Settles a missed commitment at `height`: penalises the winning proposer (bounty to the sender).
   * @throws {@link NothingToSettleError}
   * @example `await rollup.penaliseMissedCommitment(height)`
   */
  async penaliseMissedCommitment(height: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "penaliseMissedCommitment");
    if (!options?.skipChecks) await this.requireFault(height, BackupReason.NoCommitment);
    return sendWrite(this.contract.penaliseMissedCommitment, [height], "penaliseMissedCommitment", options);
  }

  /**
   * Takes the pending round's randomness snapshot if it is due (simulated first: reverts with
   * Rollup__NoSnapshotDue outside its slot).
   * @example `await rollup.poke()`
   */
  async poke(options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "poke");
    return sendWrite(this.contract.poke, [], "poke", options);
  }

  // ------------------------------------------------------------------ escrow and reward writes

  private async requireTokens(amount: bigint): Promise<void> {
    const me = await signerOf(this.runner, "transfer tokens").getAddress();
    await (await this.token()).requireTokens(me, this.address, amount);
  }

  /**
   * Deposits `amount` into the sender's prover escrow; checks balance and allowance.
   * @throws {@link InsufficientTokensError}
   * @example `await rollup.deposit(10_000n * 10n ** 18n)`
   */
  async deposit(amount: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "deposit");
    if (!options?.skipChecks) await this.requireTokens(amount);
    return sendWrite(this.contract.deposit, [amount], "deposit", options);
  }

  /**
   * Withdraws `amount` of the sender's free (unlocked) escrow.
   * @throws {@link InsufficientEscrowError}
   * @example `await rollup.withdrawEscrow((await rollup.escrowOf(me)).free)`
   */
  async withdrawEscrow(amount: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "withdrawEscrow").getAddress();
    if (!options?.skipChecks) {
      const { free } = await this.escrowOf(me);
      if (free < amount) throw new InsufficientEscrowError(me, free, amount);
    }
    return sendWrite(this.contract.withdrawEscrow, [amount], "withdrawEscrow", options);
  }

  /**
   * Adds `amount` to the reward pool; checks balance and allowance.
   * @throws {@link InsufficientTokensError}
   * @example `await rollup.fundRewards(1_000n * 10n ** 18n)`
   */
  async fundRewards(amount: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "fundRewards");
    if (!options?.skipChecks) await this.requireTokens(amount);
    return sendWrite(this.contract.fundRewards, [amount], "fundRewards", options);
  }

  /**
   * Claims the sender's rewards to `recipient`.
   * @throws {@link NothingToClaimError}
   * @example `await rollup.claimRewards(await signer.getAddress())`
   */
  async claimRewards(recipient: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "claimRewards").getAddress();
    if (!options?.skipChecks && (await this.rewardsOf(me)) === 0n) throw new NothingToClaimError(me);
    return sendWrite(this.contract.claimRewards, [recipient], "claimRewards", options);
  }

  /** The digest a quote's signer signs, computed locally (equals {@link RollupClient.quoteDigest}). @example `await rollup.localQuoteDigest(quote)` */
  async localQuoteDigest(quote: Quote): Promise<string> {
    return TypedDataEncoder.hash(await this.quoteDomain(), QUOTE_TYPES, quote);
  }
}
