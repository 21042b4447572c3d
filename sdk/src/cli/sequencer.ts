/**
 * `fernet sequencer`: a long-running sequencer node. It keeps a mempool over HTTP (`POST /tx`,
 * `GET /tx/:hash`), follows the rounds, ranks its key for the pending height and proposes a block
 * from the pool only when its score beats the best proposal; then it asks the configured provers for
 * quotes (`POST /quote`), picks one (lowest prover share, then highest bond, then the first listed),
 * signs it and sends it to that prover's `POST /commit`, and reveals once the prover committed. The
 * HTTP schema is in docs/services.md.
 *
 * With `--astria <url>` (a `fernet astria` endpoint) and an Astria bond in force for the height, its
 * block starts with the Astria top-of-block and it posts its binding (`postBinding`) and hands it to
 * the Astria endpoint for users' preconfirmations; `--astria-bond <units>` bonds at start-up if the key
 * has no bond yet (else the operator bonds with the SDK's `AstriaSlasherClient.bond`).
 *
 * It logs JSON lines: `ready`, `listening`, `tx-accepted`, `proposed`, `outranked`, `not-eligible`,
 * `quote-refused`, `quote-signed`, `no-quote`, `revealed`, `block-lost`, `fault-never-propose`,
 * `fault-never-reveal`, `astria-bonded`, `astria-bond`, `astria-top`, `astria-not-in-force`,
 * `astria-header-relayed`, `binding-posted`, `binding-shared`, `binding-post-failed`,
 * `fault-reorder-top-of-block`, `fault-double-binding`, `binding-leaked`, `tick-failed`, `synced`, `stopped`.
 *
 * @example
 * ```sh
 * FERNET_KEY=0x… npx fernet sequencer --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json --provers http://127.0.0.1:8547
 * ```
 */
import { follow } from "../services/follower";
import { startJsonServer } from "../services/http";
import { AstriaHttpClient } from "../services/astria-local";
import { FernetError } from "../errors";
import { SEQUENCER_FAULTS, SequencerService, signalPayload } from "../services/sequencer";
import { runService } from "../services/service";
import { COMMON_USAGE, parseSettings } from "../services/settings";
import type { Command, CommandIo } from "./command";

const NAME = "sequencer";
const DEFAULT_PORT = 8548;

const USAGE = `Usage: fernet sequencer --rpc <url> --deployment <file> --provers <url,...> [flags]

Mempool over HTTP (POST /tx, GET /tx/:hash); proposes when its score beats the best proposal, gets a
prover through its quote endpoint, reveals. HTTP schema: docs/services.md. Stops gracefully on
SIGINT/SIGTERM.

Flags (environment variable in brackets):
${COMMON_USAGE}
  --host <addr>             HTTP listen address (default 127.0.0.1)
  --port <n>                HTTP port, 0 for any free one (default ${DEFAULT_PORT})
  --provers <urls>          comma-separated prover base URLs (config file: "provers": [...]) [FERNET_PROVERS]
  --max-txs <n>             txs per block, at most (default 64)
  --state-file <file>       keep the pool and unrevealed blocks here across restarts
  --signal <payload>        upgrade payload (address or bytes32) put in every proposed header [FERNET_SIGNAL]
  --astria <url>            a \`fernet astria\` endpoint: take the top-of-block from it while Astria-bonded,
                            post bindings, hand them over for preconfirmations [FERNET_ASTRIA_URL]
  --astria-bond <units>     with --astria: bond this much at start-up unless the key has a bond
  --fault <kind>            fault injection: never-propose | never-reveal | reorder-top-of-block |
                            double-binding (the last two need --astria)
  -h, --help                this text

Exit codes: 0 stopped by a signal, 1 runtime failure (unreachable RPC, wrong chain, no code at the
deployment, unreadable keystore or state file, port in use), 2 bad command line or config file, 130
second signal; an unreachable --astria endpoint is a runtime failure (1), a malformed one a usage error (2).`;

/**
 * The `sequencer` subcommand (see the module header).
 *
 * @example
 * ```ts
 * await sequencerCommand.run(["--rpc", url, "--deployment", file, "--provers", proverUrl], { io, signal });
 * ```
 */
