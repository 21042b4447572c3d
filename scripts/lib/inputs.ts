/**
 * Checks every input of `npm run deploy` (and the demo's options) before the first transaction, so a
 * bad value stops the script with a message naming the variable and what to do, and nothing is
 * deployed half-way.
 *
 * @example
 * ```ts
 * const inputs = await checkDeployInputs(process.env, ethers.provider, deployer.address);
 * await deploySystem({ preset: inputs.preset, token: inputs.token, ... });
 * ```
 */
import { existsSync, readFileSync } from "node:fs";
import { Interface, getAddress, isAddress, isHexString, type Provider } from "ethers";
import { getPreset, type Preset } from "../../sdk/src/config";
import { FernetError } from "../../sdk/src/errors";
import type { AstriaChainSpec } from "./deploy";

/** A deployment input is missing, malformed or points at the wrong kind of contract. */
export class DeployInputError extends FernetError {
  override name = "DeployInputError";
  constructor(
    readonly variable: string,
    problem: string,
    hint: string,
  ) {
    super(`${variable}: ${problem}`, hint);
  }
}

/** One sequencer to register at deployment (the deployer pays its stake). */
export interface InitialSequencer {
  sequencer: string;
  withdrawer: string;
}

/** The checked inputs of a deployment. */
export interface DeployInputs {
  preset: Preset;
  token?: string;
  verifier?: string;
  treasury?: string;
  genesisArchive?: string;
  genesisSeed?: string;
  astriaChain?: AstriaChainSpec;
  sequencers: InitialSequencer[];
}

const ERC20 = new Interface([
  "function totalSupply() view returns (uint256)",
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address,address) view returns (uint256)",
]);
const VERIFIER = new Interface(["function verify(bytes proof, bytes32 publicInputsHash) view returns (bool)"]);

function address(variable: string, value: string): string {
  if (!isAddress(value)) {
    throw new DeployInputError(variable, `"${value}" is not an address`, "Give a 0x-prefixed, 20-byte hex address.");
  }
  return getAddress(value);
}

async function contractAt(provider: Provider, variable: string, value: string): Promise<string> {
  const a = address(variable, value);
  if ((await provider.getCode(a)) === "0x") {
    throw new DeployInputError(variable, `no contract is deployed at ${a} on this network`, "Check the address and the --network you deploy to.");
  }
  return a;
}

/** Calls `data` on `to`; undefined if it reverted without data (no such function, no fallback). */
async function answer(provider: Provider, to: string, data: string): Promise<{ ok: true; result: string } | { ok: false; revertData: string }> {
  try {
    return { ok: true, result: await provider.call({ to, data }) };
  } catch (error) {
    const revertData = (error as { data?: string }).data ?? "0x";
    return { ok: false, revertData: typeof revertData === "string" ? revertData : "0x" };
  }
}

async function checkToken(provider: Provider, value: string, deployer: string): Promise<string> {
  const token = await contractAt(provider, "TOKEN_ADDRESS", value);
  for (const [fn, args] of [
    ["totalSupply", []],
    ["balanceOf", [deployer]],
    ["allowance", [deployer, deployer]],
  ] as const) {
    const r = await answer(provider, token, ERC20.encodeFunctionData(fn, args));
    if (!r.ok || r.result.length !== 66) {
      throw new DeployInputError("TOKEN_ADDRESS", `${token} does not answer ${fn}() as an ERC-20`, "Give a standard ERC-20 token (fee-on-transfer and rebasing tokens are not supported).");
    }
  }
  return token;
}

