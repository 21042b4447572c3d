/**
 * Leader prediction: the SDK ranks every eligible sequencer for a height with the contracts' seed and
 * score, bit for bit, so sequencers know whether to propose and users know who will.
 *
 * @example
 * ```ts
 * const ranking = await rankSequencers(rollup, registry, 12n);
 * console.log(`best: ${ranking[0].sequencer}`);
 * ```
 */
import { FernetError } from "./errors";
import { scoreOf } from "./hashing";
import type { RegistryClient, RollupClient } from "./clients";

/** One ranked sequencer. */
export interface RankedSequencer {
  sequencer: string;
  score: bigint;
}

/** The seed of a height is not known yet (its RANDAO snapshot is not stored). */
export class SeedNotKnownError extends FernetError {
  override name = "SeedNotKnownError";
  constructor(readonly height: bigint) {
    super(
      `The seed of height ${height} is not known yet.`,
      "Seeds are fixed `lookahead` blocks ahead: wait until height - lookahead is finalized.",
    );
  }
}

/** Ranks `candidates` for the seed `seed`, best first. */
export function rankBySeed(seed: string, candidates: readonly string[]): RankedSequencer[] {
  return candidates
    .map((sequencer) => ({ sequencer, score: scoreOf(seed, sequencer) }))
    .sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : 0));
}

/**
 * Ranks every sequencer eligible for `height` (Active when its seed became known, not exiting or
 * ejected now), best first.
 * @throws {@link SeedNotKnownError} when the seed of `height` is not fixed yet.
 */
export async function rankSequencers(rollup: RollupClient, registry: RegistryClient, height: bigint): Promise<RankedSequencer[]> {
  const state = await rollup.getHeightState(height);
  if (state.seedKnownAt === 0n) throw new SeedNotKnownError(height);
  const keys = await registry.listSequencers();
  const eligible: string[] = [];
  for (const k of keys) {
    if (await registry.isEligible(k, state.seedKnownAt)) eligible.push(k);
  }
  return rankBySeed(state.seed, eligible);
}
