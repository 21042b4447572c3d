/**
 * Prover-farm benchmark: the speed-up of the farm against its number of workers, for in-process
 * worker threads and for Redis worker processes (`fernet farm-worker` children on BullMQ), on blocks
 * of 64 and 1,024 txs; the Redis transport's overhead per job against the thread farm on the same
 * tree; the cost of a retried crash. Every proof is checked (mock proof, one tree root per block).
 *
 *   npm run bench:farm      (part of npm run bench; writes bench/farm.md and bench/farm-*.svg)
 *
 * Method. The simulated job cost is calibrated in milliseconds (the machine's sha256 rate is measured
 * first). Each repeat proves a fresh block (so Redis's stored results never short-cut a run) with every
 * variant back to back, in an order rotated per repeat; a speed-up is the ratio of two runs of the same
 * repeat, and every figure is the median over repeats with its min–max spread. The machine may be
 * shared: spreads show how much.
 *
 * Environment: FARM_BENCH_SIZES ("64,1024"), FARM_BENCH_WORKERS ("1,2"), FARM_BENCH_JOB_MS (50),
 * FARM_BENCH_REPEAT (5) and FARM_BENCH_REPEAT_LARGE (3, for blocks of 512 txs or more),
 * FARM_BENCH_OVERHEAD_SIZE (1024), FARM_BENCH_OVERHEAD_JOB_MS ("0,5"), FARM_BENCH_OVERHEAD_REPEAT (5),
 * FARM_BENCH_RETRY_SIZE (64), FARM_BENCH_RETRY_REPEAT (3), FARM_BENCH_REDIS (1; 0 skips every Redis row),
 * FARM_BENCH_OUT ("bench").
 * Needs redis-server (Debian package) unless FARM_BENCH_REDIS=0. Exits non-zero on a wrong proof.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { mockProof } from "../sdk/src/hashing";
import {
  jobDigest,
  MockProofBackend,
  ProverFarm,
  type FarmProof,
  type FaultPlan,
  type ProveRequest,
} from "../sdk/src/prover";
import { RedisBroker } from "../sdk/src/prover/redis";
import { requestFor } from "../sdk/test/prover/fixtures";
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

type Transport = "threads" | "redis";

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

function numbers(name: string, fallback: string): number[] {
  const values = (process.env[name] ?? fallback).split(",").map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new TypeError(`${name} must be a comma-separated list of non-negative numbers (got "${process.env[name]}").`);
  }
  return values;
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

/** A fresh block per (size, repeat, phase): Redis's stored results never serve a measured run. */
function block(txs: number, repeat: number, phase: number): ProveRequest {
  return requestFor(txs, BigInt(phase * 1_000_000 + repeat * 10_000 + txs));
}

/** The farms of one job cost: threads and Redis, for each worker count. */
class Farms {
  readonly variants: Variant[] = [];
  constructor(
    readonly work: number,
    workerCounts: readonly number[],
    redisUrl: string | undefined,
    faults?: FaultPlan,
  ) {
    const options = { workPerJob: work, jobTimeoutMs: JOB_TIMEOUT_MS, maxAttempts: MAX_ATTEMPTS, ...(faults ? { faults } : {}) };
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
    for (const v of this.variants) await v.farm.prove(requestFor(4, BigInt(900_000_000 + this.work + v.workers)));
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
      process.stdout.write(
        `  ${txs} txs  ${v.transport.padEnd(7)} ${v.workers} worker(s)  repeat ${r + 1}/${repeats}: ${result.stats.wallMs.toFixed(0)} ms\n`,
      );
    }
    if (roots.size !== 1) throw new Error(`${txs} txs, repeat ${r + 1}: tree roots differ between variants`);
  }
  return results;
}

function meanJobMs(proofs: readonly FarmProof[]): number {
  let busy = 0;
  let attempts = 0;
  for (const p of proofs) {
    busy += p.stats.byKind.base.busyMs + p.stats.byKind.merge.busyMs + p.stats.byKind.root.busyMs;
    attempts += p.stats.attempts;
  }
  return busy / Math.max(1, attempts);
}

interface SpeedRow {
  readonly txs: number;
  readonly transport: Transport;
  readonly workers: number;
  readonly jobs: number;
  readonly wall: Stat;
  readonly jobMs: number;
  readonly speedup: Stat;
  /** Workers' busy time / (workers × wall): how well the farm keeps its workers fed. */
  readonly utilisation: Stat;
}

function busyOf(proof: FarmProof): number {
  const { base, merge, root } = proof.stats.byKind;
  return base.busyMs + merge.busyMs + root.busyMs;
}

