/**
 * `npm run demo` — the protocol's services running it on their own, on the in-process Hardhat network
 * (or `-- --network localhost`): the suite is deployed; N sequencers, two provers (each with a prover
 * farm), a watcher and the local Astria stand-in are started as the `fernet` commands start them,
 * with their HTTP endpoints on loopback ports; the demo only moves L1 time and injects the faults of
 * each story:
 *   happy rounds -> a round nobody proposes (backup) -> a withheld proof (slashed, backup) -> a missed
 *   reveal (penalised, backup) -> an upgrade signal reaching quorum (PayloadPassed) -> an Astria-backed
 *   block with a user's preconfirmed tx -> a bonded sequencer that reorders its Astria top-of-block,
 *   slashed from the watcher's evidence.
 * It prints a timeline per height and the summary, and exits 1 if an expected outcome is not on chain.
 *
 * Environment (checked before anything is deployed):
 *   DEMO_SEQUENCERS  registered sequencers, 2-12 (default 5)
 *   DEMO_BLOCKS      happy rounds of the first story, 1-100 (default 2)
 *   DEMO_TXS         users' txs sent to the sequencers per height, 0-256 (default 4)
 *   DEMO_STORIES     comma-separated subset of: happy,no-proposal,withheld-proof,missed-reveal,upgrade-signal,
 *                    astria-preconfirmed,astria-reorder (default all)
 *   FARM_WORKERS     prover farm threads per prover, 1-16 (default 2)
 *   FARM_WORK        hash iterations per farm job, 0-100000000 (default 2000)
 *   FARM_JOB_MS      and at least this much wall time per farm job, 0-60000 (default 0)
 */
import { FernetError } from "../sdk/src/errors";
import { intOption } from "./lib/inputs";
import { runDemo } from "./lib/demo/run";
import { storiesOption } from "./lib/demo/stories";

async function main(): Promise<void> {
  const env = process.env;
  const options = {
    sequencers: intOption(env, "DEMO_SEQUENCERS", 5, 2, 12),
    happy: intOption(env, "DEMO_BLOCKS", 2, 1, 100),
    txs: intOption(env, "DEMO_TXS", 4, 0, 256),
    workers: intOption(env, "FARM_WORKERS", 2, 1, 16),
    workPerJob: intOption(env, "FARM_WORK", 2_000, 0, 100_000_000),
    jobMs: intOption(env, "FARM_JOB_MS", 0, 0, 60_000),
    stories: storiesOption(env),
  };
  const result = await runDemo(options);
  if (!result.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  // A bad option is reported as one readable line; anything else with its stack.
  console.error(error instanceof FernetError ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
