import type { RegistryConfig, RollupConfig } from "./config";
/** Typed enums and records returned by the SDK (never raw tuples). */

/**
 * Registry status of a sequencer (ISequencerRegistry.Status).
 *
 * @example
 * ```ts
 * if ((await registry.statusOf(key)) === SequencerStatus.Active) console.log("may propose once eligible");
 * ```
 */
export enum SequencerStatus {
  None = 0,
  Queued = 1,
  Active = 2,
  Exiting = 3,
  Withdrawable = 4,
  Ejected = 5,
}

/**
 * Why a key may or may not propose for a seed (ISequencerRegistry.Eligibility).
 *
 * @example
 * ```ts
 * console.log(Eligibility[await registry.eligibility(key, state.seedKnownAt)]); // "Eligible", "Queued", ...
 * ```
 */
export enum Eligibility {
  Eligible = 0,
  Unregistered = 1,
  /** Registered after the seed became known: never eligible for that seed. */
  RegisteredAfterSeed = 2,
  /** Registered before, but still in its entry delay when the seed became known. */
  Queued = 3,
  Exiting = 4,
  Ejected = 5,
}

/**
 * Phase of a round (IFernetRollup.Phase).
 *
 * @example
 * ```ts
 * const { phase } = await rollup.getHeightState(h);
 * if (phase === Phase.Proposal) await rollup.propose(header);
 * ```
 */
export enum Phase {
  NotStarted = 0,
  Proposal = 1,
  Commitment = 2,
  Reveal = 3,
  Proving = 4,
  Backup = 5,
  Finalized = 6,
}

/**
 * The missed deadline that opened backup mode (IFernetRollup.BackupReason).
 *
 * @example
 * ```ts
 * const s = await rollup.getHeightState(h);
 * if (s.phase === Phase.Backup) console.log(BackupReason[s.backupReason]); // "NoProposal", ...
 * ```
 */
export enum BackupReason {
  None = 0,
  NoProposal = 1,
  NoCommitment = 2,
  NoReveal = 3,
  NoProof = 4,
}

/**
 * How a height was finalized (IFernetRollup.Finalization).
 *
 * @example
 * ```ts
 * const record = await rollup.getBlock(h);
 * if (record.finalization === Finalization.Proven) console.log(record.canonicalBlockHash);
 * ```
 */
export enum Finalization {
  None = 0,
  Proven = 1,
  Backup = 2,
}

/**
 * The per-height history record.
 *
 * @example
 * ```ts
 * const { proposer, prover, revealed, finalization }: BlockRecord = await rollup.getBlock(1n);
 * ```
 */
export interface BlockRecord {
  proposer: string;
  proposedAt: bigint;
  blockHash: string;
  txsRoot: string;
  prover: string;
  bond: bigint;
  proverRewardBps: bigint;
  revealed: boolean;
  settled: boolean;
  finalization: Finalization;
  finalizedAt: bigint;
  canonicalBlockHash: string;
  backupSubmitter: string;
}

/**
 * The state of one height, with the protocol rules applied on-chain.
 *
 * @example
 * ```ts
 * const { phase, seed, seedKnownAt, proposalDeadline }: HeightState = await rollup.getHeightState(h);
 * ```
 */
export interface HeightState {
  height: bigint;
  phase: Phase;
  backupReason: BackupReason;
  roundStart: bigint;
  proposalDeadline: bigint;
  commitmentDeadline: bigint;
  revealDeadline: bigint;
  provingDeadline: bigint;
  seed: string;
  seedKnownAt: bigint;
  bestScore: bigint;
  /** dataHash of the best proposal while the height is pending (zero hash otherwise). */
  dataHash: string;
  record: BlockRecord;
}

/**
 * A registered sequencer.
 *
 * @example
 * ```ts
 * const { status, activeFrom, withdrawer }: SequencerInfo = await registry.getSequencer(key);
 * ```
 */
