/**
 * Prints the round state and the leader schedule of a deployment.
 *
 *   node round-state.js <deployments/<network>.json> [rpcUrl]
 *
 * The same program is type-checked and run against `hardhat node` from a packed, installed SDK
 * (CommonJS and ES modules) by test/sdk/package.test.ts, and against the in-process Hardhat network
 * by test/sdk/examples.test.ts.
 */
import { JsonRpcProvider } from "ethers";
import { connect, leaderSchedule, Phase } from "@fernet/sdk";

async function main(): Promise<void> {
  const [file, url = "http://127.0.0.1:8545"] = process.argv.slice(2);
  const fernet = await connect(file, new JsonRpcProvider(url));
  const height = await fernet.rollup.pendingHeight();
  const state = await fernet.rollup.getHeightState(height);
  const schedule = await leaderSchedule(fernet.rollup, fernet.registry);
  console.log(
    JSON.stringify({
      height: height.toString(),
      phase: Phase[state.phase],
      proposalDeadline: state.proposalDeadline.toString(),
      schedule: schedule.map((s) => ({ height: s.height.toString(), known: s.known, leader: s.leader?.sequencer ?? null, next: s.next?.sequencer ?? null })),
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
