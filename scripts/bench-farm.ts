/**
 * Prover-farm benchmark: proves blocks of several sizes with 1 and 2 worker threads (plus one run
 * with an injected worker crash, to show the cost of a retry), checks every proof, prints a table
 * and saves it to `farm-bench.md`.
 *
 *   npx hardhat run scripts/bench-farm.ts      (or: npx ts-node scripts/bench-farm.ts)
 *
 * Environment: FARM_BENCH_SIZES="8,64,256" (txs per block), FARM_BENCH_WORKERS="1,2",
 * FARM_BENCH_WORK=10000 (chained sha256 iterations per job, the simulated proving cost),
 * FARM_BENCH_REPEAT=3 (proofs per row; the row shows the one with the median wall time).
 * Exits non-zero if a proof is not the mock verifier's or a tree root differs between worker counts.
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { getAddress, id, keccak256, toBeHex } from "ethers";
import { buildHeader, mockProof, type Header } from "../sdk/src/hashing";
import { MockProofBackend, ProverFarm, type FarmProof, type FaultPlan, type ProveRequest } from "../sdk/src/prover";

const CHAIN_ID = 31337n;
const ROLLUP = getAddress("0x00000000000000000000000000000000000f3e70");
const PROVER = getAddress("0x0000000000000000000000000000000000000b0b");
/** Generous: the benchmark measures proving, not recovery from stuck jobs. */
const JOB_TIMEOUT_MS = 600_000;
const MAX_ATTEMPTS = 3;
/** The one crash injected in the retry scenario (first attempt of the second base job). */
const CRASH_ONCE: FaultPlan = { "base-1": { mode: "exit", times: 1 } };

interface Row {
  txs: number;
  workers: number;
  scenario: string;
  result: FarmProof;
}

function numbers(name: string, fallback: string): number[] {
  const values = (process.env[name] ?? fallback).split(",").map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isSafeInteger(v) || v < 0)) {
    throw new TypeError(`${name} must be a comma-separated list of whole numbers (got "${process.env[name]}").`);
  }
  return values;
}

function requestFor(txCount: number): ProveRequest {
  const txHashes = Array.from({ length: txCount }, (_, i) =>
    keccak256(toBeHex(BigInt(txCount) * 1_000_000n + BigInt(i), 32)),
  );
  const header: Header = buildHeader({
    height: BigInt(txCount),
    parentArchive: id(`bench-parent-${txCount}`),
    archive: id(`bench-archive-${txCount}`),
    txHashes,
    data: toBeHex(txCount, 32),
  });
  return { chainId: CHAIN_ID, rollup: ROLLUP, header, prover: PROVER, txHashes };
}