export interface SequencerInfo {
  address: string;
  withdrawer: string;
  stake: bigint;
  registeredAt: bigint;
  activeFrom: bigint;
  exitInitiatedAt: bigint;
  exitableAt: bigint;
  ejectedAt: bigint;
  status: SequencerStatus;
}

/**
 * Confirmation stages of seed 001 (DESIGN.md section 8). The L1 contracts attest 3-7; 2 needs a sequencer's receipt.
 *
 * @example
 * ```ts
 * const stage = await heightConfirmation(rollup, h);
 * if (stage >= ConfirmationStage.Proven) console.log(ConfirmationStage[stage]);
 * ```
 */
export enum ConfirmationStage {
  /** Not (yet) in the best proposal of its height. */
  Unknown = 0,
  /** Executed locally (the wallet's own simulation; the SDK never reports it from the chain). */
  Executed = 1,
  /** Submitted to the network: a sequencer's receipt ({@link SequencerReceipt}) says it will include it. */
  Submitted = 2,
  /** In the highest-ranking proposal. */
  BestProposal = 3,
  /** ... with a valid prover commitment. */
  ProverCommitted = 4,
  /** ... with its data available (revealed). */
  DataAvailable = 5,
  /** In a proven block verified by the L1 contracts. */
  Proven = 6,
  /** In a proven block whose L1 transaction is finalized. */
  L1Finalized = 7,
}

/**
 * A sequencer's answer to a submitted tx (stage 2): which sequencer took it for which height. The
 * nodes' mempool API returns it; the SDK only carries the type and uses it in {@link txConfirmation}.
 *
 * @example
 * ```ts
 * const receipt: SequencerReceipt = { txHash, height: 8n, sequencer, acceptedAt: 1_700_000_000n };
 * await txConfirmation(rollup, 8n, txHash, undefined, { receipt }); // Submitted (2) until height 8 is decided
 * ```
 */
export interface SequencerReceipt {
  txHash: string;
  /** The L2 height the sequencer intends to include the tx in. */
  height: bigint;
  /** The sequencer key that answered. */
  sequencer: string;
  /** Unix seconds when the sequencer accepted it. */
  acceptedAt: bigint;
  /** Optional signature of the sequencer over the receipt (scheme defined by the nodes API). */
  signature?: string;
}

/**
 * The rollup's on-chain configuration (`IFernetRollup.Config`). Durations in seconds, amounts in base units.
 *
 * @example
 * ```ts
 * const { lookahead, proposalDuration, minimumProverBond }: RollupParameters = await rollup.getConfig();
 * ```
 */
export interface RollupParameters extends RollupConfig {
  token: string;
  registry: string;
  verifier: string;
  /** Receives slashed funds; the zero address burns them. */
  treasury: string;
  genesisArchive: string;
  /** The deployer's salt, mixed with the deployment block's RANDAO. */
  genesisSeed: string;
}

/**
 * The registry's parameters.
 *
 * @example
 * ```ts
 * const { stake, entryDelay, exitDelay }: RegistryParameters = await registry.getParameters();
 * ```
 */
export interface RegistryParameters extends RegistryConfig {
  token: string;
}

/**
 * A prover's escrow.
 *
 * @example
 * ```ts
 * const { free, locked }: Escrow = await rollup.escrowOf(prover);
 * ```
 */
export interface Escrow {
  total: bigint;
  locked: bigint;
  /** What `withdrawEscrow` or a new commitment can use. */
  free: bigint;
}

/**
 * A round's randomness snapshot (`randomnessOf`). `knownAt` is zero while it is not taken.
 *
 * @example
 * ```ts
 * const { value, knownAt }: RandomnessSnapshot = await rollup.randomnessOf(round);
 * ```
 */
export interface RandomnessSnapshot {
  value: string;
  knownAt: bigint;
}

/**
 * A queued change to the registry's slashers.
 *
 * @example
 * ```ts
 * const { allowed, executableAt }: SlasherChange = await registry.pendingSlasherChange(slasher);
 * ```
 */
export interface SlasherChange {
  allowed: boolean;
  /** Zero when nothing is queued. */
  executableAt: bigint;
  expiresAt: bigint;
}
