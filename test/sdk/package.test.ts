/**
 * The SDK as a user gets it: build it, `npm pack` it, install the tarball into fresh CommonJS and ES
 * module TypeScript projects next to `ethers` (linked from this repository's node_modules, so nothing
 * comes from the network), type-check them with `strict`, then run every program of sdk/examples from each
 * against a deployment (three initial sequencers) on a `hardhat node` started on a free loopback port. Also loads every package
 * subpath from both builds with plain `node`, and runs the prover farm's worker threads from `dist/`.
 */
import { expect } from "chai";
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { freePort, waitForRpc } from "../../scripts/lib/net";

const ROOT = join(__dirname, "..", "..");
const SDK = join(ROOT, "sdk");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const HARDHAT = join(ROOT, "node_modules", "hardhat", "internal", "cli", "cli.js");

/** This process's environment without what the test runner adds (ts-node hooks): a user's shell. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TS_NODE") && k !== "NODE_OPTIONS" && !k.startsWith("HARDHAT")));
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 240_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: { ...userEnv(), ...env }, encoding: "utf8", timeout });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r;
}



/** Every example program shipped in sdk/examples (each takes a deployment file and an RPC URL, and prints JSON last). */
const EXAMPLES = readdirSync(join(SDK, "examples")).filter((f) => f.endsWith(".ts")).sort();

const TSCONFIG = (module: string) => ({
  compilerOptions: { target: "es2022", module, moduleResolution: module === "commonjs" ? "node10" : module, strict: true, outDir: "out", types: ["node"], esModuleInterop: true },
  include: ["*.ts"],
});

