/**
 * The fast scoring path (the SDK's own keccak permutation over 32-bit words) against the references:
 * the contract's `score`, ethers' keccak256 over the ABI encoding, and ethers' getAddress.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "hardhat";
import { AbiCoder, getAddress, hexlify, keccak256, randomBytes, ZeroAddress } from "ethers";
import { decodeSequencerPage, FernetError, rankBySeed, RegistryClient, scoreOf, scorer } from "../../sdk/src";
import { keccakF1600 } from "../../sdk/src/keccak";
import { checksumBody, isZeroAddress } from "../../sdk/src/words";
import { load } from "../helpers/fixtures";
import { deployWorld } from "../helpers/rollup";

const SDK = join(__dirname, "..", "..", "sdk");
const coder = AbiCoder.defaultAbiCoder();
/** The reference: `uint256(keccak256(abi.encode(seed, key)))` through the generic ABI coder. */
const reference = (seed: string, key: string): bigint => BigInt(keccak256(coder.encode(["bytes32", "address"], [seed, key])));
const randomKey = (): string => getAddress(hexlify(randomBytes(20)));
const EDGE_KEYS = [ZeroAddress, "0xffffffffffffffffffffffffffffffffffffffff", "0x0000000000000000000000000000000000000001", "0x8000000000000000000000000000000000000000"];

/** keccak256 of a message shorter than one block (136 bytes), through keccakF1600. */
function singleBlockKeccak(msg: Uint8Array): string {
  const bytes = new Uint8Array(200);
  bytes.set(msg);
  bytes[msg.length] ^= 0x01;
  bytes[135] ^= 0x80;
  const s = new Uint32Array(50);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < 50; k++) s[k] = view.getUint32(4 * k, true);
  keccakF1600(s);
  const out = new DataView(new ArrayBuffer(32));
  for (let k = 0; k < 8; k++) out.setUint32(4 * k, s[k], true);
  return hexlify(new Uint8Array(out.buffer));
}

