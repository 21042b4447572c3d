/**
 * The event-sourced registry index against the contract's own paged view: row for row after random
 * lifecycles (registrations, exits, withdrawals, slashes, ejections, re-registrations), synced in
 * steps and cold; reorgs; ranking and the leader schedule through it; its typed errors.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress, keccak256, toBeHex, type JsonRpcProvider } from "ethers";
import {
  FernetError,
  IndexGapError,
  IndexOptionError,
  IndexRpcError,
  leaderSchedule,
  rankSequencers,
  RegistryClient,
  RegistryIndex,
  statusAtTime,
  type SequencerEntry,
} from "../../sdk/src";
import { LOCAL } from "../../sdk/src/config";
import { deployRegistry, deployToken, load, now, TOKEN } from "../helpers/fixtures";
import { deployWorld } from "../helpers/rollup";
import { rejection } from "../helpers/errors";

/** A small deterministic generator (the lifecycle is random but the same on every run). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function registryWorld() {
  const [owner, payer, slasher] = await ethers.getSigners();
  const token = await deployToken(owner, [payer], 1_000_000n * TOKEN);
  const registry = await deployRegistry(owner, await token.getAddress(), [slasher.address]);
  await token.connect(payer).approve(await registry.getAddress(), ethers.MaxUint256);
  const deployBlock = (await registry.deploymentTransaction()!.wait())!.blockNumber;
  return { owner, payer, slasher, token, registry, deployBlock, client: new RegistryClient(await registry.getAddress(), ethers.provider) };
}

/** Compares every row but the status (the view's status is at its call's block time) and the statuses at `times`. */
async function expectSameAsView(index: RegistryIndex, client: RegistryClient, times: bigint[]): Promise<void> {
  const view = await client.listSequencerEntries({ pageSize: 7 });
  const strip = (es: SequencerEntry[]) => es.map(({ status: _, ...rest }) => rest); // eslint-disable-line @typescript-eslint/no-unused-vars
  expect(strip(index.entries())).to.deep.equal(strip(view));
  for (const t of times) {
    const onChain = await Promise.all(view.map((e) => client.statusAt(e.address, t)));
    expect(index.entries(t).map((e) => e.status), `statuses at ${t}`).to.deep.equal(onChain);
    expect(view.map((e) => statusAtTime(e, t))).to.deep.equal(onChain);
  }
}