export const sequencerCommand: Command = {
  name: NAME,
  summary: "mempool over HTTP; propose when it can win, get a prover's quote, reveal",
  usage: USAGE,
  run: runSequencer,
};

async function runSequencer(argv: readonly string[], { io, signal }: { readonly io: CommandIo; readonly signal: AbortSignal }): Promise<number> {
  const settings = parseSettings(NAME, argv, process.env, {
    host: { type: "string", env: "FERNET_SEQUENCER_HOST" },
    port: { type: "string", env: "FERNET_SEQUENCER_PORT" },
    provers: { type: "string", env: "FERNET_PROVERS" },
    "max-txs": { type: "string" },
    "state-file": { type: "string" },
    fault: { type: "string" },
    signal: { type: "string", env: "FERNET_SIGNAL" },
    astria: { type: "string", env: "FERNET_ASTRIA_URL" },
    "astria-bond": { type: "string" },
  });
  const host = settings.string("host") ?? "127.0.0.1";
  const port = settings.int("port", DEFAULT_PORT, 0, 65_535);
  const maxTxs = settings.int("max-txs", 64, 0, 1_024);
  const fault = settings.choice("fault", SEQUENCER_FAULTS, "none");
  const astriaUrl = settings.string("astria")?.trim().replace(/\/+$/, "");
  if (astriaUrl !== undefined && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(astriaUrl)) throw settings.usage(`--astria: "${astriaUrl}" is not an http(s) URL.`);
  const astriaBond = settings.string("astria-bond") === undefined ? undefined : settings.bigint("astria-bond", 0n);
  if (astriaBond !== undefined && astriaUrl === undefined) throw settings.usage("--astria-bond needs --astria.");
  if ((fault === "reorder-top-of-block" || fault === "double-binding") && astriaUrl === undefined) throw settings.usage(`--fault ${fault} needs --astria.`);
  const stateFile = settings.string("state-file");
  const signalSetting = settings.string("signal");
  let upgrade: string;
  try {
    upgrade = signalPayload(signalSetting);
  } catch {
    throw settings.usage(`--signal: ${JSON.stringify(signalSetting)} is neither an address nor a bytes32.`);
  }
  const fromConfig = settings.config.provers;
  const provers = Array.isArray(fromConfig) && settings.string("provers") === undefined ? fromConfig : (settings.string("provers") ?? "").split(",");
  const urls = provers.map((p) => String(p).trim().replace(/\/+$/, "")).filter((p) => p !== "");
  for (const u of urls) {
    if (!/^https?:\/\/[^\s]+$/.test(u)) throw settings.usage(`--provers: "${u}" is not an http(s) URL.`);
  }
  return runService({ name: NAME, settings, io, signal }, async ({ chain, log, intervalMs }) => {
    if (urls.length === 0) log.warn("no-provers", { note: "no --provers: proposals will end in backup (NoCommitment)" });
    let astria: { source: AstriaHttpClient } | undefined;
    if (astriaUrl !== undefined) {
      const source = new AstriaHttpClient(astriaUrl);
      const info = await source.info();
      const slasher = chain.fernet.astriaSlasher;
      if (slasher && info.rollupId.toLowerCase() !== (await slasher.getConfig()).rollupId.toLowerCase()) {
        throw new FernetError(`The Astria endpoint ${astriaUrl} serves rollup ${info.rollupId}, not the slasher's ${(await slasher.getConfig()).rollupId}.`, "Point --astria at the Astria endpoint of this deployment.");
      }
      log.info("astria-connected", { url: astriaUrl, chainId: info.chainId, latestHeight: info.latestHeight, localStandIn: info.localStandIn });
      astria = { source };
    }
    const service = new SequencerService({ fernet: chain.fernet, address: chain.address, signer: chain.wallet, provers: urls, log, maxTxs, fault, signal: upgrade, stateFile, astria });
    if (astriaBond !== undefined) await service.ensureAstriaBond(astriaBond);
    const server = await startJsonServer({ host, port, routes: service.routes(), log });
    log.info("listening", { url: server.url, provers: urls, fault, signal: upgrade });
    try {
      await follow({ signal, intervalMs, log, tick: () => service.step(), onSynced: () => log.info("synced") });
    } finally {
      await server.close();
    }
  });
}
