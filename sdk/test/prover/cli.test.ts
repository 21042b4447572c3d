import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { EXIT, COMMANDS, main, type CommandIo } from "../../src/cli/fernet";
import { parseFarmWorkerFlags } from "../../src/cli/farm-worker";
import { FERNET_BIN, REPO_ROOT } from "./redis-server";

/** Runs `fernet` in this process, capturing its output. */
async function fernet(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await main(argv, { io, signal: new AbortController().signal });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("fernet command", function () {
  this.timeout(60_000);

  describe("dispatcher", () => {
    it("lists its subcommands on --help and exits 0", async () => {
      const { code, out } = await fernet("--help");
      expect(code).to.equal(EXIT.ok);
      expect(out).to.contain("Usage: fernet <command>");
      for (const name of Object.keys(COMMANDS)) expect(out).to.contain(name);
    });

    it("prints the usage and exits 2 without a subcommand", async () => {
      const { code, out } = await fernet();
      expect(code).to.equal(EXIT.usage);
      expect(out).to.contain("farm-worker");
    });

    it("rejects an unknown subcommand with exit code 2, naming it and the known ones", async () => {
      const { code, err } = await fernet("sequencer-typo");
      expect(code).to.equal(EXIT.usage);
      expect(err).to.contain('Unknown command "sequencer-typo"').and.contain("farm-worker");
    });

    it("exits with those codes as a process too (bin/fernet.js)", () => {
      const help = spawnSync(process.execPath, [FERNET_BIN, "farm-worker", "--help"], { cwd: REPO_ROOT, encoding: "utf8" });
      expect(help.status).to.equal(EXIT.ok);
      expect(help.stdout).to.contain("--redis <url>");
      const unknown = spawnSync(process.execPath, [FERNET_BIN, "nope"], { cwd: REPO_ROOT, encoding: "utf8" });
      expect(unknown.status).to.equal(EXIT.usage);
      expect(unknown.stderr).to.contain('Unknown command "nope"');
    });
  });

  describe("farm-worker flags", () => {
    it("rejects an unknown flag, a missing --redis and bad numbers with exit code 2", async () => {
      for (const [argv, message] of [
        [["farm-worker", "--redis", "redis://127.0.0.1:6379", "--bogus"], "Unknown option '--bogus'"],
        [["farm-worker"], "--redis <url> is required"],
        [["farm-worker", "--redis", "redis://127.0.0.1:6379", "--concurrency", "two"], "--concurrency must be"],
        [["farm-worker", "--redis", "redis://127.0.0.1:6379", "--lock-ms", "5"], "--lock-ms must be"],
        [["farm-worker", "--redis", "http://127.0.0.1:6379"], 'Invalid prover farm option "redis"'],
      ] as const) {
        const { code, err } = await fernet(...argv);
        expect(code, argv.join(" ")).to.equal(EXIT.usage);
        expect(err, argv.join(" ")).to.contain(message);
      }
    });

    it("takes flags over the environment", () => {
      const env = { FERNET_REDIS_URL: "redis://10.0.0.1:6379", FERNET_FARM_QUEUE: "env-queue" };
      expect(parseFarmWorkerFlags([], env).options).to.deep.equal({ redis: env.FERNET_REDIS_URL, queue: "env-queue" });
      const flags = parseFarmWorkerFlags(["--redis", "redis://10.0.0.2:6379", "--concurrency", "3", "--name", "w"], env);
      expect(flags.options).to.deep.include({ redis: "redis://10.0.0.2:6379", queue: "env-queue", concurrency: 3, workerId: "w" });
    });
  });
});
