/**
 * `fernet astria`: a LOCAL DEVELOPMENT STAND-IN for an Astria sequencer (not Astria; never for real
 * value). It makes an Astria block every `--block-ms` with the rollup txs posted to it (`POST /tx`)
 * and one tx of another rollup, signs each header with the publicly known stand-in validator keys the
 * deployment's `AstriaLightClient` was deployed with (`localValidatorWallets(--validators,
 * --validator-seed)`; it refuses to start when they are not the light client's current set), and serves
 * blocks, bindings and preconfirmations over HTTP (schema: docs/services.md, "Astria"). Block times are
 * the L1's (`l1Clock`: the node's next block time). It needs no key: it sends no transactions (the watcher relays headers).
 *
 * Its chain lives in memory: it refuses to start when the light client already holds headers of an
 * earlier run (they could not be produced again).
 *
 * It logs JSON lines: `ready`, `listening`, `astria-tx-accepted`, `astria-block`, `astria-binding`,
 * `tick-failed`, `stopped`.
 *
 * @example
 * ```sh
 * npx fernet astria --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json --port 8549 --block-ms 2000
 * ```
 */
import { JsonRpcProvider, Network } from "ethers";
import { FetchJsonRpcProvider } from "../transport";
import { validatorSet, validatorSetHash } from "../astria";
import { connect } from "../clients";
import { FernetError } from "../errors";
import { l1Clock, LocalAstria, LOCAL_VALIDATOR_SEED, LOCAL_VOTING_POWER, localValidatorWallets } from "../services/astria-local";
import { probeChainId } from "../services/chain";
import { follow } from "../services/follower";
import { describeError, jsonLogger } from "../services/log";
import { AstriaNotDeployedError } from "../services/errors";
import { COMMON_USAGE, parseSettings } from "../services/settings";
import { EXIT, type Command, type CommandIo } from "./command";

const NAME = "astria";
const DEFAULT_PORT = 8549;

const USAGE = `Usage: fernet astria --rpc <url> --deployment <file> [flags]

LOCAL DEVELOPMENT STAND-IN for an Astria sequencer (not Astria): makes a block every --block-ms
with the rollup txs posted to it, signs headers with the stand-in validator keys the deployment's
AstriaLightClient was deployed with, serves blocks, bindings and preconfirmations over HTTP
(POST /tx, GET /tx/:hash, GET /blocks?from=&to=, GET /block/:height, POST /binding,
GET /bindings/:l2Height, GET /preconfirmation/:txHash, GET /health; schema: docs/services.md).
Needs no key. Stops gracefully on SIGINT/SIGTERM.

Flags (environment variable in brackets):
${COMMON_USAGE}
  --host <addr>             HTTP listen address (default 127.0.0.1)
  --port <n>                HTTP port, 0 for any free one (default ${DEFAULT_PORT})
  --block-ms <ms>           one Astria block this often (default 2000)
  --validators <n>          how many stand-in validators (default 4)
  --validator-seed <tag>    seed of the stand-in keys (default ${LOCAL_VALIDATOR_SEED})
  --no-other-rollups        do not add another rollup's tx to every block
  -h, --help                this text

Exit codes: 0 stopped by a signal, 1 runtime failure (unreachable RPC, no Astria contracts in the
deployment, stand-in keys that are not the light client's set, headers of an earlier run, port in
use), 2 bad command line or config file, 130 second signal.`;

/**
 * The `astria` subcommand (see the module header).
 *
 * @example
 * ```ts
 * await astriaCommand.run(["--rpc", url, "--deployment", file, "--port", "0"], { io, signal });
 * ```
 */
export const astriaCommand: Command = {
  name: NAME,
  summary: "local development stand-in for an Astria sequencer: signed blocks, bindings, preconfirmations",
  usage: USAGE,
  run: runAstria,
};

/**
 * The stand-in keys are not the light client's validator set.
 *
 * @example
 * ```ts
 * if (e instanceof AstriaValidatorKeysError) console.error(e.details);
 * ```
 */
export class AstriaValidatorKeysError extends FernetError {
  override name = "AstriaValidatorKeysError";
  constructor(problem: string) {
    super(problem, "Deploy the light client with validatorSet(localValidatorWallets(n, seed)) and pass the same --validators and --validator-seed.");
  }
}

