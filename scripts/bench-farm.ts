/**
 * Prover-farm benchmark: the speed-up of the farm against its number of workers, for in-process
 * worker threads and for Redis worker processes (`fernet farm-worker` children on BullMQ), on blocks
 * of 64 and 1,024 txs; the Redis transport's overhead per job against the thread farm on the same
 * tree; the cost of a retried crash. Every proof is checked (mock proof, one tree root per block).
 *
 *   npm run bench:farm      (part of npm run bench; writes bench/farm.md and bench/farm-*.svg)
 *
 * Two ways of simulating a job's cost, reported side by side:
 * - **ms** (`jobCostMs`): each job keeps its worker's CPU busy hashing until FARM_BENCH_JOB_MS of wall
 *   time has passed, so a job costs the same whether the other vCPU is busy or not: the speed-up shows
 *   the farm's own scaling (scheduling, transport, tree shape);
 * - **iterations** (`workPerJob`): a fixed number of sha256 iterations, calibrated to FARM_BENCH_JOB_MS
 *   on one busy core at the start; when two workers hash at once each may run slower, so the speed-up
 *   also shows the machine's shared-core effect (measured on its own first: two plain CPU-bound
 *   processes alone and together).
 *
 * Method. Each repeat proves a fresh block (so Redis's stored results never short-cut a run) with every
 * variant back to back, in an order rotated per repeat; a speed-up is the ratio of two runs of the same
 * repeat, and every figure is the median over repeats with its min–max spread. Each row also shows the
 * bound the tree's shape sets (`speedupBound`: a level with one job leaves a worker idle).
 *
 * Environment: FARM_BENCH_SIZES ("64,1024", ms mode), FARM_BENCH_ITER_SIZES ("64", iterations mode;
 * "" skips it), FARM_BENCH_WORKERS ("1,2"), FARM_BENCH_JOB_MS (50), FARM_BENCH_REPEAT (5) and
 * FARM_BENCH_REPEAT_LARGE (3, for blocks of 512 txs or more), FARM_BENCH_OVERHEAD_SIZE (1024),
 * FARM_BENCH_OVERHEAD_JOB_MS ("0,5", ms mode), FARM_BENCH_OVERHEAD_REPEAT (5), FARM_BENCH_RETRY_SIZE (64),
 * FARM_BENCH_RETRY_REPEAT (3), FARM_BENCH_REDIS (1; 0 skips every Redis row), FARM_BENCH_OUT ("bench",
 * relative to the repository root). With the defaults it takes about 12 minutes on a quiet 2-core machine.
 * Needs redis-server (Debian package) unless FARM_BENCH_REDIS=0. Exits non-zero on a wrong proof.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { mockProof } from "../sdk/src/hashing";
import {
  jobDigest,
  MockProofBackend,
  planProofTree,
  ProverFarm,
  speedupBound,
  type FarmProof,
  type FaultPlan,
  type ProveRequest,
} from "../sdk/src/prover";
import { RedisBroker } from "../sdk/src/prover/redis";
import { inputsHashOf, requestFor } from "../sdk/test/prover/fixtures";
import { startRedis, startWorkerProcess, type RedisServer, type WorkerProcess } from "../sdk/test/prover/redis-server";
import { barChart, lineChart, type Point, type Series } from "./bench-svg";

/** Generous: the benchmark measures proving, not recovery from stuck jobs. */
const JOB_TIMEOUT_MS = 600_000;
const MAX_ATTEMPTS = 3;
/** The crash injected in the retry rows (first attempt of the second base job). */
const CRASH_ONCE: FaultPlan = { "base-1": { mode: "exit", times: 1 } };
/** Blocks this large use FARM_BENCH_REPEAT_LARGE repeats. */
const LARGE_BLOCK = 512;
const ZERO = `0x${"00".repeat(32)}`;
const REPO_ROOT = join(__dirname, "..");

type Transport = "threads" | "redis";
/** How a job's cost is simulated (see the module header). */
type Mode = "ms" | "iterations";

/** The job options of one farm. */
interface Cost {
  readonly mode: Mode;
  readonly workPerJob: number;
  readonly jobCostMs: number;
}

