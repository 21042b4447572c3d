/**
 * Ranks every sequencer eligible for the pending height through a RegistryIndex (the registry's
 * events, read once and then followed), checks it against the paged view's ranking and the leader's
 * score against the contract's, and prints the top of the ranking.
 *
 *   node ranking.js <deployments/<network>.json> [rpcUrl] [top]
 *
 * Type-checked and run from the packed SDK against `hardhat node` by test/sdk/package.test.ts, and
 * against the in-process Hardhat network by test/sdk/examples.test.ts.
 */
import { JsonRpcProvider } from "ethers";
import { connect, rankSequencers, RegistryIndex, SeedNotKnownError } from "@fernet/sdk";

async function main(): Promise<void> {
  const [file, url = "http://127.0.0.1:8545", top = "3"] = process.argv.slice(2);
  const fernet = await connect(file, new JsonRpcProvider(url));
  const height = await fernet.rollup.pendingHeight();
  // Keep one index for the app's life: each ranking then reads only the blocks since the last one.
  const index = await RegistryIndex.create(fernet.registry, { fromBlock: fernet.deployment.deployBlock });
  try {
    const ranking = await rankSequencers(fernet.rollup, fernet.registry, height, { index });
    const viaView = await rankSequencers(fernet.rollup, fernet.registry, height);
    const leader = ranking[0];
    const onChain = leader ? await fernet.rollup.score(height, leader.sequencer) : undefined;
    console.log(
      JSON.stringify({
        height: height.toString(),
        eligible: ranking.length,
        sameAsPagedView: JSON.stringify(ranking.map((r) => r.sequencer)) === JSON.stringify(viaView.map((r) => r.sequencer)),
        leaderScoreMatchesContract: leader ? onChain === leader.score : null,
        top: ranking.slice(0, Number(top)).map((r) => ({ sequencer: r.sequencer, score: `0x${r.score.toString(16)}` })),
      }),
    );
  } catch (e) {
    if (!(e instanceof SeedNotKnownError)) throw e;
    console.log(JSON.stringify({ height: height.toString(), eligible: 0, seedKnown: false }));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
