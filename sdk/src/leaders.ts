/**
 * The leader schedule: for the pending height and the next `lookahead - 1` (every height whose seed
 * can already be known), who leads, who is next, and — with an Astria slasher — whether the leader's
 * Astria bond is in force at that height. One registry listing (or one sync of a {@link RegistryIndex})
 * serves every height.
 *
 * @example
 * ```ts
 * for (const slot of await leaderSchedule(fernet.rollup, fernet.registry, { slasher: fernet.astriaSlasher })) {
 *   console.log(slot.height, slot.known ? slot.leader?.sequencer : "seed not known yet", slot.astria?.inForce);
 * }
 * ```
 */
import type { AstriaSlasherClient } from "./clients/astria";
import type { RegistryClient } from "./clients/registry";
import type { RollupClient } from "./clients/rollup";
import { rankEntries, registryRows, type RankedSequencer, type RankOptions } from "./ranking";
import { Phase, type HeightState } from "./types";

/**
 * One height of the schedule.
 *
 * @example
 * ```ts
 * const [slot]: LeaderSlot[] = await leaderSchedule(rollup, registry);
 * if (slot.known) console.log(slot.leader?.sequencer, slot.eligible);
 * ```
 */
export interface LeaderSlot {
  height: bigint;
  phase: Phase;
  /** Whether the height's seed is fixed (only then are leaders known). */
  known: boolean;
  seed?: string;
  seedKnownAt?: bigint;
  /** The best-ranked eligible sequencer. */
  leader?: RankedSequencer;
  /** The runner-up (leads if the leader does not propose). */
  next?: RankedSequencer;
  /** Eligible sequencers for the height. */
  eligible: number;
  /** Who holds the best proposal now (zero address if nobody proposed yet). */
  currentProposer: string;
  /** With a slasher: the leader's Astria bond. */
  astria?: { bonded: boolean; inForce: boolean };
}

/**
 * Options of {@link leaderSchedule}.
 *
 * @example
 * ```ts
 * await leaderSchedule(rollup, registry, { lookahead: 4, slasher: fernet.astriaSlasher });
 * ```
 */
export interface LeaderScheduleOptions extends Pick<RankOptions, "index"> {
  /** Heights to report (default: the rollup's lookahead). */
  lookahead?: number;
  /** Report whether each leader's Astria bond is in force. */
  slasher?: AstriaSlasherClient;
}

/**
 * The leader schedule of the next `lookahead` heights (pending first).
 *
 * @example
 * ```ts
 * const [now, soon] = await leaderSchedule(rollup, registry);
 * if (soon.known && soon.leader?.sequencer === me) await warmUp();
 * ```
 */
export async function leaderSchedule(rollup: RollupClient, registry: RegistryClient, options: LeaderScheduleOptions = {}): Promise<LeaderSlot[]> {
  const [pending, config, entries] = await Promise.all([rollup.pendingHeight(), rollup.getConfig(), registryRows(registry, { index: options.index })]);
  const count = options.lookahead ?? Number(config.lookahead);
  const heights = Array.from({ length: count }, (_, i) => pending + BigInt(i));
  const states: HeightState[] = await Promise.all(heights.map((h) => rollup.getHeightState(h)));
  return Promise.all(
    states.map(async (s): Promise<LeaderSlot> => {
      const slot: LeaderSlot = { height: s.height, phase: s.phase, known: s.seedKnownAt !== 0n, eligible: 0, currentProposer: s.record.proposer };
      if (!slot.known) return slot;
      const ranking = rankEntries(s.seed, s.seedKnownAt, entries);
      Object.assign(slot, { seed: s.seed, seedKnownAt: s.seedKnownAt, leader: ranking[0], next: ranking[1], eligible: ranking.length });
      if (options.slasher && slot.leader) {
        const [bond, inForce] = await Promise.all([options.slasher.bondOf(slot.leader.sequencer), options.slasher.isInForce(slot.leader.sequencer, s.height)]);
        slot.astria = { bonded: bond.amount > 0n, inForce };
      }
      return slot;
    }),
  );
}
