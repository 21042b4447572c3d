/**
 * Deployment configuration: typed presets shared by the scripts, the tests and the SDK.
 *
 * Every duration is in seconds and every amount in token base units (18 decimals).
 *
 * @example
 * ```ts
 * import { getPreset } from "../sdk/src/config";
 * const cfg = getPreset("local");
 * console.log(cfg.registry.entryDelay); // 60n
 * ```
 */
import { UnknownPresetError } from "./errors";

/**
 * Names of the shipped presets.
 *
 * @example
 * ```ts
 * const name: PresetName = process.env.FERNET_PRESET === "mainnet-like" ? "mainnet-like" : "local";
 * ```
 */
export type PresetName = "local" | "mainnet-like";

/**
 * Constructor parameters of `SequencerRegistry`.
 *
 * @example
 * ```ts
 * const registry: RegistryConfig = { ...LOCAL.registry, entryDelay: 120n };
 * ```
 */
export interface RegistryConfig {
  /** Stake pulled on registration. */
  stake: bigint;
  /** A slash that leaves less than this ejects the sequencer. */
  minimumStake: bigint;
  /** Seconds from registration to Active (at least one L1 slot, 12 s: the anti-grinding rule relies on it). */
  entryDelay: bigint;
  /** Seconds from exit initiation to withdrawal. */
  exitDelay: bigint;
  /** Seconds a queued slasher change waits (more than `exitDelay`). */
  slasherChangeDelay: bigint;
  /** Seconds after its delay in which a queued slasher change can be executed; then it lapses. */
  slasherChangeWindow: bigint;
}

/**
 * Constructor parameters of `FernetRollup` (durations, bonds, rewards, lookahead, signals).
 *
 * @example
 * ```ts
 * const rollup: RollupConfig = { ...LOCAL.rollup, lookahead: 3n };
 * ```
 */
export interface RollupConfig {
  /** Seconds from deployment to the start of round 1. */
  genesisDelay: bigint;
  /** Proposal phase length. */
  proposalDuration: bigint;
  /** Prover-commitment phase length. */
  commitmentDuration: bigint;
  /** Reveal window after the commitment phase. */
  revealDuration: bigint;
  /** Proving window after the reveal deadline. */
  provingDuration: bigint;
  /** Heights between a RANDAO snapshot and the seed that uses it. */
  lookahead: bigint;
  /** Smallest bond a prover may commit. */
  minimumProverBond: bigint;
  /** Reward per finalized block, paid from the reward pool. */
  blockReward: bigint;
  /** Share of the block reward to whoever submits the proof, in basis points. */
  submitterRewardBps: bigint;
  /** Share of a slashed prover bond paid to the reporter, in basis points. */
  slashBountyBps: bigint;
  /** Stake taken from a proposer that missed its reveal. */
  missedRevealPenalty: bigint;
  /** Heights per upgrade-signalling round. */
  signalRoundSize: bigint;
  /** Signals needed in one round for a payload to pass. */
  signalQuorum: bigint;
}

/**
 * Constructor parameters of `AstriaSlasher` other than addresses and the Astria chain's identity.
 *
 * @example
 * ```ts
 * const astria: AstriaConfig | undefined = getPreset("local").astria;
 * ```
 */
export interface AstriaConfig {
  /** Smallest opt-in bond. */
  minimumBond: bigint;
  /** Taken per proven offence (or what is left of the bond). */
  penalty: bigint;
  /** Share of a penalty paid to the reporter, in basis points. */
  bountyBps: bigint;
  /** Seconds from opt-in to effect. */
  optInDelay: bigint;
  /** Evidence window (seconds) after the last locked height is finalized. */
  unbondDelay: bigint;
  /** Astria blocks final at least this many seconds before the round start must be in the range of its winning block. */
  astriaMargin: bigint;
}

/**
 * A complete deployment preset.
 *
 * @example
 * ```ts
 * const preset: Preset = getPreset("local");
 * console.log(preset.registry.stake, preset.rollup.lookahead);
 * ```
 */