/** The proof with the median wall time. */
function median(results: FarmProof[]): FarmProof {
  const sorted = [...results].sort((a, b) => a.stats.wallMs - b.stats.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

async function proveWith(
  workers: number,
  work: number,
  repeat: number,
  sizes: readonly number[],
  scenario: string,
  faults?: FaultPlan,
): Promise<Row[]> {
  const farm = new ProverFarm({
    workers,
    workPerJob: work,
    jobTimeoutMs: JOB_TIMEOUT_MS,
    maxAttempts: MAX_ATTEMPTS,
    backend: new MockProofBackend(),
    ...(faults ? { faults } : {}),
  });
  const rows: Row[] = [];
  try {
    await farm.prove(requestFor(0)); // warm-up: threads start and load their code outside the timings
    for (const txs of sizes) {
      console.log(
        `proving ${txs} txs with ${workers} worker(s)${faults ? ` (${scenario})` : ""}, ${repeat} time(s)...`,
      );
      const results: FarmProof[] = [];
      for (let i = 0; i < repeat; i++) results.push(await farm.prove(requestFor(txs)));
      const roots = new Set(results.map((r) => r.treeRoot));
      if (roots.size !== 1) throw new Error(`${txs} txs / ${workers} workers: tree roots differ between repeats`);
      rows.push({ txs, workers, scenario, result: median(results) });
    }
  } finally {
    await farm.close();
  }
  return rows;
}

async function main(): Promise<void> {
  const sizes = numbers("FARM_BENCH_SIZES", "8,64,256");
  const workerCounts = numbers("FARM_BENCH_WORKERS", "1,2");
  const [work] = numbers("FARM_BENCH_WORK", "10000");
  const [repeat] = numbers("FARM_BENCH_REPEAT", "3");
  if (repeat < 1) throw new TypeError("FARM_BENCH_REPEAT must be at least 1.");

  const rows: Row[] = [];
  for (const workers of workerCounts) rows.push(...(await proveWith(workers, work, repeat, sizes, "clean")));
  const crashWorkers = Math.max(...workerCounts);
  const crashSize = sizes.filter((s) => s >= 3).at(-1);
  if (crashSize !== undefined) {
    rows.push(...(await proveWith(crashWorkers, work, repeat, [crashSize], "1 worker crash", CRASH_ONCE)));
  }

  const failures: string[] = [];
  const rootOf = new Map<number, string>();
  for (const { txs, workers, result } of rows) {
    if (result.proof !== mockProof(result.publicInputsHash))
      failures.push(`${txs} txs / ${workers} workers: wrong proof`);
    const known = rootOf.get(txs);
    if (known !== undefined && known !== result.treeRoot)
      failures.push(`${txs} txs / ${workers} workers: other tree root`);
    rootOf.set(txs, result.treeRoot);
  }

  const baseline = new Map(rows.filter((r) => r.workers === 1 && r.scenario === "clean").map((r) => [r.txs, r]));
  const header = [
    "txs",
    "workers",
    "scenario",
    "jobs",
    "attempts",
    "retries",
    "wall ms",
    "jobs/s",
    "mean job ms",
    "speed-up",
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const { txs, workers, scenario, result } of rows) {
    const s = result.stats;
    const busy = s.byKind.base.busyMs + s.byKind.merge.busyMs + s.byKind.root.busyMs;
    const base = baseline.get(txs)?.result.stats.wallMs;
    lines.push(
      `| ${[
        txs,
        workers,
        scenario,
        s.jobs,
        s.attempts,
        s.retries,
        s.wallMs.toFixed(0),
        ((s.jobs * 1000) / s.wallMs).toFixed(1),
        (busy / s.attempts).toFixed(1),
        base === undefined ? "-" : `${(base / s.wallMs).toFixed(2)}x`,
      ].join(" | ")} |`,
    );
  }
  const table = lines.join("\n");
  const cpuList = cpus();
  const report = [
    "# Prover farm benchmark",
    "",
    "Generated by `npx hardhat run scripts/bench-farm.ts`. Each job does",
    `${work.toLocaleString("en-US")} chained sha256 iterations (the simulated proving cost); a block of n txs`,
    "has max(1, ⌈n/2⌉) base jobs, one fewer merge jobs and a root job. Wall time runs from the proof",
    "request to the final proof, worker threads already started; each row is the median of",
    `${repeat} proofs. Speed-up is against 1 worker. The machine is shared with other jobs, so`,
    "timings are indicative only.",
    "The crash row injects one worker exit (first attempt of `base-1`): the job is retried on a",
    "fresh thread and the proof is identical.",
    "",
    `Machine: Node ${process.version}, ${cpuList.length} CPU(s) (${cpuList[0]?.model.trim() ?? "unknown"}), shared.`,
    "",
    table,
    "",
  ].join("\n");
  console.log(`\n${table}\n`);
  writeFileSync(join(__dirname, "..", "farm-bench.md"), report);
  console.log("saved farm-bench.md");
  if (failures.length > 0) {
    throw new Error(`farm benchmark found wrong results:\n${failures.join("\n")}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
