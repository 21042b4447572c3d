/**
 * Reads the rollup's and the registry's past events from the deployment block, then watches the
 * rollup live for a while (polling `eth_getLogs`; RPC failures are retried) and prints what it saw.
 *
 *   node watch-events.js <deployments/<network>.json> [rpcUrl] [seconds]
 *
 * Type-checked and run from the packed SDK against `hardhat node` by test/sdk/package.test.ts, and
 * against the in-process Hardhat network by test/sdk/examples.test.ts.
 */
import { JsonRpcProvider } from "ethers";
import { connect, readEvents, watchEvents } from "@fernet/sdk";

async function main(): Promise<void> {
  const [file, url = "http://127.0.0.1:8545", seconds = "2"] = process.argv.slice(2);
  const fernet = await connect(file, new JsonRpcProvider(url));
  const fromBlock = fernet.deployment.deployBlock ?? 0;
  const registered = await readEvents("registry", fernet.registry, { names: ["SequencerRegistered"], fromBlock });
  const past = await readEvents("rollup", fernet.rollup, { fromBlock });

  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), Number(seconds) * 1000);
  const live: string[] = [];
  for await (const ev of watchEvents("rollup", fernet.rollup, { pollingInterval: 250, signal: stop.signal, onError: (e, n) => console.error(`retry ${n}:`, e) })) {
    live.push(`${ev.name}@${ev.blockNumber}`);
  }
  clearTimeout(timer);
  console.log(
    JSON.stringify({
      sequencersRegistered: registered.length,
      firstSequencer: registered[0]?.args.sequencer ?? null,
      pastRollupEvents: past.length,
      live,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
