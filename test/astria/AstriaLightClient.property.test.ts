import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { Wallet } from "ethers";
import {
  buildAstriaBlock,
  headerDigest,
  signQuorum,
  validatorSet,
  validatorSetUpdateDigest,
  type AstriaHeader,
  type Validator,
} from "../../sdk/src/astria";
import { ASTRIA_CHAIN_ID, ROLLUP_ID, validatorWallets } from "./helpers/world";
import type { AstriaLightClient } from "../../typechain-types";

/** Astria heights of the chain followed: 1 .. HEIGHTS. */
const HEIGHTS = 10;
/** `activeUntil` of the current set. */
const OPEN = 2n ** 64n - 1n;

/** Set k keeps three of set k-1's four validators (75% of its power) and adds one: the hard case. */
function sets(count: number): Array<{ wallets: Wallet[]; validators: Validator[] }> {
  const out: Array<{ wallets: Wallet[]; validators: Validator[] }> = [];
  let wallets = validatorWallets(4, "prop-0");
  for (let k = 0; k < count; k++) {
    if (k > 0) wallets = [...wallets.slice(1), ...validatorWallets(1, `prop-${k}`)];
    out.push({ wallets, validators: validatorSet(wallets.map((w) => ({ signer: w.address, votingPower: 10n }))) });
  }
  return out;
}

function header(height: number): AstriaHeader {
  return buildAstriaBlock({
    chainId: ASTRIA_CHAIN_ID,
    height: BigInt(height),
    time: 1_700_000_000n + BigInt(height),
    proposerAddress: "0x" + "0d".repeat(20),
    rollups: [{ rollupId: ROLLUP_ID, txs: [ethers.hexlify(ethers.toUtf8Bytes(`p${height}`))] }],
  }).header;
}

async function deployed() {
  const all = sets(4);
  const client = await ethers.deployContract("AstriaLightClient", [ASTRIA_CHAIN_ID, all[0].validators, 1n]);
  return { client, all };
}

type Action =
  | { kind: "relay"; height: number }
  | { kind: "handOver"; set: number }
  /** A relayer replays height's genuine signatures under the previous set's id (the hand-over attack). */
  | { kind: "replayUnderPrevious"; height: number };

/** Hand-over points (first heights of sets 1..k) and a random interleaving of every relay and hand-over. */
const scheduleArb = fc
  .uniqueArray(fc.integer({ min: 2, max: HEIGHTS }), { minLength: 1, maxLength: 3 })
  .map((points) => [...points].sort((a, b) => a - b))
  .chain((starts) => {
    const actions: Action[] = [
      ...Array.from({ length: HEIGHTS }, (_, i): Action => ({ kind: "relay", height: i + 1 })),
      ...starts.map((_, i): Action => ({ kind: "handOver", set: i + 1 })),
      ...Array.from({ length: HEIGHTS }, (_, i): Action => ({ kind: "replayUnderPrevious", height: i + 1 })),
    ];
    return fc.tuple(fc.constant(starts), fc.shuffledSubarray(actions, { minLength: actions.length }));
  });

describe("AstriaLightClient: random relay orders against a reference model", () => {
  it("relays every final header under its own set, whatever the order, and no order blocks a hand-over", async () => {
    await fc.assert(
      fc.asyncProperty(scheduleArb, async ([starts, order]) => {
        const { client, all } = await loadFixture(deployed);
        /** The set whose range holds `height` on Astria: the last one starting at or below it. */
        const setOf = (height: number) => starts.filter((s) => s <= height).length;
        const model = { installed: 0, relayed: new Set<number>() };
        // Whatever is refused now is retried after everything else: every action must succeed eventually.
        const queue = [...order];
        for (let guard = 0; queue.length > 0; guard++) {
          expect(guard).to.be.lessThan(order.length * order.length);
          const action = queue.shift()!;
          const done = await step(client, all, starts, setOf, model, action);
          if (!done) queue.push(action);
          await checkModel(client, starts, model);
        }
        expect(model.installed).to.equal(starts.length);
        expect(model.relayed.size).to.equal(HEIGHTS);
      }),
      { numRuns: 12 },
    );
  });
});

