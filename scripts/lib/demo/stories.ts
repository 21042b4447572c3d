/**
 * The demo's stories, in order. Each one sets up what its story needs — a fault injected into some
 * services, a payload to signal — runs heights until the outcome it expects can have happened, puts
 * the services back as they were, and then checks the outcome from chain state (records and events),
 * never from log text. The summary prints the chain fact each check found.
 */
import { ethers } from "hardhat";
import { keccak256, toUtf8Bytes } from "ethers";
import { BackupReason, Finalization } from "../../../sdk/src/types";
import { DeployInputError } from "../inputs";
import { decodeBlockData } from "../../../sdk/src/blockdata";
import type { SequencerFault } from "../../../sdk/src/services/sequencer";
import { fnt, short, type Entry } from "./timeline";
import type { DemoWorld } from "./world";

/** What a story's check found on chain. */
export interface Outcome {
  readonly ok: boolean;
  /** The chain fact that proves (or disproves) the outcome. */
  readonly fact: string;
}

/** One story of the demo. */
export interface Story {
  readonly name: StoryName;
  readonly title: string;
  /** The outcome the protocol promises. */
  readonly expect: string;
  /** Runs the story's heights; returns them. */
  run(world: DemoWorld): Promise<bigint[]>;
  /** Checks the outcome from chain state. */
  check(world: DemoWorld, heights: readonly bigint[]): Promise<Outcome>;
}

/** The stories, in the order the demo runs them. */
export const STORY_NAMES = ["happy", "no-proposal", "withheld-proof", "missed-reveal", "upgrade-signal", "astria-preconfirmed", "astria-reorder"] as const;
/** A story's name (the `DEMO_STORIES` value). */
export type StoryName = (typeof STORY_NAMES)[number];

/** The upgrade payload the sequencers signal in the upgrade story. */
export const UPGRADE_PAYLOAD = keccak256(toUtf8Bytes("fernet.demo.upgrade.v2"));

const from = (w: DemoWorld) => w.fernet.deployment.deployBlock ?? 0;

async function finalizedAs(w: DemoWorld, height: bigint): Promise<Finalization> {
  return (await w.fernet.rollup.getBlock(height)).finalization;
}

/** Runs the pending height with `setup` applied to the services, undone afterwards. */
async function withFault(w: DemoWorld, title: string, setup: () => void, undo: () => void): Promise<bigint> {
  setup();
  try {
    return (await w.runHeight(title, narrator(w))).height;
  } finally {
    undo();
  }
}

/** Runs the pending height with `fault` injected into every sequencer. */
async function everySequencer(w: DemoWorld, title: string, fault: SequencerFault): Promise<bigint> {
  const was = w.sequencers.map((s) => s.service.fault);
  const set = (f: (i: number) => SequencerFault) => w.sequencers.forEach((s, i) => (s.service.fault = f(i)));
  return withFault(w, `${title} (every sequencer: ${fault})`, () => set(() => fault), () => set((i) => was[i]));
}

const happy: Story = {
  name: "happy",
  title: "happy round",
  expect: "every height proven by its committed prover",
  async run(w) {
    const out: bigint[] = [];
    for (let i = 0; i < w.options.happy; i++) out.push((await w.runHeight(`happy round ${i + 1} of ${w.options.happy}`, narrator(w))).height);
    return out;
  },
  async check(w, heights) {
    const c = w.fernet.rollup.contract;
    const facts: string[] = [];
    for (const h of heights) {
      const fin = await c.queryFilter(c.filters.BlockFinalized(h), from(w));
      const proven = fin.some((e) => e.args.finalization === BigInt(Finalization.Proven));
      if (!proven || (await finalizedAs(w, h)) !== Finalization.Proven) return { ok: false, fact: `height ${h} is not Proven` };
      facts.push(`${h}`);
    }
    return { ok: heights.length > 0, fact: `BlockFinalized(Proven) for heights ${facts.join(", ")}` };
  },
};

const noProposal: Story = {
  name: "no-proposal",
  title: "nobody proposes",
  expect: "the height enters backup (NoProposal) and a backup block extends the chain",
  run: async (w) => [await everySequencer(w, "a round nobody proposes", "never-propose")],
  async check(w, [h]) {
    const c = w.fernet.rollup.contract;
    const proposed = await c.queryFilter(c.filters.BlockProposed(h), from(w));
    const fin = await c.queryFilter(c.filters.BlockFinalized(h), from(w));
    const backup = fin.find((e) => e.args.finalization === BigInt(Finalization.Backup));
    if (proposed.length > 0 || !backup) return { ok: false, fact: `height ${h}: ${proposed.length} proposals, ${backup ? "backup" : "no backup"}` };
    return { ok: true, fact: `height ${h}: no BlockProposed; BlockFinalized(Backup) by ${w.name(backup.args.submitter)}` };
  },
};

