/**
 * `npm run deploy` — deploys token, registry, verifier and rollup and writes deployments/<network>.json.
 *
 * Environment:
 *   FERNET_PRESET   local (default) | mainnet-like
 *   TOKEN_ADDRESS   use an existing ERC-20 instead of deploying FernetToken
 *   VERIFIER_ADDRESS use a real verifier instead of the NOT SOUND MockProofVerifier
 *   TREASURY        receives slashed funds (default: burned)
 *   GENESIS_ARCHIVE bytes32 genesis archive (default documented in the README)
 *   GENESIS_SEED    bytes32 salt mixed with the deployment block's RANDAO (default: a fresh random one)
 *   ASTRIA_CHAIN    path to a JSON AstriaChainSpec: also deploy the Astria light client and slasher
 *   INITIAL_SEQUENCERS path to a JSON list [{ sequencer, withdrawer }]: registered (the deployer pays the
 *                   stakes) before the rollup, so they can lead from height 1
 * Every input is checked before the first transaction (scripts/lib/inputs.ts).
 * Networks: --network hardhat (in-process, default), localhost (a `npm run node`), remote (RPC_URL +
 * DEPLOYER_PRIVATE_KEY).
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ethers, network } from "hardhat";
import { deployAstria, deploySystem, type Deployed, type DeployedAstria } from "./lib/deploy";
import { checkDeployInputs } from "./lib/inputs";
import { FernetError } from "../sdk/src/errors";

export interface DeploymentFile {
  network: string;
  chainId: string;
  preset: string;
  deployer: string;
  deployBlock: number;
  verifierIsMock: boolean;
  /** Which script wrote it ("deploy" or "demo"); the demo never overwrites a file the deploy script wrote. */
  writtenBy?: "deploy" | "demo";
  /** Sequencers registered at deployment. */
  sequencers?: string[];
  contracts: { token: string; registry: string; verifier: string; rollup: string; astriaLightClient?: string; astriaSlasher?: string };
}

/**
 * The deployment file of a suite `deploySystem` (and `deployAstria`) put on the network this script
 * runs on.
 */
export async function deploymentFileOf(
  d: Deployed,
  meta: { preset: string; deployer: string; writtenBy: "deploy" | "demo"; sequencers?: string[]; astria?: DeployedAstria },
): Promise<DeploymentFile> {
  const { chainId } = await ethers.provider.getNetwork();
  return {
    network: network.name,
    chainId: chainId.toString(),
    preset: meta.preset,
    deployer: meta.deployer,
    deployBlock: d.deployBlock,
    verifierIsMock: d.verifierIsMock,
    writtenBy: meta.writtenBy,
    ...(meta.sequencers ? { sequencers: meta.sequencers } : {}),
    contracts: {
      token: await d.token.getAddress(),
      registry: await d.registry.getAddress(),
      verifier: await d.verifier.getAddress(),
      rollup: await d.rollup.getAddress(),
      ...(meta.astria ? { astriaLightClient: await meta.astria.lightClient.getAddress(), astriaSlasher: await meta.astria.slasher.getAddress() } : {}),
    },
  };
}

/** Writes `deployments/<network>.json` (`<network>.demo.json` for the demo, so it never replaces a deployment). */
export function writeDeployment(file: DeploymentFile): string {
  const dir = join(__dirname, "..", "deployments");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file.writtenBy === "demo" ? `${file.network}.demo.json` : `${file.network}.json`);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}

async function main(): Promise<void> {
  const [deployer] = await ethers.getSigners();
  if (!deployer) throw new Error("No deployer account: set DEPLOYER_PRIVATE_KEY for remote networks.");
  // Every input is checked before the first transaction.
  const inputs = await checkDeployInputs(process.env, ethers.provider, deployer.address);
  const { preset, sequencers } = inputs;
  const devNode = network.name === "hardhat" || network.name === "localhost";
  console.log(`Deploying to ${network.name} with preset "${preset.name}" (${preset.description}) from ${deployer.address}`);
  const stakes = preset.registry.stake * BigInt(sequencers.length);
  const d = await deploySystem({
    preset,
    deployer,
    token: inputs.token,
    verifier: inputs.verifier,
    treasury: inputs.treasury,
    genesisArchive: inputs.genesisArchive,
    genesisSeed: inputs.genesisSeed,
    // Initial sequencers: the deployer pays their stakes (minting them first from a fresh FernetToken).
    hookTransactions: sequencers.length === 0 ? 0 : sequencers.length + (inputs.token ? 1 : 2),
    beforeRollup: async (registry, token) => {
      if (sequencers.length === 0) return;
      if (!inputs.token) await (await token.mint(deployer.address, stakes)).wait();
      await (await token.approve(await registry.getAddress(), stakes)).wait();
      for (const s of sequencers) await (await registry.register(s.sequencer, s.withdrawer)).wait();
      console.log(`registered ${sequencers.length} sequencer(s)`);
      if (devNode) {
        // Active one slot before the rollup's deployment, so they may lead from height 1.
        await ethers.provider.send("evm_increaseTime", [Number(preset.registry.entryDelay) + 12]);
        await ethers.provider.send("evm_mine", []);
      } else {
        console.log(`they become Active after the ${preset.registry.entryDelay}s entry delay; until then rounds go to backup`);
      }
    },
  });
  const rollup = await d.rollup.getAddress();
  const astria = inputs.astriaChain ? await deployAstria({ preset, deployer, rollup, chain: inputs.astriaChain, treasury: inputs.treasury }) : undefined;
  if (astria) console.log("AstriaLightClient uses ECDSA stand-in keys for Astria's Ed25519 validators (see README).");
  const file = await deploymentFileOf(d, { preset: preset.name, deployer: deployer.address, writtenBy: "deploy", sequencers: sequencers.map((s) => s.sequencer), astria });
  const path = writeDeployment(file);
  console.table(file.contracts);
  if (d.verifierIsMock) console.log("WARNING: MockProofVerifier is a NOT SOUND stub; set VERIFIER_ADDRESS for anything real.");
  console.log(`Wrote ${path}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // A bad input is reported as one readable line (naming the variable); anything else with its stack.
    console.error(error instanceof FernetError ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
