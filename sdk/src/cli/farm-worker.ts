/**
 * `fernet farm-worker`: a prover-farm worker process. It connects to the farm's Redis, takes proof
 * jobs from the BullMQ queue, proves them on `--concurrency` threads and stores the results, until
 * SIGINT/SIGTERM (it then finishes its current jobs and exits 0). Run one per machine (or several)
 * against one Redis; the broker lives in the prover node (`RedisBroker`).
 *
 * It logs JSON lines: `ready`, `progress` (every `--progress-every` jobs or `--progress-seconds`),
 * `job-failed`, `redis-error` (throttled; it reconnects by itself), `stopping`, `stopped`.
 *
 * @example
 * ```sh
 * npx fernet farm-worker --redis redis://:password@10.0.0.5:6379 --concurrency 4 --name gpu-box-1
 * ```
 */
import { parseArgs } from "node:util";
import { ProverFarmError } from "../prover/errors";
import { MAX_WORKERS } from "../prover/pool";
import { REDIS_WORKER_DEFAULTS, RedisFarmWorker, redactUrl, type RedisFarmWorkerOptions } from "../prover/redis";
import { EXIT, UsageError, type Command, type CommandIo } from "./command";

const NAME = "farm-worker";

/** Defaults of the progress lines. */
const PROGRESS_EVERY_JOBS = 50;
const PROGRESS_EVERY_SECONDS = 10;
/** At most one `redis-error` line per this many milliseconds. */
const ERROR_LOG_INTERVAL_MS = 2_000;

const USAGE = `Usage: fernet farm-worker --redis <url> [flags]

Takes proof jobs from the prover farm's queue on Redis, proves them, stores the results.
Stops gracefully on SIGINT/SIGTERM (current jobs finish first).

Flags (environment variable in brackets):
  --redis <url>             Redis URL: redis://[:password@]host:port[/db], rediss:// for TLS [FERNET_REDIS_URL]
  --queue <name>            BullMQ queue, the broker's (default ${REDIS_WORKER_DEFAULTS.queue}) [FERNET_FARM_QUEUE]
  --concurrency <n>         jobs proved at once, one thread each, 1 to ${MAX_WORKERS} (default ${REDIS_WORKER_DEFAULTS.concurrency})
  --name <id>               worker id in statuses and metrics (default <hostname>-<pid>)
  --lock-ms <ms>            job lock duration: how soon a dead worker's job is retried (default ${REDIS_WORKER_DEFAULTS.lockDurationMs})
  --stalled-ms <ms>         how often to look for jobs of dead workers (default ${REDIS_WORKER_DEFAULTS.stalledIntervalMs})
  --progress-every <jobs>   progress line every n jobs (default ${PROGRESS_EVERY_JOBS})
  --progress-seconds <s>    and at least every s seconds while busy (default ${PROGRESS_EVERY_SECONDS})
  -h, --help                this text`;

/**
 * The `farm-worker` subcommand (see the module header).
 *
 * @example
 * ```ts
 * await farmWorkerCommand.run(["--redis", "redis://127.0.0.1:6379"], { io, signal });
 * ```
 */
export const farmWorkerCommand: Command = {
  name: NAME,
  summary: "prove jobs of the prover farm's Redis queue (BullMQ), on this machine's threads",
  usage: USAGE,
  run: runFarmWorker,
};

/** Parsed flags of `farm-worker`. */
interface Flags {
  readonly options: RedisFarmWorkerOptions;
  readonly progressEvery: number;
  readonly progressSeconds: number;
}

/**
 * Parses `farm-worker`'s flags (with the environment's fallbacks).
 *
 * @throws {@link UsageError} for an unknown flag or a bad value.
 *
 * @example
 * ```ts
 * const { options } = parseFarmWorkerFlags(["--redis", "redis://127.0.0.1:6379"], {});
 * ```
 */
