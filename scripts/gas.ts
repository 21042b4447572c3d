/**
 * `npm run gas`: measures the gas of every protocol step with 1 and with 1,000 sequencers registered
 * and the runtime size of every deployable contract, prints the tables and saves them to
 * `gas-report.md`. Each operation must cost the same (within 1%) whatever the number of sequencers,
 * and every contract must stay under SIZE_BUDGET bytes; the script exits non-zero if not.
 *
 * `npm run gas:check` (GAS_CHECK=1) measures the same and compares with the committed report instead
 * of overwriting it: any gas or size row that moved by more than 1%, appeared or disappeared fails.
 *
 * Environment: GAS_POPULATIONS="1,1000" (comma-separated sizes; the first two are compared).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, network } from "hardhat";
import { takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import { GasSheet } from "./gas/common";
import { benchRegistry } from "./gas/registry";
import { benchRollup } from "./gas/rollup";
import { benchAstria } from "./gas/astria";

const TOLERANCE_BPS = 100n; // 1%
/** The project's budget for runtime code, under EIP-170's 24,576 bytes. */
const SIZE_BUDGET = 22_000;
/** Every contract a deployment puts on chain. */
const DEPLOYABLE = ["FernetRollup", "SequencerRegistry", "AstriaSlasher", "AstriaLightClient", "MockProofVerifier", "FernetToken"];
const REPORT = join(__dirname, "..", "gas-report.md");

/** Runtime code size in bytes of each deployable contract, from the build artifacts. */
async function sizes(): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  for (const name of DEPLOYABLE) {
    const artifact = await artifacts.readArtifact(name);
    out.push([name, (artifact.deployedBytecode.length - 2) / 2]);
  }
  return out;
}

/** The numbers of each table row of a report, keyed by its label columns. */
function rowsOf(markdown: string): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("| ") || line.startsWith("| section") || line.startsWith("| contract")) continue;
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    const labels = cells.filter((c) => !/^[0-9]+$/.test(c) && !c.endsWith("%") && c !== "" && c !== "-");
    const numbers = cells.filter((c) => /^[0-9]+$/.test(c)).map(Number);
    rows.set(labels.join(" | "), numbers);
  }
  return rows;
}

/** Rows of `fresh` that differ from `committed` by more than 1%, or exist in only one of them. */
function compare(committed: string, fresh: string): string[] {
  const before = rowsOf(committed);
  const after = rowsOf(fresh);
  const problems: string[] = [];
  for (const [label, values] of after) {
    const old = before.get(label);
    if (!old) {
      problems.push(`new row: ${label} (${values.join(", ")})`);
      continue;
    }
    values.forEach((v, i) => {
      const o = old[i];
      if (o === undefined || Math.abs(v - o) * 10_000 > o * Number(TOLERANCE_BPS)) {
        problems.push(`${label}: ${o ?? "-"} -> ${v}`);
      }
    });
  }
  for (const label of before.keys()) if (!after.has(label)) problems.push(`row gone: ${label}`);
  return problems;
}

async function main(): Promise<void> {
  if (network.name !== "hardhat") {
    throw new Error(`npm run gas measures on the in-process network only (got "${network.name}").`);
  }
  const populations = (process.env.GAS_POPULATIONS ?? "1,1000").split(",").map((s) => Number(s.trim()));
  const sheet = new GasSheet();
  for (const population of populations) {
    console.log(`measuring with ${population} sequencer(s) registered...`);
    const snapshot = await takeSnapshot();
    await benchRegistry(sheet, population);
    await snapshot.restore();
    await benchRollup(sheet, population);
    await snapshot.restore();
  }
  console.log("measuring the Astria light client and slasher...");
  await benchAstria(sheet);

  const [small, large] = populations;
  const header = ["section", "operation", ...populations.map((p) => `gas @ ${p}`), "difference"];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  const failures: string[] = [];
  for (const row of sheet.rows) {
    const a = row.gas.get(small);
    const b = large === undefined ? undefined : row.gas.get(large);
    let diff = "";
    if (a !== undefined && b !== undefined) {
      const delta = b > a ? b - a : a - b;
      diff = `${((Number(delta) * 100) / Number(a)).toFixed(2)}%`;
      if (delta * 10_000n > a * TOLERANCE_BPS) {
        failures.push(`${row.section} ${row.operation}: ${a} vs ${b}`);
      }
    }
    lines.push(
      `| ${row.section} | ${row.operation} | ${populations.map((p) => row.gas.get(p)?.toString() ?? "-").join(" | ")} | ${diff} |`,
    );
  }
  const table = lines.join("\n");
  const sized = await sizes();
  const sizeLines = ["| contract | runtime bytes | budget | EIP-170 limit |", "|---|---|---|---|"];
  for (const [name, bytes] of sized) {
    sizeLines.push(`| ${name} | ${bytes} | ${SIZE_BUDGET} | 24576 |`);
    if (bytes > SIZE_BUDGET) failures.push(`${name} is ${bytes} bytes, over the ${SIZE_BUDGET}-byte budget`);
  }
  const sizeTable = sizeLines.join("\n");
  const report = [
    "# Gas report",
    "",
    "Generated by `npm run gas` on the in-process Hardhat network (solc 0.8.28, optimizer 200 runs).",
    "Each operation is measured with the given number of sequencers registered beforehand; every",
    "operation is O(1), so the columns must agree within 1%. Astria rows do not depend on the number of",
    "sequencers and are measured once (population 1).",
    "",
    table,
    "",
    "## Contract sizes",
    "",
    `Runtime code of every deployable contract (optimizer on); the project's budget is ${SIZE_BUDGET} bytes.`,
    "",
    sizeTable,
    "",
  ].join("\n");
  console.log(`\n${table}\n\n${sizeTable}\n`);
  if (process.env.GAS_CHECK) {
    if (!existsSync(REPORT)) throw new Error("gas:check needs the committed gas-report.md; run `npm run gas` first.");
    const problems = compare(readFileSync(REPORT, "utf8"), report);
    if (problems.length > 0) {
      throw new Error(
        `gas or size moved by more than 1% from gas-report.md (run \`npm run gas\` and commit the report if intended):\n${problems.join("\n")}`,
      );
    }
    console.log("gas and sizes match gas-report.md within 1%");
  } else {
    writeFileSync(REPORT, report);
    console.log("saved gas-report.md");
  }
  if (failures.length > 0) {
    throw new Error(`gas grows with the number of sequencers, or a contract is over budget:\n${failures.join("\n")}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
