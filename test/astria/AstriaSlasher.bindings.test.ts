import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, toUtf8Bytes } from "ethers";
import { blockHash } from "../../sdk/src/hashing";
import { bindingDigest, bindingDomain, entriesRoot, type Binding, type Entry } from "../../sdk/src/astria";
import {
  OTHER_ROLLUPS,
  astriaBlock,
  backupRound,
  commitRevealProve,
  deployWorld,
  finalizeRound,
  postBinding,
  propose,
  relay,
  rollupTxs,
  sign,
  signedBinding,
  toProposalDeadline,
  toRevealDeadline,
  top,
  withEntries,
  type World,
  type WorldOptions,
  load,
} from "./helpers/world";

const OWN_TX = keccak256(toUtf8Bytes("sequencer's own tx"));

/** Heights 1 and 2 finalized; Astria blocks 1-6 final in the light client (2 and 5 without our txs). */
async function ready(options: WorldOptions = {}) {
  const w = await deployWorld(options);
  const t0 = BigInt(await time.latest());
  const ours = [2, 0, 3, 1, 0, 2];
  for (let i = 0; i < ours.length; i++) {
    const h = BigInt(i + 1);
    await relay(w, astriaBlock(w, h, t0 + h, rollupTxs(`a${h}`, ours[i]), [{ rollupId: OTHER_ROLLUPS[0], txs: ["0x01"] }]));
  }
  await finalizeRound(w, w.seqA, 1n);
  await finalizeRound(w, w.seqA, 2n);
  return w;
}

/** seqA proposed height 3 with the top-of-block of Astria [1, 4); the window is open. */
async function proposed() {
  const w = await ready();
  const t = top(w, 1n, 4n);
  await propose(w, w.seqA, 3n, [...t.txHashes, OWN_TX]);
  await toProposalDeadline(w, 3n);
  return { ...w, t };
}

function tuple(b: Binding): unknown[] {
  return [b.l2Height, b.blockHash, b.astriaStart, b.astriaEnd, b.entryCount, b.entriesRoot];
}

function entryTuples(entries: Entry[]): unknown[] {
  return entries.map((e) => [e.astriaHeight, e.rollupTxsRoot, e.txCount, e.offset]);
}

/** As {@link proposed}, with a slasher whose cursor starts at Astria 100, beyond the light client. */
async function proposedAheadOfLightClient() {
  const w = await ready({ slasher: { astriaStartHeight: 100n } });
  await propose(w, w.seqA, 3n, [OWN_TX]);
  await toProposalDeadline(w, 3n);
  return w;
}

/** Posts `b` with `entries`, signed by `w.seqA`. */
async function post(w: World, b: Binding, entries: Entry[]) {
  return w.slasher.postBinding(b, entries, await sign(w, w.seqA, b));
}

