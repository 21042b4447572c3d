/**
 * `fernet prover`: a long-running prover node. It serves quotes over HTTP on a fixed pricing policy
 * (`POST /quote`), takes the winning sequencer's signed quote (`POST /commit`) and commits in the
 * commitment phase, keeps its escrow topped up, proves committed blocks on the in-process prover
 * farm (worker threads) and submits the proof from the commitment deadline, before the proving
 * deadline minus a safety margin. With `--backup` it also proves and submits backup blocks. The HTTP
 * schema is in docs/services.md.
 *
 * It logs JSON lines: `ready`, `listening`, `deposited`, `quoted`, `commit-queued`, `committed`,
 * `proving`, `proved`, `submitted`, `proof-too-late`, `backup-submitted`, `lost-race`,
 * `fault-withhold-proof`, `tick-failed`, `synced`, `stopped`.
 *
 * @example
 * ```sh
 * FERNET_KEY=0x… npx fernet prover --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json --port 8547
 * ```
 */
import { MockProofBackend, ProverFarm } from "../prover";
import { follow } from "../services/follower";
import { startJsonServer } from "../services/http";
import { ProverService, type ProverPolicy } from "../services/prover";
import { runService } from "../services/service";
import { COMMON_USAGE, parseSettings } from "../services/settings";
import type { Command, CommandIo } from "./command";

const NAME = "prover";
const DEFAULT_PORT = 8547;

const USAGE = `Usage: fernet prover --rpc <url> --deployment <file> [flags]

Serves quotes (POST /quote), commits to signed quotes (POST /commit), keeps its escrow topped up,
proves on the in-process prover farm and submits before the proving deadline. HTTP schema:
docs/services.md. Stops gracefully on SIGINT/SIGTERM.

Flags (environment variable in brackets):
${COMMON_USAGE}
  --host <addr>             HTTP listen address (default 127.0.0.1)
  --port <n>                HTTP port, 0 for any free one (default ${DEFAULT_PORT})
  --bond <units>            bond offered in every quote (default the rollup's minimumProverBond)
  --reward-bps <bps>        prover share asked for, 0 to 10000 (default 1000)
  --valid-for-s <s>         quote lifetime, capped at the commitment deadline (default 60)
  --escrow-target <units>   keep the escrow total at this level, 0 to never deposit (default 10 bonds)
  --safety-margin-s <s>     submit no later than the proving deadline minus this (default 12)
  --workers <n>             prover farm threads (default 2)
  --work-per-job <n>        simulated proving work per farm job: hash iterations (default 1000)
  --job-ms <ms>             and at least this much wall time per farm job, CPU busy (default 0)
  --backup                  prove and submit backup blocks when a height is in backup
  --fault <kind>            fault injection: withhold-proof (prove, never submit)
  -h, --help                this text

Exit codes: 0 stopped by a signal, 1 runtime failure (unreachable RPC, wrong chain, no code at the
deployment, unreadable keystore, port in use), 2 bad command line or config file, 130 second signal.`;

/**
 * The `prover` subcommand (see the module header).
 *
 * @example
 * ```ts
 * await proverCommand.run(["--rpc", url, "--deployment", file, "--port", "0"], { io, signal });
 * ```
 */
export const proverCommand: Command = {
  name: NAME,
  summary: "serve quotes over HTTP, commit, prove on the farm and submit; optional backup blocks",
  usage: USAGE,
  run: runProver,
};

async function runProver(argv: readonly string[], { io, signal }: { readonly io: CommandIo; readonly signal: AbortSignal }): Promise<number> {
  const settings = parseSettings(NAME, argv, process.env, {
    host: { type: "string", env: "FERNET_PROVER_HOST" },
    port: { type: "string", env: "FERNET_PROVER_PORT" },
    bond: { type: "string" },
    "reward-bps": { type: "string" },
    "valid-for-s": { type: "string" },
    "escrow-target": { type: "string" },
    "safety-margin-s": { type: "string" },
    workers: { type: "string" },
    "work-per-job": { type: "string" },
    "job-ms": { type: "string" },
    backup: { type: "boolean" },
    fault: { type: "string" },
  });
  const host = settings.string("host") ?? "127.0.0.1";
  const port = settings.int("port", DEFAULT_PORT, 0, 65_535);
  const rewardBps = BigInt(settings.int("reward-bps", 1_000, 0, 10_000));
  const validFor = BigInt(settings.int("valid-for-s", 60, 1));
  const margin = BigInt(settings.int("safety-margin-s", 12, 0));
  const workers = settings.int("workers", 2, 1, 256);
  const workPerJob = settings.int("work-per-job", 1_000, 1);
  const jobCostMs = settings.int("job-ms", 0, 0, 3_600_000);
  const fault = settings.choice("fault", ["none", "withhold-proof"] as const, "none");
  const bondFlag = settings.string("bond") === undefined ? undefined : settings.bigint("bond", 0n);
  const targetFlag = settings.string("escrow-target") === undefined ? undefined : settings.bigint("escrow-target", 0n);
  const backup = settings.flag("backup");
  return runService({ name: NAME, settings, io, signal }, async ({ chain, log, intervalMs }) => {
    const config = await chain.fernet.rollup.getConfig();
    const bond = bondFlag ?? config.minimumProverBond;
    if (bond < config.minimumProverBond) {
      log.error("config-rejected", { error: `--bond ${bond} is below the rollup's minimumProverBond ${config.minimumProverBond}` });
      throw settings.usage(`--bond ${bond} is below the rollup's minimumProverBond ${config.minimumProverBond}.`);
    }
    const policy: ProverPolicy = {
      bond,
      proverRewardBps: rewardBps,
      validForSeconds: validFor,
      escrowTarget: targetFlag ?? bond * 10n,
      safetyMarginSeconds: margin,
      backup,
      withholdProof: fault === "withhold-proof",
    };
    if (chain.fernet.deployment.verifierIsMock === false) {
      log.warn("mock-backend", { note: "the farm's proof backend is the mock one; the deployment's verifier is not the mock verifier" });
    }
    const farm = new ProverFarm({ backend: new MockProofBackend(), workers, workPerJob, jobCostMs, ...(jobCostMs > 0 ? { jobTimeoutMs: Math.max(60_000, jobCostMs * 4) } : {}) });
    const service = new ProverService({ fernet: chain.fernet, chainId: chain.chainId, address: chain.address, farm, policy, log });
    let server;
    try {
      server = await startJsonServer({ host, port, routes: service.routes(), log });
    } catch (error) {
      await farm.close();
      throw error;
    }
    log.info("listening", { url: server.url, bond: policy.bond, proverRewardBps: policy.proverRewardBps, escrowTarget: policy.escrowTarget, backup, fault });
    try {
      await follow({ signal, intervalMs, log, tick: () => service.step(), onSynced: () => log.info("synced") });
    } finally {
      await server.close();
      await farm.close();
    }
  });
}
