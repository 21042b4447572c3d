/**
 * The life cycle every service shares: load the key, connect (RPC probe, chain id, code), log
 * `ready`, run the body until the stop signal, log `stopped`. Startup failures (unreachable RPC,
 * wrong chain, no code, unreadable keystore) print a clear message on stderr, log `start-failed` and
 * resolve with exit code 1; a missing key is a usage error (exit 2).
 *
 * @example
 * ```ts
 * return runService({ name: "watcher", settings, io, signal }, async ({ chain, log }) => { await follow(...); });
 * ```
 */
import { EXIT, UsageError, type CommandIo } from "../cli/command";
import { FernetError } from "../errors";
import { connectService, loadKey, type ServiceChain } from "./chain";
import { ServiceKeyError } from "./errors";
import { describeError, jsonLogger, type Logger } from "./log";
import type { Settings } from "./settings";

/** What a service body gets. */
export interface ServiceContext {
  readonly chain: ServiceChain;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly settings: Settings;
  readonly intervalMs: number;
}

/** Default polling interval of the services. */
export const DEFAULT_INTERVAL_MS = 2_000;

/**
 * Runs a service (see the module header); resolves with the exit code.
 *
 * @example
 * ```ts
 * const code = await runService({ name: "prover", settings, io, signal }, body);
 * ```
 */
export async function runService(
  options: { readonly name: string; readonly settings: Settings; readonly io: CommandIo; readonly signal: AbortSignal },
  body: (context: ServiceContext) => Promise<void>,
): Promise<number> {
  const { name, settings, io, signal } = options;
  const rpc = settings.required("rpc");
  const deployment = settings.required("deployment");
  const intervalMs = settings.int("interval-ms", DEFAULT_INTERVAL_MS, 10, 3_600_000);
  const level = settings.logLevel();
  const bootLog = jsonLogger(io, { service: name }, level);
  let chain: ServiceChain;
  try {
    const key = await loadKey(process.env, settings.string("keystore"));
    chain = await connectService({ rpc, deployment, key, pollingMs: intervalMs });
  } catch (error) {
    if (error instanceof ServiceKeyError && error.shortMessage.startsWith("No key")) throw new UsageError(`${error.shortMessage} ${error.details}`, name);
    if (!(error instanceof FernetError)) throw error;
    io.err(`fernet ${name}: ${error.shortMessage}`);
    if (error.details) io.err(error.details);
    bootLog.error("start-failed", { error: describeError(error) });
    return EXIT.failure;
  }
  const log = jsonLogger(io, { service: name, address: chain.address }, level);
  log.info("ready", { chainId: chain.chainId, rollup: chain.fernet.rollup.address, rpc: redact(rpc), intervalMs, pid: process.pid });
  try {
    await body({ chain, log, signal, settings, intervalMs });
  } catch (error) {
    if (error instanceof UsageError || !(error instanceof FernetError)) throw error;
    io.err(`fernet ${name}: ${error.shortMessage}`);
    if (error.details) io.err(error.details);
    log.error("failed", { error: describeError(error) });
    return EXIT.failure;
  } finally {
    chain.provider.destroy();
  }
  log.info("stopped", { reason: signal.aborted ? String(signal.reason ?? "signal") : "done" });
  return EXIT.ok;
}

/** The RPC URL without credentials (user info, and the path of keyed endpoints). */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) u.username = u.password = "***";
    if (u.pathname.length > 20) u.pathname = "/***";
    return u.toString();
  } catch {
    return "(unparsable)";
  }
}
