/**
 * `connect(deployment, runner)`: one object with a client per deployed contract, after checking the
 * chain id and that code is deployed at every address.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider } from "ethers";
 * import { connect } from "@fernet/sdk";
 * const fernet = await connect("deployments/localhost.json", new JsonRpcProvider("http://127.0.0.1:8545"));
 * console.log(await fernet.rollup.pendingHeight());
 * ```
 */
import { getAddress, isAddress, type ContractRunner } from "ethers";
import { decoded } from "../contract-errors";
import { AstriaLightClientClient, AstriaSlasherClient } from "./astria";
import { ChainMismatchError, InvalidDeploymentError, NoCodeError, WiringMismatchError } from "./errors";
import { RegistryClient } from "./registry";
import { RollupClient } from "./rollup";
import { TokenClient } from "./token";

/**
 * The addresses of a deployment (what `deployments/<network>.json` holds under `contracts`).
 *
 * @example
 * ```ts
 * const fernet = await connect({ registry, rollup, token } satisfies DeploymentAddresses, provider);
 * ```
 */
export interface DeploymentAddresses {
  registry: string;
  rollup: string;
  token: string;
  verifier?: string;
  astriaLightClient?: string;
  astriaSlasher?: string;
}

/**
 * A `deployments/<network>.json` file (written by `npm run deploy`), or the part `connect` needs.
 *
 * @example
 * ```ts
 * const deployment: Deployment = JSON.parse(await readFile("deployments/localhost.json", "utf8"));
 * const fernet = await connect(deployment, provider);
 * ```
 */
export interface Deployment {
  network?: string;
  /** Decimal string or number; checked against the provider's chain when present. */
  chainId?: string | number | bigint;
  preset?: string;
  deployBlock?: number;
  verifierIsMock?: boolean;
  contracts: DeploymentAddresses;
}

/**
 * Options of {@link connect}.
 *
 * @example
 * ```ts
 * const fernet = await connect("deployments/localhost.json", provider, { checkCode: false });
 * ```
 */
export interface ConnectOptions {
  /** Check that code is deployed at every address (default true). */
  checkCode?: boolean;
  /**
   * Check that the contracts point at each other as the deployment says: the rollup's token,
   * registry and verifier, the registry's token, the Astria slasher's rollup and light client
   * (default: as `checkCode`).
   */
  checkWiring?: boolean;
}

/**
 * A connected deployment: one client per contract.
 *
 * @example
 * ```ts
 * const fernet: Fernet = await connect("deployments/localhost.json", provider);
 * const asMe = fernet.withRunner(wallet);
 * ```
 */
export interface Fernet {
  chainId: bigint;
  deployment: Deployment;
  registry: RegistryClient;
  rollup: RollupClient;
  token: TokenClient;
  /** Present when the deployment has the Astria contracts. */
  astriaSlasher?: AstriaSlasherClient;
  astriaLightClient?: AstriaLightClientClient;
  /** The same clients bound to another runner (e.g. a signer). */
  withRunner(runner: ContractRunner): Fernet;
}

async function load(deployment: Deployment | DeploymentAddresses | string): Promise<Deployment> {
  if (typeof deployment === "string") {
    const { readFile } = await import("node:fs/promises");
    let text: string;
    try {
      text = await readFile(deployment, "utf8");
    } catch (cause) {
      throw new InvalidDeploymentError(`can't read ${deployment}`, { cause });
    }
    try {
      return JSON.parse(text) as Deployment;
    } catch (cause) {
      throw new InvalidDeploymentError(`${deployment} is not JSON`, { cause });
    }
  }
  return "contracts" in deployment ? deployment : { contracts: deployment };
}