const withheldProof: Story = {
  name: "withheld-proof",
  title: "withheld proof",
  expect: "the committed prover's bond is slashed by the watcher and a backup block extends the chain",
  async run(w) {
    // prover-2 wins the quotes (higher bond at the same share): it is the one that withholds.
    const p = w.provers[1].service;
    return [await withFault(w, `a withheld proof (${w.provers[1].name}: withhold-proof)`, () => (p.withholdProof = true), () => (p.withholdProof = false))];
  },
  async check(w, [h]) {
    const c = w.fernet.rollup.contract;
    const slashed = await c.queryFilter(c.filters.ProverSlashed(h), from(w));
    const fin = await finalizedAs(w, h);
    if (slashed.length !== 1 || fin !== Finalization.Backup) return { ok: false, fact: `height ${h}: ${slashed.length} ProverSlashed, finalization ${Finalization[fin]}` };
    const e = slashed[0].args;
    return { ok: true, fact: `ProverSlashed(${h}, ${w.name(e.prover)}, reporter ${w.name(e.reporter)}, bounty ${fnt(e.bounty)}, burned ${fnt(e.burned)}); Backup` };
  },
};

const missedReveal: Story = {
  name: "missed-reveal",
  title: "missed reveal",
  expect: "the winning proposer is penalised by the watcher and a backup block extends the chain",
  run: async (w) => [await everySequencer(w, "a missed reveal", "never-reveal")],
  async check(w, [h]) {
    const c = w.fernet.rollup.contract;
    const pen = await c.queryFilter(c.filters.ProposerPenalised(h), from(w));
    const fin = await finalizedAs(w, h);
    const e = pen[0]?.args;
    if (pen.length !== 1 || e.reason !== BigInt(BackupReason.NoReveal) || fin !== Finalization.Backup) return { ok: false, fact: `height ${h}: ${pen.length} ProposerPenalised, finalization ${Finalization[fin]}` };
    return { ok: true, fact: `ProposerPenalised(${h}, ${w.name(e.proposer)}, NoReveal, penalty ${fnt(e.penalty)}, bounty ${fnt(e.bounty)} to ${w.name(e.reporter)}); Backup` };
  },
};

const upgradeSignal: Story = {
  name: "upgrade-signal",
  title: "upgrade signal",
  expect: "the payload every sequencer signals reaches the quorum (PayloadPassed)",
  async run(w) {
    const c = w.fernet.rollup.contract;
    const config = await w.fernet.rollup.getConfig();
    const heights: bigint[] = [];
    w.sequencers.forEach((s) => (s.service.signal = UPGRADE_PAYLOAD));
    try {
      // At most the rest of this signalling round and one whole round more.
      for (let i = 0; i < Number(config.signalRoundSize) * 2; i++) {
        const r = await w.runHeight(`upgrade signal for ${short(UPGRADE_PAYLOAD)} (height ${i + 1})`, narrator(w));
        heights.push(r.height);
        if ((await c.queryFilter(c.filters.PayloadPassed(undefined, UPGRADE_PAYLOAD), from(w))).length > 0) break;
      }
    } finally {
      w.sequencers.forEach((s) => (s.service.signal = ethers.ZeroHash));
    }
    return heights;
  },
  async check(w) {
    const c = w.fernet.rollup.contract;
    const passed = await c.queryFilter(c.filters.PayloadPassed(undefined, UPGRADE_PAYLOAD), from(w));
    if (passed.length !== 1) return { ok: false, fact: `${passed.length} PayloadPassed events for the payload` };
    const e = passed[0].args;
    return { ok: true, fact: `PayloadPassed(round ${e.round}, ${short(e.payload)}, ${e.signals} signals)` };
  },
};

/** The Slasher's offence numbers the stories check. */
const OFFENCE_TX_MISMATCH = 3n;

/** Bonds are taken at the start of the Astria stories; heights run until the leader's bond is in force. */
const MAX_WAIT_HEIGHTS = 8;