describe("SDK package", function () {
  this.timeout(600_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "fernet-sdk-pack-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("packs, installs into CommonJS and ESM TypeScript projects, type-checks strictly and runs against hardhat node", async () => {
    run(process.execPath, [join(SDK, "scripts", "build.mjs")], SDK);
    const packed = run("npm", ["pack", "--json", "--pack-destination", dir], SDK);
    const [{ filename, files }] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const paths = files.map((f) => f.path);
    expect(paths).to.include.members(["package.json", "README.md", "dist/cjs/index.js", "dist/esm/index.js", "dist/cjs/prover/worker.js", "dist/esm/prover/worker.js", "dist/esm/index.d.ts", "dist/cjs/prover/redis/index.js", "dist/esm/prover/redis/index.js"]);
    expect(paths.some((p) => p.startsWith("src/"))).to.equal(false);
    const tarball = join(dir, filename);

    // Every subpath loads with plain node from both builds, and the farm's workers start from dist/.
    const farm =
      'const tx = ["0x" + "11".repeat(32), "0x" + "22".repeat(32), "0x" + "33".repeat(32)];\n' +
      'const header = sdk.buildHeader({ height: 1n, parentArchive: "0x" + "00".repeat(32), archive: "0x" + "aa".repeat(32), txHashes: tx, data: sdk.encodeBlockData(tx) });\n' +
      "const f = new prover.ProverFarm({ backend: new prover.MockProofBackend(), workers: 2, workPerJob: 1 });\n" +
      'const r = await f.prove({ chainId: 1n, rollup: "0x" + "12".repeat(20), header, prover: "0x" + "34".repeat(20), txHashes: tx });\n' +
      'await f.close();\nconsole.log("proof", r.proof, Object.keys(astria).length > 0, Object.keys(contracts).length > 0);\n';
    const smoke = {
      commonjs:
        'const sdk = require("@fernet/sdk"); const prover = require("@fernet/sdk/prover"); const astria = require("@fernet/sdk/astria"); const contracts = require("@fernet/sdk/contracts");\n' +
        `(async () => {\n${farm}})().catch((e) => { console.error(e); process.exit(1); });\n`,
      module:
        'import * as sdk from "@fernet/sdk"; import * as prover from "@fernet/sdk/prover"; import * as astria from "@fernet/sdk/astria"; import * as contracts from "@fernet/sdk/contracts";\n' +
        farm,
    };

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const node = spawn(process.execPath, [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: ROOT, stdio: "ignore" });
    try {
      await waitForRpc(url, 90_000);
      const sequencers = [0, 1, 2].map(() => ({ sequencer: Wallet.createRandom().address, withdrawer: Wallet.createRandom().address }));
      const initial = join(dir, "sequencers.json");
      writeFileSync(initial, JSON.stringify(sequencers));
      run(process.execPath, [HARDHAT, "run", "--network", "localhost", join(ROOT, "scripts", "deploy.ts")], ROOT, { LOCALHOST_RPC_URL: url, INITIAL_SEQUENCERS: initial });
      const deployment = join(dir, "localhost.json");
      copyFileSync(join(ROOT, "deployments", "localhost.json"), deployment);

      for (const kind of ["commonjs", "module"] as const) {
        const app = join(dir, kind);
        mkdirSync(app);
        writeFileSync(join(app, "package.json"), JSON.stringify({ name: `app-${kind}`, version: "1.0.0", private: true, type: kind }));
        writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG(kind === "commonjs" ? "commonjs" : "node16")));
        run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball, join(ROOT, "node_modules", "ethers"), join(ROOT, "node_modules", "@types", "node")], app);
        for (const example of EXAMPLES) copyFileSync(join(SDK, "examples", example), join(app, example));
        run(process.execPath, [TSC, "-p", "tsconfig.json"], app);
        const ran = new Set<string>();
        const last = (example: string): Record<string, unknown> => {
          ran.add(example);
          const out = run(process.execPath, [join(app, "out", example.replace(/\.ts$/, ".js")), deployment, url], app).stdout;
          return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, unknown>;
        };
        const keys = sequencers.map((s) => s.sequencer);
        const state = last("round-state.ts") as { height: string; phase: string; schedule: { height: string; leader: string | null }[] };
        expect(state.height).to.equal("1");
        expect(state.phase).to.be.oneOf(["NotStarted", "Proposal", "Commitment", "Backup"]);
        expect(state.schedule.map((s) => s.height)).to.deep.equal(["1", "2"]);
        expect(keys).to.include(state.schedule[0].leader);
        const ranking = last("ranking.ts") as { eligible: number; sameAsPagedView: boolean; leaderScoreMatchesContract: boolean; top: { sequencer: string }[] };
        expect(ranking).to.deep.include({ eligible: 3, sameAsPagedView: true, leaderScoreMatchesContract: true });
        expect(ranking.top.map((r) => r.sequencer)).to.have.members(keys);
        expect(ranking.top[0].sequencer).to.equal(state.schedule[0].leader);
        const events = last("watch-events.ts") as { sequencersRegistered: number; firstSequencer: string };
        expect(events).to.deep.include({ sequencersRegistered: 3, firstSequencer: keys[0] });
        for (const example of EXAMPLES.filter((e) => !ran.has(e))) last(example); // any other example must run and print JSON
        const smokeFile = kind === "commonjs" ? "smoke.cjs" : "smoke.mjs";
        writeFileSync(join(app, smokeFile), smoke[kind]);
        expect(run(process.execPath, [smokeFile], app).stdout).to.match(/proof 0x[0-9a-f]{64} true true/);
        const installed = JSON.parse(readFileSync(join(app, "node_modules", "@fernet", "sdk", "package.json"), "utf8")) as { peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional: boolean }> };
        expect(installed.peerDependencies).to.have.property("ethers");
        // The Redis farm is a subpath whose queue engine the app installs only if it uses it.
        expect(installed.peerDependenciesMeta).to.deep.equal({ bullmq: { optional: true }, ioredis: { optional: true } });
        const resolved = run(process.execPath, ["-e", 'console.log(require.resolve("@fernet/sdk/prover/redis"))'], app).stdout.trim();
        expect(resolved).to.equal(join(app, "node_modules", "@fernet", "sdk", "dist", "cjs", "prover", "redis", "index.js"));
        expect(readdirSync(join(app, "node_modules"))).to.not.include("bullmq");
        expect(readdirSync(join(app, "node_modules", "@fernet", "sdk"))).to.not.include("node_modules"); // one ethers: the app's
      }
    } finally {
      node.kill("SIGTERM");
    }
  });
});
