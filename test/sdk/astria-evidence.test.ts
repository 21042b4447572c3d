/**
 * The SDK's AstriaSlasherClient posts a binding and lands every evidence kind against the contracts on
 * the in-process network, with the proofs built by `@fernet/sdk/astria`: each call's receipt carries
 * the offence's event with its arguments and the slash, and the height's record says slashed. The
 * proof builders' own typed errors (a rollup absent from a block, present in one) with their arguments.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { ContractTransactionReceipt } from "ethers";
import { AstriaBindingError, AstriaSlasherClient, ContractRevertError, decodeLog } from "../../sdk/src";
import { absenceProof, astriaTxProof, AstriaRollupNotInBlockError, AstriaRollupPresentError, l2TxProof, rollupLeafProof, shapeWitness } from "../../sdk/src/astria";
import { ROLLUP_ID, SLASHER, backupRound, load, signedBinding, toProposalDeadline, toRevealDeadline, type World } from "../astria/helpers/world";
import { H, endsEarly, entryAt, fabricated, honest, leafOf, scenario, skippedMiddle, swapped, unposted, wrongCount, wrongRoot, type Scenario } from "../astria/helpers/scenarios";
import { rejection, thrown } from "../helpers/errors";

const PENALTY = SLASHER.penalty;
const BOUNTY = (PENALTY * SLASHER.bountyBps) / 10_000n;

/** The slasher's events in a receipt, by name with arguments by name. */
function events(receipt: ContractTransactionReceipt): { name: string; args: Record<string, unknown> }[] {
  return receipt.logs.map((l) => decodeLog("astriaSlasher", l)).filter((e) => e !== undefined).map((e) => ({ name: e!.name as string, args: e!.args as Record<string, unknown> }));
}

/** Checks that `receipt` slashed seqA at height 3 for `offence`, paying the reporter its bounty. */
async function expectSlashed(w: World, receipt: ContractTransactionReceipt, offence: number): Promise<{ name: string; args: Record<string, unknown> }[]> {
  const evs = events(receipt);
  const slashed = evs.find((e) => e.name === "Slashed");
  expect(slashed?.args).to.deep.include({ l2Height: H, sequencer: w.seqA.address, reporter: w.reporter.address, offence: BigInt(offence), amount: PENALTY, bounty: BOUNTY, burned: PENALTY - BOUNTY });
  expect((await w.slasher.bindingAt(H)).slashed).to.equal(true);
  return evs;
}

const boundPending = () => scenario({ finalize: false });