/** Runs the pending height as an Astria-backed one; first runs ordinary heights until its leader's bond is in force. */
async function astriaHeight(w: DemoWorld, title: string, astriaTxs: number): Promise<bigint[]> {
  if (!w.astriaActive) await w.activateAstria();
  const slasher = w.fernet.astriaSlasher!;
  const heights: bigint[] = [];
  for (let i = 0; i < MAX_WAIT_HEIGHTS; i++) {
    const h = await w.fernet.rollup.pendingHeight();
    const leader = await w.leaderOf(h);
    if (leader && (await slasher.isInForce(leader, h))) {
      heights.push((await w.runHeight(title, narrator(w), { astriaTxs })).height);
      return heights;
    }
    heights.push((await w.runHeight("waiting for the Astria bonds to back a height", narrator(w))).height);
  }
  throw new Error(`no leader's Astria bond was in force within ${MAX_WAIT_HEIGHTS} heights`);
}

const astriaPreconfirmed: Story = {
  name: "astria-preconfirmed",
  title: "Astria-backed block",
  expect: "a bonded leader's block opens with the Astria top-of-block and posts its binding; the user's Astria tx, preconfirmed by that binding, is proven at the promised position",
  run: (w) => astriaHeight(w, "an Astria-backed block with a user's preconfirmed tx", 1),
  async check(w, heights) {
    const h = heights[heights.length - 1];
    const pre = w.heights.find((r) => r.height === h)?.astriaTxs?.preconfirmation;
    if (!pre) return { ok: false, fact: `height ${h}: the user's Astria tx got no preconfirmation` };
    const slasher = w.fernet.astriaSlasher!.contract;
    const c = w.fernet.rollup.contract;
    const [posted, revealed, slashed, fin] = await Promise.all([
      slasher.queryFilter(slasher.filters.BindingPosted(h), from(w)),
      c.queryFilter(c.filters.BlockRevealed(h), from(w)),
      slasher.queryFilter(slasher.filters.Slashed(h), from(w)),
      finalizedAs(w, h),
    ]);
    const txs = revealed.length ? decodeBlockData(revealed[revealed.length - 1].args.data).txHashes : [];
    const at = txs[Number(pre.l2Position)]?.toLowerCase();
    const ok = posted.length === 1 && posted[0].args.digest === pre.bindingDigest && posted[0].args.sequencer === pre.sequencer && fin === Finalization.Proven && at === pre.txHash.toLowerCase() && slashed.length === 0;
    return {
      ok,
      fact: `height ${h}: BindingPosted by ${w.name(posted[0]?.args.sequencer)} (digest ${posted[0]?.args.digest === pre.bindingDigest ? "=" : "≠"} the preconfirmation's), ${Finalization[fin]}, revealed tx ${pre.l2Position} ${at === pre.txHash.toLowerCase() ? "is" : "is NOT"} the user's, ${slashed.length} Slashed`,
    };
  },
};

const astriaReorder: Story = {
  name: "astria-reorder",
  title: "reordered top-of-block",
  expect: "a bonded leader that reorders its Astria top-of-block is slashed from the watcher's evidence (TxMismatch)",
  async run(w) {
    const was = w.sequencers.map((s) => s.service.fault);
    w.sequencers.forEach((s) => (s.service.fault = "reorder-top-of-block"));
    try {
      return await astriaHeight(w, "a reordered Astria top-of-block (every sequencer: reorder-top-of-block)", 2);
    } finally {
      w.sequencers.forEach((s, i) => (s.service.fault = was[i]));
    }
  },
  async check(w, heights) {
    const h = heights[heights.length - 1];
    const slasher = w.fernet.astriaSlasher!.contract;
    const [slashed, mismatch] = await Promise.all([slasher.queryFilter(slasher.filters.Slashed(h), from(w)), slasher.queryFilter(slasher.filters.TxMismatchProven(h), from(w))]);
    if (slashed.length !== 1 || slashed[0].args.offence !== OFFENCE_TX_MISMATCH || mismatch.length !== 1) return { ok: false, fact: `height ${h}: ${slashed.length} Slashed, ${mismatch.length} TxMismatchProven` };
    const e = slashed[0].args;
    const m = mismatch[0].args;
    return { ok: true, fact: `TxMismatchProven(${h}, ${w.name(e.sequencer)}: L2 tx ${m.l2Index} is not Astria ${m.astriaHeight}/${m.astriaIndex}); Slashed ${fnt(e.amount)}, bounty ${fnt(e.bounty)} to ${w.name(e.reporter)}` };
  },
};

