/**
 * Test helpers of the Redis farm: a real `redis-server` on a free loopback port in a temporary
 * directory, and `fernet farm-worker` child processes. Every wait is bounded; `stop`/`kill` always
 * leave no process behind, and an exit hook kills whatever a crashed test left.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Repository root (for bin/fernet.js). */
export const REPO_ROOT = join(__dirname, "..", "..", "..");
/** The `fernet` launcher. */
export const FERNET_BIN = join(REPO_ROOT, "bin", "fernet.js");

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 20 ms until it holds; rejects with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Throws a clear error when redis-server is not installed. */
export function requireRedisServer(): void {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "redis-server is not installed: the Redis farm tests need it. Install it with " +
        "`sudo apt-get install -y redis-server` (.ci/run installs it when missing).",
    );
  }
}

/** Whether something answers PONG on the port. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** Append-only persistence, fsync'ed on every write (to survive a kill). Default false (no persistence). */
  readonly appendOnly?: boolean;
}

/** A running redis-server of a test. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** The process id of the current server (changes on restart). */
  pid(): number | undefined;
  /** SIGKILLs the server (no shutdown save) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** Stops it (if running) and removes its directory. */
  stop(): Promise<void>;
}

/** Waits for a child to exit, up to `timeoutMs`; SIGKILLs it if it does not. */
export async function waitExit(child: ChildProcess, timeoutMs = STOP_TIMEOUT_MS): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(code);
    });
  });
}

/** Starts `redis-server` on a free loopback port in a fresh temporary directory. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  requireRedisServer();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "fernet-redis-"));
  const args = [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--dir", dir,
    "--save", "",
    "--daemonize", "no",
    "--loglevel", "warning",
    ...(options.appendOnly ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
  ];
  let child: ChildProcess | undefined;
  let log = "";
  const launch = async (): Promise<void> => {
    const started = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    children.add(started);
    started.stdout?.on("data", (d: Buffer) => (log += d.toString()));
    started.stderr?.on("data", (d: Buffer) => (log += d.toString()));
    child = started;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await ping(port))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        started.kill("SIGKILL");
        await waitExit(started);
        throw new Error(`redis-server did not start on port ${port}:\n${log}`);
      }
      await sleep(20);
    }
  };
  const kill = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (current === undefined) return;
    current.kill("SIGKILL");
    await waitExit(current);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    pid: () => child?.pid,
    kill,
    restart: launch,
    stop: async () => {
      const current = child;
      child = undefined;
      if (current !== undefined) {
        current.kill("SIGTERM");
        await waitExit(current);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A `fernet farm-worker` child process and what it printed. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly workerId: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` and waits for the exit (bounded). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Options of {@link startWorkerProcess}. */
export interface WorkerProcessOptions {
  readonly url: string;
  readonly queue: string;
  readonly workerId: string;
  readonly lockMs?: number;
  readonly stalledMs?: number;
  readonly extraArgs?: readonly string[];
}

/** Starts `node bin/fernet.js farm-worker …` and waits for its "ready" log line (bounded). */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const args = [
    FERNET_BIN,
    "farm-worker",
    "--redis", options.url,
    "--queue", options.queue,
    "--name", options.workerId,
    "--lock-ms", String(options.lockMs ?? 1_000),
    "--stalled-ms", String(options.stalledMs ?? 300),
    "--progress-every", "1000",
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const worker: WorkerProcess = {
    child,
    workerId: options.workerId,
    output: () => log,
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return waitExit(child, 15_000);
    },
  };
  try {
    await waitFor(`worker ${options.workerId} to be ready`, () => {
      if (child.exitCode !== null) throw new Error(`worker ${options.workerId} exited early:\n${log}`);
      return log.includes('"msg":"ready"');
    }, 60_000); // generous: on a loaded machine, ts-node takes a while to load the sources
  } catch (error) {
    child.kill("SIGKILL");
    await waitExit(child);
    throw error;
  }
  return worker;
}