async function checkVerifier(provider: Provider, value: string): Promise<string> {
  const verifier = await contractAt(provider, "VERIFIER_ADDRESS", value);
  const r = await answer(provider, verifier, VERIFIER.encodeFunctionData("verify", ["0x", `0x${"00".repeat(32)}`]));
  // A verifier answers a bool for a junk proof, or refuses it with a reason; a contract without
  // verify() reverts with no data.
  const answersBool = r.ok && r.result.length === 66 && BigInt(r.result) <= 1n;
  const refusesWithReason = !r.ok && r.revertData !== "0x";
  if (!answersBool && !refusesWithReason) {
    throw new DeployInputError("VERIFIER_ADDRESS", `${verifier} does not answer IProofVerifier.verify(bytes,bytes32)`, "Give a contract implementing IProofVerifier (contracts/interfaces/IProofVerifier.sol).");
  }
  return verifier;
}

function bytes32(variable: string, value: string): string {
  if (!isHexString(value, 32)) {
    throw new DeployInputError(variable, `"${value}" is not a bytes32 value`, "Give 0x followed by 64 hex digits.");
  }
  return value;
}

function nonNegativeInteger(variable: string, field: string, value: unknown): bigint {
  const ok = (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) || (typeof value === "string" && /^[0-9]+$/.test(value));
  if (!ok) throw new DeployInputError(variable, `"${field}" must be a non-negative integer (got ${JSON.stringify(value)})`, "Fix the file.");
  return BigInt(value as number | string);
}

function readJson(variable: string, path: string): unknown {
  if (!existsSync(path)) throw new DeployInputError(variable, `file ${path} does not exist`, "Give the path of a JSON file.");
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new DeployInputError(variable, `${path} is not valid JSON (${(error as Error).message})`, "Fix the file.");
  }
}

/** Reads and checks an Astria chain spec file: every field present and well formed, signers distinct. */
export function checkAstriaChain(path: string): AstriaChainSpec {
  const v = "ASTRIA_CHAIN";
  const raw = readJson(v, path) as Record<string, unknown>;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new DeployInputError(v, `${path} must hold a JSON object`, "See deployments/examples/astria-chain.local.json.");
  const example = "See deployments/examples/astria-chain.local.json for the shape.";
  if (typeof raw.chainId !== "string" || raw.chainId.length === 0) throw new DeployInputError(v, `"chainId" must be a non-empty string`, example);
  const activeFromHeight = nonNegativeInteger(v, "activeFromHeight", raw.activeFromHeight);
  const startHeight = nonNegativeInteger(v, "startHeight", raw.startHeight);
  if (startHeight < activeFromHeight) {
    throw new DeployInputError(v, `"startHeight" (${startHeight}) is below "activeFromHeight" (${activeFromHeight}): those Astria heights could never be relayed`, "Start the L2 at or after the light client's first height.");
  }
  if (typeof raw.rollupId !== "string" || !isHexString(raw.rollupId, 32)) throw new DeployInputError(v, `"rollupId" must be a bytes32 hex string`, example);
  if (!Array.isArray(raw.validators) || raw.validators.length === 0) throw new DeployInputError(v, `"validators" must be a non-empty array`, example);
  const seen = new Set<string>();
  const validators = raw.validators.map((entry: unknown, i: number) => {
    const e = entry as Record<string, unknown>;
    if (typeof e?.signer !== "string" || !isAddress(e.signer)) throw new DeployInputError(v, `validators[${i}].signer is not an address`, example);
    const signer = getAddress(e.signer);
    if (seen.has(signer)) throw new DeployInputError(v, `validators[${i}].signer ${signer} appears twice`, "List each validator once.");
    seen.add(signer);
    const votingPower = nonNegativeInteger(v, `validators[${i}].votingPower`, e.votingPower);
    if (votingPower === 0n) throw new DeployInputError(v, `validators[${i}].votingPower must be positive`, "Remove validators without power.");
    return { signer, votingPower };
  });
  return { chainId: raw.chainId, activeFromHeight, rollupId: raw.rollupId, startHeight, validators };
}

