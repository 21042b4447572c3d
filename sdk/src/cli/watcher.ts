/**
 * `fernet watcher`: a long-running protocol watcher. It follows the pending height, takes each
 * round's randomness snapshot (`poke()`) in its slot when nobody else did, and settles faults for
 * the bounty: `slashProver` after a missed proof, `penaliseMissedReveal`, `penaliseMissedCommitment`.
 * Its state is the chain's: restart it at any time. Several watchers may run; the one that loses a
 * race logs it and goes on.
 *
 * With `--astria <url>` (a `fernet astria` endpoint) it also relays Astria headers to the light client
 * and finds and submits Astria equivocation evidence (sdk/src/services/astria-watcher.ts).
 *
 * It logs JSON lines: `ready`, `height-state` (on every change), `acted` (action, height, tx,
 * block), `lost-race`, `snapshot-slot-passed`, `tick-failed` (RPC trouble, retried with back-off),
 * `synced` (first complete poll), `stopped`.
 *
 * @example
 * ```sh
 * FERNET_KEY=0x… npx fernet watcher --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json
 * ```
 */
import { follow } from "../services/follower";
import { runService } from "../services/service";
import { COMMON_USAGE, parseSettings } from "../services/settings";
import { Watcher } from "../services/watcher";
import { AstriaHttpClient } from "../services/astria-local";
import { AstriaWatcher } from "../services/astria-watcher";
import type { Command, CommandIo } from "./command";

const NAME = "watcher";

const USAGE = `Usage: fernet watcher --rpc <url> --deployment <file> [flags]

Follows the rollup: takes each round's randomness snapshot (poke) in its slot when nobody did, and
settles missed proofs (slashProver), reveals (penaliseMissedReveal) and commitments
(penaliseMissedCommitment) for the bounty. With --astria, also relays Astria headers to the light
client and proves Astria equivocations (double bindings, reordered or wrong top-of-block, skipped or
omitted Astria blocks, missing bindings, abandoned heights). Restart-safe; stops gracefully on
SIGINT/SIGTERM.

Flags (environment variable in brackets):
${COMMON_USAGE}
  --astria <url>            a \`fernet astria\` endpoint: relay its headers, check bindings against it [FERNET_ASTRIA_URL]
  -h, --help                this text

Exit codes: 0 stopped by a signal, 1 runtime failure (unreachable RPC, wrong chain, no code at the
deployment, unreadable keystore, unreachable --astria endpoint, no Astria contracts in the
deployment), 2 bad command line or config file (a malformed --astria URL), 130 second signal.`;

/**
 * The `watcher` subcommand (see the module header).
 *
 * @example
 * ```ts
 * await watcherCommand.run(["--rpc", url, "--deployment", file], { io, signal });
 * ```
 */
export const watcherCommand: Command = {
  name: NAME,
  summary: "follow the rollup: randomness snapshots, slash missed proofs, penalise missed reveals and commitments",
  usage: USAGE,
  run: runWatcher,
};

async function runWatcher(argv: readonly string[], { io, signal }: { readonly io: CommandIo; readonly signal: AbortSignal }): Promise<number> {
  const settings = parseSettings(NAME, argv, process.env, { astria: { type: "string", env: "FERNET_ASTRIA_URL" } });
  const astriaUrl = settings.string("astria")?.trim().replace(/\/+$/, "");
  if (astriaUrl !== undefined && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(astriaUrl)) throw settings.usage(`--astria: "${astriaUrl}" is not an http(s) URL.`);
  return runService({ name: NAME, settings, io, signal }, async ({ chain, log, intervalMs }) => {
    const watcher = new Watcher(chain.fernet.rollup, log);
    let astria: AstriaWatcher | undefined;
    if (astriaUrl !== undefined) {
      const source = new AstriaHttpClient(astriaUrl);
      const info = await source.info();
      astria = new AstriaWatcher({ fernet: chain.fernet, source, log });
      log.info("astria-connected", { url: astriaUrl, chainId: info.chainId, latestHeight: info.latestHeight, localStandIn: info.localStandIn });
    }
    const tick = async (): Promise<void> => {
      await watcher.step();
      await astria?.step();
    };
    await follow({ signal, intervalMs, log, tick, onSynced: () => log.info("synced") });
    log.info("summary", { actions: watcher.actions.length, astriaActions: astria?.actions.length ?? 0 });
  });
}
