/**
 * Leader prediction: the SDK ranks every eligible sequencer for a height with the contracts' seed and
 * score, bit for bit, so sequencers know whether to propose and users know who will. Rows come from a
 * {@link RegistryIndex} kept by the client (the registry's events, synced each call) or, without one,
 * from the registry's paged view, all pages at once (batched JSON-RPC); eligibility is evaluated from
 * the rows with the registry's own rule.
 *
 * @example
 * ```ts
 * const ranking = await rankSequencers(rollup, registry, 12n);
 * console.log(`best: ${ranking[0].sequencer}`);
 * ```
 */
import { FernetError } from "./errors";
import { scorer } from "./hashing";
import { eligibilityOf, type ListOptions, type RegistryClient, type SequencerEntry } from "./clients/registry";
import type { RollupClient } from "./clients/rollup";
import type { RegistryIndex } from "./registry-index";
import { Eligibility } from "./types";

/**
 * One ranked sequencer.
 *
 * @example
 * ```ts
 * const [leader]: RankedSequencer[] = rankBySeed(seed, keys);
 * console.log(leader.sequencer, leader.score);
 * ```
 */
export interface RankedSequencer {
  sequencer: string;
  score: bigint;
}

/**
 * The seed of a height is not known yet (its randomness snapshot is not taken).
 *
 * @example
 * ```ts
 * if (e instanceof SeedNotKnownError) console.log(`wait for the seed of ${e.height}`);
 * ```
 */
export class SeedNotKnownError extends FernetError {
  override name = "SeedNotKnownError";
  constructor(readonly height: bigint) {
    super(
      `The seed of height ${height} is not known yet.`,
      "Seeds are fixed `lookahead` heights ahead: wait until the randomness of round height - lookahead is snapshotted.",
    );
  }
}

/**
 * Ranks `candidates` for the seed `seed`, best first (pure: no RPC).
 *
 * @example
 * ```ts
 * const [leader, next] = rankBySeed(seed, keys);
 * ```
 */
export function rankBySeed(seed: string, candidates: readonly string[]): RankedSequencer[] {
  const score = scorer(seed);
  const ranked = candidates.map((sequencer) => ({ sequencer, score: score(sequencer) }));
  return ranked.sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : 0));
}

/**
 * What ranking reads of a registry row: the key and the fields of the eligibility rule.
 *
 * @example
 * ```ts
 * const rows: RankableEntry[] = index.registrations();
 * ```
 */
export type RankableEntry = Pick<SequencerEntry, "address" | "withdrawer" | "registeredAt" | "activeFrom" | "exitInitiatedAt" | "ejectedAt">;

/**
 * Ranks the eligible keys among `entries` for a seed known at `seedKnownAt` (pure: no RPC).
 *
 * @example
 * ```ts
 * const ranking = rankEntries(state.seed, state.seedKnownAt, await registry.listSequencerEntries());
 * ```
 */
export function rankEntries(seed: string, seedKnownAt: bigint, entries: readonly RankableEntry[]): RankedSequencer[] {
  return rankBySeed(
    seed,
    entries.filter((e) => eligibilityOf(e, seedKnownAt) === Eligibility.Eligible).map((e) => e.address),
  );
}

/**
 * Options of {@link rankSequencers} and {@link leaderSchedule}: where the registry rows come from.
 *
 * @example
 * ```ts
 * await rankSequencers(rollup, registry, h, { index: await RegistryIndex.create(registry, { fromBlock: deployBlock }) });
 * ```
 */
export interface RankOptions extends ListOptions {
  /**
   * Read the rows from this index (synced first: one `eth_getLogs` of the blocks since its last sync)
   * instead of the paged view. Keep one index for the life of the app: that is what makes ranking fast.
   */
  index?: RegistryIndex;
}

/**
 * The registry rows a ranking reads: the index's (synced now) or the paged view's.
 * @throws {@link FernetError} when the index belongs to another registry, or a `blockTag` is passed with one.
 * @example
 * ```ts
 * const entries = await registryRows(registry, { index });
 * ```
 */
export async function registryRows(registry: RegistryClient, options: RankOptions = {}): Promise<readonly RankableEntry[]> {
  const { index } = options;
  if (!index) return registry.listSequencerEntries(options);
  if (index.registry.address.toLowerCase() !== registry.address.toLowerCase()) {
    throw new FernetError(`The index is of registry ${index.registry.address}, not ${registry.address}.`, "Create the index with RegistryIndex.create(registry).");
  }
  if (options.blockTag !== undefined) throw new FernetError("An index reads the chain's head: it cannot rank at an older block tag.", "Drop blockTag, or drop index to read the paged view at that block.");
  await index.sync();
  return index.registrations();
}

/**
 * Ranks every sequencer eligible for `height` (Active when its seed became known, not exiting or
 * ejected now), best first.
 * @throws {@link SeedNotKnownError} when the seed of `height` is not fixed yet.
 * @example
 * ```ts
 * const [leader] = await rankSequencers(rollup, registry, await rollup.pendingHeight());
 * ```
 */
export async function rankSequencers(rollup: RollupClient, registry: RegistryClient, height: bigint, options?: RankOptions): Promise<RankedSequencer[]> {
  const [state, entries] = await Promise.all([rollup.getHeightState(height), registryRows(registry, options)]);
  if (state.seedKnownAt === 0n) throw new SeedNotKnownError(height);
  return rankEntries(state.seed, state.seedKnownAt, entries);
}
