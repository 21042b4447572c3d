import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  astriaTxProof,
  bindingDigest,
  bindingDomain,
  buildAstriaBlock,
  entriesRoot,
  entryHash,
  headerDigest,
  leafHash,
  rollupLeafProof,
  rollupTxsOf,
  rollupTxsRoot,
  signQuorum,
  topOfBlock,
  type AstriaBlock,
  type Binding,
} from "../../sdk/src/astria";
import { ASTRIA_CHAIN_ID, OTHER_ROLLUPS, ROLLUP_ID, deployWorld } from "./helpers/world";
import vector from "./vectors/astria-block.json";

async function fixture() {
  const w = await deployWorld({ bondA: false });
  const harness = await ethers.deployContract("MerkleHarness");
  return { ...w, harness };
}

/** Random Astria blocks: for each height, 0-4 txs of 1-40 bytes for this rollup and 0-2 other rollups. */
const blocksArb = fc
  .array(
    fc.record({
      ours: fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 4 }),
      low: fc.boolean(),
      high: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((specs) =>
    specs.map((spec, i) =>
      buildAstriaBlock({
        chainId: ASTRIA_CHAIN_ID,
        height: BigInt(i + 10),
        time: BigInt(1_700_000_000 + i),
        proposerAddress: "0x" + "0a".repeat(20),
        rollups: [
          { rollupId: ROLLUP_ID, txs: spec.ours },
          ...(spec.low ? [{ rollupId: OTHER_ROLLUPS[0], txs: ["0x01"] }] : []),
          ...(spec.high ? [{ rollupId: OTHER_ROLLUPS[1], txs: ["0x0203"] }] : []),
        ],
      }),
    ),
  );

describe("Parity of the SDK's Astria helpers and the contracts", () => {
  it("the light client takes the hand-built vector block and signs the SDK's digest", async () => {
    const { lightClient, wallets, validators } = await loadFixture(fixture);
    const header = {
      chainId: ASTRIA_CHAIN_ID,
      height: 1n,
      time: 1_700_000_000n,
      dataHash: vector.dataHash,
      proposerAddress: "0x" + "0b".repeat(20),
      rollupTransactionsRoot: vector.rollupTransactionsRoot,
    };
    expect(await lightClient.headerDigest(header, 0n)).to.equal(headerDigest(header, 0n));
    await lightClient.submitHeader(header, 0n, validators, signQuorum(wallets, validators, headerDigest(header, 0n)));
    const stored = await lightClient.getHeader(1n);
    expect(stored.rollupTransactionsRoot).to.equal(vector.rollupTransactionsRoot);
    expect(stored.dataHash).to.equal(vector.dataHash);
  });

  it("the light client's header digest equals the SDK's for random headers and set ids", async () => {
    const { lightClient } = await loadFixture(fixture);
    const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => ethers.hexlify(b));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          height: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          time: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          dataHash: hex32,
          proposerAddress: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => ethers.hexlify(b)),
          rollupTransactionsRoot: hex32,
        }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        async (fields, setId) => {
          const header = { chainId: ASTRIA_CHAIN_ID, ...fields };
          const digest = headerDigest(header, setId);
          expect(await lightClient.headerDigest(header, setId)).to.equal(digest);
          // The set id is bound: another set's digest differs.
          expect(headerDigest(header, setId ^ 1n)).to.not.equal(digest);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("the slasher hashes entries and bindings, and roots entries, like the SDK", async () => {
    const { slasher, chainId } = await loadFixture(fixture);
    const domain = bindingDomain(chainId, await slasher.getAddress());
    await fc.assert(
      fc.asyncProperty(blocksArb, fc.bigInt({ min: 1n, max: 2n ** 64n }), async (blocks, l2Height) => {
        const start = blocks[0].header.height;
        const t = topOfBlock(blocks, ROLLUP_ID, start, start + BigInt(blocks.length));
        for (const e of t.entries) {
          expect(await slasher.entryHash(e)).to.equal(entryHash(e));
        }
        expect(await slasher.entriesRoot(t.entries)).to.equal(entriesRoot(t.entries));
        const binding: Binding = {
          l2Height,
          blockHash: keccak256(toUtf8Bytes(`block ${l2Height}`)),
          astriaStart: t.astriaStart,
          astriaEnd: t.astriaEnd,
          entryCount: BigInt(t.entries.length),
          entriesRoot: entriesRoot(t.entries),
        };
        expect(await slasher.bindingDigest(binding)).to.equal(bindingDigest(domain, binding));
      }),
      { numRuns: 15 },
    );
  });

  it("the Merkle library verifies the SDK's trees and proofs of the same Astria blocks", async () => {
    const { harness } = await loadFixture(fixture);
    await fc.assert(
      fc.asyncProperty(blocksArb, async (blocks) => {
        for (const block of blocks) {
          await checkBlock(harness, block);
        }
      }),
      { numRuns: 10 },
    );
  });
});

/** Every root and proof of `block` as the SDK builds it is what the contracts compute and accept. */
async function checkBlock(harness: Awaited<ReturnType<typeof fixture>>["harness"], block: AstriaBlock) {
  expect(await harness.astriaRoot([...block.rollupLeafHashes])).to.equal(block.header.rollupTransactionsRoot);
  const txs = rollupTxsOf(block, ROLLUP_ID);
  if (txs.length === 0) return;
  const leaf = rollupLeafProof(block, ROLLUP_ID);
  expect(leaf.txsRoot).to.equal(rollupTxsRoot(txs));
  expect(await harness.astriaRoot(txs.map(leafHash))).to.equal(leaf.txsRoot);
  expect(
    await harness.verify(
      block.header.rollupTransactionsRoot,
      await harness.rollupLeafHash(ROLLUP_ID, leaf.txsRoot),
      leaf.index,
      leaf.treeSize,
      leaf.proof,
    ),
  ).to.equal(true);
  for (let j = 0; j < txs.length; j++) {
    const p = astriaTxProof(block, ROLLUP_ID, j);
    expect(await harness.verify(leaf.txsRoot, await harness.leafHash(p.data), p.index, txs.length, p.proof)).to.equal(
      true,
    );
  }
}
