/**
 * The attack of the first outside review: a party that holds one key in eight and is the prover and
 * submitter of every round times its own finalizations to choose the seeds ahead. With seeds taken
 * from the RANDAO of the finalizing block it picked among every block of the proving window and won
 * most heights; with the randomness snapshot in a slot fixed at round start it can only pick among
 * values it can't see, and must win its fair share.
 *
 * The L1 is modelled block by block: one block per 12-second slot, each with a fresh RANDAO drawn
 * from a seeded generator that the attacker does not read; it learns a block's RANDAO only by
 * executing in it (as an L1 searcher simulating against the next block would). An honest watcher
 * pokes the snapshot in the first block of its slot.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { keccak256, toBeHex, toUtf8Bytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { buildHeader, scoreOf, type Header } from "../../sdk/src/hashing";
import { deployWorld, makeQuote, proofFor, type World } from "../helpers/rollup";

const HEIGHTS = Number(process.env.GRINDING_HEIGHTS ?? 200);
const KEYS = 8;
const SLOT = 12n;

/** The L1: sets each block's timestamp and RANDAO before it is mined. */
class L1 {
  private state: bigint;
  last = 0n;

  constructor(seed: string) {
    this.state = BigInt(keccak256(toUtf8Bytes(seed)));
  }

  /** A fresh RANDAO for the next block (the attacker never reads this generator). */
  private draw(): string {
    this.state = BigInt(keccak256(toBeHex(this.state, 32)));
    return toBeHex(this.state, 32);
  }

  /** Pins the next block at `at` (or one second after the last) with RANDAO `randao` (fresh if absent). */
  async next(at?: bigint, randao?: string): Promise<{ at: bigint; randao: string }> {
    const t = at !== undefined && at > this.last ? at : this.last + 1n;
    const r = randao ?? this.draw();
    await network.provider.send("evm_setNextBlockTimestamp", [Number(t)]);
    await network.provider.send("hardhat_setPrevRandao", [r]);
    this.last = t;
    return { at: t, randao: r };
  }
}

/** Chi-squared statistic of `wins` of `n` against a share `p`, one degree of freedom. */
function chiSquared(wins: number, n: number, p: number): number {
  const e1 = n * p;
  const e0 = n - e1;
  return (wins - e1) ** 2 / e1 + (n - wins - e0) ** 2 / e0;
}
/** The 1% critical value of the chi-squared distribution with one degree of freedom. */
const CHI2_1DOF_P01 = 6.635;

describe("Seed grinding by a self-proving sequencer (first review, defect 1)", function () {
  this.timeout(20 * 60_000);

  it(`gives a key holding 1/${KEYS} of the stake, which proves and times every finalization, its fair share of ${HEIGHTS} heights (chi-squared, p > 0.01)`, async () => {
    // A long proving window gives the finalizer many blocks to choose from (10 slots here).
    const w: World = await deployWorld({ sequencerCount: KEYS, rollup: { provingDuration: 120n } });
    const attacker = w.sequencers[0];
    const prover = w.provers[0]; // the attacker's prover: it proves every round and sends every proof
    const watcher = w.stranger;
    const L = w.cfg.lookahead;
    const l1 = new L1("fernet seed-grinding L1");
    l1.last = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const keys = w.sequencers.map((s) => s.address);
    const canPoke = typeof (w.rollup as unknown as { poke?: unknown }).poke === "function";

    /** The leader of `height` by the rollup's seed, or undefined while the seed is not known. */
    const leaderOf = async (height: bigint): Promise<string | undefined> => {
      let seed: string;
      try {
        seed = await w.rollup.seed(height);
      } catch {
        return undefined;
      }
      let best = keys[0];
      for (const k of keys) if (scoreOf(seed, k) > scoreOf(seed, best)) best = k;
      return best;
    };
    /** Heights ahead whose known seed makes the attacker lead: what a grinding finalizer maximises. */
    const attackerLeadsAhead = async (from: bigint): Promise<number> => {
      let n = 0;
      for (let h = from; h <= from + L; h++) if ((await leaderOf(h)) === attacker.address) n++;
      return n;
    };

    let wins = 0;
    for (let height = 1n; height <= BigInt(HEIGHTS); height++) {
      const s = await w.rollup.getHeightState(height);
      const leaderAddress = (await leaderOf(height))!;
      const leader = w.sequencers.find((x) => x.address === leaderAddress) as HardhatEthersSigner;
      if (leaderAddress === attacker.address) wins++;
      const txHashes = [keccak256(toUtf8Bytes(`tx ${height}`))];
      const data = toBeHex(height, 32);
      const header: Header = buildHeader({
        height,
        parentArchive: await w.rollup.archive(),
        archive: keccak256(toUtf8Bytes(`archive ${height}`)),
        txHashes,
        data,
      });
      await l1.next(s.roundStart);
      await w.rollup.connect(leader).propose(header);
      // The snapshot slot opens at the proposal deadline: the honest watcher pokes in its first block.
      await l1.next(s.proposalDeadline);
      if (canPoke) await w.rollup.connect(watcher).poke();
      else await network.provider.send("evm_mine");
      await l1.next();
      const { quote, signature } = await makeQuote(w, leader, header, prover.address);
      await w.rollup.connect(prover).commitProver(quote, signature);
      await l1.next();
      await w.rollup.connect(leader).reveal(height, data);
      const proof = await proofFor(w, header, prover.address);

      // The attacker tries every slot it may finalize in and keeps the one that makes it lead most
      // heights ahead (the earliest on a tie).
      let best: { at: bigint; randao: string; score: number } | undefined;
      for (let t = l1.last + 1n; t < s.provingDeadline; t += SLOT) {
        const snapshot = await network.provider.send("evm_snapshot", []);
        const saved = l1.last;
        const slot = await l1.next(t);
        let score = -1;
        try {
          await w.rollup.connect(prover).submitProof(header, proof);
          score = await attackerLeadsAhead(height + 1n);
        } catch {
          score = -1; // not accepted in this slot
        }
        await network.provider.send("evm_revert", [snapshot]);
        l1.last = saved;
        if (score >= 0 && (!best || score > best.score)) best = { ...slot, score };
      }
      expect(best, `no slot accepted the proof of height ${height}`).to.not.equal(undefined);
      await l1.next(best!.at, best!.randao);
      await w.rollup.connect(prover).submitProof(header, proof);
    }

    const share = 1 / KEYS;
    const chi2 = chiSquared(wins, HEIGHTS, share);
    console.log(
      `      attacker led ${wins} of ${HEIGHTS} heights (fair share ${(HEIGHTS * share).toFixed(1)}), chi-squared ${chi2.toFixed(2)}`,
    );
    expect(chi2, `attacker led ${wins} of ${HEIGHTS} heights`).to.be.lessThan(CHI2_1DOF_P01);
  });
});
