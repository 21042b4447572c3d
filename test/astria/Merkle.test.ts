import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { txProof, txsRoot } from "../../sdk/src/hashing";
import {
  AstriaIndexError,
  EMPTY_ROOT,
  buildAstriaBlock,
  inclusionProof,
  isLeafOfShape,
  leafHash,
  merkleRoot,
  nodeHash,
  rollupLeafHash,
  shapeWitness,
  verifyInclusion,
} from "../../sdk/src/astria";
import vector from "./vectors/astria-block.json";

async function fixture() {
  const harness = await ethers.deployContract("MerkleHarness");
  return { harness };
}

/** `n` distinct leaf hashes. */
function leaves(n: number, tag = "leaf"): string[] {
  return Array.from({ length: n }, (_, i) => leafHash(toUtf8Bytes(`${tag}-${i}`)));
}

describe("Merkle libraries", () => {
  describe("AstriaMerkle and the TypeScript helpers on the hand-built Astria block", () => {
    const [aztec, low, high] = vector.rollups;

    it("derive every per-rollup tx root and proof of the vector", async () => {
      const { harness } = await loadFixture(fixture);
      for (const r of vector.rollups) {
        const hashes = r.txs.map((tx) => leafHash(tx));
        expect(hashes).to.deep.equal(r.txLeafHashes);
        for (let i = 0; i < r.txs.length; i++) {
          expect(await harness.leafHash(r.txs[i])).to.equal(r.txLeafHashes[i]);
        }
        expect(merkleRoot(hashes)).to.equal(r.txsRoot);
        expect(await harness.astriaRoot(hashes)).to.equal(r.txsRoot);
        for (const p of r.txProofs) {
          expect(inclusionProof(hashes, p.index)).to.deep.equal(p.proof);
          expect(verifyInclusion(r.txsRoot, hashes[p.index], p.index, hashes.length, p.proof)).to.equal(true);
          expect(await harness.verify(r.txsRoot, hashes[p.index], p.index, hashes.length, p.proof)).to.equal(true);
        }
      }
      expect(nodeHash(aztec.txLeafHashes[0], aztec.txLeafHashes[1])).to.equal(aztec.node01);
      expect(await harness.nodeHash(aztec.txLeafHashes[0], aztec.txLeafHashes[1])).to.equal(aztec.node01);
    });

    it("derive rollup_transactions_root, rollup_ids_root and data_hash of the vector", async () => {
      const { harness } = await loadFixture(fixture);
      const block = buildAstriaBlock({
        chainId: "astria",
        height: 1n,
        time: 1n,
        proposerAddress: ethers.ZeroAddress,
        rollups: [high, aztec, low].map((r) => ({ rollupId: r.rollupId, txs: r.txs })),
      });
      expect(block.rollups.map((r) => r.rollupId)).to.deep.equal(vector.sortedRollupIds);
      expect(block.rollupLeafHashes).to.deep.equal(vector.rollupLeafHashes);
      expect(block.header.rollupTransactionsRoot).to.equal(vector.rollupTransactionsRoot);
      expect(block.rollupIdsRoot).to.equal(vector.rollupIdsRoot);
      expect(block.header.dataHash).to.equal(vector.dataHash);
      const sorted = [low, aztec, high];
      for (let i = 0; i < sorted.length; i++) {
        expect(await harness.rollupLeafHash(sorted[i].rollupId, sorted[i].txsRoot)).to.equal(vector.rollupLeafHashes[i]);
        expect(rollupLeafHash(sorted[i].rollupId, sorted[i].txsRoot)).to.equal(vector.rollupLeafHashes[i]);
        const p = vector.rollupLeafProofs[i];
        expect(inclusionProof(vector.rollupLeafHashes, p.index)).to.deep.equal(p.proof);
        expect(await harness.verify(vector.rollupTransactionsRoot, vector.rollupLeafHashes[i], i, 3, p.proof)).to.equal(
          true,
        );
      }
      expect(await harness.astriaRoot(vector.rollupLeafHashes)).to.equal(vector.rollupTransactionsRoot);
    });

    it("agree that the empty tree is SHA-256 of nothing", async () => {
      const { harness } = await loadFixture(fixture);
      expect(EMPTY_ROOT).to.equal(vector.emptyRoot);
      expect(await harness.emptyRoot()).to.equal(vector.emptyRoot);
      expect(merkleRoot([])).to.equal(vector.emptyRoot);
      expect(await harness.astriaRoot([])).to.equal(vector.emptyRoot);
    });
  });

  describe("AstriaMerkle.verify", () => {
    it("refuses an index at or past the size, a path too long or too short, and another root", async () => {
      const { harness } = await loadFixture(fixture);
      const ls = leaves(5);
      const root = merkleRoot(ls);
      const proof = inclusionProof(ls, 4);
      expect(await harness.verify(root, ls[4], 4, 5, proof)).to.equal(true);
      expect(await harness.verify(root, ls[4], 5, 5, proof)).to.equal(false);
      expect(await harness.verify(root, ls[4], 4, 5, [...proof, ZeroHash])).to.equal(false);
      expect(await harness.verify(root, ls[4], 4, 5, [])).to.equal(false);
      expect(await harness.verify(ZeroHash, ls[4], 4, 5, proof)).to.equal(false);
      expect(await harness.verify(root, ls[3], 4, 5, proof)).to.equal(false);
      expect(verifyInclusion(root, ls[4], 5, 5, proof)).to.equal(false);
      expect(verifyInclusion(root, ls[4], 4, 5, [...proof, ZeroHash])).to.equal(false);
    });

    it("cannot take an inner node for a leaf: the 0x00/0x01 prefixes separate them", async () => {
      const { harness } = await loadFixture(fixture);
      const ls = leaves(4);
      const root = merkleRoot(ls);
      const inner = nodeHash(ls[0], ls[1]);
      // The inner node verifies as "leaf 0 of 2", but no leaf preimage hashes to it (0x00 vs 0x01).
      expect(await harness.verify(root, inner, 0, 2, [nodeHash(ls[2], ls[3])])).to.equal(true);
      expect(await harness.leafHash(ethers.concat([ls[0], ls[1]]))).to.not.equal(inner);
    });

    it("agrees with the TypeScript proofs on random trees, and refuses tampered ones", async () => {
      const { harness } = await loadFixture(fixture);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 24 }), fc.nat(), fc.nat(), async (n, i, flip) => {
          const ls = leaves(n, `random-${n}`);
          const index = i % n;
          const root = merkleRoot(ls);
          expect(await harness.astriaRoot(ls)).to.equal(root);
          const proof = inclusionProof(ls, index);
          expect(await harness.verify(root, ls[index], index, n, proof)).to.equal(true);
          if (proof.length > 0) {
            const tampered = [...proof];
            tampered[flip % proof.length] = keccak256(tampered[flip % proof.length]);
            expect(await harness.verify(root, ls[index], index, n, tampered)).to.equal(false);
            expect(verifyInclusion(root, ls[index], index, n, tampered)).to.equal(false);
          }
        }),
        { numRuns: 40 },
      );
    });

    it("throws a typed error for a proof of a leaf outside the tree", () => {
      expect(() => inclusionProof(leaves(3), 3)).to.throw(AstriaIndexError);
    });
  });

  describe("AstriaMerkle.isLeafOfShape", () => {
    it("agrees with the TypeScript walk for every index and pair of sizes up to 9", async () => {
      const { harness } = await loadFixture(fixture);
      for (let size = 1; size <= 9; size++) {
        for (let other = 0; other <= 9; other++) {
          for (let index = 0; index <= size; index++) {
            expect(await harness.isLeafOfShape(index, size, other)).to.equal(isLeafOfShape(index, size, other));
          }
        }
      }
    });

    it("finds a witness leaf for every pair of different sizes, and none for equal sizes", () => {
      for (let size = 1; size <= 64; size++) {
        for (let claimed = 1; claimed <= 64; claimed++) {
          const witness = shapeWitness(size, claimed);
          expect(witness === undefined).to.equal(size === claimed, `${size} vs ${claimed}`);
        }
      }
    });

    it("shows a 3-leaf tree is not a 2-leaf tree, though its last leaf passes as leaf 1 of 2", async () => {
      const { harness } = await loadFixture(fixture);
      const ls = leaves(3);
      const root = merkleRoot(ls);
      // RFC 6962 does not bind the size by itself: leaf 2 of 3 verifies as leaf 1 of 2...
      expect(await harness.verify(root, ls[2], 1, 2, [nodeHash(ls[0], ls[1])])).to.equal(true);
      expect(await harness.isLeafOfShape(1, 2, 3)).to.equal(true);
      // ...but leaf 0 of 3 sits one level below the place a 2-leaf tree has a leaf.
      expect(shapeWitness(3, 2)).to.equal(0);
      expect(await harness.isLeafOfShape(0, 3, 2)).to.equal(false);
    });
  });

  describe("TxMerkle (the rollup's keccak tx tree)", () => {
    it("gives the depth of the padded tree", async () => {
      const { harness } = await loadFixture(fixture);
      const depths = [0, 0, 1, 2, 2, 3, 3, 3, 3, 4];
      for (let count = 0; count < depths.length; count++) {
        expect(await harness.txDepth(count)).to.equal(BigInt(depths[count]));
      }
    });

    it("agrees with the SDK's txsRoot and txProof for 0 to 9 leaves", async () => {
      const { harness } = await loadFixture(fixture);
      for (let n = 0; n <= 9; n++) {
        const hashes = Array.from({ length: n }, (_, i) => keccak256(toUtf8Bytes(`tx ${n}/${i}`)));
        expect(await harness.txRoot(hashes)).to.equal(txsRoot(hashes));
        for (let i = 0; i < n; i++) {
          expect(await harness.txVerify(txsRoot(hashes), hashes[i], i, n, txProof(hashes, i))).to.equal(true);
        }
      }
    });

    it("binds the proof to the real leaf count: no inner node as a leaf, no padding position", async () => {
      const { harness } = await loadFixture(fixture);
      const hashes = Array.from({ length: 3 }, (_, i) => keccak256(toUtf8Bytes(`tx ${i}`)));
      const root = txsRoot(hashes);
      const inner = ethers.keccak256(ethers.concat([hashes[0], hashes[1]]));
      const upper = txProof(hashes, 0).slice(1);
      // An inner node passes for leaf 0 of a 2-leaf tree with the same root: the count must come from a
      // trusted place (the slasher takes it from the header that hashes to the proposal)...
      expect(await harness.txVerify(root, inner, 0, 2, upper)).to.equal(true);
      // ...and with the real count the depth refuses it.
      expect(await harness.txVerify(root, inner, 0, 3, upper)).to.equal(false);
      // Position 3 is padding: beyond the count.
      expect(await harness.txVerify(root, ZeroHash, 3, 3, txProof([...hashes, ZeroHash], 3))).to.equal(false);
    });
  });
});
