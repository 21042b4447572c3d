/**
 * Confirmation stages of a tx from its hash alone (findTxConfirmation): the height is found by
 * scanning the rollup's reveals (and, with a sequencer's tx list, its proposals) over a block range.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, randomBytes } from "ethers";
import { buildHeader, ConfirmationStage, encodeBlockData, finalizationBlock, findTxConfirmation, heightConfirmation, mockProof, publicInputsHash, readEvents, RollupClient, txConfirmation } from "../../sdk/src";
import { deadlines, deployWorld, makeQuote, ranked, toRoundStart, type World } from "../helpers/rollup";
import { load } from "../helpers/fixtures";

async function world() {
  const w = await deployWorld();
  return { w, rollup: new RollupClient(await w.rollup.getAddress(), ethers.provider), deployBlock: await ethers.provider.getBlockNumber() };
}

async function blockOf(w: World, txHashes: string[]) {
  const data = encodeBlockData(txHashes);
  const header = buildHeader({ height: 1n, parentArchive: await w.rollup.archive(), archive: hexlify(randomBytes(32)), txHashes, data });
  return { header, data, txHashes };
}

const latest = () => ethers.provider.getBlockNumber();

describe("SDK confirmations from a tx hash alone", () => {
  it("finds the height and walks stages 3 to 7, from the proposal (with the sequencer's list) and from the reveal (hash only)", async () => {
    const { w, rollup, deployBlock } = await load(world);
    await toRoundStart(w);
    const [best] = await ranked(w, 1n);
    const txs = [0, 1, 2, 3, 4].map(() => hexlify(randomBytes(32)));
    const b = await blockOf(w, txs);
    const from = { fromBlock: deployBlock };
    expect(await findTxConfirmation(rollup, txs[1], from)).to.deep.equal({ stage: ConfirmationStage.Unknown });

    await w.rollup.connect(best).propose(b.header);
    const proposedAt = await latest();
    // Before the reveal only the sequencer's list, checked against the proposal's txs root, finds it.
    expect(await findTxConfirmation(rollup, txs[1], from)).to.deep.equal({ stage: ConfirmationStage.Unknown });
    expect(await findTxConfirmation(rollup, txs[1], { ...from, blockTxHashes: txs })).to.deep.equal({ stage: ConfirmationStage.BestProposal, height: 1n, blockNumber: proposedAt });
    const otherList = [txs[1], hexlify(randomBytes(32))]; // names the tx, but no proposal has its root
    expect(await findTxConfirmation(rollup, txs[1], { ...from, blockTxHashes: otherList })).to.deep.equal({ stage: ConfirmationStage.Unknown });

    await time.increaseTo((await deadlines(w)).proposal);
    const prover = w.provers[0];
    const q = await makeQuote(w, best, b.header, prover.address);
    await w.rollup.connect(prover).commitProver(q.quote, q.signature);
    expect((await findTxConfirmation(rollup, txs[4], { ...from, blockTxHashes: txs })).stage).to.equal(ConfirmationStage.ProverCommitted);

    await w.rollup.connect(best).reveal(1n, b.data);
    const revealedAt = await latest();
    expect(await findTxConfirmation(rollup, txs[0], from)).to.deep.equal({ stage: ConfirmationStage.DataAvailable, height: 1n, blockNumber: revealedAt });
    expect(await findTxConfirmation(rollup, txs[0], { ...from, blockTxHashes: txs })).to.deep.equal({ stage: ConfirmationStage.DataAvailable, height: 1n, blockNumber: revealedAt });
    expect((await findTxConfirmation(rollup, txs[0].toUpperCase().replace("0X", "0x"), from)).stage).to.equal(ConfirmationStage.DataAvailable);
    expect(await findTxConfirmation(rollup, hexlify(randomBytes(32)), from)).to.deep.equal({ stage: ConfirmationStage.Unknown });

    // The range bounds the scan: a range that ends before the reveal, or starts after it, finds nothing.
    expect((await findTxConfirmation(rollup, txs[0], { fromBlock: deployBlock, toBlock: revealedAt - 1 })).stage).to.equal(ConfirmationStage.Unknown);
    expect((await findTxConfirmation(rollup, txs[0], { fromBlock: revealedAt + 1 })).stage).to.equal(ConfirmationStage.Unknown);
    expect((await findTxConfirmation(rollup, txs[0], { fromBlock: revealedAt, toBlock: revealedAt, chunkSize: 1 })).stage).to.equal(ConfirmationStage.DataAvailable);

    await time.increaseTo((await deadlines(w)).commitment);
    await w.rollup.submitProof(b.header, mockProof(publicInputsHash(w.chainId, await w.rollup.getAddress(), b.header, prover.address)));
    expect((await findTxConfirmation(rollup, txs[2], { ...from, depth: 3 })).stage).to.equal(ConfirmationStage.Proven);
    await mine(3);
    expect(await findTxConfirmation(rollup, txs[2], { ...from, depth: 3 })).to.deep.equal({ stage: ConfirmationStage.L1Finalized, height: 1n, blockNumber: revealedAt });
  });

  it("does not count a reveal of a proposal that was then outbid", async () => {
    const { w, rollup, deployBlock } = await load(world);
    await toRoundStart(w);
    const [best, second] = await ranked(w, 1n);
    const tx = hexlify(randomBytes(32));
    const early = await blockOf(w, [tx, hexlify(randomBytes(32))]);
    await w.rollup.connect(second).propose(early.header);
    await w.rollup.connect(second).reveal(1n, early.data); // an early reveal, in the proposal phase
    expect((await findTxConfirmation(rollup, tx, { fromBlock: deployBlock })).stage).to.equal(ConfirmationStage.BestProposal); // revealed, but no prover committed yet
    const winner = await blockOf(w, [hexlify(randomBytes(32))]);
    await w.rollup.connect(best).propose(winner.header);
    expect(await findTxConfirmation(rollup, tx, { fromBlock: deployBlock })).to.deep.equal({ stage: ConfirmationStage.Unknown });
    expect((await findTxConfirmation(rollup, winner.txHashes[0], { fromBlock: deployBlock, blockTxHashes: winner.txHashes })).stage).to.equal(ConfirmationStage.BestProposal);
  });

  it("reports Submitted for a tx found nowhere with a sequencer's receipt for an undecided height, and Unknown once that height is past", async () => {
    const { w, rollup, deployBlock } = await load(world);
    const txHash = hexlify(randomBytes(32));
    const receipt = { txHash, height: 1n, sequencer: w.sequencers[0].address, acceptedAt: 0n };
    expect(await findTxConfirmation(rollup, txHash, { fromBlock: deployBlock, receipt })).to.deep.equal({ stage: ConfirmationStage.Submitted, height: 1n });
    expect(await findTxConfirmation(rollup, txHash, { fromBlock: deployBlock, receipt: { ...receipt, txHash: hexlify(randomBytes(32)) } })).to.deep.equal({ stage: ConfirmationStage.Unknown });
    expect(await findTxConfirmation(rollup, txHash, { fromBlock: deployBlock, receipt: { ...receipt, height: 0n } })).to.deep.equal({ stage: ConfirmationStage.Unknown });
  });

  it("searches a height's events from fromBlock in spans of chunkSize, at most 4 calls in flight", async () => {
    const { w, deployBlock } = await load(world);
    await toRoundStart(w);
    const [best] = await ranked(w, 1n);
    const txs = [hexlify(randomBytes(32)), hexlify(randomBytes(32))];
    const b = await blockOf(w, txs);
    await w.rollup.connect(best).propose(b.header);
    await time.increaseTo((await deadlines(w)).proposal);
    const prover = w.provers[0];
    const q = await makeQuote(w, best, b.header, prover.address);
    await w.rollup.connect(prover).commitProver(q.quote, q.signature);
    await w.rollup.connect(best).reveal(1n, b.data);
    await time.increaseTo((await deadlines(w)).commitment);
    await w.rollup.submitProof(b.header, mockProof(publicInputsHash(w.chainId, await w.rollup.getAddress(), b.header, prover.address)));
    const finalizedAt = await latest();
    await mine(3);
    // A provider that counts the eth_getLogs calls in flight.
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const counting = new Proxy(ethers.provider, {
      get(target, prop, receiver) {
        if (prop === "getLogs") {
          return async (...args: unknown[]) => {
            calls++;
            most = Math.max(most, ++inFlight);
            try {
              await new Promise((r) => setTimeout(r, 5));
              return await (target.getLogs as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            } finally {
              inFlight--;
            }
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const rollup = new RollupClient(await w.rollup.getAddress(), counting);
    expect(await finalizationBlock(rollup, 1n, { fromBlock: deployBlock, chunkSize: 2 })).to.equal(finalizedAt);
    const spans = Math.ceil(((await latest()) - deployBlock + 1) / 2);
    expect(calls).to.equal(spans);
    expect(most).to.equal(Math.min(4, spans));
    // Starting after the finalization, it is not found: the height reads as Proven, not L1-final.
    expect(await finalizationBlock(rollup, 1n, { fromBlock: finalizedAt + 1 })).to.equal(undefined);
    expect(await heightConfirmation(rollup, 1n, { depth: 3, fromBlock: finalizedAt + 1 })).to.equal(ConfirmationStage.Proven);
    expect(await heightConfirmation(rollup, 1n, { depth: 3, fromBlock: deployBlock, chunkSize: 3 })).to.equal(ConfirmationStage.L1Finalized);
    // The revealed data is searched the same way: a range that starts after the proposal finds no block.
    expect(await txConfirmation(rollup, 1n, txs[1], undefined, { depth: 3, fromBlock: deployBlock, chunkSize: 2 })).to.equal(ConfirmationStage.L1Finalized);
    expect(await txConfirmation(rollup, 1n, txs[1], undefined, { depth: 3, fromBlock: finalizedAt + 1 })).to.equal(ConfirmationStage.Unknown);
    // readEvents bounds its calls in flight too.
    calls = 0;
    most = 0;
    const all = await readEvents("rollup", rollup, { fromBlock: deployBlock, chunkSize: 1, concurrency: 2 });
    expect(most).to.equal(2);
    expect(calls).to.equal((await latest()) - deployBlock + 1);
    expect(all.map((e) => e.name)).to.deep.equal((await readEvents("rollup", { address: rollup.address, runner: ethers.provider }, { fromBlock: deployBlock })).map((e) => e.name));
  });
});
