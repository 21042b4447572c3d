/**
 * `runDemo`: the stories on a fresh deployment, a timeline per height, then the summary tables;
 * resolves with what each story's chain check found (the caller sets the exit code from `ok`).
 */
import { ethers } from "hardhat";
import { fnt, table } from "./timeline";
import { STORIES, STORY_NAMES, type Outcome, type StoryName } from "./stories";
import { DemoWorld, type DemoOptions, type HeightReport } from "./world";

/** What the demo found. */
export interface DemoResult {
  readonly ok: boolean;
  readonly stories: ReadonlyArray<{ readonly name: StoryName; readonly expect: string; readonly heights: readonly bigint[]; readonly outcome: Outcome }>;
  readonly heights: readonly HeightReport[];
  readonly deploymentFile: string;
  readonly wallMs: number;
  /** The world the demo ran in (services closed; its chain reader still works). */
  readonly world: DemoWorld;
}

/** Runs `stories` (in the demo's order) with `options`; prints through `out`. */
export async function runDemo(options: DemoOptions & { readonly stories: readonly StoryName[] }, out: (line: string) => void = console.log): Promise<DemoResult> {
  const started = Date.now();
  const world = await DemoWorld.create(options, out);
  const results: Array<DemoResult["stories"][number]> = [];
  try {
    for (const name of STORY_NAMES.filter((n) => options.stories.includes(n))) {
      const story = STORIES[name];
      out(`\n━━ story: ${story.title} — expect: ${story.expect}`);
      let heights: bigint[] = [];
      let outcome: Outcome;
      try {
        heights = await story.run(world);
        outcome = await story.check(world, heights);
      } catch (error) {
        outcome = { ok: false, fact: `the story failed to run: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` };
      }
      out(`   ${outcome.ok ? "✔" : "✘"} ${outcome.fact}`);
      results.push({ name, expect: story.expect, heights, outcome });
    }
  } finally {
    await world.close();
  }

  out("\nHeights:");
  out(
    table(
      ["height", "story", "leader", "prover", "outcome", "by", "gas", "farm", "user tx stages"],
      world.heights.map((h) => [
        h.height.toString(),
        h.story.length > 34 ? `${h.story.slice(0, 33)}…` : h.story,
        h.leader ? `${h.leader} (score ${h.leaderScore})` : "-",
        h.prover ?? "-",
        h.outcome === "proven" ? "proven" : `backup`,
        h.submitter,
        h.gasUsed.toLocaleString("en-US"),
        h.farmJobs ? `${h.farmJobs} jobs ${h.farmMs} ms` : "-",
        h.userTx ? h.userTx.stages.map((s) => s.replace(/[a-z]/g, "")).join("→") : "-",
      ]),
    ),
  );
  out("\nStories (checked from chain state):");
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    out(`  ${r.outcome.ok ? "✔" : "✘ MISSED"} ${r.name.padEnd(width)}  expected: ${r.expect}`);
    out(`    ${" ".repeat(width + (r.outcome.ok ? 0 : 7))}  on chain: ${r.outcome.fact}`);
  }
  const rollup = world.fernet.rollup;
  const [tip, pool, burned] = await Promise.all([rollup.tip(), rollup.rewardPool(), rollup.totalBurned()]);
  const all = [...world.farmStats.values()].flat();
  const wallMs = Date.now() - started;
  out(`\ntip ${tip}; reward pool left ${fnt(pool)}; burned ${fnt(burned)}; prover farms: ${all.length} proofs, ${all.reduce((n, s) => n + s.jobs, 0)} jobs, ${all.reduce((n, s) => n + s.retries, 0)} retries`);
  out(`demo wall time ${(wallMs / 1000).toFixed(1)} s; chain ${(await ethers.provider.getNetwork()).chainId}; deployment ${world.deploymentFile}`);
  const ok = results.length > 0 && results.every((r) => r.outcome.ok);
  out(ok ? "all expected outcomes happened" : `MISSED: ${results.filter((r) => !r.outcome.ok).map((r) => r.name).join(", ")}`);
  return { ok, stories: results, heights: world.heights, deploymentFile: world.deploymentFile, wallMs, world };
}