function validate(d: Deployment): void {
  if (!d || typeof d !== "object" || !d.contracts || typeof d.contracts !== "object") throw new InvalidDeploymentError("no `contracts` object");
  for (const name of ["registry", "rollup", "token"] as const) {
    if (!isAddress(d.contracts[name])) throw new InvalidDeploymentError(`contracts.${name} is not an address (${String(d.contracts[name])})`);
  }
  for (const name of ["verifier", "astriaLightClient", "astriaSlasher"] as const) {
    const a = d.contracts[name];
    if (a !== undefined && !isAddress(a)) throw new InvalidDeploymentError(`contracts.${name} is not an address (${String(a)})`);
  }
}

function clients(d: Deployment, chainId: bigint, runner: ContractRunner): Fernet {
  const c = d.contracts;
  return {
    chainId,
    deployment: d,
    registry: new RegistryClient(getAddress(c.registry), runner),
    rollup: new RollupClient(getAddress(c.rollup), runner),
    token: new TokenClient(getAddress(c.token), runner),
    astriaSlasher: c.astriaSlasher ? new AstriaSlasherClient(getAddress(c.astriaSlasher), runner) : undefined,
    astriaLightClient: c.astriaLightClient ? new AstriaLightClientClient(getAddress(c.astriaLightClient), runner) : undefined,
    withRunner: (next) => clients(d, chainId, next),
  };
}

/**
 * Connects to a deployment: a `deployments/<network>.json` path or object, or explicit addresses.
 * Checks the chain id (when the deployment has one) and, unless disabled, that code is deployed at
 * every address and that the contracts point at each other as the deployment says.
 *
 * @throws {@link InvalidDeploymentError}, {@link ChainMismatchError}, {@link NoCodeError}, {@link WiringMismatchError}
 * @example
 * ```ts
 * const fernet = await connect({ registry, rollup, token }, signer);
 * await fernet.rollup.deposit(bond);
 * ```
 */
export async function connect(deployment: Deployment | DeploymentAddresses | string, runner: ContractRunner, options: ConnectOptions = {}): Promise<Fernet> {
  const d = await load(deployment);
  validate(d);
  const provider = runner.provider;
  if (!provider) throw new InvalidDeploymentError("the runner has no provider (connect the signer to one)");
  const { chainId } = await decoded(() => provider.getNetwork());
  if (d.chainId !== undefined && d.chainId !== null && BigInt(d.chainId) !== chainId) throw new ChainMismatchError(BigInt(d.chainId), chainId);
  if (options.checkCode !== false) {
    const entries = Object.entries(d.contracts).filter(([, a]) => typeof a === "string") as [string, string][];
    const codes = await decoded(() => Promise.all(entries.map(([, a]) => provider.getCode(a))));
    const missing = entries.filter((_, i) => codes[i] === "0x").map(([name, address]) => ({ name, address }));
    if (missing.length > 0) throw new NoCodeError(missing);
  }
  const fernet = clients(d, chainId, runner);
  if (options.checkWiring ?? options.checkCode !== false) await checkWiring(fernet);
  return fernet;
}

/** Compares what each contract points at with the deployment's addresses (one batched round trip). */
async function checkWiring(f: Fernet): Promise<void> {
  const c = f.deployment.contracts;
  const [config, registryToken, slasher] = await Promise.all([f.rollup.getConfig(), f.registry.token(), f.astriaSlasher?.getConfig()]);
  const pairs: [string, string, string | undefined, string][] = [
    ["rollup", "token", c.token, config.token],
    ["rollup", "registry", c.registry, config.registry],
    ["rollup", "verifier", c.verifier, config.verifier],
    ["registry", "token", c.token, registryToken.address],
  ];
  if (slasher) pairs.push(["astriaSlasher", "rollup", c.rollup, slasher.rollup], ["astriaSlasher", "lightClient", c.astriaLightClient, slasher.lightClient]);
  const mismatches = pairs
    .filter(([, , expected, actual]) => expected !== undefined && expected.toLowerCase() !== actual.toLowerCase())
    .map(([contract, field, expected, actual]) => ({ contract, field, expected: getAddress(expected!), actual: getAddress(actual) }));
  if (mismatches.length > 0) throw new WiringMismatchError(mismatches);
}