function speedRows(txs: number, results: Map<Variant, FarmProof[]>): SpeedRow[] {
  const rows: SpeedRow[] = [];
  for (const [v, proofs] of results) {
    const base = [...results].find(([b]) => b.transport === v.transport && b.workers === 1)?.[1];
    const walls = proofs.map((p) => p.stats.wallMs);
    const ratios = base ? proofs.map((p, i) => base[i].stats.wallMs / p.stats.wallMs) : walls.map(() => NaN);
    rows.push({
      txs,
      transport: v.transport,
      workers: v.workers,
      jobs: proofs[0].stats.jobs,
      wall: stat(walls),
      jobMs: meanJobMs(proofs),
      speedup: stat(ratios),
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

async function main(): Promise<void> {
  const sizes = numbers("FARM_BENCH_SIZES", "64,1024");
  const workerCounts = [...new Set([1, ...numbers("FARM_BENCH_WORKERS", "1,2")])].sort((a, b) => a - b);
  const [jobMs] = numbers("FARM_BENCH_JOB_MS", "50");
  const [repeat] = numbers("FARM_BENCH_REPEAT", "5");
  const [repeatLarge] = numbers("FARM_BENCH_REPEAT_LARGE", "3");
  const [overheadSize] = numbers("FARM_BENCH_OVERHEAD_SIZE", "1024");
  const overheadJobMs = numbers("FARM_BENCH_OVERHEAD_JOB_MS", "0,5");
  const [overheadRepeat] = numbers("FARM_BENCH_OVERHEAD_REPEAT", "5");
  const [retrySize] = numbers("FARM_BENCH_RETRY_SIZE", "64");
  const [retryRepeat] = numbers("FARM_BENCH_RETRY_REPEAT", "3");
  const useRedis = (process.env.FARM_BENCH_REDIS ?? "1") !== "0";
  const out = join(__dirname, "..", process.env.FARM_BENCH_OUT ?? "bench");
  mkdirSync(out, { recursive: true });
  const started = performance.now();
  const loadBefore = loadavg();

  const rate = hashRate();
  const workFor = (ms: number): number => Math.round(ms * rate);
  console.log(`sha256 rate: ${rate.toFixed(0)} iterations/ms; a ${jobMs} ms job = ${workFor(jobMs)} iterations`);

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
      console.log(`redis-server on ${server.url}; starting ${workerCounts.reduce((a, b) => a + b, 0)} worker processes…`);
      const starts: Promise<WorkerProcess>[] = [];
      for (const n of workerCounts) {
        for (let i = 1; i <= n; i++) {
          starts.push(startWorkerProcess({ url: server.url, queue: queueOf(n), workerId: `${queueOf(n)}-${i}`, lockMs: 30_000, stalledMs: 5_000 }));
        }
      }
      processes.push(...(await Promise.all(starts)));
    }

    // 1. Speed-up against workers, at the calibrated job cost.
    const farms = new Farms(workFor(jobMs), workerCounts, server?.url);
    try {
      await farms.warmUp();
      for (const txs of sizes) {
        console.log(`speed-up: ${txs} txs, ${jobMs} ms jobs`);
        const results = await measure(farms, txs, txs >= LARGE_BLOCK ? repeatLarge : repeat, 1);
        speed.push(...speedRows(txs, results));
        const row = overheadRow(txs, jobMs, results);
        if (row) overhead.push(row);
      }
    } finally {
      await farms.close();
    }

    // 2. Transport overhead per job at small job costs (1 worker, same tree).
    if (server) {
      for (const ms of overheadJobMs) {
        const small = new Farms(workFor(ms), [1], server.url);
        try {
          await small.warmUp();
          console.log(`overhead: ${overheadSize} txs, ${ms} ms jobs`);
          const row = overheadRow(overheadSize, ms, await measure(small, overheadSize, overheadRepeat, 2 + ms));
          if (row) overhead.push(row);
        } finally {
          await small.close();
        }
      }
    }

    // 3. The cost of one crashed worker, retried: clean and crashed proofs side by side.
    const crashWorkers = Math.max(...workerCounts);
    const clean = new Farms(workFor(jobMs), [crashWorkers], server?.url);
    const crash = new Farms(workFor(jobMs), [crashWorkers], server?.url, CRASH_ONCE);
    try {
      await clean.warmUp();
      await crash.warmUp();
      console.log(`retry: ${retrySize} txs, ${crashWorkers} workers, one injected crash per proof`);
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
          process.stdout.write(
            `  ${crash.variants[i].transport.padEnd(7)} clean ${a.stats.wallMs.toFixed(0)} ms, with a crash ${crashed.stats.wallMs.toFixed(0)} ms\n`,
          );
        }
        const v = crash.variants[i];
        retry.push({
          txs: retrySize,
          transport: v.transport,
          workers: v.workers,
          jobs: crashed?.stats.jobs ?? 0,
          wall: stat(walls),
          jobMs: 0,
          speedup: stat(ratios),
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
      "transport",
      "workers",
      "jobs",
      "wall ms median [min–max]",
      "mean job ms",
      "worker utilisation",
      "speed-up median [min–max]",
    ],
    speed.map((r) => [
      r.txs,
      r.transport === "threads" ? "threads (in-process)" : "Redis (worker processes)",
      r.workers,
      r.jobs,
      fmt(r.wall),
      r.jobMs.toFixed(1),
      `${(r.utilisation.median * 100).toFixed(0)}%`,
      r.workers === 1 ? "1.00× (baseline)" : `${fmt(r.speedup, 2)}×`,
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

  // Charts.
  const charts: string[] = [];
  for (const txs of sizes) {
    const rows = speed.filter((r) => r.txs === txs);
    const series: Series[] = (["threads", "redis"] as const)
      .map((transport, i) => ({
        name: transport === "threads" ? "threads (in-process)" : "Redis worker processes",
        color: ["#1f77b4", "#d62728"][i],
        points: rows
          .filter((r) => r.transport === transport)
          .map((r): Point => (r.workers === 1 ? { x: 1, y: 1 } : { x: r.workers, y: r.speedup.median, lo: r.speedup.min, hi: r.speedup.max })),
      }))
      .filter((s) => s.points.length > 0);
    series.push({ name: "ideal", color: "#999", dashed: true, points: workerCounts.map((w) => ({ x: w, y: w })) });
    const file = `farm-speedup-${txs}.svg`;
    writeFileSync(
      join(out, file),
      lineChart({
        title: `Prover farm speed-up, block of ${txs} txs`,
        subtitle: `${jobMs} ms simulated jobs; median of repeats, whiskers min–max; ${cpus().length} CPUs, shared`,
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
        subtitle: "1 worker each, same tree; median of paired repeats, whiskers min–max",
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
    "jobs, one fewer merge jobs and a root job. Each job's simulated proving cost is chained sha256,",
    `calibrated on this machine: ${rate.toFixed(0)} iterations/ms, so a ${jobMs} ms job is ${workFor(jobMs).toLocaleString("en-US")} iterations.`,
    "Wall time runs from the proof request to the tree root, workers already started and warm.",
    "",
    "Each repeat proves a fresh block with every variant back to back (order rotated per repeat), so",
    "ratios compare runs made side by side; every figure is the median over repeats with [min–max].",
    "`threads` is the in-process farm (`ProverFarm` with worker threads); `Redis` is `RedisBroker` in",
    "this process and `fernet farm-worker` child processes (one thread each) on BullMQ, with a local",
    "`redis-server`. Mean job ms is the workers' own busy time per attempt; worker utilisation is the",
    "workers' busy time / (workers × wall time), how well the farm keeps its workers fed. When other",
    "processes compete for the CPUs, jobs get slower (mean job ms above the calibrated cost) and the",
    "speed-up drops with them, while utilisation shows what the farm itself loses to scheduling and",
    "transport.",
    "",
    `Machine: Node ${process.version}, ${cpu.length} CPU(s) (${cpu[0]?.model.trim() ?? "unknown"}), shared with other work:`,
    `load average (1 min) ${loadBefore[0].toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`,
    `(a load above ${cpu.length} means other processes were competing for the CPUs during the runs).`,
    `Total benchmark time: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    "",
    "## Speed-up against workers",
    "",
    speedTable,
    "",
    ...charts.filter((c) => c.startsWith("farm-speedup")).map((c) => `![speed-up](${c})`),
    "",
    "## Redis transport overhead per job",
    "",
    "(Redis wall − threads wall) / jobs, 1 worker each, same block, paired by repeat. The 0 ms row is",
    "the transport alone; at larger job costs the difference also carries the noise of the proving time.",
    "",
    overheadTable,
    "",
    "![overhead](farm-overhead.svg)",
    "",
    "## One crashed worker, retried",
    "",
    "One worker exit injected in the first attempt of `base-1`: the job is retried (a fresh thread for",
    "the thread farm; BullMQ's retry on a Redis worker, whose thread is replaced) and the proof is identical.",
    "Each repeat proves a clean block and a block with the crash back to back; the ratio is their wall times.",
    "Most of the cost is the replacement thread starting (it loads the TypeScript sources through ts-node).",
    "",
    retryTable,
    "",
  ].join("\n");
  writeFileSync(join(out, "farm.md"), report);
  console.log(`\n${speedTable}\n\n${overheadTable}\n\n${retryTable}\n`);
  console.log(`saved ${join(process.env.FARM_BENCH_OUT ?? "bench", "farm.md")} and ${charts.join(", ")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
