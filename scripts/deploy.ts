/**
 * `npm run deploy` — deploys token, registry, verifier and rollup and writes deployments/<network>.json.
 *
 * Environment:
 *   FERNET_PRESET   local (default) | mainnet-like
 *   TOKEN_ADDRESS   use an existing ERC-20 instead of deploying FernetToken
 *   VERIFIER_ADDRESS use a real verifier instead of the NOT SOUND MockProofVerifier
 *   TREASURY        receives slashed funds (default: burned)
 *   GENESIS_ARCHIVE, GENESIS_SEED  bytes32 genesis values (defaults documented in the README)
 *   ASTRIA_CHAIN    path to a JSON AstriaChainSpec: also deploy the Astria light client and slasher
 * Networks: --network hardhat (in-process, default), localhost (a `npm run node`), remote (RPC_URL +
 * DEPLOYER_PRIVATE_KEY).
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ethers, network } from "hardhat";
import { getPreset } from "../sdk/src/config";
import { deployAstria, deploySystem, type AstriaChainSpec } from "./lib/deploy";

export interface DeploymentFile {
  network: string;
  chainId: string;
  preset: string;
  deployer: string;
  deployBlock: number;
  verifierIsMock: boolean;
  contracts: { token: string; registry: string; verifier: string; rollup: string; astriaLightClient?: string; astriaSlasher?: string };
}

/** Writes `deployments/<network>.json`. */
export function writeDeployment(file: DeploymentFile): string {
  const dir = join(__dirname, "..", "deployments");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${file.network}.json`);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}

async function main(): Promise<void> {
  const preset = getPreset(process.env.FERNET_PRESET ?? "local");
  const [deployer] = await ethers.getSigners();
  if (!deployer) throw new Error("No deployer account: set DEPLOYER_PRIVATE_KEY for remote networks.");
  console.log(`Deploying to ${network.name} with preset "${preset.name}" (${preset.description}) from ${deployer.address}`);
  const d = await deploySystem({
    preset,
    deployer,
    token: process.env.TOKEN_ADDRESS,
    verifier: process.env.VERIFIER_ADDRESS,
    treasury: process.env.TREASURY,
    genesisArchive: process.env.GENESIS_ARCHIVE,
    genesisSeed: process.env.GENESIS_SEED,
  });
  const { chainId } = await ethers.provider.getNetwork();
  const file: DeploymentFile = {
    network: network.name,
    chainId: chainId.toString(),
    preset: preset.name,
    deployer: deployer.address,
    deployBlock: d.deployBlock,
    verifierIsMock: d.verifierIsMock,
    contracts: {
      token: await d.token.getAddress(),
      registry: await d.registry.getAddress(),
      verifier: await d.verifier.getAddress(),
      rollup: await d.rollup.getAddress(),
    },
  };
  if (process.env.ASTRIA_CHAIN) {
    const chain = JSON.parse(readFileSync(process.env.ASTRIA_CHAIN, "utf8")) as AstriaChainSpec;
    const astria = await deployAstria({ preset, deployer, rollup: file.contracts.rollup, chain, treasury: process.env.TREASURY });
    file.contracts.astriaLightClient = await astria.lightClient.getAddress();
    file.contracts.astriaSlasher = await astria.slasher.getAddress();
    console.log("AstriaLightClient uses ECDSA stand-in keys for Astria's Ed25519 validators (see README).");
  }
  const path = writeDeployment(file);
  console.table(file.contracts);
  if (d.verifierIsMock) console.log("WARNING: MockProofVerifier is a NOT SOUND stub; set VERIFIER_ADDRESS for anything real.");
  console.log(`Wrote ${path}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
