/**
 * Gas of the Astria light client (header and validator-set updates with 4, 16 and 64 validators) and of
 * the Astria slasher (bonds, posting a binding, each evidence type). Neither depends on the number of
 * registered sequencers, so every row is recorded at population 1.
 *
 * Each slasher row is measured on a fresh scenario (test/astria/helpers/scenarios.ts): the same Astria
 * chain and L2 height the evidence tests use, with the violation the row's evidence proves.
 */
import { takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import {
  absenceProof,
  astriaTxProof,
  buildAstriaBlock,
  headerDigest,
  l2TxProof,
  shapeWitness,
  signQuorum,
  validatorSet,
  validatorSetUpdateDigest,
} from "../../sdk/src/astria";
import {
  ASTRIA_CHAIN_ID,
  ROLLUP_ID,
  SLASHER,
  backupRound,
  deployWorld,
  finalizeRound,
  sign,
  signedBinding,
  toProposalDeadline,
  toRevealDeadline,
  validatorWallets,
} from "../../test/astria/helpers/world";
import {
  H,
  endsEarly,
  entryAt,
  fabricated,
  honest,
  leafOf,
  scenario,
  skippedMiddle,
  swapped,
  unposted,
  wrongCount,
  wrongRoot,
} from "../../test/astria/helpers/scenarios";
import { GasSheet, gasOf } from "./common";

const SLASHER_SECTION = "AstriaSlasher";
const LIGHT_CLIENT_SECTION = "AstriaLightClient";
/** Astria gas does not depend on the number of sequencers: one column. */
const POPULATION = 1;
/** Validator-set sizes measured. */
const SET_SIZES = [4, 16, 64];

/** Measures the Astria light client and slasher; restores the chain afterwards. */
export async function benchAstria(sheet: GasSheet): Promise<void> {
  const snapshot = await takeSnapshot();
  try {
    await benchLightClient(sheet);
    await benchBonds(sheet);
    await benchEvidence(sheet);
  } finally {
    await snapshot.restore();
  }
}

async function benchLightClient(sheet: GasSheet): Promise<void> {
  for (const n of SET_SIZES) {
    const wallets = validatorWallets(n, `gas-${n}`);
    const set = validatorSet(wallets.map((w) => ({ signer: w.address, votingPower: 10n })));
    const client = await ethers.deployContract("AstriaLightClient", [ASTRIA_CHAIN_ID, set, 1n]);
    const { header } = buildAstriaBlock({
      chainId: ASTRIA_CHAIN_ID,
      height: 1n,
      time: 1_700_000_000n,
      proposerAddress: "0x" + "0a".repeat(20),
      rollups: [{ rollupId: ROLLUP_ID, txs: ["0x01", "0x02"] }],
    });
    const sigs = signQuorum(wallets, set, headerDigest(header, 0n));
    sheet.record(
      LIGHT_CLIENT_SECTION,
      `submitHeader (${n} validators, ${sigs.length} signatures)`,
      POPULATION,
      await gasOf(client.submitHeader(header, 0n, set, sigs)),
    );
    const next = validatorSet(validatorWallets(n, `gas-next-${n}`).map((w) => ({ signer: w.address, votingPower: 10n })));
    const handOver = signQuorum(wallets, set, validatorSetUpdateDigest(ASTRIA_CHAIN_ID, 1n, 3n, next));
    sheet.record(
      LIGHT_CLIENT_SECTION,
      `updateValidatorSet (${n} to ${n} validators)`,
      POPULATION,
      await gasOf(client.updateValidatorSet(set, next, 3n, handOver)),
    );
    // A header of the replaced set, relayed after the hand-over (it stays relayable in its range).
    const late = { ...header, height: 2n };
    sheet.record(
      LIGHT_CLIENT_SECTION,
      `submitHeader of a replaced set (${n} validators)`,
      POPULATION,
      await gasOf(client.submitHeader(late, 0n, set, signQuorum(wallets, set, headerDigest(late, 0n)))),
    );
  }
}

async function benchBonds(sheet: GasSheet): Promise<void> {
  const w = await deployWorld({ bondA: false });
  sheet.record(
    SLASHER_SECTION,
    "bond (opt-in)",
    POPULATION,
    await gasOf(w.slasher.connect(w.seqA).bond(w.seqA.address, SLASHER.minimumBond)),
  );
  sheet.record(
    SLASHER_SECTION,
    "bond (top-up)",
    POPULATION,
    await gasOf(w.slasher.connect(w.stranger).bond(w.seqA.address, SLASHER.minimumBond)),
  );
  sheet.record(SLASHER_SECTION, "requestUnbond", POPULATION, await gasOf(w.slasher.connect(w.seqA).requestUnbond()));
  await finalizeRound(w, w.seqA, 1n);
  await finalizeRound(w, w.seqA, 2n);
  await time.increase(SLASHER.unbondDelay);
  sheet.record(SLASHER_SECTION, "withdraw", POPULATION, await gasOf(w.slasher.connect(w.seqA).withdraw(w.seqA.address)));

  const s = await scenario({ post: false, finalize: false });
  await toProposalDeadline(s.w, H);
  const { binding, entries, signature } = await signedBinding(s.w, s.w.seqA, H, s.t);
  sheet.record(
    SLASHER_SECTION,
    `postBinding (${entries.length} entries)`,
    POPULATION,
    await gasOf(s.w.slasher.postBinding(binding, entries, signature)),
  );
}

async function benchEvidence(sheet: GasSheet): Promise<void> {
  const record = async (operation: string, gas: Promise<bigint>) =>
    sheet.record(SLASHER_SECTION, operation, POPULATION, await gas);

  let s = await honest();
  const other = { ...s.signed!.binding, blockHash: ethers.ZeroHash };
  const otherSig = await sign(s.w, s.w.seqA, other);
  await record(
    "1 proveDoubleBinding",
    gasOf(s.w.slasher.proveDoubleBinding(s.signed!.binding, s.signed!.signature, other, otherSig)),
  );
  s = await honest();
  await record("2 proveWrongBlockHash", gasOf(s.w.slasher.proveWrongBlockHash(other, await sign(s.w, s.w.seqA, other))));

  s = await wrongRoot();
  await record("3 proveRootMismatch", gasOf(s.w.slasher.proveRootMismatch(H, entryAt(s, 3n), leafOf(s, 3n))));
  s = await fabricated();
  const absence = absenceProof(s.w.astria.get(7n)!, ROLLUP_ID);
  await record("3 proveRollupAbsent (two neighbours)", gasOf(s.w.slasher.proveRollupAbsent(H, entryAt(s, 7n), absence)));
  s = await skippedMiddle();
  await record(
    "3 proveSkippedBlock (two entries around)",
    gasOf(s.w.slasher.proveSkippedBlock(H, 3n, leafOf(s, 3n), [entryAt(s, 1n), entryAt(s, 4n)])),
  );
  s = await wrongCount();
  const witness = astriaTxProof(s.w.astria.get(3n)!, ROLLUP_ID, shapeWitness(3, 2)!);
  await record("3 proveCountMismatch", gasOf(s.w.slasher.proveCountMismatch(H, entryAt(s, 3n), witness, 3n)));

  s = await swapped();
  const entry = entryAt(s, 3n);
  await record(
    "4 proveTxMismatch",
    gasOf(
      s.w.slasher.proveTxMismatch(
        H,
        entry,
        leafOf(s, 3n),
        astriaTxProof(s.w.astria.get(3n)!, ROLLUP_ID, 0),
        l2TxProof(s.header, s.txHashes, Number(entry.entry.offset)),
      ),
    ),
  );

  s = await unposted();
  await toRevealDeadline(s.w, H);
  await record("5 proveMissingBinding", gasOf(s.w.slasher.proveMissingBinding(H)));

  s = await endsEarly();
  await record("6 proveRangeOmission (ends early)", gasOf(s.w.slasher.proveRangeOmission(H, 4n, leafOf(s, 4n))));

  // The winner signs no quote and the height ends in backup.
  s = await scenario({ finalize: false });
  await backupRound(s.w, H);
  await record("7 proveAbandonedHeight (no commitment)", gasOf(s.w.slasher.proveAbandonedHeight(H)));
}

/** `npx hardhat run scripts/gas/astria.ts`: prints the Astria rows alone (the full report is `npm run gas`). */
async function main(): Promise<void> {
  const sheet = new GasSheet();
  await benchAstria(sheet);
  for (const row of sheet.rows) {
    console.log(`| ${row.section} | ${row.operation} | ${row.gas.get(POPULATION)} |`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
