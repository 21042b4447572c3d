/**
 * Test harness of the services: a `hardhat node` on a free loopback port (a real process, stopped in
 * bounded time), a deployment on it through JSON-RPC signers, L1 time control, protocol steps for
 * the tests, the `fernet` CLI as a child process, and in-process command runs with captured logs;
 * `deployAstriaOnNode` adds the Astria light client and slasher.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers as hhEthers } from "hardhat";
import { HDNodeWallet, hexlify, JsonRpcProvider, MaxUint256, Network, randomBytes, sha256, toUtf8Bytes, Wallet, ZeroHash } from "ethers";
import { deployAstria, deploySystem } from "../../scripts/lib/deploy";
import { validatorSet } from "../../sdk/src/astria";
import { localValidatorWallets, LOCAL_VOTING_POWER } from "../../sdk/src/services/astria-local";
import { LOCAL } from "../../sdk/src/config";
import { connect, type Fernet } from "../../sdk/src/clients";
import { buildHeader, mockProof, publicInputsHash, type Header } from "../../sdk/src/hashing";
import { encodeBlockData } from "../../sdk/src/blockdata";
import { FernetToken__factory } from "../../typechain-types";
import type { Command, CommandIo } from "../../sdk/src/cli/command";
import { freePort } from "../../scripts/lib/net";
export { freePort };

export const ROOT = join(__dirname, "..", "..");
const HARDHAT = join(ROOT, "node_modules", "hardhat", "internal", "cli", "cli.js");
const FERNET = join(ROOT, "bin", "fernet.js");
/** hardhat node's default accounts. */
const MNEMONIC = "test test test test test test test test test test test junk";
export const TOKEN = 10n ** 18n;

/** Account `i` of hardhat node's mnemonic. */
export function account(i: number): HDNodeWallet {
  return HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
}

/** Resolves with a loopback TCP port that was free a moment ago. */

/** Polls `check` every `everyMs` until it returns a value other than undefined/false, or fails after `ms`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Stops a child process: SIGTERM, then SIGKILL after `graceMs`; resolves with its exit code (null if killed). */
export function stopProcess(child: ChildProcess, graceMs = 5_000, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

/** A running hardhat node. */
export interface Node {
  readonly url: string;
  readonly provider: JsonRpcProvider;
  stop(): Promise<void>;
}

/** Starts `hardhat node` on a free port and waits (bounded) until it answers. */
export async function startNode(): Promise<Node> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: ROOT, stdio: "ignore" });
  const stop = async (): Promise<void> => {
    provider.destroy();
    await stopProcess(child);
  };
  const provider = new JsonRpcProvider(url, Network.from(31337n), { staticNetwork: Network.from(31337n), pollingInterval: 100, cacheTimeout: -1 });
  try {
    await until("hardhat node", async () => {
      if (child.exitCode !== null) throw new Error(`hardhat node exited with ${child.exitCode}`);
      try {
        const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
        return r.ok;
      } catch {
        return false;
      }
    }, 90_000, 250);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, provider, stop };
}

/** A deployment on a node, with the accounts the tests use. */
export interface World {
  readonly node: Node;
  readonly fernet: Fernet;
  readonly deploymentFile: string;
  readonly dir: string;
  readonly deployBlock: number;
  readonly deployer: Wallet;
  readonly sequencers: Wallet[];
  readonly provers: Wallet[];
  /** Accounts for watchers and backup submitters (no tokens needed). */
  readonly others: Wallet[];
  /** `fernet` bound to `w`. */
  as(w: Wallet): Fernet;
}

function wallet(i: number, provider: JsonRpcProvider): Wallet {
  return new Wallet(account(i).privateKey, provider);
}

/**
 * Deploys the suite (LOCAL preset) on `node` with `deploySystem`, through JSON-RPC signers, with four
 * sequencers registered and active from height 1, two funded provers with escrow, a funded reward
 * pool; writes `deployments/localhost.json`-style file into a temp dir.
 */