/** Runs `action`; the outcome (done, or refused with the named error) must be the model's. */
async function step(
  client: AstriaLightClient,
  all: ReturnType<typeof sets>,
  starts: number[],
  setOf: (height: number) => number,
  model: { installed: number; relayed: Set<number> },
  action: Action,
): Promise<boolean> {
  switch (action.kind) {
    case "relay": {
      const id = setOf(action.height);
      const h = header(action.height);
      const { wallets, validators } = all[id];
      const tx = client.submitHeader(h, BigInt(id), validators, signQuorum(wallets, validators, headerDigest(h, BigInt(id))));
      if (id > model.installed) {
        await expect(tx)
          .to.be.revertedWithCustomError(client, "AstriaLightClient__UnknownValidatorSet")
          .withArgs(BigInt(id), BigInt(model.installed));
        return false;
      }
      await expect(tx).to.emit(client, "HeaderFinalized");
      model.relayed.add(action.height);
      return true;
    }
    case "handOver": {
      const k = action.set;
      if (k !== model.installed + 1) {
        return false; // signed by set k-1, which is not current yet (or already replaced): relay it in turn
      }
      const from = BigInt(starts[k - 1]);
      const current = all[k - 1];
      const digest = validatorSetUpdateDigest(ASTRIA_CHAIN_ID, BigInt(k), from, all[k].validators);
      const tx = client.updateValidatorSet(current.validators, all[k].validators, from, signQuorum(current.wallets, current.validators, digest));
      // Whatever headers were relayed first, the genuine hand-over goes through.
      await expect(tx).to.emit(client, "ValidatorSetUpdated");
      model.installed = k;
      return true;
    }
    case "replayUnderPrevious": {
      const id = setOf(action.height);
      if (id === 0 || id > model.installed) {
        return true; // nothing to replay: set 0 has no previous set, or the genuine set is not here yet
      }
      const h = header(action.height);
      const genuine = signQuorum(all[id].wallets, all[id].validators, headerDigest(h, BigInt(id)));
      const previous = all[id - 1].validators;
      const remapped = genuine
        .map((sig) => ({
          index: BigInt(previous.findIndex((v) => v.signer === all[id].validators[Number(sig.index)].signer)),
          signature: sig.signature,
        }))
        .filter((sig) => sig.index >= 0n)
        .sort((a, b) => (a.index < b.index ? -1 : 1));
      // The previous set's range ended where the genuine set starts: the replay is out of its range.
      await expect(client.submitHeader(h, BigInt(id - 1), previous, remapped))
        .to.be.revertedWithCustomError(client, "AstriaLightClient__HeightOutsideSet")
        .withArgs(BigInt(action.height), BigInt(id - 1), BigInt(id - 1 === 0 ? 1 : starts[id - 2]), BigInt(starts[id - 1]));
      return true;
    }
  }
}

/** The client's latest height, set ranges and headers are the model's. */
async function checkModel(client: AstriaLightClient, starts: number[], model: { installed: number; relayed: Set<number> }) {
  expect(await client.latestHeight()).to.equal(BigInt(Math.max(0, ...model.relayed)));
  for (let k = 0; k <= model.installed; k++) {
    const [, activeFrom, activeUntil] = await client.validatorSetAt(BigInt(k));
    expect(activeFrom).to.equal(k === 0 ? 1n : BigInt(starts[k - 1]));
    expect(activeUntil).to.equal(k < model.installed ? BigInt(starts[k]) : OPEN);
  }
  for (const height of model.relayed) {
    expect((await client.findHeader(BigInt(height)))[0]).to.equal(true);
  }
}
