import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { blockHash } from "../../sdk/src/hashing";
import {
  EMPTY_ROOT,
  absenceProof,
  astriaTxProof,
  buildAstriaBlock,
  entriesRoot,
  entryProof,
  l2TxHash,
  l2TxProof,
  requiredInRange,
  rollupLeafHash,
  rollupLeafProof,
  rollupTxsRoot,
  shapeWitness,
  type Entry,
} from "../../sdk/src/astria";
import { buildHeader } from "../../sdk/src/hashing";
import { ASTRIA_CHAIN_ID, OTHER_ROLLUPS, ROLLUP_ID } from "./helpers/world";
import type { AstriaEvidenceHarness } from "../../typechain-types";

const [LOW, HIGH] = OTHER_ROLLUPS;

/** The rollup's `BlockRecord`, as the harness takes it. */
type BlockRecord = Parameters<AstriaEvidenceHarness["checkAbandoned"]>[1];

async function fixture() {
  const harness = await ethers.deployContract("AstriaEvidenceHarness");
  // The slasher's interface decodes the library's errors (they are the slasher's).
  const errors = await ethers.getContractAt("IAstriaSlasher", await harness.getAddress());
  return { harness, errors };
}

/** A neighbour of `isGap`: key, index, size. */
const n = (key: bigint, index: bigint, size: bigint) => ({ key, index, size });

/** Reference model of a sorted list's absence proof: the same four shapes, from the list itself. */
function gapModel(list: readonly bigint[], key: bigint, picks: readonly number[]): boolean {
  if (list.includes(key)) return false;
  if (picks.length === 0) return list.length === 0;
  if (picks.length === 1) {
    const i = picks[0];
    return (i === 0 && list[i] > key) || (i === list.length - 1 && list[i] < key);
  }
  if (picks.length === 2) {
    const [i, j] = picks;
    return j === i + 1 && list[i] < key && key < list[j];
  }
  return false;
}

/** Entries at the given Astria heights, one tx each, offsets adding up. */
function entriesAt(heights: readonly bigint[]): Entry[] {
  return heights.map((astriaHeight, i) => ({
    astriaHeight,
    rollupTxsRoot: rollupTxsRoot([ethers.hexlify(toUtf8Bytes(`tx ${astriaHeight}`))]),
    txCount: 1n,
    offset: BigInt(i),
  }));
}

