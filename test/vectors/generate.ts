/**
 * Writes test/vectors/fernet.json: fixed inputs and the outputs the protocol defines for them (block
 * hash, tx tree roots and a proof, seeds, randomness, scores and a ranking, public inputs, the mock
 * proof, the quote's EIP-712 digest, block data). Every output is computed here from first principles
 * with ethers' keccak256 and ABI coder only: the tx tree recursively (not level by level as the SDK),
 * scores by keccak of the 64-byte encoding (not the SDK's word-level permutation), the EIP-712 digest
 * by hand (not ethers' TypedDataEncoder). test/vectors/vectors.test.ts checks the SDK and the
 * contracts against the file, and that the file is what this writes.
 *
 *   npx ts-node --transpile-only test/vectors/generate.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AbiCoder, concat, getAddress, keccak256, toBeHex, toUtf8Bytes, ZeroHash } from "ethers";

const coder = AbiCoder.defaultAbiCoder();
export const VECTORS_FILE = join(__dirname, "fernet.json");

/** Deterministic 32-byte words: keccak256 of a label. */
const word = (label: string): string => keccak256(toUtf8Bytes(label));
const addr = (label: string): string => getAddress(`0x${word(label).slice(26)}`);

/** The tx tree, defined recursively: pad to a power of two with zero leaves, root = keccak(left || right). */
function treeRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return ZeroHash;
  let size = 1;
  while (size < leaves.length) size *= 2;
  const padded = [...leaves, ...Array<string>(size - leaves.length).fill(ZeroHash)];
  const root = (xs: string[]): string => (xs.length === 1 ? xs[0] : keccak256(concat([root(xs.slice(0, xs.length / 2)), root(xs.slice(xs.length / 2))])));
  return root(padded);
}

/** Siblings from leaf to root, recursively. */
function treeProof(leaves: readonly string[], index: number): string[] {
  let size = 1;
  while (size < leaves.length) size *= 2;
  const padded = [...leaves, ...Array<string>(size - leaves.length).fill(ZeroHash)];
  const walk = (xs: string[], i: number): string[] => {
    if (xs.length === 1) return [];
    const half = xs.length / 2;
    const [mine, other] = i < half ? [xs.slice(0, half), xs.slice(half)] : [xs.slice(half), xs.slice(0, half)];
    return [...walk(mine, i % half), treeRoot(other)];
  };
  return walk(padded, index);
}

export function vectors(): unknown {
  const txs = Array.from({ length: 8 }, (_, i) => word(`tx ${i}`));
  const header = {
    height: "7",
    parentArchive: word("parent archive"),
    archive: word("archive"),
    txsRoot: treeRoot(txs.slice(0, 5)),
    txCount: "5",
    dataHash: word("data"),
    signal: word("payload"),
  };
  const tuple = [header.height, header.parentArchive, header.archive, header.txsRoot, header.txCount, header.dataHash, header.signal];
  const chainId = 31337n;
  const rollup = addr("rollup");
  const prover = addr("prover");
  const inputs = keccak256(coder.encode(["uint256", "address", "uint256", "bytes32", "bytes32", "bytes32", "uint256", "bytes32", "address"], [chainId, rollup, ...tuple.slice(0, 6), prover]));
  const mockDomain = keccak256(toUtf8Bytes("fernet.MockProofVerifier.v1"));
  const raw = word("prevrandao");
  const randomness = toBeHex(BigInt(raw) >> 40n, 32);
  const seed = keccak256(coder.encode(["bytes32", "uint256"], [randomness, 9n]));
  const keys = Array.from({ length: 8 }, (_, i) => addr(`sequencer ${i}`));
  const scores = keys.map((k) => ({ sequencer: k, score: BigInt(keccak256(coder.encode(["bytes32", "address"], [seed, k]))) }));
  const ranking = [...scores].sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : 0)).map((s) => s.sequencer);
  const quote = { height: "7", blockHash: word("block hash"), prover, bond: (150n * 10n ** 18n).toString(), proverRewardBps: "1000", validUntil: "1800000000" };
  const typeHash = keccak256(toUtf8Bytes("Quote(uint256 height,bytes32 blockHash,address prover,uint256 bond,uint256 proverRewardBps,uint256 validUntil)"));
  const domainTypeHash = keccak256(toUtf8Bytes("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
  const domainSeparator = keccak256(coder.encode(["bytes32", "bytes32", "bytes32", "uint256", "address"], [domainTypeHash, keccak256(toUtf8Bytes("FernetRollup")), keccak256(toUtf8Bytes("1")), chainId, rollup]));
  const structHash = keccak256(coder.encode(["bytes32", "uint256", "bytes32", "address", "uint256", "uint256", "uint256"], [typeHash, quote.height, quote.blockHash, quote.prover, quote.bond, quote.proverRewardBps, quote.validUntil]));
  const blockDataTxs = txs.slice(0, 3);
  const payload = "0xc0ffee";
  return {
    description:
      "Shared vectors of the Fernet protocol (docs/protocol.md): fixed inputs and their outputs, computed by test/vectors/generate.ts from first principles with keccak256 and the ABI coder only. Integers are decimal strings; a third-party implementation should reproduce every output.",
    blockHash: { header, output: keccak256(coder.encode(["tuple(uint256,bytes32,bytes32,bytes32,uint256,bytes32,bytes32)"], [tuple])) },
    txTree: {
      leaves: txs,
      roots: [0, 1, 2, 3, 4, 5, 8].map((n) => ({ count: n, root: treeRoot(txs.slice(0, n)) })),
      proofs: [
        { count: 5, index: 4, siblings: treeProof(txs.slice(0, 5), 4) },
        { count: 8, index: 3, siblings: treeProof(txs, 3) },
        { count: 1, index: 0, siblings: treeProof(txs.slice(0, 1), 0) },
      ],
    },
    randomness: { raw, value: randomness, genesis: { salt: word("genesis seed"), prevRandao: raw, chainId: chainId.toString(), rollup, value: toBeHex(BigInt(keccak256(coder.encode(["bytes32", "uint256", "uint256", "address"], [word("genesis seed"), raw, chainId, rollup]))) >> 40n, 32) } },
    seed: { randomness, height: "9", output: seed },
    scores: { seed, keys: scores.map((s) => ({ sequencer: s.sequencer, score: s.score.toString() })), ranking },
    publicInputs: { chainId: chainId.toString(), rollup, header, prover, output: inputs, mockProof: keccak256(coder.encode(["bytes32", "bytes32"], [mockDomain, inputs])) },
    quote: { domain: { name: "FernetRollup", version: "1", chainId: chainId.toString(), verifyingContract: rollup }, quote, typeHash, domainSeparator, structHash, digest: keccak256(concat(["0x1901", domainSeparator, structHash])) },
    blockData: { txHashes: blockDataTxs, payload, encoded: coder.encode(["bytes32[]", "bytes"], [blockDataTxs, payload]) },
  };
}

if (require.main === module) {
  writeFileSync(VECTORS_FILE, JSON.stringify(vectors(), null, 2) + "\n");
  console.log(`wrote ${VECTORS_FILE}`);
}
