/**
 * The Astria slasher's evidence scenarios, shared by the evidence tests and the gas bench: an Astria
 * chain final in the light client, and height 3 proposed and bound by seqA honestly or with one
 * specific violation.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, toUtf8Bytes } from "ethers";
import type { Header } from "../../../sdk/src/hashing";
import {
  EMPTY_ROOT,
  cometDataHash,
  entryProof,
  l2TxHash,
  leafHash,
  merkleRoot,
  rollupLeafHash,
  rollupLeafProof,
  rollupTxsOf,
  rollupTxsRoot,
  type AstriaBlock,
  type Binding,
  type Entry,
  type EntryProof,
  type RollupData,
  type RollupLeaf,
  type TopOfBlock,
} from "../../../sdk/src/astria";
import {
  ASTRIA_CHAIN_ID,
  OTHER_ROLLUPS,
  ROLLUP_ID,
  astriaBlock,
  commitRevealProve,
  deployWorld,
  finalizeRound,
  postBinding,
  propose,
  relay,
  rollupTxs,
  top,
  withEntries,
  type World,
  type WorldOptions,
} from "./world";

/** A tx of the sequencer's own, after the top-of-block. */
export const OWN_TX = keccak256(toUtf8Bytes("sequencer's own tx"));
/** The other rollups on the Astria chain: id below this one's, and above. */
export const [LOW, HIGH] = OTHER_ROLLUPS;
const LOW_DATA: RollupData = { rollupId: LOW, txs: ["0x01"] };
const HIGH_DATA: RollupData = { rollupId: HIGH, txs: ["0x02"] };
/** The L2 height every scenario binds: the first one seqA's commitment is in force for. */
export const H = 3n;

/**
 * An Astria block where this rollup has a leaf with an empty tx tree (Astria never builds one; the
 * slasher must still not count it as "carrying txs").
 */
function emptyLeafBlock(w: World, height: bigint, time_: bigint): AstriaBlock {
  const rollups = [
    { rollupId: LOW, txs: ["0x01"], txsRoot: rollupTxsRoot(["0x01"]) },
    { rollupId: ROLLUP_ID, txs: [], txsRoot: EMPTY_ROOT },
  ];
  const rollupLeafHashes = rollups.map((r) => rollupLeafHash(r.rollupId, r.txsRoot));
  const rollupTransactionsRoot = merkleRoot(rollupLeafHashes);
  const rollupIdsRoot = merkleRoot(rollups.map((r) => leafHash(r.rollupId)));
  const block: AstriaBlock = {
    header: {
      chainId: ASTRIA_CHAIN_ID,
      height,
      time: time_,
      dataHash: cometDataHash([rollupTransactionsRoot, rollupIdsRoot]),
      proposerAddress: "0x" + "08".repeat(20),
      rollupTransactionsRoot,
    },
    rollups,
    rollupIdsRoot,
    rollupLeafHashes,
  };
  w.astria.set(height, block);
  return block;
}

/**
 * Heights 1 and 2 finalized by seqA (its commitment is in force from height 3). Astria blocks 1-8 are
 * final and old, with this rollup's txs in 1 (2 txs), 3 (3 txs, between two other rollups) and 4
 * (1 tx, first); 2 has no rollups at all, 5, 6 and 7 only other rollups (below, above, around this
 * one), and 8 an empty leaf for this rollup.
 */
export async function astriaReady(options: WorldOptions = {}): Promise<World> {
  const w = await deployWorld(options);
  const t0 = BigInt(await time.latest());
  const chain: Array<[bigint, number, RollupData[]]> = [
    [1n, 2, [LOW_DATA]],
    [2n, 0, []],
    [3n, 3, [LOW_DATA, HIGH_DATA]],
    [4n, 1, [HIGH_DATA]],
    [5n, 0, [LOW_DATA]],
    [6n, 0, [HIGH_DATA]],
    [7n, 0, [LOW_DATA, HIGH_DATA]],
  ];
  for (const [h, ours, others] of chain) {
    await relay(w, astriaBlock(w, h, t0 + h, rollupTxs(`a${h}`, ours), others));
  }
  await relay(w, emptyLeafBlock(w, 8n, t0 + 8n));
  await finalizeRound(w, w.seqA, 1n);
  await finalizeRound(w, w.seqA, 2n);
  return w;
}

/** Rollup txs of remembered Astria block `h`. */
export function txsOf(w: World, h: bigint): readonly string[] {
  return rollupTxsOf(w.astria.get(h)!, ROLLUP_ID);
}

export interface Scenario {
  w: World;
  t: TopOfBlock;
  header: Header;
  txHashes: string[];
  signed?: { binding: Binding; entries: Entry[]; signature: string };
}

export interface ScenarioOptions {
  start?: bigint;
  end?: bigint;
  /** Replaces the honest entries. */
  entries?: (w: World, t: TopOfBlock) => Entry[];
  /** Replaces the honest L2 tx hashes (default: the top-of-block, then one own tx). */
  l2?: (w: World, t: TopOfBlock) => string[];
  post?: boolean;
  finalize?: boolean;
  world?: WorldOptions;
}

/**
 * seqA proposes height 3 taking Astria `[start, end)` (default `[1, 9)`: everything final), Astria block
 * 9 (with rollup txs) becomes final just before the proposal (inside the margin), seqA posts its
 * binding, and the block is finalized.
 */