describe("AstriaSlasher: bindings", () => {
  describe("postBinding", () => {
    it("posts the winner's binding in the window, publishing entries and signature, and records the cursor", async () => {
      const w = await load(proposed);
      const { binding, entries, signature } = await signedBinding(w, w.seqA, 3n, w.t);
      const digest = bindingDigest(bindingDomain(w.chainId, await w.slasher.getAddress()), binding);
      expect(await w.slasher.bindingDigest(binding)).to.equal(digest);
      await expect(w.slasher.connect(w.stranger).postBinding(binding, entries, signature))
        .to.emit(w.slasher, "BindingPosted")
        .withArgs(3n, w.seqA.address, digest, 1n, tuple(binding), entryTuples(entries), signature);
      const r = await w.slasher.bindingAt(3n);
      expect([r.posted, r.slashed, r.astriaStart, r.astriaEnd, r.expectedAstriaStart, r.entryCount]).to.deep.equal([
        true,
        false,
        1n,
        4n,
        1n,
        2n,
      ]);
      expect(r.entriesRoot).to.equal(entriesRoot(entries));
      expect(await w.slasher.lastBoundHeight()).to.equal(3n);
    });

    it("takes a binding until one second before the reveal deadline, even if the round fell into backup", async () => {
      const w = await load(proposed);
      // Nobody commits: backup (no commitment) from the commitment deadline, but the window stays open.
      const s = await w.rollup.getHeightState(3n);
      await time.setNextBlockTimestamp(s.revealDeadline - 1n);
      const { binding, entries, signature } = await signedBinding(w, w.seqA, 3n, w.t);
      await expect(w.slasher.postBinding(binding, entries, signature)).to.emit(w.slasher, "BindingPosted");
    });

    it("refuses during the proposal phase, when the winner is not settled", async () => {
      const w = await load(ready);
      const t = top(w, 1n, 4n);
      await propose(w, w.seqA, 3n, t.txHashes);
      const s = await w.rollup.getHeightState(3n);
      const { binding, entries, signature } = await signedBinding(w, w.seqA, 3n, t);
      await time.setNextBlockTimestamp(s.proposalDeadline - 1n);
      await expect(w.slasher.postBinding(binding, entries, signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BindingWindowClosed")
        .withArgs(3n, s.proposalDeadline, s.revealDeadline, s.proposalDeadline - 1n);
    });

    it("refuses at the reveal deadline", async () => {
      const w = await load(proposed);
      const s = await w.rollup.getHeightState(3n);
      const { binding, entries, signature } = await signedBinding(w, w.seqA, 3n, w.t);
      await time.setNextBlockTimestamp(s.revealDeadline);
      await expect(w.slasher.postBinding(binding, entries, signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BindingWindowClosed")
        .withArgs(3n, s.proposalDeadline, s.revealDeadline, s.revealDeadline);
    });

    it("refuses a height that is not pending yet", async () => {
      const w = await load(proposed);
      const b = { ...(await signedBinding(w, w.seqA, 3n, w.t)).binding, l2Height: 4n };
      const signature = await sign(w, w.seqA, b);
      const t = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(t);
      await expect(w.slasher.postBinding(b, w.t.entries, signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BindingWindowClosed")
        .withArgs(4n, 0n, 0n, t);
    });

    it("refuses a finalized height, even before its reveal deadline", async () => {
      const w = await load(proposed);
      const signed = await signedBinding(w, w.seqA, 3n, w.t);
      await commitRevealProve(w, 3n);
      expect((await w.rollup.getHeightState(3n)).revealDeadline).to.be.greaterThan(BigInt(await time.latest()));
      await expect(w.slasher.postBinding(signed.binding, signed.entries, signed.signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__HeightFinalized")
        .withArgs(3n);
    });

    it("refuses a binding not signed by the winner (a forged signature)", async () => {
      const w = await load(proposed);
      const { binding, entries } = await signedBinding(w, w.seqA, 3n, w.t);
      const forged = await sign(w, w.stranger, binding);
      await expect(w.slasher.postBinding(binding, entries, forged))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotWinner")
        .withArgs(3n, w.stranger.address, w.seqA.address);
    });

    it("refuses the binding of an outbid sequencer", async () => {
      const w = await load(ready);
      const t = top(w, 1n, 4n);
      const [first, second] =
        (await w.rollup.score(3n, w.seqA.address)) < (await w.rollup.score(3n, w.seqB.address))
          ? [w.seqA, w.seqB]
          : [w.seqB, w.seqA];
      await propose(w, first, 3n, t.txHashes);
      const outbid = await signedBinding(w, first, 3n, t);
      await propose(w, second, 3n, [...t.txHashes, OWN_TX]);
      await toProposalDeadline(w, 3n);
      await expect(w.slasher.postBinding(outbid.binding, outbid.entries, outbid.signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotWinner")
        .withArgs(3n, first.address, second.address);
    });

    it("refuses a binding for another block than the winning one", async () => {
      const w = await load(proposed);
      const won = blockHash(w.headers.get(3n)!.header);
      const other = keccak256(toUtf8Bytes("another block"));
      const { binding } = await signedBinding(w, w.seqA, 3n, w.t, { blockHash: other });
      await expect(post(w, binding, w.t.entries))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BlockHashMismatch")
        .withArgs(3n, won, other);
    });

    it("refuses a winner whose commitment is not in force at the height", async () => {
      const w = await load(ready);
      const t = top(w, 1n, 4n);
      await propose(w, w.seqB, 3n, t.txHashes);
      await toProposalDeadline(w, 3n);
      const { binding, entries, signature } = await signedBinding(w, w.seqB, 3n, t);
      await expect(w.slasher.postBinding(binding, entries, signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__NotInForce")
        .withArgs(w.seqB.address, 3n);
    });

    it("refuses a second binding for the height (a replay or a change of mind)", async () => {
      const w = await load(proposed);
      const signed = await postBinding(w, w.seqA, 3n, w.t);
      await expect(w.slasher.postBinding(signed.binding, signed.entries, signed.signature))
        .to.be.revertedWithCustomError(w.slasher, "Astria__BindingAlreadyPosted")
        .withArgs(3n);
    });

    describe("the range", () => {
      it("refuses a range that does not start at the cursor, before or after it", async () => {
        const w = await load(proposed);
        expect(await w.slasher.expectedAstriaStart()).to.equal(1n);
        for (const astriaStart of [0n, 2n]) {
          const { binding } = await signedBinding(w, w.seqA, 3n, w.t, { astriaStart });
          await expect(post(w, binding, w.t.entries))
            .to.be.revertedWithCustomError(w.slasher, "Astria__WrongAstriaStart")
            .withArgs(1n, astriaStart);
        }
      });

      it("refuses a range that ends before it starts", async () => {
        const w = await load(proposed);
        const { binding } = await signedBinding(w, w.seqA, 3n, w.t, { astriaEnd: 0n });
        await expect(post(w, binding, w.t.entries))
          .to.be.revertedWithCustomError(w.slasher, "Astria__InvalidRange")
          .withArgs(1n, 0n);
      });

      it("refuses a range that ends past the light client's latest final height, up to the largest end", async () => {
        const w = await load(proposed);
        expect(await w.lightClient.latestHeight()).to.equal(6n);
        for (const astriaEnd of [8n, 2n ** 64n - 1n]) {
          const { binding } = await signedBinding(w, w.seqA, 3n, w.t, { astriaEnd });
          await expect(post(w, binding, w.t.entries))
            .to.be.revertedWithCustomError(w.slasher, "Astria__RangeNotFinal")
            .withArgs(astriaEnd, 6n);
        }
      });

      it("accepts a range that ends at the light client's latest final height", async () => {
        const w = await load(proposed);
        const t = top(w, 1n, 7n);
        expect(t.astriaEnd).to.equal((await w.lightClient.latestHeight()) + 1n);
        const { binding, entries, signature } = await signedBinding(w, w.seqA, 3n, t);
        await expect(w.slasher.postBinding(binding, entries, signature)).to.emit(w.slasher, "BindingPosted");
        expect((await w.slasher.bindingAt(3n)).astriaEnd).to.equal(7n);
      });

      it("accepts an empty range at a cursor the light client has not reached, and nothing more", async () => {
        const w = await load(proposedAheadOfLightClient);
        expect(await w.slasher.expectedAstriaStart()).to.equal(100n);
        const empty = { astriaStart: 100n, astriaEnd: 100n, entries: [], txHashes: [] };
        const longer = await signedBinding(w, w.seqA, 3n, { ...empty, astriaEnd: 101n });
        await expect(post(w, longer.binding, []))
          .to.be.revertedWithCustomError(w.slasher, "Astria__RangeNotFinal")
          .withArgs(101n, 6n);
        await postBinding(w, w.seqA, 3n, empty);
        await commitRevealProve(w, 3n);
        expect(await w.slasher.expectedAstriaStart()).to.equal(100n);
      });
    });

    describe("shape of the entries", () => {
      it("refuses more or fewer entries than the binding counts", async () => {
        const w = await load(proposed);
        const { binding } = await signedBinding(w, w.seqA, 3n, w.t);
        await expect(post(w, binding, w.t.entries.slice(0, 1)))
          .to.be.revertedWithCustomError(w.slasher, "Astria__EntryCountMismatch")
          .withArgs(2n, 1n);
      });

      it("refuses entries outside the range or not strictly ascending", async () => {
        const w = await load(proposed);
        const [a, b] = w.t.entries;
        const cases: Array<[Entry[], Partial<Binding>, bigint, bigint]> = [
          [[{ ...a, astriaHeight: 0n }, b], {}, 0n, 0n], // below the start
          [[a, b], { astriaEnd: 3n }, 1n, 3n], // at the end
          [[a, { ...b, astriaHeight: 1n }], {}, 1n, 1n], // repeated height
        ];
        for (const [entries, overrides, index, height] of cases) {
          const { binding } = await signedBinding(w, w.seqA, 3n, withEntries(w.t, entries), overrides);
          await expect(post(w, binding, entries))
            .to.be.revertedWithCustomError(w.slasher, "Astria__EntryOutOfOrder")
            .withArgs(index, height);
        }
      });

      it("refuses an entry without txs", async () => {
        const w = await load(proposed);
        const entries = [{ ...w.t.entries[0], txCount: 0n }, { ...w.t.entries[1], offset: 0n }];
        const { binding } = await signedBinding(w, w.seqA, 3n, withEntries(w.t, entries));
        await expect(post(w, binding, entries))
          .to.be.revertedWithCustomError(w.slasher, "Astria__EmptyEntry")
          .withArgs(0n);
      });

      it("refuses offsets that do not add up from zero", async () => {
        const w = await load(proposed);
        const [a, b] = w.t.entries;
        for (const [entries, index, expected, actual] of [
          [[{ ...a, offset: 1n }, b], 0n, 0n, 1n],
          [[a, { ...b, offset: 3n }], 1n, 2n, 3n],
        ] as Array<[Entry[], bigint, bigint, bigint]>) {
          const { binding } = await signedBinding(w, w.seqA, 3n, withEntries(w.t, entries));
          await expect(post(w, binding, entries))
            .to.be.revertedWithCustomError(w.slasher, "Astria__OffsetMismatch")
            .withArgs(index, expected, actual);
        }
      });

      it("refuses entries that do not hash to the signed root", async () => {
        const w = await load(proposed);
        const { binding } = await signedBinding(w, w.seqA, 3n, w.t);
        const changed = [w.t.entries[0], { ...w.t.entries[1], rollupTxsRoot: keccak256("0x01") }];
        await expect(post(w, binding, changed))
          .to.be.revertedWithCustomError(w.slasher, "Astria__EntriesRootMismatch")
          .withArgs(binding.entriesRoot, entriesRoot(changed));
      });

      it("accepts a range without entries (no Astria block carried rollup txs)", async () => {
        const w = await load(ready);
        const first = top(w, 1n, 2n);
        await propose(w, w.seqA, 3n, [...first.txHashes, OWN_TX]);
        await postBinding(w, w.seqA, 3n, first);
        await commitRevealProve(w, 3n);
        // The cursor is now at Astria 2, which carries no txs of this rollup.
        const t = top(w, 2n, 3n);
        expect(t.entries).to.deep.equal([]);
        await propose(w, w.seqA, 4n, [OWN_TX]);
        await postBinding(w, w.seqA, 4n, t);
        const r = await w.slasher.bindingAt(4n);
        expect([r.astriaStart, r.astriaEnd, r.entryCount, r.entriesRoot]).to.deep.equal([2n, 3n, 0n, ethers.ZeroHash]);
      });
    });
  });

  describe("what the slasher assumes of the rollup", () => {
    it("fixes each height's seed before its round starts (evidence on a posted binding judges in force with the round start)", async () => {
      const w = await load(proposed);
      await postBinding(w, w.seqA, 3n, w.t);
      const s = await w.rollup.getHeightState(3n);
      expect(s.seedKnownAt).to.be.greaterThan(0n);
      expect(s.seedKnownAt).to.be.lessThanOrEqual(s.roundStart);
      await commitRevealProve(w, 3n);
      for (let h = 1n; h <= 4n; h++) {
        const state = await w.rollup.getHeightState(h);
        expect(state.seedKnownAt).to.be.lessThanOrEqual(state.roundStart);
      }
    });
  });

  describe("the Astria cursor (rule b)", () => {
    it("starts the next binding where the last canonical bound range ended", async () => {
      const w = await load(proposed);
      await postBinding(w, w.seqA, 3n, w.t);
      expect(await w.slasher.expectedAstriaStart()).to.equal(1n);
      await commitRevealProve(w, 3n);
      expect(await w.slasher.expectedAstriaStart()).to.equal(4n);
      const t = top(w, 4n, 7n);
      await propose(w, w.seqA, 4n, t.txHashes);
      await postBinding(w, w.seqA, 4n, t);
      expect((await w.slasher.bindingAt(4n)).expectedAstriaStart).to.equal(4n);
    });

    it("lets a bound proposal that ended in backup consume nothing", async () => {
      const w = await load(proposed);
      await postBinding(w, w.seqA, 3n, w.t);
      // No prover commits: height 3 is filled by a backup block.
      await toRevealDeadline(w, 3n);
      await backupRound(w, 3n);
      expect(await w.slasher.expectedAstriaStart()).to.equal(1n);
      await propose(w, w.seqA, 4n, w.t.txHashes);
      await postBinding(w, w.seqA, 4n, w.t);
      expect((await w.slasher.bindingAt(4n)).expectedAstriaStart).to.equal(1n);
      await commitRevealProve(w, 4n);
      // Again after an unbound height: the cursor stays where the last consumed range ended.
      await finalizeRound(w, w.seqB, 5n);
      expect(await w.slasher.expectedAstriaStart()).to.equal(4n);
      await propose(w, w.seqA, 6n, top(w, 4n, 7n).txHashes);
      await postBinding(w, w.seqA, 6n, top(w, 4n, 7n));
      expect((await w.slasher.bindingAt(6n)).expectedAstriaStart).to.equal(4n);
    });
  });
});
