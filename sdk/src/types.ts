import type { RegistryConfig, RollupConfig } from "./config";
/** Typed enums and records returned by the SDK (never raw tuples). */

/** Registry status of a sequencer (ISequencerRegistry.Status). */
export enum SequencerStatus {
  None = 0,
  Queued = 1,
  Active = 2,
  Exiting = 3,
  Withdrawable = 4,
  Ejected = 5,
}

/** Why a key may or may not propose for a seed (ISequencerRegistry.Eligibility). */
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

/** Phase of a round (IFernetRollup.Phase). */
export enum Phase {
  NotStarted = 0,
  Proposal = 1,
  Commitment = 2,
  Reveal = 3,
  Proving = 4,
  Backup = 5,
  Finalized = 6,
}

/** The missed deadline that opened backup mode (IFernetRollup.BackupReason). */
export enum BackupReason {
  None = 0,
  NoProposal = 1,
  NoCommitment = 2,
  NoReveal = 3,
  NoProof = 4,
}

/** How a height was finalized (IFernetRollup.Finalization). */
export enum Finalization {
  None = 0,
  Proven = 1,
  Backup = 2,
}

/** The per-height history record. */
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

/** The state of one height, with the protocol rules applied on-chain. */
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

/** A registered sequencer. */
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

/** Confirmation stages of seed 001 (DESIGN.md section 8). The L1 contracts attest 3-7; 2 needs a sequencer's receipt. */
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

/** The rollup's on-chain configuration (`IFernetRollup.Config`). Durations in seconds, amounts in base units. */
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

/** The registry's parameters. */
export interface RegistryParameters extends RegistryConfig {
  token: string;
}

/** A prover's escrow. */
export interface Escrow {
  total: bigint;
  locked: bigint;
  /** What `withdrawEscrow` or a new commitment can use. */
  free: bigint;
}

/** A round's randomness snapshot (`randomnessOf`). `knownAt` is zero while it is not taken. */
export interface RandomnessSnapshot {
  value: string;
  knownAt: bigint;
}

/** A queued change to the registry's slashers. */
export interface SlasherChange {
  allowed: boolean;
  /** Zero when nothing is queued. */
  executableAt: bigint;
  expiresAt: bigint;
}