export async function deployOnNode(node: Node): Promise<World> {
  const { provider } = node;
  const deployer = wallet(0, provider);
  const sequencers = [1, 2, 3, 4].map((i) => wallet(i, provider));
  const provers = [10, 11].map((i) => wallet(i, provider));
  const others = [15, 16, 17, 18].map((i) => wallet(i, provider));
  const token = await new FernetToken__factory(deployer).deploy("Fernet Token", "FNT", deployer.address);
  await token.waitForDeployment();
  for (const w of [deployer, ...sequencers, ...provers]) await (await token.mint(w.address, 1_000_000n * TOKEN)).wait();
  // deploySystem reads nonces and block numbers from hardhat's `ethers.provider`: point it at the node meanwhile.
  const hh = hhEthers as unknown as { provider: unknown };
  const saved = hh.provider;
  hh.provider = provider;
  let deployed: Awaited<ReturnType<typeof deploySystem>>;
  try {
    deployed = await deploySystem({
      preset: LOCAL,
      deployer,
      token: await token.getAddress(),
      beforeRollup: async (registry) => {
        for (const s of sequencers) {
          await (await token.connect(s).approve(await registry.getAddress(), MaxUint256)).wait();
          await (await registry.connect(s).register(s.address, s.address)).wait();
        }
        await provider.send("evm_increaseTime", [Number(LOCAL.registry.entryDelay) + 12]);
        await provider.send("evm_mine", []);
      },
    });
  } finally {
    hh.provider = saved;
  }
  const contracts = {
    token: await token.getAddress(),
    registry: await deployed.registry.getAddress(),
    verifier: await deployed.verifier.getAddress(),
    rollup: await deployed.rollup.getAddress(),
  };
  const dir = mkdtempSync(join(tmpdir(), "fernet-services-"));
  const deploymentFile = join(dir, "localhost.json");
  writeFileSync(deploymentFile, JSON.stringify({ network: "localhost", chainId: "31337", preset: "local", deployBlock: deployed.deployBlock, verifierIsMock: true, contracts }, null, 2));
  const fernet = await connect(deploymentFile, provider);
  const asDeployer = fernet.withRunner(deployer);
  await asDeployer.token.ensureAllowance(contracts.rollup, MaxUint256);
  await asDeployer.rollup.fundRewards(1_000n * TOKEN);
  for (const p of provers) {
    const f = fernet.withRunner(p);
    await f.token.ensureAllowance(contracts.rollup, MaxUint256);
  }
  return { node, fernet, deploymentFile, dir, deployBlock: deployed.deployBlock, deployer, sequencers, provers, others, as: (w) => fernet.withRunner(w) };
}

/** Timestamp of the latest block. */
export async function now(provider: JsonRpcProvider): Promise<bigint> {
  return BigInt((await provider.getBlock("latest"))!.timestamp);
}