/** The stories by name. */
export const STORIES: Readonly<Record<StoryName, Story>> = {
  happy,
  "no-proposal": noProposal,
  "withheld-proof": withheldProof,
  "missed-reveal": missedReveal,
  "upgrade-signal": upgradeSignal,
  "astria-preconfirmed": astriaPreconfirmed,
  "astria-reorder": astriaReorder,
};

/** Turns the services' log entries into timeline sentences. */
export function narrator(w: DemoWorld): (e: Entry) => Promise<string | null | undefined> {
  return async (e) => {
    const f = e.fields as Record<string, unknown>;
    const h = typeof f.height === "bigint" ? f.height : f.height === undefined ? undefined : BigInt(String(f.height));
    switch (e.msg) {
      case "proposed": {
        const score = await w.fernet.rollup.score(h!, w.sequencers.find((s) => s.name === e.service)!.address);
        const signal = w.sequencers.find((s) => s.name === e.service)!.service.signal;
        return `proposed ${f.txs} txs: rank ${f.rank} of ${f.of} eligible, score ${short(`0x${score.toString(16).padStart(64, "0")}`)}${signal === ethers.ZeroHash ? "" : `, signalling ${short(signal)}`}`;
      }
      case "quote-signed":
        return `signed ${w.name(String(f.prover))}'s quote: bond ${fnt(BigInt(String(f.bond)))}, prover share ${Number(f.proverRewardBps) / 100}% (quote status: ${f.status})`;
      case "revealed":
        return "revealed the block data (calldata)";
      case "committed":
        return `committed to prove, bond ${fnt(BigInt(String(f.bond)))} locked`;
      case "proved": {
        const list = w.farmStats.get(w.provers.find((p) => p.name === e.service)?.address ?? "") ?? [];
        const s = list[list.length - 1];
        return s ? `proved on the farm: ${s.jobs} jobs, ${s.attempts} attempts, ${s.retries} retries, ${Math.round(s.wallMs)} ms on ${Object.keys(s.byWorker).length} worker(s)` : "proved";
      }
      case "submitted":
        return "submitted the proof";
      case "backup-submitted":
        return "proved a backup block on the farm and submitted it";
      case "deposited":
        return `deposited ${fnt(BigInt(String(f.amount)))} into its escrow`;
      case "acted":
        if (f.action === "submitHeader") return null; // one relayed Astria header per tick: routine
        return f.action === "poke" ? "took the round's randomness snapshot (poke)" : `${f.action}(${h}) for the bounty`;
      case "astria-top":
        return `its block opens with the Astria top-of-block: ${f.txs} txs from Astria blocks [${f.astriaStart}, ${f.astriaEnd})`;
      case "binding-posted":
        return `posted its Astria binding: blocks [${f.astriaStart}, ${f.astriaEnd}), ${f.entries} entries`;
      case "astria-bonded":
        return `bonded ${fnt(BigInt(String(f.amount)))} with the Astria slasher (effective from ${f.effectiveFrom})`;
      case "astria-evidence":
        return `found Astria evidence against height ${h}: ${f.action}`;
      case "fault-reorder-top-of-block":
        return "FAULT reorder-top-of-block: carries the Astria txs in another order than its binding promises";
      case "fault-double-binding":
        return "FAULT double-binding: signs a second binding for the height";
      case "fault-never-propose":
        return `FAULT never-propose: stays silent although it ranks ${f.rank}`;
      case "fault-never-reveal":
        return "FAULT never-reveal: keeps its block data";
      case "fault-withhold-proof":
        return "FAULT withhold-proof: proved but does not submit";
      case "block-lost":
        return `its block for height ${h} lost; ${f.txs} txs go back to the pool`;
      default:
        return undefined;
    }
  };
}

/** DEMO_STORIES as a list of known stories. */
export function storiesOption(env: NodeJS.ProcessEnv): StoryName[] {
  const raw = env.DEMO_STORIES;
  if (raw === undefined || raw.trim() === "") return [...STORY_NAMES];
  const names = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const n of names) {
    if (!(STORY_NAMES as readonly string[]).includes(n)) throw new DeployInputError("DEMO_STORIES", `"${n}" is not a story`, `Choose from ${STORY_NAMES.join(", ")}.`);
  }
  if (names.length === 0) throw new DeployInputError("DEMO_STORIES", "no story named", `Choose from ${STORY_NAMES.join(", ")}.`);
  return names as StoryName[];
}