describe("SDK registry index (event-sourced)", () => {
  it("rebuilds the paged view row for row through a random lifecycle, synced step by step and cold", async () => {
    const w = await load(registryWorld);
    const { registry, payer, slasher, client } = w;
    const rand = prng(20261202);
    const index = await RegistryIndex.create(client, { fromBlock: w.deployBlock });
    const keys: string[] = [];
    const pick = <T,>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(rand() * xs.length)] : undefined);
    const kinds = { register: 0, reregister: 0, exit: 0, withdraw: 0, slash: 0, eject: 0, time: 0 };
    for (let step = 0; step < 90; step++) {
      const t = await now();
      const rows = await client.listSequencerEntries();
      const live = rows.filter((r) => BigInt(r.withdrawer) !== 0n);
      const r = rand();
      if (r < 0.3 || live.length < 3) {
        const key = getAddress(toBeHex(BigInt(keccak256(toBeHex(keys.length + 1, 32))) >> 96n, 20));
        keys.push(key);
        await registry.connect(payer).register(key, payer.address);
        kinds.register++;
      } else if (r < 0.4) {
        const gone = rows.filter((x) => BigInt(x.withdrawer) === 0n);
        const key = pick(gone);
        if (key) {
          await registry.connect(payer).register(key.address, payer.address);
          kinds.reregister++;
        }
      } else if (r < 0.55) {
        const e = pick(live.filter((x) => x.exitInitiatedAt === 0n));
        if (e) {
          await registry.connect(payer).initiateExit(e.address);
          kinds.exit++;
        }
      } else if (r < 0.65) {
        const e = pick(live.filter((x) => x.exitInitiatedAt !== 0n && x.exitableAt <= t + 1n));
        if (e) {
          await registry.connect(payer).withdraw(e.address);
          kinds.withdraw++;
        }
      } else if (r < 0.85) {
        const e = pick(live.filter((x) => x.stake > 0n));
        if (e) {
          const eject = e.stake >= LOCAL.registry.minimumStake && rand() < 0.4;
          const amount = eject ? e.stake - LOCAL.registry.minimumStake + 1n : 1n + BigInt(Math.floor(rand() * 50)) * TOKEN;
          await registry.connect(slasher).slash(e.address, amount, e.registeredAt);
          kinds[eject ? "eject" : "slash"]++;
        }
      } else {
        await time.increase(1 + Math.floor(rand() * 150));
        kinds.time++;
      }
      if (step % 9 === 8) {
        const s = await index.sync();
        expect(s.rebuilt).to.equal(false);
        const t1 = await now();
        await expectSameAsView(index, client, [t1, t1 + LOCAL.registry.entryDelay, t1 + LOCAL.registry.exitDelay]);
      }
    }
    // The random walk went through every kind of change.
    for (const [kind, count] of Object.entries(kinds)) expect(count, kind).to.be.greaterThan(0);
    expect((await index.sync()).toBlock).to.equal(await ethers.provider.getBlockNumber());
    await expectSameAsView(index, client, [await now()]);
    // A cold index, in spans of 3 blocks with 2 calls in flight, reads the same rows.
    const cold = await RegistryIndex.create(client, { fromBlock: w.deployBlock, blockSpan: 3, concurrency: 2 });
    const s = await cold.sync();
    expect(s).to.include({ fromBlock: w.deployBlock, rebuilt: false });
    expect(cold.entries()).to.deep.equal(index.entries());
    expect(cold.size).to.equal(keys.length);
    expect(cold.entry(keys[0].toLowerCase())).to.deep.equal(index.entries()[0]);
    expect(cold.entry(ethers.ZeroAddress)).to.equal(undefined);
    // What ranking reads: the same rows, without a status.
    expect(cold.registrations().map((r) => ({ ...r }))).to.deep.equal(cold.entries().map(({ status: _, ...r }) => r)); // eslint-disable-line @typescript-eslint/no-unused-vars
  });

  it("syncs only the blocks since the last sync, and nothing when no block was added", async () => {
    const w = await load(registryWorld);
    const index = await RegistryIndex.create(w.client, { fromBlock: w.deployBlock });
    await w.registry.connect(w.payer).register(w.payer.address, w.payer.address);
    const first = await index.sync();
    expect(first).to.include({ fromBlock: w.deployBlock, logs: 1, rebuilt: false });
    const again = await index.sync();
    expect(again).to.deep.equal({ fromBlock: first.toBlock + 1, toBlock: first.toBlock, logs: 0, rebuilt: false });
    await w.registry.connect(w.payer).initiateExit(w.payer.address);
    const head = await ethers.provider.getBlock("latest");
    expect(await index.sync()).to.deep.equal({ fromBlock: first.toBlock + 1, toBlock: head!.number, logs: 1, rebuilt: false });
    expect(index.syncedBlock).to.deep.equal({ number: head!.number, hash: head!.hash, timestamp: BigInt(head!.timestamp) });
    // Concurrent syncs run one after another and agree.
    const [a, b] = await Promise.all([index.sync(), index.sync()]);
    expect(a.toBlock).to.equal(b.toBlock);
  });

  it("rebuilds after a reorg: a replaced synced block, and a chain shorter than the synced head", async () => {
    const w = await load(registryWorld);
    const provider = ethers.provider;
    const index = await RegistryIndex.create(w.client, { fromBlock: w.deployBlock });
    const [, , , a, b] = await ethers.getSigners();
    const snapshot = await provider.send("evm_snapshot", []);
    await w.registry.connect(w.payer).register(a.address, w.payer.address);
    await w.registry.connect(w.payer).register(b.address, w.payer.address);
    await index.sync();
    expect(index.entries().map((e) => e.address)).to.deep.equal([a.address, b.address]);
    // Shorter: back to before both registrations, one block mined on the new branch.
    await provider.send("evm_revert", [snapshot]);
    const again = await provider.send("evm_snapshot", []);
    await w.registry.connect(w.payer).register(b.address, w.payer.address);
    const s1 = await index.sync();
    expect(s1.rebuilt).to.equal(true);
    expect(index.entries().map((e) => e.address)).to.deep.equal([b.address]);
    // Same height, another block: the hash at the synced number changed.
    await provider.send("evm_revert", [again]);
    await w.registry.connect(w.payer).register(a.address, w.payer.address);
    const s2 = await index.sync();
    expect(s2).to.include({ rebuilt: true, fromBlock: w.deployBlock });
    await expectSameAsView(index, w.client, [await now()]);
  });

  it("ranks and schedules leaders exactly as the paged view does", async () => {
    const w = await load(deployWorld);
    const registry = new RegistryClient(w.registry.target as string, ethers.provider);
    const { RollupClient } = await import("../../sdk/src");
    const rollup = new RollupClient(w.rollup.target as string, ethers.provider);
    const index = await RegistryIndex.create(registry);
    for (const height of [1n, 2n]) {
      expect(await rankSequencers(rollup, registry, height, { index })).to.deep.equal(await rankSequencers(rollup, registry, height));
    }
    expect(await leaderSchedule(rollup, registry, { index })).to.deep.equal(await leaderSchedule(rollup, registry));
    // A key that starts its exit drops out of the ranking at once, through the index too.
    const [first] = await rankSequencers(rollup, registry, 1n, { index });
    const signer = w.sequencers.find((s) => s.address === first.sequencer)!;
    await w.registry.connect(signer).initiateExit(signer.address);
    const after = await rankSequencers(rollup, registry, 1n, { index });
    expect(after.map((r) => r.sequencer)).to.not.include(first.sequencer);
    expect(after).to.deep.equal(await rankSequencers(rollup, registry, 1n));
  });

  it("reads through a provider without send (the Provider interface only)", async () => {
    const w = await load(registryWorld);
    await w.registry.connect(w.payer).register(w.payer.address, w.payer.address);
    await w.registry.connect(w.slasher).slash(w.payer.address, 500n * TOKEN, await now()); // ejects: reads the block's time
    const bare = new Proxy(ethers.provider, {
      get(target, prop, receiver) {
        if (prop === "send") return undefined;
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const viaSend = await RegistryIndex.create(w.client, { fromBlock: w.deployBlock });
    const viaBare = await RegistryIndex.create(new RegistryClient(w.client.address, bare), { fromBlock: w.deployBlock });
    await Promise.all([viaSend.sync(), viaBare.sync()]);
    expect(viaBare.entries()).to.deep.equal(viaSend.entries());
    expect(viaSend.entries()[0].ejectedAt).to.equal(await now());
    await expectSameAsView(viaBare, w.client, [await now()]);
  });

  it("refuses options that are not positive integers, naming the option and the value", async () => {
    const w = await load(registryWorld);
    for (const [options, option, value] of [
      [{ blockSpan: 0 }, "blockSpan", 0],
      [{ concurrency: 1.5 }, "concurrency", 1.5],
      [{ fromBlock: -1 }, "fromBlock", -1],
    ] as const) {
      const e = await rejection(RegistryIndex.create(w.client, options));
      expect(e).to.be.instanceOf(IndexOptionError);
      expect(e).to.include({ option, value });
      expect((e as IndexOptionError).details).to.be.a("string").and.not.equal("");
    }
  });

  it("says so when fromBlock is after a key's registration (IndexGapError with the key, the block and fromBlock)", async () => {
    const w = await load(registryWorld);
    await w.registry.connect(w.payer).register(w.payer.address, w.payer.address);
    const from = (await ethers.provider.getBlockNumber()) + 1;
    const tx = await w.registry.connect(w.payer).initiateExit(w.payer.address);
    const at = (await tx.wait())!.blockNumber;
    const index = await RegistryIndex.create(w.client, { fromBlock: from });
    const e = await rejection(index.sync());
    expect(e).to.be.instanceOf(IndexGapError);
    expect(e).to.include({ sequencer: w.payer.address, blockNumber: at, fromBlock: from });
    // Nothing was applied: the index is still empty and not synced.
    expect(index.size).to.equal(0);
    expect(index.syncedBlock).to.equal(undefined);
  });

  it("refuses another registry's index, a block tag with an index, and a provider's malformed answers", async () => {
    const w = await load(registryWorld);
    const [, , , other] = await ethers.getSigners();
    const second = await deployRegistry(w.owner, await w.token.getAddress(), [other.address]);
    const index = await RegistryIndex.create(new RegistryClient(await second.getAddress(), ethers.provider));
    const world = await deployWorld();
    const rollup = new (await import("../../sdk/src")).RollupClient(world.rollup.target as string, ethers.provider);
    const registry = new RegistryClient(world.registry.target as string, ethers.provider);
    await expect(rankSequencers(rollup, registry, 1n, { index })).to.be.rejectedWith(FernetError, `The index is of registry ${await second.getAddress()}`);
    const own = await RegistryIndex.create(registry);
    await expect(rankSequencers(rollup, registry, 1n, { index: own, blockTag: 1 })).to.be.rejectedWith(FernetError, "cannot rank at an older block tag");
    // A provider whose blocks and logs are not JSON-RPC shapes.
    const broken = (answer: (method: string) => unknown) =>
      new Proxy(ethers.provider, {
        get(target, prop, receiver) {
          if (prop === "send") return async (method: string, params: unknown[]) => (method === "eth_chainId" || method === "eth_call" ? target.send(method, params) : answer(method));
          const v = Reflect.get(target, prop, receiver);
          return typeof v === "function" ? v.bind(target) : v;
        },
      }) as unknown as JsonRpcProvider;
    for (const [answer, method] of [
      [() => ({ number: "0x1" }), "eth_getBlockByNumber"],
      [() => null, "eth_getBlockByNumber"],
      [(m: string) => (m === "eth_getLogs" ? { not: "logs" } : { number: "0x5", hash: "0x01", timestamp: "0x10" }), "eth_getLogs"],
    ] as const) {
      const bad = await RegistryIndex.create(new RegistryClient(w.client.address, broken(answer)));
      const e = await rejection(bad.sync());
      expect(e).to.be.instanceOf(IndexRpcError);
      expect(e).to.include({ method });
    }
  });
});