/** Mines one block at `t` (or one second after the latest, if that is later); the node's clock goes on from there. */
export async function timeTo(provider: JsonRpcProvider, t: bigint): Promise<void> {
  // Services under test mine blocks meanwhile: a timestamp taken by one of them is retried (bounded).
  for (let attempt = 1; ; attempt++) {
    const current = await now(provider);
    try {
      await provider.send("evm_setNextBlockTimestamp", [Number(t > current ? t : current + 1n)]);
      await provider.send("evm_mine", []);
      return;
    } catch (error) {
      if (attempt >= 5 || !/previous block's timestamp|lower than the previous/i.test(String((error as Error).message))) throw error;
    }
  }
}

/** A random block for the pending height. */
export async function makeBlock(w: World): Promise<{ header: Header; data: string; txHashes: string[] }> {
  const height = (await w.fernet.rollup.tip()) + 1n;
  const txHashes = [0, 1, 2].map(() => hexlify(randomBytes(32)));
  const data = encodeBlockData(txHashes);
  const header = buildHeader({ height, parentArchive: await w.fernet.rollup.archive(), archive: hexlify(randomBytes(32)), txHashes, data, signal: ZeroHash });
  return { header, data, txHashes };
}

/** Ends the pending height with a backup block from `submitter` (the height must be in backup). */
export async function finalizeByBackup(w: World, submitter: Wallet): Promise<void> {
  const { header, data } = await makeBlock(w);
  const proof = mockProof(publicInputsHash(w.fernet.chainId, w.fernet.rollup.address, header, submitter.address));
  await w.as(submitter).rollup.submitBackupBlock(header, data, proof);
}

/** Captured output of an in-process command run. */
export interface Run {
  readonly lines: string[];
  readonly errors: string[];
  readonly done: Promise<number>;
  /** Parsed JSON log lines. */
  logs(): Array<Record<string, unknown>>;
  stop(): Promise<number>;
}

/** Runs `command` in-process with `env` set for its startup (keys are read at startup). */
export function runInProcess(command: Command, argv: string[], env: Record<string, string>): Run {
  const lines: string[] = [];
  const errors: string[] = [];
  const io: CommandIo = { out: (l) => lines.push(l), err: (l) => errors.push(l) };
  const controller = new AbortController();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let done: Promise<number>;
  try {
    // Services read their key synchronously at startup: the variables only need to be set for this call.
    done = command.run(argv, { io, signal: controller.signal });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return {
    lines,
    errors,
    done,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: async () => {
      controller.abort("test");
      return done;
    },
  };
}

/** Output of a finished `fernet` child process. */
export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment of a child: this one without the test runner's hooks. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TS_NODE") && k !== "NODE_OPTIONS" && !k.startsWith("HARDHAT")));
  return { ...base, ...extra };
}

/** Starts `node bin/fernet.js …` as a child process, collecting its output. */
export function spawnFernet(args: string[], env: Record<string, string> = {}): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<ChildResult> } {
  const child = spawn(process.execPath, [FERNET, ...args], { cwd: ROOT, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<ChildResult>((resolve) => child.once("exit", (code) => resolve({ code, stdout: out, stderr: err })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `fernet …` to completion (killed after `ms`). */
export async function runFernet(args: string[], env: Record<string, string> = {}, ms = 60_000): Promise<ChildResult> {
  const p = spawnFernet(args, env);
  const timer = setTimeout(() => p.child.kill("SIGKILL"), ms);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** JSON lines of a text. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** This L2's rollup id on the services' Astria stand-in: SHA-256 of its name, as Astria derives ids. */
export const ASTRIA_ROLLUP_ID = sha256(toUtf8Bytes("aztec-fernet"));
/** The Astria chain id the services' light client follows. */
export const ASTRIA_CHAIN_ID = "astria-local";

/**
 * Deploys the Astria light client (genesis set: `localValidatorWallets(4)`, the stand-in keys `fernet
 * astria` signs with, from Astria height 1) and the slasher for `w`'s rollup with `deployAstria`
 * (LOCAL preset), writes them into the deployment file as `astriaLightClient`/`astriaSlasher`, and bonds
 * `bond` (default: every sequencer) with the minimum bond. Returns the world connected anew.
 */
export async function deployAstriaOnNode(w: World, options: { bond?: Wallet[] } = {}): Promise<World> {
  const { provider } = w.node;
  const validators = validatorSet(localValidatorWallets(4).map((v) => ({ signer: v.address, votingPower: LOCAL_VOTING_POWER })));
  const hh = hhEthers as unknown as { provider: unknown };
  const saved = hh.provider;
  hh.provider = provider;
  let deployed: Awaited<ReturnType<typeof deployAstria>>;
  try {
    deployed = await deployAstria({
      preset: LOCAL,
      deployer: w.deployer,
      rollup: w.fernet.rollup.address,
      chain: { chainId: ASTRIA_CHAIN_ID, validators, activeFromHeight: 1n, rollupId: ASTRIA_ROLLUP_ID, startHeight: 1n },
    });
  } finally {
    hh.provider = saved;
  }
  const file = JSON.parse(readFileSync(w.deploymentFile, "utf8")) as { contracts: Record<string, string> };
  file.contracts.astriaLightClient = await deployed.lightClient.getAddress();
  file.contracts.astriaSlasher = await deployed.slasher.getAddress();
  writeFileSync(w.deploymentFile, JSON.stringify(file, null, 2));
  const fernet = await connect(w.deploymentFile, provider);
  for (const s of options.bond ?? w.sequencers) {
    const f = fernet.withRunner(s);
    await f.token.ensureAllowance(f.astriaSlasher!.address, MaxUint256);
    await f.astriaSlasher!.bond(s.address, LOCAL.astria.minimumBond);
  }
  return { ...w, fernet, as: (x) => fernet.withRunner(x) };
}