export function parseFarmWorkerFlags(argv: readonly string[], env: NodeJS.ProcessEnv): Flags {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        redis: { type: "string" },
        queue: { type: "string" },
        concurrency: { type: "string" },
        name: { type: "string" },
        "lock-ms": { type: "string" },
        "stalled-ms": { type: "string" },
        "progress-every": { type: "string" },
        "progress-seconds": { type: "string" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), NAME);
  }
  const redis = (values.redis as string | undefined) ?? env.FERNET_REDIS_URL;
  if (redis === undefined || redis === "") {
    throw new UsageError("--redis <url> is required (or set FERNET_REDIS_URL).", NAME);
  }
  const int = (flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const raw = values[flag] as string | undefined;
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${raw}").`, NAME);
    }
    return n;
  };
  const concurrency = int("concurrency", 1, MAX_WORKERS);
  const lockDurationMs = int("lock-ms", 100);
  const stalledIntervalMs = int("stalled-ms", 50);
  const queue = (values.queue as string | undefined) ?? env.FERNET_FARM_QUEUE;
  const workerId = values.name as string | undefined;
  const options: RedisFarmWorkerOptions = {
    redis,
    ...(queue === undefined ? {} : { queue }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(workerId === undefined ? {} : { workerId }),
    ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
    ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
  };
  return {
    options,
    progressEvery: int("progress-every", 1) ?? PROGRESS_EVERY_JOBS,
    progressSeconds: int("progress-seconds", 1) ?? PROGRESS_EVERY_SECONDS,
  };
}

/** A JSON log line. */
function logger(io: CommandIo, base: Record<string, unknown>) {
  return (level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}): void => {
    io.out(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }));
  };
}

async function runFarmWorker(
  argv: readonly string[],
  { io, signal }: { readonly io: CommandIo; readonly signal: AbortSignal },
): Promise<number> {
  const flags = parseFarmWorkerFlags(argv, process.env);
  let worker: RedisFarmWorker;
  try {
    worker = new RedisFarmWorker(flags.options);
  } catch (error) {
    if (error instanceof ProverFarmError) throw new UsageError(error.shortMessage, NAME);
    throw error;
  }
  const log = logger(io, { workerId: worker.workerId });
  const startedAt = Date.now();
  let lastProgressJobs = 0;
  let lastErrorAt = 0;
  const progress = (): void => {
    const s = worker.status();
    lastProgressJobs = s.jobs;
    const upMs = Date.now() - startedAt;
    log("info", "progress", {
      jobs: s.jobs,
      failures: s.failures,
      busyMs: Math.round(s.busyMs),
      busyShare: Number((s.busyMs / Math.max(1, upMs * worker.concurrency)).toFixed(3)),
      current: s.current,
    });
  };
  worker.events.on("job-done", () => {
    if (worker.status().jobs - lastProgressJobs >= flags.progressEvery) progress();
  });
  worker.events.on("job-failed", (e) => {
    const error = e.error instanceof Error ? e.error.message.split("\n")[0] : String(e.error);
    log("warn", "job-failed", { queueJobId: e.queueJobId, jobId: e.jobId, attempt: e.attempt, error });
  });
  worker.events.on("connection-error", (error) => {
    const now = Date.now();
    if (now - lastErrorAt < ERROR_LOG_INTERVAL_MS) return;
    lastErrorAt = now;
    log("warn", "redis-error", { error: error.message });
  });

  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  try {
    await Promise.race([worker.start(), stopped]);
  } catch (error) {
    log("error", "start-failed", { error: error instanceof Error ? error.message.split("\n")[0] : String(error) });
    await worker.close();
    return EXIT.failure;
  }
  if (!signal.aborted) {
    log("info", "ready", {
      queue: worker.queueName,
      redis: redactUrl(flags.options.redis),
      concurrency: worker.concurrency,
      pid: process.pid,
    });
  }
  const timer = setInterval(() => {
    if (worker.status().jobs !== lastProgressJobs) progress();
  }, flags.progressSeconds * 1000);
  await stopped;
  clearInterval(timer);
  log("info", "stopping", { reason: String(signal.reason ?? "signal") });
  await worker.close();
  const s = worker.status();
  log("info", "stopped", { jobs: s.jobs, failures: s.failures, busyMs: Math.round(s.busyMs) });
  return EXIT.ok;
}
