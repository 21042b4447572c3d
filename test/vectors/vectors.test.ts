/**
 * The shared vectors (test/vectors/fernet.json) against the SDK and the contracts: every output the
 * SDK computes, and every one a contract computes, equals the file; the file is exactly what its
 * generator writes. Address-bound outputs (public inputs, the quote digest) are checked on a rollup
 * whose code is placed at the vectors' rollup address.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { ethers } from "hardhat";
import {
  blockHash,
  decodeBlockData,
  encodeBlockData,
  genesisRandomness,
  mockProof,
  publicInputsHash,
  quoteDigest,
  randomnessValue,
  rankBySeed,
  rootFromProof,
  scoreOf,
  seedOf,
  txProof,
  txsRoot,
  type Header,
} from "../../sdk/src";
import { load } from "../helpers/fixtures";
import { deployWorld } from "../helpers/rollup";
import { vectors, VECTORS_FILE } from "./generate";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const V = JSON.parse(readFileSync(VECTORS_FILE, "utf8")) as any;
const headerOf = (h: Record<string, string>): Header => ({
  height: BigInt(h.height),
  parentArchive: h.parentArchive,
  archive: h.archive,
  txsRoot: h.txsRoot,
  txCount: BigInt(h.txCount),
  dataHash: h.dataHash,
  signal: h.signal,
});

describe("Shared vectors (test/vectors/fernet.json)", () => {
  it("is exactly what test/vectors/generate.ts writes", () => {
    expect(V).to.deep.equal(JSON.parse(JSON.stringify(vectors())));
  });

  it("the SDK reproduces every output", () => {
    expect(blockHash(headerOf(V.blockHash.header))).to.equal(V.blockHash.output);
    for (const { count, root } of V.txTree.roots) expect(txsRoot(V.txTree.leaves.slice(0, count)), `root of ${count}`).to.equal(root);
    for (const { count, index, siblings } of V.txTree.proofs) {
      const leaves = V.txTree.leaves.slice(0, count);
      expect(txProof(leaves, index)).to.deep.equal(siblings);
      expect(rootFromProof(leaves[index], index, siblings)).to.equal(txsRoot(leaves));
    }
    expect(randomnessValue(V.randomness.raw)).to.equal(V.randomness.value);
    const g = V.randomness.genesis;
    expect(genesisRandomness(g.salt, g.prevRandao, BigInt(g.chainId), g.rollup)).to.equal(g.value);
    expect(seedOf(V.seed.randomness, BigInt(V.seed.height))).to.equal(V.seed.output);
    for (const { sequencer, score } of V.scores.keys) expect(scoreOf(V.scores.seed, sequencer)).to.equal(BigInt(score));
    expect(rankBySeed(V.scores.seed, V.scores.keys.map((k: { sequencer: string }) => k.sequencer)).map((r) => r.sequencer)).to.deep.equal(V.scores.ranking);
    const p = V.publicInputs;
    expect(publicInputsHash(BigInt(p.chainId), p.rollup, headerOf(p.header), p.prover)).to.equal(p.output);
    expect(mockProof(p.output)).to.equal(p.mockProof);
    const q = V.quote;
    const quote = { height: BigInt(q.quote.height), blockHash: q.quote.blockHash, prover: q.quote.prover, bond: BigInt(q.quote.bond), proverRewardBps: BigInt(q.quote.proverRewardBps), validUntil: BigInt(q.quote.validUntil) };
    expect(quoteDigest({ ...q.domain, chainId: BigInt(q.domain.chainId) }, quote)).to.equal(q.digest);
    expect(encodeBlockData(V.blockData.txHashes, V.blockData.payload)).to.equal(V.blockData.encoded);
    expect(decodeBlockData(V.blockData.encoded)).to.deep.equal({ txHashes: V.blockData.txHashes, payload: V.blockData.payload });
  });

  it("the contracts reproduce the tx roots, the public inputs, the mock proof and the quote digest", async () => {
    const w = await load(deployWorld);
    for (const { count, root } of V.txTree.roots) expect(await w.rollup.txsRootOf(V.txTree.leaves.slice(0, count)), `root of ${count}`).to.equal(root);
    const merkle = await ethers.deployContract("MerkleHarness");
    for (const { count, root } of V.txTree.roots) if (count > 0) expect(await merkle.txRoot(V.txTree.leaves.slice(0, count))).to.equal(root);
    // The rollup's code at the vectors' address: its views bind that address (and chain 31337).
    const p = V.publicInputs;
    expect((await ethers.provider.getNetwork()).chainId).to.equal(BigInt(p.chainId));
    await ethers.provider.send("hardhat_setCode", [p.rollup, await ethers.provider.getCode(await w.rollup.getAddress())]);
    const atVectorAddress = w.rollup.attach(p.rollup) as typeof w.rollup;
    const h = headerOf(p.header);
    expect(await atVectorAddress.publicInputsHash({ ...h }, p.prover)).to.equal(p.output);
    const verifier = w.verifier;
    expect(await verifier.mockProof(p.output)).to.equal(p.mockProof);
    expect(await verifier.verify(p.mockProof, p.output)).to.equal(true);
    const q = V.quote.quote;
    expect(await atVectorAddress.quoteDigest({ height: q.height, blockHash: q.blockHash, prover: q.prover, bond: q.bond, proverRewardBps: q.proverRewardBps, validUntil: q.validUntil })).to.equal(V.quote.digest);
    expect(await atVectorAddress.QUOTE_TYPEHASH()).to.equal(V.quote.typeHash);
  });
});