describe("SDK fast scoring", () => {
  it("scores bit for bit as the contract's score for random keys at every height whose seed is known", async () => {
    const w = await load(deployWorld);
    const keys = [...EDGE_KEYS, ...Array.from({ length: 60 }, randomKey), ...w.sequencers.map((s) => s.address)];
    for (const height of [1n, 2n]) {
      const seed = await w.rollup.seed(height);
      const onChain = await Promise.all(keys.map((k) => w.rollup.score(height, k)));
      expect(keys.map((k) => scoreOf(seed, k))).to.deep.equal(onChain);
    }
  });

  it("equals keccak256(abi.encode(seed, key)) for random seeds, keys in any letter case, and edge values", () => {
    const seeds = [`0x${"00".repeat(32)}`, `0x${"ff".repeat(32)}`, ...Array.from({ length: 20 }, () => hexlify(randomBytes(32)))];
    for (const seed of seeds) {
      const score = scorer(seed);
      for (const key of [...EDGE_KEYS, ...Array.from({ length: 50 }, randomKey)]) {
        const expected = reference(seed, key);
        expect(score(key)).to.equal(expected);
        expect(score(key.toLowerCase())).to.equal(expected);
        expect(score(`0x${key.slice(2).toUpperCase()}`)).to.equal(expected);
      }
    }
  });

  it("keeps no state between keys: one scorer gives each key its own score whatever came before", () => {
    const seed = hexlify(randomBytes(32));
    const keys = Array.from({ length: 200 }, randomKey);
    const score = scorer(seed);
    const forward = keys.map(score);
    const backward = [...keys].reverse().map(score).reverse();
    expect(forward).to.deep.equal(backward);
    expect(forward).to.deep.equal(keys.map((k) => reference(seed, k)));
  });

  it("ranks exactly as sorting the reference scores, best first", () => {
    const seed = hexlify(randomBytes(32));
    const keys = Array.from({ length: 2_000 }, randomKey);
    const expected = keys.map((sequencer) => ({ sequencer, score: reference(seed, sequencer) })).sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : 0));
    expect(rankBySeed(seed, keys)).to.deep.equal(expected);
    expect(rankBySeed(seed, [])).to.deep.equal([]);
  });

  it("refuses keys and seeds that are not 20 and 32 bytes of hex", () => {
    const score = scorer(hexlify(randomBytes(32)));
    for (const bad of ["", "0x", "0x1234", ZeroAddress.slice(2), `${ZeroAddress}00`, `0x${"g".repeat(40)}`, ` ${ZeroAddress.slice(1)}`, `0x${"0".repeat(39)}z`]) {
      expect(() => score(bad), bad).to.throw(FernetError, "Not an address");
    }
    expect(() => scorer("0x1234")).to.throw(FernetError, "Not a 32-byte seed");
  });

  it("tells the zero address from every other by its digits alone (the eligibility and status rules' first test)", () => {
    expect(isZeroAddress(ZeroAddress)).to.equal(true);
    expect(isZeroAddress(`0x${"0".repeat(39)}1`)).to.equal(false);
    expect(isZeroAddress(`0x1${"0".repeat(39)}`)).to.equal(false);
    expect(isZeroAddress("0x0")).to.equal(false); // not an address
    for (const key of Array.from({ length: 50 }, randomKey)) expect(isZeroAddress(key)).to.equal(BigInt(key) === 0n);
  });

  it("ships the permutation its generator writes (sdk/scripts/keccak.mjs)", () => {
    const dir = mkdtempSync(join(tmpdir(), "fernet-keccak-"));
    try {
      const out = join(dir, "keccak.ts");
      execFileSync(process.execPath, [join(SDK, "scripts", "keccak.mjs"), out]);
      expect(readFileSync(out, "utf8")).to.equal(readFileSync(join(SDK, "src", "keccak.ts"), "utf8"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs keccak-f[1600] as keccak256 for every single-block message length", () => {
    for (let n = 0; n < 136; n++) {
      const msg = randomBytes(n);
      expect(singleBlockKeccak(msg), `length ${n}`).to.equal(keccak256(msg));
    }
  });

  it("checksums addresses as getAddress, and the page decoder returns checksummed rows", async () => {
    for (const a of [...EDGE_KEYS, ...Array.from({ length: 500 }, randomKey)]) {
      expect(checksumBody(a.slice(2).toLowerCase())).to.equal(getAddress(a));
      expect(checksumBody(a.slice(2).toUpperCase())).to.equal(getAddress(a));
    }
    const w = await load(deployWorld);
    const raw = await ethers.provider.call({ to: w.registry.target as string, data: w.registry.interface.encodeFunctionData("getSequencers", [0n, 10n]) });
    const rows = decodeSequencerPage(raw);
    expect(rows.map((r) => r.address)).to.deep.equal(w.sequencers.map((s) => s.address));
    expect(rows.map((r) => r.withdrawer)).to.deep.equal(await Promise.all(w.sequencers.map(async (s) => (await w.registry.getSequencer(s.address)).withdrawer)));
  });
});

describe("SDK registry pages", () => {
  it("reads the same pages through a JSON-RPC provider's send and through a bare provider's call, at the block given", async () => {
    const w = await load(deployWorld);
    const before = await ethers.provider.getBlockNumber();
    await w.token.connect(w.stranger).approve(w.registry.target, ethers.MaxUint256);
    await w.registry.connect(w.stranger).register(w.stranger.address, w.stranger.address);
    // A provider without `send` (only the Provider interface): pages go through `call`.
    const bare = new Proxy(ethers.provider, {
      get(target, prop, receiver) {
        if (prop === "send") return undefined;
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const viaSend = new RegistryClient(w.registry.target as string, ethers.provider);
    const viaCall = new RegistryClient(w.registry.target as string, bare);
    const all = await viaSend.listSequencerEntries({ pageSize: 3 });
    expect(all.map((e) => e.address)).to.deep.equal([...w.sequencers.map((s) => s.address), w.stranger.address]);
    expect(await viaCall.listSequencerEntries({ pageSize: 3 })).to.deep.equal(all);
    expect(await viaSend.getSequencers(0n, 100n, "latest")).to.deep.equal(all);
    // At the block before the registration, both read the registry as it was then.
    const earlier = await viaSend.listSequencerEntries({ blockTag: before });
    expect(earlier.map((e) => e.address)).to.deep.equal(w.sequencers.map((s) => s.address));
    expect(await viaCall.listSequencerEntries({ blockTag: before })).to.deep.equal(earlier);
    expect(await viaCall.getSequencers(0n, 100n, before)).to.deep.equal(earlier);
  });
});