/** One way of proving: a transport, a worker count, a farm kept for every repeat. */
interface Variant {
  readonly transport: Transport;
  readonly workers: number;
  readonly farm: ProverFarm;
}

interface Stat {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

const benchStart = performance.now();

/** A progress line, prefixed with the time since the start. */
function progress(line: string): void {
  const s = Math.round((performance.now() - benchStart) / 1000);
  process.stdout.write(`[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}] ${line}\n`);
}

function numbers(name: string, fallback: string): number[] {
  const raw = (process.env[name] ?? fallback).trim();
  if (raw === "") return [];
  const values = raw.split(",").map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new TypeError(`${name} must be a comma-separated list of non-negative numbers (got "${process.env[name]}").`);
  }
  return values;
}

function one(name: string, fallback: string): number {
  const [value] = numbers(name, fallback);
  if (value === undefined) throw new TypeError(`${name} must be a non-negative number.`);
  return value;
}

function stat(values: readonly number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

function fmt(s: Stat, digits = 0, unit = ""): string {
  return `${s.median.toFixed(digits)}${unit} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;
}

/** sha256 iterations per millisecond on this machine (median of a few timed runs). */
function hashRate(): number {
  const iterations = 20_000;
  jobDigest("base", [ZERO, ZERO], [], iterations); // warm-up
  const rates: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    jobDigest("base", [ZERO, ZERO], [], iterations);
    rates.push(iterations / (performance.now() - t0));
  }
  return stat(rates).median;
}

/** The chained sha256 of the iteration mode, in a plain child process: its wall and CPU time. */
const BURN_SCRIPT = [
  'const { createHash } = require("node:crypto");',
  "const n = Number(process.argv[1]);",
  "const t0 = performance.now(); const c0 = process.cpuUsage();",
  "let s = Buffer.alloc(32); for (let i = 0; i < n; i++) s = createHash('sha256').update(s).digest();",
  "const c = process.cpuUsage(c0);",
  "console.log(JSON.stringify({ wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }));",
].join("\n");

function burnProcess(iterations: number): Promise<{ wallMs: number; cpuMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["-e", BURN_SCRIPT, String(iterations)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolvePromise(JSON.parse(out)) : reject(new Error(`burn process exited ${code}`))));
  });
}

interface MachineRow {
  readonly alone: Stat;
  readonly together: Stat;
  readonly aloneCpu: Stat;
  readonly togetherCpu: Stat;
}

/** Two plain CPU-bound processes (the iteration mode's hashing), alone and at once: the per-core slowdown. */
async function machineCheck(iterations: number, repeats: number): Promise<MachineRow> {
  const alone: number[] = [];
  const together: number[] = [];
  const aloneCpu: number[] = [];
  const togetherCpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const a = await burnProcess(iterations);
    alone.push(a.wallMs);
    aloneCpu.push(a.cpuMs);
    for (const b of await Promise.all([burnProcess(iterations), burnProcess(iterations)])) {
      together.push(b.wallMs);
      togetherCpu.push(b.cpuMs);
    }
  }
  return { alone: stat(alone), together: stat(together), aloneCpu: stat(aloneCpu), togetherCpu: stat(togetherCpu) };
}

/** A fresh block per (size, repeat, phase): Redis's stored results never serve a measured run. */
function block(txs: number, repeat: number, phase: number): ProveRequest {
  return requestFor(txs, BigInt(phase * 1_000_000 + repeat * 10_000 + txs));
}

/** The farms of one job cost: threads and Redis, for each worker count. */
class Farms {
  readonly variants: Variant[] = [];
  constructor(
    readonly cost: Cost,
    workerCounts: readonly number[],
    redisUrl: string | undefined,
    faults?: FaultPlan,
  ) {
    const options = {
      workPerJob: cost.workPerJob,
      jobCostMs: cost.jobCostMs,
      jobTimeoutMs: JOB_TIMEOUT_MS,
      maxAttempts: MAX_ATTEMPTS,
      ...(faults ? { faults } : {}),
    };
    for (const workers of workerCounts) {
      this.variants.push({
        transport: "threads",
        workers,
        farm: new ProverFarm({ backend: new MockProofBackend(), workers, ...options }),
      });
    }
    if (redisUrl === undefined) return;
    for (const workers of workerCounts) {
      const broker = new RedisBroker({ redis: redisUrl, queue: queueOf(workers), ...options });
      this.variants.push({ transport: "redis", workers, farm: new ProverFarm({ backend: new MockProofBackend(), broker }) });
    }
  }
  async warmUp(): Promise<void> {
    const salt = this.cost.workPerJob + this.cost.jobCostMs * 7_919;
    for (const v of this.variants) await v.farm.prove(requestFor(4, BigInt(900_000_000 + salt * 10 + v.workers)));
  }
  async close(): Promise<void> {
    for (const v of this.variants) await v.farm.close();
  }
}

function queueOf(workers: number): string {
  return `bench-${workers}w`;
}

/** Proves `repeats` fresh blocks of `txs` with every variant, rotating their order; checks every proof. */
async function measure(farms: Farms, txs: number, repeats: number, phase: number): Promise<Map<Variant, FarmProof[]>> {
  const results = new Map<Variant, FarmProof[]>(farms.variants.map((v) => [v, []]));
  for (let r = 0; r < repeats; r++) {
    const request = block(txs, r, phase);
    const order = farms.variants.map((_, i) => farms.variants[(i + r) % farms.variants.length]);
    const roots = new Set<string>();
    for (const v of order) {
      const result = await v.farm.prove(request);
      if (result.proof !== mockProof(result.publicInputsHash)) throw new Error(`${txs} txs, ${v.transport}: wrong proof`);
      roots.add(result.treeRoot);
      (results.get(v) as FarmProof[]).push(result);
      progress(
        `  ${txs} txs  ${farms.cost.mode.padEnd(10)} ${v.transport.padEnd(7)} ${v.workers} worker(s)  repeat ${r + 1}/${repeats}: ` +
          `${result.stats.wallMs.toFixed(0)} ms`,
      );
    }
    if (roots.size !== 1) throw new Error(`${txs} txs, repeat ${r + 1}: tree roots differ between variants`);
  }
  return results;
}

function busyOf(proof: FarmProof): number {
  const { base, merge, root } = proof.stats.byKind;
  return base.busyMs + merge.busyMs + root.busyMs;
}

function meanJobMs(proofs: readonly FarmProof[]): number {
  let busy = 0;
  let attempts = 0;
  for (const p of proofs) {
    busy += busyOf(p);
    attempts += p.stats.attempts;
  }
  return busy / Math.max(1, attempts);
}

interface SpeedRow {
  readonly txs: number;
  readonly mode: Mode;
  readonly transport: Transport;
  readonly workers: number;
  readonly jobs: number;
  readonly wall: Stat;
  readonly jobMs: number;
  readonly speedup: Stat;
  /** Best speed-up the tree's shape allows with this many workers (equal jobs). */
  readonly bound: number;
  /** Workers' busy time / (workers × wall): how well the farm keeps its workers fed. */
  readonly utilisation: Stat;
}

function boundOf(txs: number, workers: number): number {
  const request = requestFor(txs);
  return speedupBound(planProofTree({ txHashes: request.txHashes, publicInputsHash: inputsHashOf(request) }), workers).speedup;
}

function speedRows(txs: number, mode: Mode, results: Map<Variant, FarmProof[]>): SpeedRow[] {
  const rows: SpeedRow[] = [];
  for (const [v, proofs] of results) {
    const base = [...results].find(([b]) => b.transport === v.transport && b.workers === 1)?.[1];
    const walls = proofs.map((p) => p.stats.wallMs);
    const ratios = base ? proofs.map((p, i) => base[i].stats.wallMs / p.stats.wallMs) : walls.map(() => NaN);
    rows.push({
      txs,
      mode,
      transport: v.transport,
      workers: v.workers,
      jobs: proofs[0].stats.jobs,
      wall: stat(walls),
      jobMs: meanJobMs(proofs),
      speedup: stat(ratios),
      bound: boundOf(txs, v.workers),
      utilisation: stat(proofs.map((p) => busyOf(p) / (v.workers * p.stats.wallMs))),
    });
  }
  return rows;
}

interface OverheadRow {
  readonly txs: number;
  readonly jobMs: number;
  readonly threads: Stat;
  readonly redis: Stat;
  readonly perJob: Stat;
}

/** Redis minus threads, 1 worker each, per job, paired by repeat. */
function overheadRow(txs: number, jobMs: number, results: Map<Variant, FarmProof[]>): OverheadRow | undefined {
  const threads = [...results].find(([v]) => v.transport === "threads" && v.workers === 1)?.[1];
  const redis = [...results].find(([v]) => v.transport === "redis" && v.workers === 1)?.[1];
  if (!threads || !redis) return undefined;
  const jobs = threads[0].stats.jobs;
  return {
    txs,
    jobMs,
    threads: stat(threads.map((p) => p.stats.wallMs)),
    redis: stat(redis.map((p) => p.stats.wallMs)),
    perJob: stat(redis.map((p, i) => (p.stats.wallMs - threads[i].stats.wallMs) / jobs)),
  };
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join(
    "\n",
  );
}

const MODE_LABEL: Record<Mode, string> = {
  ms: "ms (wall-time cost)",
  iterations: "iterations (fixed hashing)",
};

const TRANSPORT_LABEL: Record<Transport, string> = {
  threads: "threads (in-process)",
  redis: "Redis (worker processes)",
};

async function main(): Promise<void> {
  const sizes = numbers("FARM_BENCH_SIZES", "64,1024");
  const iterSizes = numbers("FARM_BENCH_ITER_SIZES", "64");
  const workerCounts = [...new Set([1, ...numbers("FARM_BENCH_WORKERS", "1,2")])].sort((a, b) => a - b);
  const jobMs = one("FARM_BENCH_JOB_MS", "50");
  const repeat = one("FARM_BENCH_REPEAT", "5");
  const repeatLarge = one("FARM_BENCH_REPEAT_LARGE", "3");
  const overheadSize = one("FARM_BENCH_OVERHEAD_SIZE", "1024");
  const overheadJobMs = numbers("FARM_BENCH_OVERHEAD_JOB_MS", "0,5");
  const overheadRepeat = one("FARM_BENCH_OVERHEAD_REPEAT", "5");
  const retrySize = one("FARM_BENCH_RETRY_SIZE", "64");
  const retryRepeat = one("FARM_BENCH_RETRY_REPEAT", "3");
  const useRedis = (process.env.FARM_BENCH_REDIS ?? "1") !== "0";
  const outName = process.env.FARM_BENCH_OUT ?? "bench";
  const out = resolve(REPO_ROOT, outName);
  mkdirSync(out, { recursive: true });
  const loadBefore = loadavg();

  const rate = hashRate();
  const workFor = (ms: number): number => Math.round(ms * rate);
  const msCost = (ms: number): Cost => ({ mode: "ms", workPerJob: 0, jobCostMs: Math.round(ms) });
  const iterCost: Cost = { mode: "iterations", workPerJob: workFor(jobMs), jobCostMs: 0 };
  progress(`sha256 rate: ${rate.toFixed(0)} iterations/ms; a ${jobMs} ms job = ${workFor(jobMs)} iterations`);

  // 0. The machine: two plain CPU-bound processes, alone and together.
  progress("machine: the iteration mode's hashing in plain processes, one alone and two at once");
  const machine = await machineCheck(workFor(1_000), 3);
  progress(
    `  alone ${fmt(machine.alone)} ms (CPU ${fmt(machine.aloneCpu)} ms); two at once ${fmt(machine.together)} ms ` +
      `(CPU ${fmt(machine.togetherCpu)} ms) each`,
  );

  let server: RedisServer | undefined;
  const processes: WorkerProcess[] = [];
  // Interrupted (Ctrl-C): stop the worker processes and redis-server, remove its directory.
  const interrupt = (): void => {
    void Promise.all(processes.map((p) => p.stop("SIGKILL")))
      .then(() => server?.stop())
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  const speed: SpeedRow[] = [];
  const overhead: OverheadRow[] = [];
  const retry: SpeedRow[] = [];
  try {
    if (useRedis) {
      server = await startRedis();
      progress(`redis-server on ${server.url}; starting ${workerCounts.reduce((a, b) => a + b, 0)} worker processes…`);
      const starts: Promise<WorkerProcess>[] = [];
      for (const n of workerCounts) {
        for (let i = 1; i <= n; i++) {
          starts.push(startWorkerProcess({ url: server.url, queue: queueOf(n), workerId: `${queueOf(n)}-${i}`, lockMs: 30_000, stalledMs: 5_000 }));
        }
      }
      const started = await Promise.allSettled(starts);
      for (const s of started) if (s.status === "fulfilled") processes.push(s.value);
      const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failed) throw failed.reason;
    }

    // 1. Speed-up against workers, in both modes; the ms mode's 1-worker runs also give the overhead at jobMs.
    const plans: { cost: Cost; sizes: number[] }[] = [
      { cost: msCost(jobMs), sizes },
      { cost: iterCost, sizes: iterSizes },
    ];
    for (const [phase, { cost, sizes: modeSizes }] of plans.entries()) {
      if (modeSizes.length === 0) continue;
      const farms = new Farms(cost, workerCounts, server?.url);
      try {
        await farms.warmUp();
        for (const txs of modeSizes) {
          progress(`speed-up: ${txs} txs, ${jobMs} ms jobs, ${MODE_LABEL[cost.mode]}`);
          const results = await measure(farms, txs, txs >= LARGE_BLOCK ? repeatLarge : repeat, 1 + phase);
          speed.push(...speedRows(txs, cost.mode, results));
          const row = cost.mode === "ms" ? overheadRow(txs, jobMs, results) : undefined;
          if (row) overhead.push(row);
        }
      } finally {
        await farms.close();
      }
    }

    // 2. Transport overhead per job at small job costs (1 worker, same tree, ms mode).
    if (server) {
      for (const ms of overheadJobMs) {
        const small = new Farms(msCost(ms), [1], server.url);
        try {
          await small.warmUp();
          progress(`overhead: ${overheadSize} txs, ${ms} ms jobs`);
          const row = overheadRow(overheadSize, ms, await measure(small, overheadSize, overheadRepeat, 10 + ms));
          if (row) overhead.push(row);
        } finally {
          await small.close();
        }
      }
    }

    // 3. The cost of one crashed worker, retried: clean and crashed proofs side by side (ms mode).
    const crashWorkers = Math.max(...workerCounts);
    const clean = new Farms(msCost(jobMs), [crashWorkers], server?.url);
    const crash = new Farms(msCost(jobMs), [crashWorkers], server?.url, CRASH_ONCE);
    try {
      await clean.warmUp();
      await crash.warmUp();
      progress(`retry: ${retrySize} txs, ${crashWorkers} workers, one injected crash per proof`);
      for (let i = 0; i < clean.variants.length; i++) {
        const walls: number[] = [];
        const ratios: number[] = [];
        let crashed: FarmProof | undefined;
        for (let r = 0; r < retryRepeat; r++) {
          const a = await clean.variants[i].farm.prove(block(retrySize, r, 100));
          crashed = await crash.variants[i].farm.prove(block(retrySize, r, 101));
          if (crashed.stats.retries < 1 || crashed.proof !== mockProof(crashed.publicInputsHash)) {
            throw new Error(`retry run of ${crash.variants[i].transport}: no retry or a wrong proof`);
          }
          walls.push(crashed.stats.wallMs);
          ratios.push(crashed.stats.wallMs / a.stats.wallMs);
          progress(
            `  ${crash.variants[i].transport.padEnd(7)} clean ${a.stats.wallMs.toFixed(0)} ms, with a crash ${crashed.stats.wallMs.toFixed(0)} ms`,
          );
        }
        const v = crash.variants[i];
        retry.push({
          txs: retrySize,
          mode: "ms",
          transport: v.transport,
          workers: v.workers,
          jobs: crashed?.stats.jobs ?? 0,
          wall: stat(walls),
          jobMs: 0,
          speedup: stat(ratios),
          bound: 0,
          utilisation: stat([0]),
        });
      }
    } finally {
      await clean.close();
      await crash.close();
    }
  } finally {
    for (const p of processes) await p.stop("SIGTERM");
    await server?.stop();
  }

  // Tables.
  const speedTable = table(
    [
      "txs",
      "job cost",
      "transport",
      "workers",
      "jobs",
      "wall ms median [min–max]",
      "mean job ms",
      "worker utilisation",
      "speed-up median [min–max]",
      "tree bound",
    ],
    speed.map((r) => [
      r.txs,
      MODE_LABEL[r.mode],
      TRANSPORT_LABEL[r.transport],
      r.workers,
      r.jobs,
      fmt(r.wall),
      r.jobMs.toFixed(1),
      `${(r.utilisation.median * 100).toFixed(0)}%`,
      r.workers === 1 ? "1.00× (baseline)" : `**${fmt(r.speedup, 2)}×**`,
      `${r.bound.toFixed(2)}×`,
    ]),
  );
  const overheadTable = table(
    ["txs", "job cost ms", "threads wall ms", "Redis wall ms", "Redis overhead per job, ms median [min–max]"],
    overhead.map((r) => [r.txs, r.jobMs, fmt(r.threads), fmt(r.redis), fmt(r.perJob, 2)]),
  );
  const retryTable = table(
    ["txs", "transport", "workers", "jobs", "wall ms with one crash, median [min–max]", "wall vs. clean run, median [min–max]"],
    retry.map((r) => [r.txs, r.transport, r.workers, r.jobs, fmt(r.wall), `${fmt(r.speedup, 2)}×`]),
  );
  const slowdown = machine.together.median / machine.alone.median;
  const machineTable = table(
    ["processes", "wall ms each, median [min–max]", "CPU ms each, median [min–max]"],
    [
      ["1 (the other vCPU idle)", fmt(machine.alone), fmt(machine.aloneCpu)],
      ["2 at once", fmt(machine.together), fmt(machine.togetherCpu)],
    ],
  );

  // Charts.
  const charts: string[] = [];
  const colors: Record<Mode, Record<Transport, string>> = {
    ms: { threads: "#1f77b4", redis: "#d62728" },
    iterations: { threads: "#9ecae1", redis: "#f4a6a6" },
  };
  for (const txs of [...new Set([...sizes, ...iterSizes])]) {
    const rows = speed.filter((r) => r.txs === txs);
    const series: Series[] = [];
    for (const mode of ["ms", "iterations"] as const) {
      for (const transport of ["threads", "redis"] as const) {
        const points = rows
          .filter((r) => r.mode === mode && r.transport === transport)
          .map((r): Point => (r.workers === 1 ? { x: 1, y: 1 } : { x: r.workers, y: r.speedup.median, lo: r.speedup.min, hi: r.speedup.max }));
        if (points.length > 0) series.push({ name: `${transport === "threads" ? "threads" : "Redis"}, ${mode}`, color: colors[mode][transport], points });
      }
    }
    series.push({ name: "tree bound", color: "#2ca02c", dashed: true, points: workerCounts.map((w) => ({ x: w, y: boundOf(txs, w) })) });
    series.push({ name: "ideal", color: "#999", dashed: true, points: workerCounts.map((w) => ({ x: w, y: w })) });
    const file = `farm-speedup-${txs}.svg`;
    writeFileSync(
      join(out, file),
      lineChart({
        title: `Prover farm speed-up, block of ${txs} txs`,
        subtitle: `${jobMs} ms jobs (ms: wall-time cost; iterations: fixed hashing); median, whiskers min–max; ${cpus().length} CPUs`,
        xLabel: "workers",
        yLabel: "speed-up vs 1 worker",
        series,
      }),
    );
    charts.push(file);
  }
  if (overhead.length > 0) {
    const categories = overhead.map((r) => `${r.txs} txs, ${r.jobMs} ms jobs`);
    writeFileSync(
      join(out, "farm-overhead.svg"),
      barChart({
        title: "Redis transport overhead per job (vs in-process threads)",
        subtitle: "1 worker each, same tree, ms mode; median of paired repeats, whiskers min–max",
        xLabel: "block and job cost",
        yLabel: "ms per job",
        categories,
        series: [
          {
            name: "Redis − threads",
            color: "#d62728",
            points: overhead.map((r, i) => ({ x: i, y: r.perJob.median, lo: Math.max(0, r.perJob.min), hi: r.perJob.max })),
          },
        ],
      }),
    );
    charts.push("farm-overhead.svg");
  }

  const cpu = cpus();
  const report = [
    "# Prover farm benchmark",
    "",
    "Generated by `npm run bench:farm` (part of `npm run bench`). A block of n txs has max(1, ⌈n/2⌉) base",
    "jobs, one fewer merge jobs and a root job. Wall time runs from the proof request to the tree root,",
    "workers already started and warm.",
    "",
    "A job's simulated proving cost is given two ways, measured side by side:",
    "",
    `- **ms (wall-time cost)**, \`jobCostMs: ${Math.round(jobMs)}\`: each job keeps its worker's CPU busy hashing until`,
    `  ${Math.round(jobMs)} ms have passed, however fast the vCPU runs while the other is busy. Its speed-up is the farm's own`,
    "  scaling: scheduling, transport and the tree's shape. Outputs do not depend on the cost (same tree roots).",
    `- **iterations (fixed hashing)**, \`workPerJob: ${workFor(jobMs).toLocaleString("en-US")}\`: a fixed number of chained sha256,`,
    `  calibrated here to ${jobMs} ms on one core (${rate.toFixed(0)} iterations/ms). When both vCPUs hash at once each job`,
    "  may take longer (mean job ms above the calibration), so its speed-up also carries the machine's",
    "  shared-core effect (see *The machine* below).",
    "",
    "Each repeat proves a fresh block with every variant back to back (order rotated per repeat), so",
    "ratios compare runs made side by side; every figure is the median over repeats with [min–max].",
    "`threads` is the in-process farm (`ProverFarm` with worker threads); `Redis` is `RedisBroker` in",
    "this process and `fernet farm-worker` child processes (one thread each) on BullMQ, with a local",
    "`redis-server`. Mean job ms is the workers' own busy time per attempt; worker utilisation is the",
    "workers' busy time / (workers × wall time), how well the farm keeps its workers fed. The tree bound",
    "is the best speed-up the tree's shape allows with equal jobs (`speedupBound`: rounds of an optimal",
    "schedule; the last merge and the root each leave one of two workers idle).",
    "",
    `Machine: Node ${process.version}, ${cpu.length} CPU(s) (${cpu[0]?.model.trim() ?? "unknown"}), possibly shared with other work:`,
    `load average (1 min) ${loadBefore[0].toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`,
    `(a load above ${cpu.length} means other processes were competing for the CPUs during the runs).`,
    `Total benchmark time: ${((performance.now() - benchStart) / 1000).toFixed(0)} s.`,
    "",
    "## Speed-up against workers",
    "",
    speedTable,
    "",
    ...charts.filter((c) => c.startsWith("farm-speedup")).map((c) => `![speed-up](${c})`),
    "",
    "## The machine: two CPU-bound processes alone and together",
    "",
    `The iteration mode's hashing (${workFor(1_000).toLocaleString("en-US")} chained sha256, about 1 s) in plain Node`,
    "processes, no farm: one alone, then two at once, 3 times. Two at once take",
    `${slowdown.toFixed(2)}× the wall time of one alone (1.00 would be two fully independent cores).`,
    "",
    machineTable,
    "",
    "## Redis transport overhead per job",
    "",
    "(Redis wall − threads wall) / jobs, 1 worker each, same block, paired by repeat, ms mode (so the",
    "job time itself is the same on both sides). The 0 ms row is the transport alone.",
    "",
    overheadTable,
    "",
    "![overhead](farm-overhead.svg)",
    "",
    "## One crashed worker, retried",
    "",
    "One worker exit injected in the first attempt of `base-1`: the job is retried (a fresh thread for",
    "the thread farm; BullMQ's retry on a Redis worker, whose thread is replaced) and the proof is identical.",
    "Each repeat proves a clean block and a block with the crash back to back (ms mode); the ratio is",
    "their wall times. Most of the cost is the replacement thread starting (it loads the TypeScript",
    "sources through ts-node).",
    "",
    retryTable,
    "",
  ].join("\n");
  writeFileSync(join(out, "farm.md"), report);
  console.log(`\n${machineTable}\n\n${speedTable}\n\n${overheadTable}\n\n${retryTable}\n`);
  progress(`saved ${join(outName, "farm.md")} and ${charts.join(", ")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