export async function scenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const w = await astriaReady(options.world);
  const honest = top(w, options.start ?? 1n, options.end ?? 9n);
  const t = options.entries ? withEntries(honest, options.entries(w, honest)) : honest;
  const txHashes = options.l2 ? options.l2(w, honest) : [...honest.txHashes, OWN_TX];
  const header = await propose(w, w.seqA, H, txHashes);
  const proposedAt = (await w.rollup.getBlock(H)).proposedAt;
  await relay(w, astriaBlock(w, 9n, proposedAt - 2n, rollupTxs("a9", 2), [LOW_DATA]));
  const signed = options.post === false ? undefined : await postBinding(w, w.seqA, H, t);
  if (options.finalize ?? true) {
    await commitRevealProve(w, H);
  }
  return { w, t, header, txHashes, signed };
}

export const hashesOf = (txs: readonly string[]): string[] => txs.map(l2TxHash);

/** Entries with offsets recomputed from the counts. */
export function chained(entries: Entry[]): Entry[] {
  let offset = 0n;
  return entries.map((e) => {
    const out = { ...e, offset };
    offset += e.txCount;
    return out;
  });
}

// ------------------------------------------------------------------ the scenarios

export const honest = () => scenario();
export const unposted = () => scenario({ post: false, finalize: false });
export const unpostedFinalized = () => scenario({ post: false });
/** The entry for Astria 3 claims only its first two txs (a root Astria never had). */
export const wrongRoot = () =>
  scenario({
    entries: (w, t) => {
      const a3 = txsOf(w, 3n).slice(0, 2);
      return chained([t.entries[0], { ...t.entries[1], rollupTxsRoot: rollupTxsRoot(a3), txCount: 2n }, t.entries[2]]);
    },
    l2: (w) => [...hashesOf(txsOf(w, 1n)), ...hashesOf(txsOf(w, 3n).slice(0, 2)), ...hashesOf(txsOf(w, 4n)), OWN_TX],
  });
/** Made-up "Astria" txs for blocks 2, 5, 6 and 7, where this rollup had none. */
export const fabricated = () =>
  scenario({
    entries: (_w, t) => {
      const fake = (h: bigint): Entry => ({
        astriaHeight: h,
        rollupTxsRoot: rollupTxsRoot([ethers.hexlify(toUtf8Bytes(`fake ${h}`))]),
        txCount: 1n,
        offset: 0n,
      });
      const [a1, a3, a4] = t.entries;
      return chained([a1, fake(2n), a3, a4, fake(5n), fake(6n), fake(7n)]);
    },
    l2: (w) => [
      ...hashesOf(txsOf(w, 1n)),
      l2TxHash(toUtf8Bytes("fake 2")),
      ...hashesOf(txsOf(w, 3n)),
      ...hashesOf(txsOf(w, 4n)),
      ...[5, 6, 7].map((h) => l2TxHash(toUtf8Bytes(`fake ${h}`))),
    ],
  });
/** Astria blocks carrying rollup txs left without an entry although inside the range. */
export const skipping = (dropped: bigint[]) =>
  scenario({
    entries: (_w, t) => chained(t.entries.filter((e) => !dropped.includes(e.astriaHeight))),
    l2: (w, t) => t.entries.filter((e) => !dropped.includes(e.astriaHeight)).flatMap((e) => hashesOf(txsOf(w, e.astriaHeight))),
  });
export const skippedMiddle = () => skipping([3n]);
export const skippedFirst = () => skipping([1n]);
export const skippedLast = () => skipping([4n]);
export const skippedAll = () => skipping([1n, 3n, 4n]);
/** The entry for Astria 3 keeps Astria's root but says 2 txs; its third tx is withheld. */
export const wrongCount = () =>
  scenario({
    entries: (_w, t) => chained([t.entries[0], { ...t.entries[1], txCount: 2n }, t.entries[2]]),
    l2: (w) => [...hashesOf(txsOf(w, 1n)), ...hashesOf(txsOf(w, 3n).slice(0, 2)), ...hashesOf(txsOf(w, 4n))],
  });
/** Honest entries, but the block front-runs: Astria 3's first two txs swapped. */
export const swapped = () =>
  scenario({
    l2: (w) => {
      const [x, y, z] = hashesOf(txsOf(w, 3n));
      return [...hashesOf(txsOf(w, 1n)), y, x, z, ...hashesOf(txsOf(w, 4n)), OWN_TX];
    },
  });
/** Honest entries, but the block carries only Astria 1's txs. */
export const truncated = () => scenario({ l2: (w) => hashesOf(txsOf(w, 1n)) });
/** The range ends at Astria 4, leaving out block 4 although it was final long before the proposal. */
export const endsEarly = () => scenario({ end: 4n });

// ------------------------------------------------------------------ evidence inputs

/** Entry proof of the entry at Astria height `astriaHeight` of `s`'s posted binding. */
export function entryAt(s: Scenario, astriaHeight: bigint): EntryProof {
  const entries = s.signed!.entries;
  return entryProof(entries, entries.findIndex((e) => e.astriaHeight === astriaHeight));
}

/** This rollup's leaf (with proof) in remembered Astria block `astriaHeight`. */
export function leafOf(s: Scenario, astriaHeight: bigint): RollupLeaf {
  return rollupLeafProof(s.w.astria.get(astriaHeight)!, ROLLUP_ID);
}

/** Another rollup's leaf (with proof) in remembered Astria block `astriaHeight`. */
export function otherLeaf(s: Scenario, astriaHeight: bigint, rollupId: string): RollupLeaf {
  return rollupLeafProof(s.w.astria.get(astriaHeight)!, rollupId);
}