describe("SDK AstriaSlasherClient: bindings and every evidence kind on the in-process network", () => {
  it("posts a signed binding after checking its window, signer, block, range start and that none is posted", async () => {
    const s = await load(unposted);
    const { w } = s;
    const asSeq = new AstriaSlasherClient(await w.slasher.getAddress(), w.seqA);
    const refused = async (signed: { binding: Parameters<AstriaSlasherClient["postBinding"]>[0]; entries: Parameters<AstriaSlasherClient["postBinding"]>[1]; signature: string }, problem: string) => {
      const e = await rejection(asSeq.postBinding(signed.binding, signed.entries, signed.signature));
      expect(e, problem).to.be.instanceOf(AstriaBindingError);
      expect(e).to.include({ problem, height: H });
      expect((e as AstriaBindingError).details).to.be.a("string").and.not.equal("");
    };
    // Still in the proposal phase: the window opens at the proposal deadline.
    await refused(await signedBinding(w, w.seqA, H, s.t), "window");
    await toProposalDeadline(w, H);
    await refused(await signedBinding(w, w.seqB, H, s.t), "signer");
    await refused(await signedBinding(w, w.seqA, H, s.t, { blockHash: ethers.ZeroHash }), "blockHash");
    await refused(await signedBinding(w, w.seqA, H, s.t, { astriaStart: s.t.astriaStart + 1n }), "start");
    const signed = await signedBinding(w, w.seqA, H, s.t);
    const receipt = await asSeq.postBinding(signed.binding, signed.entries, signed.signature);
    expect(events(receipt).map((e) => e.name)).to.include("BindingPosted");
    expect(await asSeq.bindingAt(H)).to.deep.include({ posted: true, slashed: false, astriaStart: signed.binding.astriaStart, astriaEnd: signed.binding.astriaEnd });
    await refused(signed, "posted");
    // Past the SDK's checks, the contract's error comes back typed with its arguments.
    const again = await rejection(asSeq.postBinding(signed.binding, signed.entries, signed.signature, { skipChecks: true }));
    expect(again).to.be.instanceOf(ContractRevertError);
    expect(again).to.include({ errorName: "Astria__BindingAlreadyPosted" });
    expect((again as ContractRevertError).namedArgs).to.deep.equal({ l2Height: H });
    // After the reveal deadline the window is closed again.
    await toRevealDeadline(w, H);
    await refused(signed, "window");
  });

  it("proves a root mismatch", async () => {
    const s = await load(wrongRoot);
    const client = new AstriaSlasherClient(await s.w.slasher.getAddress(), s.w.reporter);
    const entry = entryAt(s, 3n);
    const leaf = leafOf(s, 3n);
    const evs = await expectSlashed(s.w, await client.proveRootMismatch(H, entry, leaf), 2);
    expect(evs.find((e) => e.name === "AstriaMismatchProven")?.args).to.deep.include({ l2Height: H, astriaHeight: 3n, claimed: entry.entry.rollupTxsRoot, actual: leaf.txsRoot });
  });

  it("proves the rollup absent from a block an entry claims", async () => {
    const s = await load(fabricated);
    const client = new AstriaSlasherClient(await s.w.slasher.getAddress(), s.w.reporter);
    const proof = absenceProof(s.w.astria.get(7n)!, ROLLUP_ID);
    const evs = await expectSlashed(s.w, await client.proveRollupAbsent(H, entryAt(s, 7n), proof), 2);
    expect(evs.find((e) => e.name === "AstriaMismatchProven")?.args).to.deep.include({ astriaHeight: 7n });
  });

  it("proves a skipped block", async () => {
    const s = await load(skippedMiddle);
    const client = new AstriaSlasherClient(await s.w.slasher.getAddress(), s.w.reporter);
    const evs = await expectSlashed(s.w, await client.proveSkippedBlock(H, 3n, leafOf(s, 3n), [entryAt(s, 1n), entryAt(s, 4n)]), 2);
    expect(evs.find((e) => e.name === "AstriaMismatchProven")?.args).to.deep.include({ astriaHeight: 3n, actual: leafOf(s, 3n).txsRoot });
  });

  it("proves a count mismatch", async () => {
    const s = await load(wrongCount);
    const client = new AstriaSlasherClient(await s.w.slasher.getAddress(), s.w.reporter);
    const proof = astriaTxProof(s.w.astria.get(3n)!, ROLLUP_ID, shapeWitness(3, 2)!);
    const evs = await expectSlashed(s.w, await client.proveCountMismatch(H, entryAt(s, 3n), proof, 3n), 2);
    expect(evs.find((e) => e.name === "AstriaMismatchProven")?.args).to.deep.include({ astriaHeight: 3n, claimed: ethers.toBeHex(2n, 32), actual: ethers.toBeHex(3n, 32) });
  });

  it("proves a tx mismatch (a reordered top-of-block)", async () => {
    const s: Scenario = await load(swapped);
    const client = new AstriaSlasherClient(await s.w.slasher.getAddress(), s.w.reporter);
    const entry = entryAt(s, 3n);
    const position = Number(entry.entry.offset);
    const receipt = await client.proveTxMismatch(H, entry, leafOf(s, 3n), astriaTxProof(s.w.astria.get(3n)!, ROLLUP_ID, 0), l2TxProof(s.header, s.txHashes, position));
    const evs = await expectSlashed(s.w, receipt, 3);
    expect(evs.find((e) => e.name === "TxMismatchProven")?.args).to.deep.include({ l2Height: H, astriaHeight: 3n, l2Index: BigInt(position), actualTxHash: s.txHashes[position] });
  });

  it("proves a missing binding", async () => {
    const { w } = await load(unposted);
    await toRevealDeadline(w, H);
    const client = new AstriaSlasherClient(await w.slasher.getAddress(), w.reporter);
    const evs = await expectSlashed(w, await client.proveMissingBinding(H), 4);
    expect(evs.find((e) => e.name === "MissingBindingProven")?.args).to.deep.include({ l2Height: H, sequencer: w.seqA.address });
  });

  it("proves a range omission", async () => {
    const s = await load(endsEarly);
    const client = new AstriaSlasherClient(await s.w.slasher.getAddress(), s.w.reporter);
    const evs = await expectSlashed(s.w, await client.proveRangeOmission(H, 4n, leafOf(s, 4n)), 5);
    expect(evs.find((e) => e.name === "RangeOmissionProven")?.args).to.deep.include({ l2Height: H, astriaHeight: 4n });
  });

  it("proves a height abandoned through the winner's own backup block", async () => {
    const s = await load(boundPending);
    const { w } = s;
    await backupRound(w, H, { by: w.stranger, txHashes: [OWN_TX_OF(s)] });
    const client = new AstriaSlasherClient(await w.slasher.getAddress(), w.reporter);
    const evs = await expectSlashed(w, await client.proveAbandonedHeight(H), 6);
    expect(evs.find((e) => e.name === "AbandonedHeightProven")?.args).to.deep.include({ l2Height: H, sequencer: w.seqA.address });
  });

  it("names the rollup and the Astria height when a leaf or an absence proof cannot exist", async () => {
    const s = await load(honest);
    const withRollup = s.w.astria.get(3n)!;
    const withoutRollup = s.w.astria.get(2n)!;
    const present = thrown(() => absenceProof(withRollup, ROLLUP_ID));
    expect(present).to.be.instanceOf(AstriaRollupPresentError);
    expect(present).to.include({ rollupId: ROLLUP_ID, astriaHeight: 3n });
    const absent = thrown(() => rollupLeafProof(withoutRollup, ROLLUP_ID));
    expect(absent).to.be.instanceOf(AstriaRollupNotInBlockError);
    expect(absent).to.include({ rollupId: ROLLUP_ID, astriaHeight: 2n });
  });
});

/** A tx of the winner's own (not an Astria tx): the backup block carries it instead of the promised top-of-block. */
function OWN_TX_OF(s: Scenario): string {
  return s.txHashes[s.txHashes.length - 1];
}