/** Reads and checks an initial sequencer set file: `[{ "sequencer": "0x…", "withdrawer": "0x…" }, …]`. */
export function checkSequencers(path: string): InitialSequencer[] {
  const v = "INITIAL_SEQUENCERS";
  const raw = readJson(v, path);
  if (!Array.isArray(raw)) throw new DeployInputError(v, `${path} must hold a JSON array`, 'Write [{ "sequencer": "0x…", "withdrawer": "0x…" }, …].');
  const seen = new Set<string>();
  return raw.map((entry: unknown, i: number) => {
    const e = entry as Record<string, unknown>;
    if (typeof e?.sequencer !== "string" || !isAddress(e.sequencer)) throw new DeployInputError(v, `[${i}].sequencer is not an address`, "Fix the file.");
    const sequencer = getAddress(e.sequencer);
    if (seen.has(sequencer)) throw new DeployInputError(v, `[${i}].sequencer ${sequencer} appears twice`, "A key registers once.");
    seen.add(sequencer);
    const withdrawer = e.withdrawer === undefined ? sequencer : e.withdrawer;
    if (typeof withdrawer !== "string" || !isAddress(withdrawer)) throw new DeployInputError(v, `[${i}].withdrawer is not an address`, "Fix the file, or leave it out to use the sequencer.");
    return { sequencer, withdrawer: getAddress(withdrawer) };
  });
}

/**
 * Checks the deployment environment against the network: every variable of the README's deploy table.
 * @throws {@link DeployInputError} naming the first bad variable.
 */
export async function checkDeployInputs(env: NodeJS.ProcessEnv, provider: Provider, deployer: string): Promise<DeployInputs> {
  let preset: Preset;
  try {
    preset = getPreset(env.FERNET_PRESET ?? "local");
  } catch {
    throw new DeployInputError("FERNET_PRESET", `unknown preset "${env.FERNET_PRESET}"`, 'Use "local" or "mainnet-like".');
  }
  const inputs: DeployInputs = { preset, sequencers: [] };
  if (env.TOKEN_ADDRESS) inputs.token = await checkToken(provider, env.TOKEN_ADDRESS, deployer);
  if (env.VERIFIER_ADDRESS) inputs.verifier = await checkVerifier(provider, env.VERIFIER_ADDRESS);
  if (env.TREASURY) inputs.treasury = address("TREASURY", env.TREASURY);
  if (env.GENESIS_ARCHIVE) inputs.genesisArchive = bytes32("GENESIS_ARCHIVE", env.GENESIS_ARCHIVE);
  if (env.GENESIS_SEED) inputs.genesisSeed = bytes32("GENESIS_SEED", env.GENESIS_SEED);
  if (env.ASTRIA_CHAIN) inputs.astriaChain = checkAstriaChain(env.ASTRIA_CHAIN);
  if (env.INITIAL_SEQUENCERS) inputs.sequencers = checkSequencers(env.INITIAL_SEQUENCERS);
  if (inputs.sequencers.length > 0 && inputs.token) {
    const need = preset.registry.stake * BigInt(inputs.sequencers.length);
    const balance = BigInt(await provider.call({ to: inputs.token, data: ERC20.encodeFunctionData("balanceOf", [deployer]) }));
    if (balance < need) {
      throw new DeployInputError("INITIAL_SEQUENCERS", `the deployer holds ${balance} of TOKEN_ADDRESS, the stakes need ${need}`, "Fund the deployer, or register fewer sequencers.");
    }
  }
  return inputs;
}

/**
 * An integer option from the environment, or its default; refuses anything else with a named error.
 *
 * @example
 * ```ts
 * const blocks = intOption(process.env, "DEMO_BLOCKS", 5, 1, 1_000);
 * ```
 */
export function intOption(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?[0-9]+$/.test(raw.trim())) throw new DeployInputError(name, `"${raw}" is not an integer`, `Give a whole number from ${min} to ${max}.`);
  const value = Number(raw);
  if (value < min || value > max) throw new DeployInputError(name, `${value} is out of range`, `Give a whole number from ${min} to ${max}.`);
  return value;
}