async function runAstria(argv: readonly string[], { io, signal }: { readonly io: CommandIo; readonly signal: AbortSignal }): Promise<number> {
  const settings = parseSettings(NAME, argv, process.env, {
    host: { type: "string", env: "FERNET_ASTRIA_HOST" },
    port: { type: "string", env: "FERNET_ASTRIA_PORT" },
    "block-ms": { type: "string" },
    validators: { type: "string" },
    "validator-seed": { type: "string" },
    "no-other-rollups": { type: "boolean" },
  });
  const rpc = settings.required("rpc");
  const deployment = settings.required("deployment");
  const host = settings.string("host") ?? "127.0.0.1";
  const port = settings.int("port", DEFAULT_PORT, 0, 65_535);
  const blockMs = settings.int("block-ms", 2_000, 50, 3_600_000);
  const count = settings.int("validators", 4, 1, 100);
  const seed = settings.string("validator-seed") ?? LOCAL_VALIDATOR_SEED;
  const otherRollups = !settings.flag("no-other-rollups");
  const log = jsonLogger(io, { service: NAME }, settings.logLevel());
  let provider: JsonRpcProvider | undefined;
  try {
    const chainId = await probeChainId(rpc);
    provider = new FetchJsonRpcProvider(rpc, Network.from(chainId), { staticNetwork: Network.from(chainId), pollingInterval: 500, cacheTimeout: -1 });
    const fernet = await connect(deployment, provider);
    const slasher = fernet.astriaSlasher;
    const lightClient = fernet.astriaLightClient;
    if (!slasher) throw new AstriaNotDeployedError("astriaSlasher");
    if (!lightClient) throw new AstriaNotDeployedError("astriaLightClient");
    const [config, astriaChainId, set, latest] = await Promise.all([slasher.getConfig(), lightClient.astriaChainId(), lightClient.currentValidatorSet(), lightClient.latestHeight()]);
    const wallets = localValidatorWallets(count, seed);
    const validators = validatorSet(wallets.map((w) => ({ signer: w.address, votingPower: LOCAL_VOTING_POWER })));
    if (validatorSetHash(validators) !== set.setHash) throw new AstriaValidatorKeysError(`The ${count} stand-in keys of seed "${seed}" are not the light client's validator set ${set.setId}.`);
    if (set.activeFromHeight > config.astriaStartHeight) throw new AstriaValidatorKeysError(`The light client's current set ${set.setId} starts at Astria height ${set.activeFromHeight}, after the slasher's start height ${config.astriaStartHeight}.`);
    if (latest >= config.astriaStartHeight) {
      throw new FernetError(`The light client already holds Astria headers up to height ${latest} from an earlier run.`, "The stand-in keeps its chain in memory and can't produce those blocks again: deploy a fresh light client and slasher (or a fresh local chain).");
    }
    const astria = new LocalAstria({
      chainId: astriaChainId,
      rollupId: config.rollupId,
      wallets,
      validators,
      setId: set.setId,
      firstHeight: config.astriaStartHeight,
      domain: await slasher.domain(),
      clock: l1Clock(provider),
      otherRollups,
      log,
    });
    log.info("ready", { localStandIn: true, chainId: astriaChainId, rollupId: config.rollupId, firstHeight: config.astriaStartHeight, validators: validators.length, setId: set.setId, blockMs });
    const server = await astria.serve({ host, port });
    log.info("listening", { url: server.url });
    try {
      await follow({ signal, intervalMs: blockMs, log, tick: async () => void (await astria.produceBlock()) });
    } finally {
      await server.close();
    }
  } catch (error) {
    if (!(error instanceof FernetError)) throw error;
    io.err(`fernet ${NAME}: ${error.shortMessage}`);
    if (error.details) io.err(error.details);
    log.error("start-failed", { error: describeError(error) });
    return EXIT.failure;
  } finally {
    provider?.destroy();
  }
  log.info("stopped", { reason: signal.aborted ? String(signal.reason ?? "signal") : "done" });
  return EXIT.ok;
}