describe("AstriaEvidenceLib", () => {
  describe("isGap (absence in a sorted list: rollup leaves and binding entries alike)", () => {
    it("takes an empty list without neighbours, and nothing else without neighbours", async () => {
      const { harness } = await loadFixture(fixture);
      expect(await harness.isGap(5n, [], true)).to.equal(true);
      expect(await harness.isGap(5n, [], false)).to.equal(false);
    });

    it("takes the first element above the key and the last element below it", async () => {
      const { harness } = await loadFixture(fixture);
      expect(await harness.isGap(5n, [n(7n, 0n, 3n)], false)).to.equal(true);
      expect(await harness.isGap(5n, [n(3n, 2n, 3n)], false)).to.equal(true);
      // A one-element list: its only element is both first and last.
      expect(await harness.isGap(5n, [n(3n, 0n, 1n)], false)).to.equal(true);
      expect(await harness.isGap(5n, [n(7n, 0n, 1n)], false)).to.equal(true);
    });

    it("refuses a single element that is neither first-and-above nor last-and-below", async () => {
      const { harness } = await loadFixture(fixture);
      expect(await harness.isGap(5n, [n(3n, 0n, 3n)], false)).to.equal(false); // first, but below
      expect(await harness.isGap(5n, [n(7n, 2n, 3n)], false)).to.equal(false); // last, but above
      expect(await harness.isGap(5n, [n(7n, 1n, 3n)], false)).to.equal(false); // in the middle
      expect(await harness.isGap(5n, [n(5n, 0n, 1n)], false)).to.equal(false); // the key itself
    });

    it("takes two adjacent elements around the key, and refuses any other pair", async () => {
      const { harness } = await loadFixture(fixture);
      expect(await harness.isGap(5n, [n(3n, 1n, 4n), n(7n, 2n, 4n)], false)).to.equal(true);
      expect(await harness.isGap(5n, [n(3n, 0n, 4n), n(7n, 2n, 4n)], false)).to.equal(false); // not adjacent
      expect(await harness.isGap(5n, [n(7n, 2n, 4n), n(3n, 1n, 4n)], false)).to.equal(false); // wrong order
      expect(await harness.isGap(5n, [n(3n, 1n, 4n), n(4n, 2n, 4n)], false)).to.equal(false); // both below
      expect(await harness.isGap(5n, [n(6n, 1n, 4n), n(7n, 2n, 4n)], false)).to.equal(false); // both above
      expect(await harness.isGap(5n, [n(3n, 1n, 4n), n(7n, 2n, 5n)], false)).to.equal(false); // two sizes
    });

    it("refuses three or more neighbours", async () => {
      const { harness } = await loadFixture(fixture);
      const around = [n(3n, 1n, 4n), n(7n, 2n, 4n), n(9n, 3n, 4n)];
      expect(await harness.isGap(5n, around, false)).to.equal(false);
    });

    it("agrees with a reference model on random sorted lists, keys and picked neighbours", async () => {
      const { harness } = await loadFixture(fixture);
      const listArb = fc.uniqueArray(fc.bigInt({ min: 0n, max: 40n }), { maxLength: 6 }).map((l) => [...l].sort((a, b) => (a < b ? -1 : 1)));
      await fc.assert(
        fc.asyncProperty(
          listArb,
          fc.bigInt({ min: 0n, max: 41n }),
          fc.array(fc.nat({ max: 5 }), { maxLength: 3 }),
          async (list, key, rawPicks) => {
            const picks = rawPicks.filter((i) => i < list.length);
            const size = BigInt(list.length);
            const around = picks.map((i) => n(list[i], BigInt(i), size));
            expect(await harness.isGap(key, around, list.length === 0)).to.equal(gapModel(list, key, picks));
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  describe("entries of a posted binding", () => {
    const entries = entriesAt([2n, 5n, 9n]);
    const root = entriesRoot(entries);

    it("checkEntry takes each entry at its index and refuses a changed one", async () => {
      const { harness, errors } = await loadFixture(fixture);
      for (let i = 0; i < entries.length; i++) {
        await expect(harness.checkEntry(7n, root, 3n, entryProof(entries, i))).not.to.be.reverted;
      }
      const p = entryProof(entries, 1);
      await expect(harness.checkEntry(7n, root, 3n, { ...p, entry: { ...p.entry, txCount: 2n } }))
        .to.be.revertedWithCustomError(errors, "Astria__InvalidEntryProof")
        .withArgs(7n, 1n);
      // A count of another depth: the proof no longer has the tree's length.
      await expect(harness.checkEntry(7n, root, 5n, p))
        .to.be.revertedWithCustomError(errors, "Astria__InvalidEntryProof")
        .withArgs(7n, 1n);
    });

    it("checkNoEntry proves a height without entry (none, first, last, between) and refuses its own entry", async () => {
      const { harness, errors } = await loadFixture(fixture);
      const [a, b, c] = [0, 1, 2].map((i) => entryProof(entries, i));
      await expect(harness.checkNoEntry(7n, ZeroHash, 0n, 4n, [])).not.to.be.reverted;
      await expect(harness.checkNoEntry(7n, root, 3n, 1n, [a])).not.to.be.reverted;
      await expect(harness.checkNoEntry(7n, root, 3n, 10n, [c])).not.to.be.reverted;
      await expect(harness.checkNoEntry(7n, root, 3n, 4n, [a, b])).not.to.be.reverted;
      await expect(harness.checkNoEntry(7n, root, 3n, 6n, [b, c])).not.to.be.reverted;
      await expect(harness.checkNoEntry(7n, root, 3n, 5n, [a, b]))
        .to.be.revertedWithCustomError(errors, "Astria__EntryExists")
        .withArgs(5n, 1n);
      await expect(harness.checkNoEntry(7n, root, 3n, 4n, [a, c]))
        .to.be.revertedWithCustomError(errors, "Astria__NotBracketed")
        .withArgs(4n);
      await expect(harness.checkNoEntry(7n, root, 3n, 4n, []))
        .to.be.revertedWithCustomError(errors, "Astria__NotBracketed")
        .withArgs(4n);
    });
  });

  describe("Astria's rollup tree", () => {
    const block = buildAstriaBlock({
      chainId: ASTRIA_CHAIN_ID,
      height: 3n,
      time: 1_700_000_000n,
      proposerAddress: "0x" + "0c".repeat(20),
      rollups: [
        { rollupId: LOW, txs: ["0x01"] },
        { rollupId: ROLLUP_ID, txs: ["0xaa", "0xbb", "0xcc"] },
      ],
    });
    const without = buildAstriaBlock({
      chainId: ASTRIA_CHAIN_ID,
      height: 4n,
      time: 1_700_000_001n,
      proposerAddress: "0x" + "0c".repeat(20),
      rollups: [
        { rollupId: LOW, txs: ["0x01"] },
        { rollupId: HIGH, txs: ["0x02"] },
      ],
    });
    const root = block.header.rollupTransactionsRoot;

    it("checkPresent takes this rollup's leaf with txs and refuses another rollup's, or a wrong proof", async () => {
      const { harness, errors } = await loadFixture(fixture);
      const leaf = rollupLeafProof(block, ROLLUP_ID);
      await expect(harness.checkPresent(root, ROLLUP_ID, 3n, leaf)).not.to.be.reverted;
      await expect(harness.checkPresent(root, ROLLUP_ID, 3n, rollupLeafProof(block, LOW)))
        .to.be.revertedWithCustomError(errors, "Astria__WrongRollupId")
        .withArgs(ROLLUP_ID, LOW);
      await expect(harness.checkPresent(ZeroHash, ROLLUP_ID, 3n, leaf))
        .to.be.revertedWithCustomError(errors, "Astria__InvalidRollupProof")
        .withArgs(3n);
    });

    it("checkPresent refuses a leaf whose tx tree is empty", async () => {
      const { harness, errors } = await loadFixture(fixture);
      // A one-leaf tree: the leaf hash is the root, no proof needed.
      const emptyLeafRoot = rollupLeafHash(ROLLUP_ID, EMPTY_ROOT);
      const leaf = { rollupId: ROLLUP_ID, txsRoot: EMPTY_ROOT, index: 0n, treeSize: 1n, proof: [] };
      await expect(harness.checkPresent(emptyLeafRoot, ROLLUP_ID, 8n, leaf))
        .to.be.revertedWithCustomError(errors, "Astria__RollupHasNoTxs")
        .withArgs(8n);
    });

    it("checkRollupAbsent proves absence by the same algorithm and refuses the rollup's own leaf", async () => {
      const { harness, errors } = await loadFixture(fixture);
      const r = without.header.rollupTransactionsRoot;
      await expect(harness.checkRollupAbsent(r, ROLLUP_ID, 4n, absenceProof(without, ROLLUP_ID))).not.to.be.reverted;
      await expect(harness.checkRollupAbsent(EMPTY_ROOT, ROLLUP_ID, 4n, [])).not.to.be.reverted;
      await expect(harness.checkRollupAbsent(root, ROLLUP_ID, 3n, [rollupLeafProof(block, ROLLUP_ID)]))
        .to.be.revertedWithCustomError(errors, "Astria__RollupPresent")
        .withArgs(3n);
      await expect(harness.checkRollupAbsent(r, ROLLUP_ID, 4n, absenceProof(without, ROLLUP_ID).slice(0, 1)))
        .to.be.revertedWithCustomError(errors, "Astria__AbsenceNotProven")
        .withArgs(4n);
    });
  });

  describe("txs", () => {
    const block = buildAstriaBlock({
      chainId: ASTRIA_CHAIN_ID,
      height: 3n,
      time: 1_700_000_000n,
      proposerAddress: "0x" + "0c".repeat(20),
      rollups: [{ rollupId: ROLLUP_ID, txs: ["0xaa", "0xbb", "0xcc"] }],
    });
    const honest: Entry = { astriaHeight: 3n, rollupTxsRoot: rollupTxsRoot(["0xaa", "0xbb", "0xcc"]), txCount: 3n, offset: 0n };

    it("checkCountMismatch proves a count that does not fit the root, and refuses a consistent one", async () => {
      const { harness, errors } = await loadFixture(fixture);
      const witness = shapeWitness(3, 2)!;
      await expect(harness.checkCountMismatch({ ...honest, txCount: 2n }, astriaTxProof(block, ROLLUP_ID, witness), 3n)).not.to.be.reverted;
      await expect(harness.checkCountMismatch(honest, astriaTxProof(block, ROLLUP_ID, 1), 3n))
        .to.be.revertedWithCustomError(errors, "Astria__CountConsistent")
        .withArgs(3n, 1n, 3n);
      await expect(harness.checkCountMismatch(honest, { ...astriaTxProof(block, ROLLUP_ID, 1), index: 0n }, 3n))
        .to.be.revertedWithCustomError(errors, "Astria__InvalidAstriaTxProof")
        .withArgs(3n, 0n);
    });

    it("l2TxAt reads a leaf of the won block, zero past its end, and refuses another header or a wrong proof", async () => {
      const { harness, errors } = await loadFixture(fixture);
      const txHashes = ["0xaa", "0xbb"].map(l2TxHash);
      const header = buildHeader({
        height: 3n,
        parentArchive: ZeroHash,
        archive: keccak256(toUtf8Bytes("archive")),
        txHashes,
        data: "0x",
      });
      const won = blockHash(header);
      expect(await harness.l2TxAt(3n, won, 1n, l2TxProof(header, txHashes, 1))).to.equal(txHashes[1]);
      expect(await harness.l2TxAt(3n, won, 2n, l2TxProof(header, txHashes, 1))).to.equal(ZeroHash);
      await expect(harness.l2TxAt(3n, ZeroHash, 1n, l2TxProof(header, txHashes, 1)))
        .to.be.revertedWithCustomError(errors, "Astria__HeaderMismatch")
        .withArgs(3n, ZeroHash, won);
      await expect(harness.l2TxAt(3n, won, 0n, l2TxProof(header, txHashes, 1)))
        .to.be.revertedWithCustomError(errors, "Astria__InvalidL2TxProof")
        .withArgs(3n, 0n);
    });
  });

  describe("checkAbandoned (a height the winner let fall into backup)", () => {
    enum Finalization {
      None,
      Proven,
      Backup,
    }
    const PROVER = ethers.getAddress("0x" + "0b".repeat(20));

    /** A `BlockRecord` with every field zero (built from the ABI, whatever fields it has) but `fields`. */
    async function record(fields: Record<string, unknown>): Promise<BlockRecord> {
      const { harness } = await loadFixture(fixture);
      const param = harness.interface.getFunction("checkAbandoned")!.inputs[1];
      const zero = (type: string): unknown =>
        type === "address" ? ethers.ZeroAddress : type === "bool" ? false : type.startsWith("bytes") ? ZeroHash : 0n;
      return { ...Object.fromEntries(param.components!.map((c) => [c.name, zero(c.type)])), ...fields } as BlockRecord;
    }

    it("takes a backup height without commitment, or with a commitment but no reveal", async () => {
      const { harness } = await loadFixture(fixture);
      const proposer = "0x" + "0a".repeat(20);
      await expect(harness.checkAbandoned(3n, await record({ proposer, finalization: Finalization.Backup }))).not.to.be
        .reverted;
      await expect(
        harness.checkAbandoned(3n, await record({ proposer, prover: PROVER, finalization: Finalization.Backup })),
      ).not.to.be.reverted;
    });

    it("refuses a height that did not end in backup, and one whose prover missed after the reveal", async () => {
      const { harness, errors } = await loadFixture(fixture);
      for (const finalization of [Finalization.None, Finalization.Proven]) {
        await expect(harness.checkAbandoned(3n, await record({ finalization })))
          .to.be.revertedWithCustomError(errors, "Astria__NotEndedInBackup")
          .withArgs(3n, finalization);
      }
      const missed = await record({ prover: PROVER, revealed: true, finalization: Finalization.Backup });
      await expect(harness.checkAbandoned(3n, missed))
        .to.be.revertedWithCustomError(errors, "Astria__ProverMissedProof")
        .withArgs(3n, PROVER);
    });
  });

  describe("checkRequired (rule b against the round start)", () => {
    it("requires a block exactly `margin` before the round start, and not one second later", async () => {
      const { harness, errors } = await loadFixture(fixture);
      await expect(harness.checkRequired(9n, 995n, 5n, 1_000n)).not.to.be.reverted;
      await expect(harness.checkRequired(9n, 996n, 5n, 1_000n))
        .to.be.revertedWithCustomError(errors, "Astria__NotYetRequired")
        .withArgs(9n, 996n, 1_000n);
    });

    it("agrees with the SDK's requiredInRange on random times, margins and round starts", async () => {
      const { harness } = await loadFixture(fixture);
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 0n, max: 2n ** 40n }),
          fc.bigInt({ min: 0n, max: 60n }),
          fc.bigInt({ min: -70n, max: 70n }),
          async (roundStart, margin, offset) => {
            const time = roundStart + offset < 0n ? 0n : roundStart + offset;
            let required = true;
            try {
              await harness.checkRequired(9n, time, margin, roundStart);
            } catch {
              required = false;
            }
            expect(required).to.equal(requiredInRange(time, roundStart, margin));
          },
        ),
        { numRuns: 40 },
      );
    });

    it("does not overflow for the largest Astria time", async () => {
      const { harness, errors } = await loadFixture(fixture);
      const max = 2n ** 64n - 1n;
      await expect(harness.checkRequired(9n, max, 5n, 1_000n))
        .to.be.revertedWithCustomError(errors, "Astria__NotYetRequired")
        .withArgs(9n, max, 1_000n);
    });
  });
});