export interface Preset {
  name: PresetName;
  /** Human description shown by the scripts. */
  description: string;
  registry: RegistryConfig;
  rollup: RollupConfig;
  astria: AstriaConfig;
  /** Tokens minted to each local test account by the deploy script (local networks only). */
  localMintPerAccount: bigint;
}

const TOKEN = 10n ** 18n;
const MINUTE = 60n;
const DAY = 24n * 60n * MINUTE;

/**
 * Seconds-scale preset for the in-process network, a local node and the tests.
 *
 * @example
 * ```ts
 * console.log(LOCAL.registry.entryDelay); // seconds, for a local node
 * ```
 */
export const LOCAL: Preset = {
  name: "local",
  description: "seconds-scale delays for the in-process network, local nodes and tests",
  registry: {
    stake: 1_000n * TOKEN,
    minimumStake: 600n * TOKEN,
    entryDelay: 60n,
    exitDelay: 120n,
    slasherChangeDelay: 180n,
    slasherChangeWindow: 600n,
  },
  rollup: {
    genesisDelay: 120n,
    proposalDuration: 12n,
    commitmentDuration: 12n,
    revealDuration: 12n,
    provingDuration: 60n,
    lookahead: 2n,
    minimumProverBond: 100n * TOKEN,
    blockReward: 10n * TOKEN,
    submitterRewardBps: 500n,
    slashBountyBps: 1_000n,
    missedRevealPenalty: 100n * TOKEN,
    signalRoundSize: 10n,
    signalQuorum: 6n,
  },
  astria: {
    minimumBond: 1_000n * TOKEN,
    penalty: 400n * TOKEN,
    bountyBps: 1_000n,
    optInDelay: 30n,
    unbondDelay: 600n,
    astriaMargin: 5n,
  },
  localMintPerAccount: 100_000n * TOKEN,
};

/**
 * Mainnet-like preset: 7-day entry and exit delays, minute-scale phases.
 *
 * @example
 * ```ts
 * console.log(MAINNET_LIKE.registry.entryDelay / 86_400n); // 7 (days)
 * ```
 */
export const MAINNET_LIKE: Preset = {
  name: "mainnet-like",
  description: "7-day entry and exit delays and minute-scale phases, as on a production deployment",
  registry: {
    stake: 100_000n * TOKEN,
    minimumStake: 50_000n * TOKEN,
    entryDelay: 7n * DAY,
    exitDelay: 7n * DAY,
    slasherChangeDelay: 14n * DAY,
    slasherChangeWindow: 7n * DAY,
  },
  rollup: {
    genesisDelay: 7n * DAY,
    proposalDuration: 3n * MINUTE,
    commitmentDuration: 2n * MINUTE,
    revealDuration: 2n * MINUTE,
    provingDuration: 30n * MINUTE,
    lookahead: 4n,
    minimumProverBond: 10_000n * TOKEN,
    blockReward: 100n * TOKEN,
    submitterRewardBps: 200n,
    slashBountyBps: 1_000n,
    missedRevealPenalty: 5_000n * TOKEN,
    signalRoundSize: 1_000n,
    signalQuorum: 600n,
  },
  astria: {
    minimumBond: 50_000n * TOKEN,
    penalty: 20_000n * TOKEN,
    bountyBps: 1_000n,
    optInDelay: DAY,
    unbondDelay: 7n * DAY,
    astriaMargin: 12n,
  },
  localMintPerAccount: 1_000_000n * TOKEN,
};

/**
 * All presets by name.
 *
 * @example
 * ```ts
 * for (const [name, p] of Object.entries(PRESETS)) console.log(name, p.rollup.lookahead);
 * ```
 */
export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  local: LOCAL,
  "mainnet-like": MAINNET_LIKE,
};

/**
 * Returns the preset called `name`.
 *
 * @example
 * ```ts
 * const { registry } = getPreset(process.env.FERNET_PRESET ?? "local");
 * ```
 * @throws {@link UnknownPresetError} when `name` is not a shipped preset.
 */
export function getPreset(name: string): Preset {
  if (!Object.prototype.hasOwnProperty.call(PRESETS, name)) {
    throw new UnknownPresetError(name, Object.keys(PRESETS));
  }
  return PRESETS[name as PresetName];
}
